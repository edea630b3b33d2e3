"""The yearly enterprise environmental credit result (企业环境信用评价结果): counts per grade, every rated
enterprise with its grade and points, the rule set and its 待确认 figures. Built from stored ratings."""

from __future__ import annotations

import datetime as dt

from meili.accounts.models import OrgUnit
from meili.reports.builders.common import Fingerprint, chinese_date, now_local
from meili.reports.document import Column, Document, Num, Table
from meili.standards import credit as rules

KIND = "credit_result"


def build(year: int, today: dt.datetime | None = None) -> Document:
    from meili.credit import services
    from meili.credit.models import Period
    from meili.reports import letterhead

    period_obj = Period.objects.get(year=year)
    ruleset = services.ruleset_of(period_obj)
    stamp = today or now_local()
    city = OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).order_by("id").first()
    region = city.name if city else ""
    period = f"{year}年度"
    title = f"{region}{year}年度企业环境信用评价结果"
    dated = period_obj.approved_at.date() if period_obj.approved_at else stamp.date()
    head = letterhead.make(letterhead.issuer_for(region), f"{year}年度企业环境信用评价", region, dated)
    doc = Document(KIND, title, period, head.issuer, chinese_date(dated), letterhead=head.as_dict())
    ratings = list(period_obj.ratings.select_related("enterprise").order_by("-total", "enterprise__name"))
    fp = Fingerprint()
    for r in ratings:
        fp.add(r.enterprise.credit_code, r.total, r.grade)
    s = doc.section("评价依据")
    s.para(f"依据{ruleset.name}（{ruleset.source}），以{year}年度环境违法违规记录计分，按分值区间评定等级。")
    for note in ruleset.to_confirm:
        s.para(f"（待确认）{note}", style="note")
    s = doc.section("评价结果")
    counts = [[b.name, Num(sum(1 for r in ratings if r.grade == b.code), "家", period, 0)] for b in ruleset.bands]
    s.add(Table("各等级企业数", period, [Column("等级"), Column("企业数", "家")], counts))
    s.add(
        Table(
            "企业环境信用评价结果名单",
            period,
            [Column("企业名称"), Column("统一社会信用代码"), Column("记分", "分"), Column("等级")],
            [
                [r.enterprise.name, r.enterprise.credit_code, Num(r.total, "分", period, 0), r.grade_name]
                for r in ratings
            ],
        )
    )
    s = doc.section("结果运用")
    for b in ruleset.bands:
        trigger = rules.triggers(b.code)
        s.para(f"{b.name}：{trigger['inspection']}。")
    s.para(
        f"审批：{period_obj.get_state_display()}"
        + (
            f"（{period_obj.approved_by}，{chinese_date(period_obj.approved_at.date())}）"
            if period_obj.approved_at
            else ""
        )
        + "。"
    )
    doc.provenance = {
        "kind": KIND,
        "period": str(year),
        "data_version": fp.hexdigest(),
        "ruleset": ruleset.code,
        "generated_at": stamp.replace(tzinfo=None).isoformat(),
    }
    doc.check()
    return doc
