"""Demo data (演示数据) for the governance app: cases in every state, supervision, extensions, a ledger.

Cases go through the real workflow functions (so their events, audit and clocks are genuine), acted
by two demo-only accounts that cannot log in; afterwards their timestamps are moved back to spread
the cases over the past months, and the deadlines are recomputed with the same clock rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meili.accounts.models import OrgUnit, Role, User
from meili.governance import clock, ledger, services
from meili.governance import workflow as wf
from meili.governance.models import (
    Attachment,
    Case,
    CaseEvent,
    Extension,
    HolidayOverride,
    LedgerBatch,
    LedgerUpdate,
    Notification,
    Reporter,
    Supervision,
)

#: (kind, district code, address, lat, lon, description)
PLACES = [
    (
        "air",
        "huancui",
        "环翠区张村镇某铸造厂附近",
        "37.4652",
        "122.0713",
        "铸造厂夜间生产，烟尘很大，周边居民窗台上都是黑灰。",
    ),
    (
        "noise",
        "huancui",
        "环翠区海滨北路某建筑工地",
        "37.5298",
        "122.1185",
        "工地晚上十一点后仍在打桩，噪声很大，影响休息。",
    ),
    (
        "water",
        "wendeng",
        "文登区母猪河下游河段",
        "37.1687",
        "122.0489",
        "河面漂浮白色泡沫，有刺鼻气味，疑似有企业偷排。",
    ),
    (
        "solid_waste",
        "rongcheng",
        "荣成市石岛管理区某村东山沟",
        "36.9104",
        "122.4120",
        "山沟里倾倒了大量建筑垃圾和废旧轮胎。",
    ),
    ("air", "etdz", "经区崮山镇某喷涂厂", "37.4326", "122.1932", "喷涂车间废气直排，油漆味很重。"),
    (
        "water",
        "rushan",
        "乳山市乳山口附近海域",
        "36.8391",
        "121.5562",
        "海边排水口排出黑色污水，附近养殖户反映虾苗死亡。",
    ),
    ("ecology", "rongcheng", "荣成市成山镇沿海防护林", "37.3805", "122.5527", "有人砍伐沿海防护林，开挖山体取土。"),
    ("noise", "torch", "高区某商业街酒吧", "37.5356", "122.0602", "酒吧夜间外放音乐，声音很大。"),
    (
        "air",
        "lingang",
        "临港区草庙子镇某沥青搅拌站",
        "37.2750",
        "122.0021",
        "沥青搅拌站烟气味道很大，没有看到治理设施。",
    ),
    ("soil", "wendeng", "文登区某废弃电镀厂旧址", "37.2205", "122.0891", "旧厂区地面有绿色液体渗出，担心土壤污染。"),
    ("radiation", "huancui", "环翠区某小区楼顶", "37.5064", "122.1107", "楼顶新装了通信基站，担心辐射超标。"),
    ("other", "rushan", "乳山市某畜禽养殖场", "36.9190", "121.5350", "养殖场粪污随意堆放，下雨后流进河沟，臭味很重。"),
]

#: target state and how many days ago the case came in
PLAN = [
    ("submitted", 1),
    ("submitted", 3),
    ("submitted", 17),
    ("accepted", 5),
    ("accepted", 9),
    ("assigned", 8),
    ("assigned", 30),
    ("investigating", 12),
    ("investigating", 40),
    ("reported", 20),
    ("reported", 25),
    ("closed", 45),
    ("closed", 52),
    ("closed", 70),
    ("closed", 85),
    ("followed_up", 95),
    ("followed_up", 110),
    ("followed_up", 130),
    ("followed_up", 150),
    ("followed_up", 175),
    ("followed_up", 200),
    ("followed_up", 230),
    ("reopened", 60),
    ("declined", 15),
    ("declined", 100),
    ("merged", 6),
    ("followed_up", 260),
    ("closed", 120),
    ("assigned", 4),
    ("followed_up", 290),
    ("investigating", 22),
    ("closed", 140),
    ("followed_up", 320),
    ("accepted", 2),
    ("followed_up", 340),
    ("declined", 200),
]
SATISFACTION = ["satisfied", "satisfied", "basically", "partly", "satisfied", "unsatisfied", "basically", "satisfied"]
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(200)
PDF = b"%PDF-1.4\n% demo evidence\n"


def _bot(username: str, role: str, name: str, remember) -> User:
    user = User(username=username, role=role, unit=OrgUnit.objects.get(code="sthjj"), full_name=name)
    user.set_unusable_password()
    user.save()
    return remember(user)


def _shift_case(case: Case, start: dt.datetime, slow: bool = False) -> None:
    """Move a case's history so that it began at *start* (steps a few days apart), deadlines recomputed."""
    cal = clock.Calendar()
    events = list(case.events.order_by("id"))
    gaps = {
        "submit": 0,
        "accept": 2,
        "decline": 3,
        "merge": 1,
        "assign": 1,
        "start": 1,
        "report": 12,
        "send_back": 2,
        "close": 6,
        "follow_up": 7,
        "reopen": 10,
        "supervise": 3,
        "extension_request": 1,
        "extension_approved": 1,
    }
    if slow:  # a unit that took its time: the case is closed after the finishing deadline
        gaps["report"] = 60
    time = start
    stamps = {}
    for event in events:
        time = time + dt.timedelta(days=gaps.get(event.action, 1), hours=1)
        if event.action == "submit":
            time = start
        CaseEvent.objects.filter(pk=event.pk).update(time=time)
        stamps[event.action] = time

    def day(t):
        return timezone.localdate(t)

    fields = {
        "submitted_at": start,
        "accept_due": clock.due("accept", day(start), cal),
        "number": services.next_number(day(start)),
    }
    if "accept" in stamps:
        fields["accepted_at"] = stamps["accept"]
        fields["finish_due"] = clock.due(wf.finish_rule(case), day(stamps["accept"]), cal)
        if case.extension_days:
            fields["finish_due"] = cal.add(
                fields["finish_due"], case.extension_days, clock.rule(wf.finish_rule(case))[1]
            )
    if "reopen" in stamps:
        fields["finish_due"] = clock.due(wf.finish_rule(case), day(stamps["reopen"]), cal)
    if "assign" in stamps:
        fields["assigned_at"] = stamps["assign"]
        fields["unit_due"] = min(clock.due("unit", day(stamps["assign"]), cal), fields.get("finish_due") or dt.date.max)
    if "report" in stamps:
        fields["reported_at"] = stamps["report"]
    if "close" in stamps and case.closed_at:
        fields["closed_at"] = stamps["close"]
        fields["closed_on_time"] = day(stamps["close"]) <= fields["finish_due"]
        fields["review_until"] = clock.due("review_request", day(stamps["close"]), cal)
        fields["followup_due"] = clock.due("followup", day(stamps["close"]), cal)
    if "follow_up" in stamps and case.followed_up_at:
        fields["followed_up_at"] = stamps["follow_up"]
    Case.objects.filter(pk=case.pk).update(**fields)
    Attachment.objects.filter(case=case).update(uploaded_at=start)


def load(remember) -> None:
    """A few dozen cases in every state, supervision and extensions, a small ledger (演示数据)."""
    officer = _bot("demo-case-officer", Role.OFFICER, "信访办理员（演示数据生成）", remember)
    leader = _bot("demo-case-leader", Role.LEADER, "分管领导（演示数据生成）", remember)
    # separation of duties: findings and closure requests are reviewed by another officer
    reviewer = _bot("demo-case-reviewer", Role.OFFICER, "审核员（演示数据生成）", remember)
    units = {u.code: u for u in OrgUnit.objects.all()}
    remember(
        HolidayOverride.objects.get_or_create(
            date=dt.date(2027, 1, 1), kind="holiday", defaults={"name": "元旦（演示：请按国务院通知维护）"}
        )[0]
    )
    now = timezone.now()
    made: list[Case] = []
    for index, (state, days_ago) in enumerate(PLAN):
        kind, district, address, lat, lon, text = PLACES[index % len(PLACES)]
        named = index % 3 != 0
        files = (
            [SimpleUploadedFile(f"现场照片{index + 1}.jpg", JPEG, content_type="image/jpeg")] if index % 4 == 0 else []
        )
        case = services.submit(
            kind=kind,
            description=text + "（演示数据）",
            address=address,
            district=units[district],
            latitude=Decimal(lat) + Decimal(index % 5) / 500,
            longitude=Decimal(lon) + Decimal(index % 7) / 500,
            occurred="近一周夜间",
            anonymous=not named,
            name=f"演示举报人{index + 1}" if named else "",
            phone=f"1000000{index:04d}" if named else "",
            files=files,
            channel=["web", "phone", "web", "12345", "letter", "inspection"][index % 6],
            user=officer,
        )
        if state == "declined":
            wf.decline(officer, case, "反映事项属于物业管理纠纷，不属于生态环境部门职责，已告知向有关部门反映。")
        elif state == "merged":
            target = next(c for c in made if c.kind == case.kind and c.state in ("submitted", "accepted"))
            wf.merge(officer, case, target, "同一地点同类问题，合并办理")
        elif state != "submitted":
            case = wf.accept(officer, case)
            if state != "accepted":
                unit = units[district]
                case = wf.assign(officer, case, unit, note="请核查并按期反馈")
                if index % 5 == 0:
                    services.supervise(
                        officer,
                        case,
                        unit=unit,
                        method="phone",
                        person="分局负责人",
                        requirement="请加快核查进度",
                        due=None,
                    )
                if state != "assigned":
                    case = wf.start(officer, case)
                    if index % 6 == 2:
                        ext = services.request_extension(officer, case, 15, "需委托第三方监测，检测周期较长")
                        services.decide_extension(leader, ext, True, "同意延期")
                    if state != "investigating":
                        wf.report(
                            officer,
                            case,
                            "经现场核查，反映问题基本属实，已责令整改（演示数据）。",
                            ["true", "partly", "false"][index % 3],
                            [SimpleUploadedFile("核查照片.jpg", JPEG, content_type="image/jpeg")],
                        )
                        if state != "reported":
                            wf.close(
                                reviewer,
                                case,
                                "责令限期整改，依法立案查处。",
                                "您反映的问题经核查属实，已责令相关单位整改，感谢您对生态环境保护工作的支持。",
                            )
                            if state in ("followed_up", "reopened"):
                                if state == "reopened":
                                    wf.reopen(officer, case, "回访时群众反映问题仍然存在，重新办理")
                                else:
                                    wf.follow_up(officer, case, SATISFACTION[index % len(SATISFACTION)], "电话回访")
        case.refresh_from_db()
        _shift_case(case, now - dt.timedelta(days=days_ago, hours=index % 9), slow=days_ago > 100 and index % 4 == 1)
        made.append(case)
    for case in made:
        remember(case)
        for model in (Reporter, Attachment, CaseEvent, Supervision, Extension):
            for obj in model.objects.filter(case=case):
                remember(obj)
    _ledger(officer, reviewer, units, remember)
    for n in Notification.objects.filter(user__in=[officer, leader, reviewer]):
        remember(n)


def _ledger(officer, reviewer, units, remember) -> None:
    batch = "第三轮中央生态环境保护督察反馈问题（演示数据）"
    rows = [
        ("1", "部分城区雨污合流，汛期溢流污水直排入海", "huancui", "实施雨污分流改造，建设调蓄池", 120, "closed"),
        ("2", "部分工业园区VOCs治理设施运行不正常", "etdz", "开展泄漏检测与修复，安装在线监控", 60, "applied"),
        ("3", "海水养殖尾水未经处理直排", "rongcheng", "建设养殖尾水处理设施，实施清单化管理", 200, "rectifying"),
        ("4", "农村生活污水治理设施运行率低", "wendeng", "建立运维机制，开展设施排查修复", -20, "rectifying"),
        ("5", "部分矿山生态修复滞后", "rushan", "编制修复方案，完成复绿", 15, "rectifying"),
        ("6", "建筑工地扬尘管控不到位", "zjj", "落实六个百分之百要求，加强执法检查", 90, "closed"),
        ("7", "入河排污口排查整治进度滞后", "slj", "完成排污口溯源和分类整治", 40, "rectifying"),
        ("8", "海岸线违规占用问题", "lingang", "拆除违规建筑，修复岸线", 300, "closed"),
    ]
    today = timezone.localdate()
    remember(LedgerBatch.objects.get_or_create(name=batch, defaults={"source": "中央生态环境保护督察"})[0])
    for seq, problem, unit, measures, days, state in rows:
        item = ledger.create_item(
            officer,
            batch=batch,
            seq=seq,
            problem=problem,
            unit=units[unit],
            measures=measures,
            deadline=today + dt.timedelta(days=days),
        )
        progress = {"closed": 100, "applied": 100, "rectifying": 30 + int(seq) * 5}[state]
        ledger.report_progress(
            officer,
            item,
            "已制定整改方案并推进实施（演示数据）",
            min(progress, 90),
            SimpleUploadedFile("整改进展.pdf", PDF, content_type="application/pdf"),
        )
        if state in ("applied", "closed"):
            ledger.apply_close(officer, item, "整改任务已完成，申请验收销号（演示数据）")
        if state == "closed":
            ledger.verify(
                reviewer, item, True, "经现场验收，整改到位，同意销号", public_summary=f"{measures}，已完成整改。"
            )
        remember(item)
        for update in LedgerUpdate.objects.filter(item=item):
            remember(update)
