"""The heavy-pollution weather alert notice (重污染天气预警通知): level, reasoning, time, measures in force by
entry of the approved emission-reduction list, and the reduction check. Built from stored alert and list rows."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from meili.accounts.models import OrgUnit
from meili.reports.builders.common import Fingerprint, chinese_date, now_local
from meili.reports.document import Column, Document, Num, Table

KIND = "emergency_notice"
LEVEL_TEXT = {"yellow": "黄色（Ⅲ级）", "orange": "橙色（Ⅱ级）", "red": "红色（Ⅰ级）"}


def _t(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时"


def _grade(grade: str) -> str:
    """绩效等级 as a document writes it: B级 for a letter grade, 保障类 and the like as they are."""
    if not grade:
        return "—"
    return f"{grade}级" if re.fullmatch(r"[A-D][+-]?", grade) else grade


def build(alert_id: int, today: dt.datetime | None = None) -> Document:
    from meili.emergency import lists
    from meili.emergency.models import Alert, AlertAction
    from meili.reports import letterhead

    alert = Alert.objects.get(pk=alert_id)
    stamp = today or now_local()
    city = OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).order_by("id").first()
    region = city.name if city else ""
    # the notice publishes the level decided at issue; later upgrades, downgrades and the lifting are other notices
    issued = alert.actions.filter(kind=AlertAction.Kind.ISSUE).order_by("time", "id").first()
    code = issued.level_to if issued is not None and issued.level_to else alert.level
    level = LEVEL_TEXT[code]
    office = f"{region}重污染天气应急指挥部办公室"
    dated = timezone.localtime(alert.issued_at).date() if alert.issued_at else stamp.date()
    head = letterhead.make(office, f"预警编号：{alert.number}", region, dated, issuer=office)
    doc = Document(
        KIND,
        f"关于发布重污染天气{level}预警的通知",
        alert.number,
        office,
        chinese_date(dated),
        letterhead=head.as_dict(),
    )
    fp = Fingerprint()
    fp.add(alert.number, code, alert.state, str(alert.issued_at), alert.reasoning)
    s = doc.section("预警级别和时间")
    s.para(
        f"经会商研判，{region}将于{_t(alert.episode_start)}起出现重污染天气过程，预计持续至{_t(alert.episode_end)}。",
        f"决定于{_t(alert.issued_at)}发布重污染天气{level}预警，启动相应级别应急响应。"
        if alert.issued_at
        else f"建议发布重污染天气{level}预警。",
    )
    s = doc.section("研判依据")
    for line in alert.reasoning.splitlines():
        s.para(line)
    year = timezone.localtime(alert.issued_at or alert.episode_start).year
    in_force = lists.in_force(year)
    s = doc.section("应急减排措施")
    if in_force is None:
        s.para(f"{year}年度应急减排清单尚未批准，请各单位按上一版本清单落实。")
    else:
        period = f"{in_force.year}年度清单第{in_force.version}版"
        rows = []
        for e in in_force.entries.all():
            fp.add(e.seq, e.name, e.measures.get(code, ""), e.reductions.get(code, {}))
            rows.append(
                [
                    str(e.seq),
                    e.name,
                    e.get_kind_display(),
                    _grade(e.grade),
                    e.measures.get(code, "") or "—",
                    Num(sum(float(v) for v in e.reductions.get(code, {}).values()), "t/d", period, 2),
                ]
            )
        s.para(f"各区市、各有关部门和清单内企业按{period}执行{level}预警措施（一厂一策）：")
        s.add(
            Table(
                f"{level}预警期间减排措施",
                period,
                [
                    Column("序号"),
                    Column("企业或项目"),
                    Column("类别"),
                    Column("绩效等级"),
                    Column("措施"),
                    Column("减排量合计", "t/d"),
                ],
                rows,
            )
        )
        check = [r for r in lists.check(in_force) if r.level == code]
        short = [r for r in check if r.shortfall_t_per_day and r.shortfall_t_per_day > 0]
        if short:
            runs: list = [f"按{period}核算，{level}预警期间"]
            for k, r in enumerate(short):
                runs += [
                    "；" if k else "",
                    f"{r.pollutant}清单减排",
                    Num(r.listed_t_per_day, "t/d", period, 2),
                    "，低于要求的",
                    Num(r.required_t_per_day, "t/d", period, 2),
                    "，缺口",
                    Num(r.shortfall_t_per_day, "t/d", period, 2),
                ]
            s.para(*runs, "。请相关区市和部门补充减排措施，确保达到要求的减排比例。")
        elif check:
            s.para(f"按{period}核算，{level}预警期间各污染物清单减排量均达到要求的减排比例。")
        if check:
            s.add(
                Table(
                    "减排比例核算",
                    period,
                    [
                        Column("污染物"),
                        Column("全市日均排放", "t/d"),
                        Column("要求减排", "t/d"),
                        Column("清单减排", "t/d"),
                        Column("缺口", "t/d"),
                    ],
                    [
                        [
                            r.pollutant,
                            Num(r.city_t_per_day, "t/d", period, 2),
                            Num(r.required_t_per_day, "t/d", period, 2),
                            Num(r.listed_t_per_day, "t/d", period, 2),
                            Num(r.shortfall_t_per_day, "t/d", period, 2),
                        ]
                        for r in check
                    ],
                    note="要求比例：黄色、橙色、红色预警分别不低于全市排放总量的10%、20%、30%（环办大气函〔2018〕875号）。",
                )
            )
    s = doc.section("工作要求")
    s.para(
        "各单位接到通知后立即落实应急措施，企业按清单措施减排并保留在线监测、用电等证明材料；生态环境部门开展执法检查，对未落实减排的企业依法处理。预警解除另行通知。"
    )
    doc.provenance = {
        "kind": KIND,
        "period": alert.number,
        "data_version": fp.hexdigest(),
        "rule_version": alert.rule_version,
        "generated_at": stamp.replace(tzinfo=None).isoformat(),
    }
    doc.check()
    return doc
