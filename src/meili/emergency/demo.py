"""Demo data (演示数据) for the emergency and credit apps: an approved 2025 emission-reduction list, a winter
episode in January 2025 (forecast → proposal → issue → downgrade → lift → assessment → compliance from the
hourly online data of two listed enterprises' stacks: one cut, one did not), and two
years of credit records rated, approved and published. Everything goes through the services, acted by
demo-only accounts that cannot log in; enterprises are taken from the registry or created as demo records."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
from django.core.exceptions import ValidationError
from django.utils import timezone

from meili.accounts.models import OrgUnit, Role, User
from meili.standards.uscc import make_uscc

#: name, first 17 characters of the credit code, district, industry, grade, NOx baseline t/d, NOx cut y/o/r
ENTERPRISES = [
    ("威海演示水泥有限公司", "91371000DEM700001", "wendeng", "水泥（熟料）", "B", 3.2, (0.3, 0.64, 3.2)),
    ("威海演示轮胎有限公司", "91371000DEM700002", "huancui", "橡胶制品制造", "C", 0.9, (0.3, 0.45, 0.9)),
    ("荣成演示船舶涂装有限公司", "91371000DEM700003", "rongcheng", "工业涂装", "B", 0.4, (0.04, 0.08, 0.12)),
    ("乳山演示玻璃有限公司", "91371000DEM700004", "rushan", "玻璃", "D", 1.6, (0.48, 0.48, 1.6)),
    ("文登演示包装印刷有限公司", "91371000DEM700005", "wendeng", "包装印刷", "A", 0.1, (0.0, 0.0, 0.0)),
    ("威海演示热电有限公司", "91371000DEM700006", "huancui", "热力生产和供应", "保障类", 2.5, (0.2, 0.4, 0.6)),
]
MEASURES = {
    "B": ("禁用国四及以下重型货车运输", "熟料产量较基准降低20%并禁用国四货车", "停产并禁用国四货车"),
    "C": ("停止50%生产线", "停止全部硫化生产线", "停产"),
    "D": ("投料量降低30%", "投料量降低30%", "停产（保温）"),
    "A": ("自主减排", "自主减排", "自主减排"),
    "保障类": ("以热定产", "以热定产，负荷不超过80%", "以热定产，负荷不超过70%"),
}
FORECASTS = [
    (
        "2025-01-13 16:00",
        [
            ("2025-01-14", 135),
            ("2025-01-15", 168),
            ("2025-01-16", 212),
            ("2025-01-17", 236),
            ("2025-01-18", 188),
            ("2025-01-19", 120),
        ],
    ),
    ("2025-01-16 16:00", [("2025-01-17", 176), ("2025-01-18", 118), ("2025-01-19", 96), ("2025-01-20", 88)]),
]
#: flue-gas stacks with online monitoring during the episode: enterprise index → (port code, name, NOx mg/m³,
#: flow m³/s). The cement kiln cut: 100 × 250 × 3600 × 10⁻⁶ = 90 kg/h = 2.16 t/d ≤ 3.2 − 0.3 (yellow); the tyre
#: plant did not: 150 × 60 → 32.4 kg/h = 0.78 t/d > 0.9 − 0.3.
STACKS = {0: ("DA001", "窑尾烟囱", 100.0, 250.0), 1: ("DA001", "硫化车间排气筒", 150.0, 60.0)}
#: (enterprise index, rule code, decision number, date, fine)
VIOLATIONS = [
    (0, "warning", "威环罚〔2024〕12号", "2024-04-18", None),
    (1, "fine_small", "威环罚〔2024〕31号", "2024-07-02", 8000),
    (0, "order_correct", "威环罚〔2025〕5号", "2025-03-11", None),
    (0, "fine_small", "威环罚〔2025〕5号", "2025-03-11", 8000),
    (0, "stop_construction_report", "威环责〔2025〕2号", "2025-06-20", None),
    (1, "warning", "威环罚〔2025〕17号", "2025-05-09", None),
    (1, "order_correct", "威环罚〔2025〕17号", "2025-05-09", None),
    (2, "fine_small", "威环罚〔2025〕22号", "2025-08-14", 6000),
    (3, "stop_production", "威环责〔2025〕9号", "2025-10-30", None),
]


def _bot(username: str, role: str, name: str, remember) -> User:
    user = User(username=username, role=role, unit=OrgUnit.objects.get(code="sthjj"), full_name=name)
    user.set_unusable_password()
    user.save()
    return remember(user)


def _local(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def _enterprises(remember) -> list:
    from meili.sources.models import Enterprise

    out = []
    for name, code17, district, industry, *_rest in ENTERPRISES:
        code = make_uscc(code17)
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            enterprise = remember(
                Enterprise.objects.create(
                    name=name,
                    credit_code=code,
                    district=OrgUnit.objects.get(code=district),
                    industry_name=industry,
                    note="演示数据",
                )
            )
        out.append(enterprise)
    return out


def _list_workbook(enterprises, folder: Path) -> Path:
    from meili.emergency import lists

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(lists.COLUMNS))
    rows = []
    for i, ((name, _c, district, industry, grade, base, cuts), enterprise) in enumerate(
        zip(ENTERPRISES, enterprises, strict=True), 1
    ):
        values = dict.fromkeys(lists.COLUMNS)
        values.update(
            {
                "序号": i,
                "类别": "工业源",
                "企业名称": name,
                "统一社会信用代码": enterprise.credit_code,
                "区市": district,
                "行业": industry,
                "绩效等级": grade,
                "生产线及工序": "演示数据",
            }
        )
        values[lists.BASELINE_COLUMNS["NOx"]] = base
        for level, text, cut in zip(("yellow", "orange", "red"), MEASURES[grade], cuts, strict=True):
            values[lists.MEASURE_COLUMNS[level]] = text
            values[lists.REDUCTION_COLUMNS[(level, "NOx")]] = cut or None
            values[lists.REDUCTION_COLUMNS[(level, "PM")]] = round(cut / 4, 3) or None
        rows.append(values)
    dust = dict.fromkeys(lists.COLUMNS)
    dust.update({"序号": 7, "类别": "扬尘源", "企业名称": "全市建筑工地和道路扬尘（演示数据）"})
    mobile = dict.fromkeys(lists.COLUMNS)
    mobile.update({"序号": 8, "类别": "移动源", "企业名称": "重型柴油货车和非道路移动机械（演示数据）"})
    for level, pm, nox_dust, nox_mobile, text in (
        ("yellow", 0.9, 0.2, 1.6, "停止土石方作业；国四及以下货车限行"),
        ("orange", 1.8, 0.4, 3.1, "停止土石方和拆除作业；国四及以下货车禁行"),
        ("red", 2.8, 0.6, 3.6, "建筑工地停工；国五及以下货车禁行"),
    ):
        dust[lists.MEASURE_COLUMNS[level]] = text.split("；")[0]
        dust[lists.REDUCTION_COLUMNS[(level, "PM")]] = pm
        dust[lists.REDUCTION_COLUMNS[(level, "NOx")]] = nox_dust
        mobile[lists.MEASURE_COLUMNS[level]] = text.split("；")[1]
        mobile[lists.REDUCTION_COLUMNS[(level, "NOx")]] = nox_mobile
    for values in [*rows, dust, mobile]:
        sheet.append([values[c] for c in lists.COLUMNS])
    path = folder / "demo-list.xlsx"
    book.save(path)
    return path


def _online_data(officer, enterprises, start: dt.datetime, end: dt.datetime, remember) -> None:
    """Hourly data (CN 2061) of the demo stacks over the episode, through the receiver's own path (packets built,
    parsed, checked and stored as the receiver stores them). The devices are registered inactive: they stand for
    the episode's history and are not expected to send now (no outage alarm)."""
    import random

    from meili.online import ingest
    from meili.online import services as online
    from meili.online.simulator import Profile, packet
    from meili.sources import services as sources
    from meili.standards import hj212

    zone = timezone.get_current_timezone()
    rng = random.Random(15)
    now = timezone.now()
    items = []
    for index, (code, name, nox, flow) in STACKS.items():
        port = remember(sources.save_port(officer, enterprises[index], {"medium": "air", "code": code, "name": name}))
        device = remember(
            online.register_device(
                officer,
                {
                    "mn": f"DEMOEM{index + 1:010d}",
                    "password": "123456",
                    "port": port,
                    "name": f"{name}（演示数据）",
                    "active": False,
                },
            )
        )
        profile = Profile(device.mn, device.password, hj212.Edition.HJ212_2017, hj212.CrcVariant.HJ212)
        moment = timezone.localtime(start).replace(minute=0, second=0, microsecond=0, tzinfo=None)
        while moment < timezone.localtime(end).replace(tzinfo=None):
            values = [
                ("a21002-Avg", f"{nox * rng.uniform(0.95, 1.05):.2f}"),
                ("a21002-Flag", "N"),
                ("a00000-Avg", f"{flow * rng.uniform(0.97, 1.03):.3f}"),
                ("a00000-Flag", "N"),
            ]
            sent = moment + dt.timedelta(hours=1, minutes=1)
            raw = packet(profile, "2061", moment, values, sent)
            parsed = hj212.parse(raw)
            items.append(
                online.Incoming(
                    raw.decode("utf-8").rstrip("\r\n"),
                    sent.replace(tzinfo=zone),
                    "demo",
                    "stored",
                    device.pk,
                    device.mn,
                    parsed.cn,
                    parsed.qn or "",
                    moment.replace(tzinfo=zone),
                    rows=ingest.rows(parsed, now, zone, dt.timedelta(minutes=10)),
                )
            )
            moment += dt.timedelta(hours=1)
    online.store_batch(items)


def _forecast_file(folder: Path, issued: str, days) -> Path:
    path = folder / f"forecast-{issued[:10]}.csv"
    lines = ["城市,预报发布时间,日期,AQI,首要污染物"] + [
        f"{OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).first().code},{issued},{d},{a},PM2.5" for d, a in days
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(remember) -> None:
    from meili.credit import services as credit
    from meili.credit.models import Period
    from meili.emergency import compliance, lists, services
    from meili.emergency.models import AlertAction, ForecastBatch
    from meili.governance.models import Notification

    analyst = _bot("demo_emergency_analyst", Role.ANALYST, "演示分析员", remember)
    officer = _bot("demo_emergency_officer", Role.OFFICER, "演示值班员", remember)
    commander = _bot("demo_emergency_commander", Role.OFFICER, "演示带班负责人", remember)
    leader = _bot("demo_emergency_leader", Role.LEADER, "演示局领导", remember)
    enterprises = _enterprises(remember)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reduction_list = remember(
            lists.create_version(analyst, 2025, {"nox_t_per_year": 10950.0, "pm_t_per_year": 5475.0}, "演示数据")
        )
        lists.import_entries(analyst, reduction_list, _list_workbook(enterprises, folder))
        for entry in reduction_list.entries.all():
            remember(entry)
        lists.submit(analyst, reduction_list)
        lists.decide(leader, reduction_list, True, "演示数据")
        batches = []
        for issued, days in FORECASTS:
            result = services.import_forecast(officer, _forecast_file(folder, issued, days))
            batches.append(remember(ForecastBatch.objects.get(pk=result["batches"][0])))
    alert, _proposal = services.propose(officer, batches[0])
    remember(alert)
    services.issue(commander, alert, at=_local("2025-01-13T17:30"))  # not by its proposer (separation of duties)
    services.change_level(
        officer, alert, "yellow", "新一期预报：1月17日AQI 176，降为黄色（演示数据）", at=_local("2025-01-16T17:00")
    )
    services.lift(officer, alert, at=_local("2025-01-18T00:00"), note="预测空气质量持续改善（演示数据）")
    alert.refresh_from_db()
    for action in AlertAction.objects.filter(alert=alert):
        remember(action)
    for note in Notification.objects.filter(key__startswith=f"alert:{alert.pk}:"):
        remember(note)
    try:
        services.assess(officer, alert)
    except ValidationError:
        pass  # no stored hourly data for the episode: the assessment stays empty rather than invented
    _online_data(officer, enterprises, alert.issued_at, alert.lifted_at, remember)
    for finding in compliance.check_alert(officer, alert):
        remember(finding)
    for index, rule, number, day, fine in VIOLATIONS:
        remember(
            credit.add_violation(
                analyst,
                enterprises[index],
                rule=rule,
                decision_no=number,
                decided=dt.date.fromisoformat(day),
                fine_yuan=fine,
                facts="演示数据",
            )
        )
    for year in (2024, 2025):
        period = remember(Period.objects.get(year=year))
        for rating in credit.compute(analyst, period):
            remember(rating)
        credit.submit(analyst, period)
        credit.decide(leader, period, True, "演示数据")
        credit.publish(leader, period)
