"""美丽威海建设进程评估: the yearly progress assessment, from :mod:`meili.progress` only.

Every number comes from ``plan_progress(plan, year, method)`` (the same call behind the cockpit, the
indicator pages and ``/api/progress/…``), from approved and pending :class:`IndicatorValue` rows (the district
table, late and returned reports) and from the plan file (targets, clauses). See ``docs/reports.md``.
"""

from __future__ import annotations

import datetime as dt
import re

from django.apps import apps

from meili.accounts.models import OrgUnit
from meili.plans import Indicator, Plan
from meili.plans import progress as methods
from meili.plans.progress import STATUSES
from meili.progress.assessment import IndicatorProgress, plan_progress, status_counts
from meili.progress.models import IndicatorValue, SuperiorTarget, ValueState
from meili.progress.plans import current_plan
from meili.progress.values import due_date, owed_indicators
from meili.reports.builders.common import LOCAL, Fingerprint, chinese_date, digits_for, now_local
from meili.reports.document import Chart, Column, Document, Num, Section, Series, Table
from meili.standards.air.editions import chinese_name

KIND = "progress"
#: the key series drawn as charts when the plan has them (air quality, water, sea)
KEY_SERIES = (
    "air.good_days_ratio",
    "air.pm25_annual_mean",
    "water.key_rivers_compliance_rate",
    "water.estuary_sections_no_inferior_v",
    "sea.good_water_share",
)
#: how many at-risk targets the chart shows
AT_RISK = 10


def _num(value: float | None, indicator: Indicator, year: int | None) -> Num:
    digits = 0 if indicator.is_count and value is not None and float(value).is_integer() else digits_for(value)
    return Num(value, indicator.unit, f"{year}年" if year else "—", digits)


def stated(r: IndicatorProgress) -> tuple[int | None, float | None]:
    """The latest year and value as ``plan_progress`` states them (the same pair the API and the CLI print)."""
    return r.assessment.latest_year, r.assessment.latest_value


def responsible(plan: Plan, indicator: Indicator, lead_only: bool = False) -> str:
    """The names of the units the plan makes responsible for *indicator* (the first is the lead unit)."""
    names = [{u.code: u.name for u in plan.units}.get(c, c) for c in indicator.units]
    if lead_only and len(names) > 1:
        return f"{names[0]}等"
    return "、".join(names) or "—"


def target_text(indicator: Indicator, target) -> str:
    """The target as the plan states it: ≥95%、≤25μg/m³、a range, or the plan's words."""
    if target is None:
        return "—"
    if target.comparator == "range" and target.lower is not None:
        return (
            f"{Num(target.lower, '', '', digits_for(target.lower)).text}～"
            f"{Num(target.upper, '', '', digits_for(target.upper)).text}{indicator.unit}"
        )
    if target.value is None:
        return target.text or "—"
    return f"{methods.sym(target.comparator)}{Num(target.value, '', '', digits_for(target.value)).text}{indicator.unit}"


def report_title(plan: Plan) -> str:
    """美丽威海建设规划纲要（…） → 美丽威海建设进程评估报告; another plan's title + 进程评估报告."""
    match = re.match(r"^《?(.+?建设)规划", plan.title)
    return f"{match.group(1) if match else plan.title}进程评估报告"


def build(year: int, method: str = "escap", plan: Plan | None = None, today: dt.datetime | None = None) -> Document:
    plan = plan or current_plan()
    stamp = today or now_local()
    rows = plan_progress(plan, year, method)
    fp = Fingerprint()
    fp.add("plan", plan.code, plan.version, "year", year, "method", method)
    for r in rows:
        fp.add(
            r.indicator.code,
            {y: [v.value, v.how, list(v.rows), v.valid] for y, v in sorted(r.series.items())},
            None if r.manual_row is None else [r.manual_row.pk, r.manual_row.manual_status, r.manual_row.note],
            [[t.year, t.value] for t in r.indicator.targets],
        )
    year_rows = list(
        IndicatorValue.objects.filter(plan_code=plan.code, year=year)
        .select_related("unit")
        .order_by("unit_id", "indicator_code", "id")
    )
    fp.add(
        "values",
        [
            [v.pk, v.unit.code, v.indicator_code, v.state, str(v.value), v.manual_status, v.return_reason]
            for v in year_rows
        ],
    )
    fp.add(
        "superior",
        list(
            SuperiorTarget.objects.filter(plan_code=plan.code)
            .order_by("id")
            .values_list("indicator_code", "year", "value")
        ),
    )
    standards = sorted(
        {str(v.details["standard"]) for r in rows for v in r.series.values() if v.details.get("standard")}
    )
    doc = Document(
        kind=KIND,
        title=report_title(plan),
        period=f"{year}年度",
        issuer=f"{plan.region}生态环境局",
        date=chinese_date(stamp.date()),
    )
    has_data = any(r.latest is not None and r.latest.year <= year for r in rows) or any(
        r.manual_row is not None and r.manual_row.year == year for r in rows
    )
    doc.empty = not has_data
    _summary(doc, plan, rows, year, has_data)
    if has_data:
        _chapters(doc, plan, rows, year)
        _charts(doc, plan, rows, year, water_classes(year, fp))
    _districts(doc, plan, year, year_rows, stamp.date())
    _annex(doc, plan, rows, year, method, standards)
    doc.provenance = {
        "kind": KIND,
        "year": year,
        "method": method,
        "plan_code": plan.code,
        "plan_version": plan.version,
        "data_version": fp.hexdigest(),
        "standards": standards,
        "generated_at": stamp.replace(tzinfo=None).isoformat(),
        "as_of": stamp.date().isoformat(),
    }
    doc.check()
    return doc


def _summary(doc: Document, plan: Plan, rows: list[IndicatorProgress], year: int, has_data: bool) -> None:
    counts = status_counts(rows)
    total = len(rows)
    period = f"{year}年度"
    s = doc.section("总体情况")
    if not has_data:
        s.para(
            f"{year}年度暂无数据：平台中尚无该年度及以前经审核的指标填报值，也无可用的监测评价结果，",
            "本报告无法评估各项指标进展。请各责任单位按期填报并经市生态环境局审核后重新生成本报告。",
        )
        s.para("规划共设指标", Num(total, "项", period, 0), "，均为“数据不足”。")
        return
    s.para(
        f"{year}年度纳入评估的规划指标共",
        Num(total, "项", period, 0),
        "。其中，",
        *_count_runs(counts, period),
        "（评估方法见附件）。",
    )
    s.add(
        Table(
            f"{year}年度指标进展状态统计",
            period,
            [Column("进展状态"), Column("指标数", "项"), Column("占比", "%")],
            [
                [STATUSES[code][0], Num(n, "项", period, 0), Num(100 * n / total if total else None, "%", period, 1)]
                for code, n in counts.items()
            ]
            + [["合计", Num(total, "项", period, 0), Num(100.0, "%", period, 1)]],
        )
    )
    behind = lagging(rows)
    if behind:
        s.para(
            "进展滞后或需加快的目标（按已完成进展与时间进度的差距由大到小）：",
            "；".join(
                f"{r.indicator.name}（{r.assessment.label_zh}，牵头单位：{responsible(plan, r.indicator, True)}）"
                for r in behind
            ),
            "。",
        )
    binding = [r for r in rows if r.indicator.binding and r.assessment.latest_value is not None]
    if binding:
        runs: list = ["约束性指标中，"]
        for i, r in enumerate(binding):
            latest_year, latest_value = stated(r)
            runs += [
                f"{r.indicator.name}为",
                _num(latest_value, r.indicator, latest_year),
                f"（{latest_year}年，{r.assessment.label_zh}）",
                "；" if i < len(binding) - 1 else "。",
            ]
        s.para(*runs)
    s.add(
        Chart(
            f"{year}年度指标进展状态",
            "bar",
            "项",
            period,
            [Series("指标数", [STATUSES[c][0] for c in counts], [counts[c] for c in counts])],
            categories=[STATUSES[c][0] for c in counts],
        )
    )


def lagging(rows: list[IndicatorProgress]) -> list[IndicatorProgress]:
    """Targets off track or needing acceleration, the largest gap between progress made and time elapsed first."""
    risky = [
        r
        for r in rows
        if r.assessment.status in ("off_track", "needs_acceleration")
        and r.assessment.progress_made is not None
        and r.assessment.time_elapsed is not None
    ]
    return sorted(risky, key=lambda r: (r.assessment.progress_made - r.assessment.time_elapsed, r.indicator.code))


def _count_runs(counts: dict[str, int], period: str) -> list:
    runs: list = []
    items = list(counts.items())
    for i, (code, n) in enumerate(items):
        runs += [f"{STATUSES[code][0]}", Num(n, "项", period, 0), "、" if i < len(items) - 1 else ""]
    return runs


def _chapters(doc: Document, plan: Plan, rows: list[IndicatorProgress], year: int) -> None:
    s = doc.section("各领域指标进展情况")
    for chapter in plan.chapters:
        items = [r for r in rows if r.indicator.chapter == chapter.number]
        if not items:
            continue
        ch = s.section(chapter.title)
        table_rows = []
        for r in items:
            latest_year, latest_value = stated(r)
            target = r.indicator.target_for(year)
            base = r.indicator.baseline
            table_rows.append(
                [
                    r.indicator.name,
                    r.indicator.unit or "—",
                    _num(base.value, r.indicator, base.year) if base is not None else None,
                    _num(latest_value, r.indicator, latest_year) if latest_value is not None else None,
                    f"{latest_year}年" if latest_value is not None else "—",
                    target_text(r.indicator, target) + (f"（{target.year}年）" if target else ""),
                    r.assessment.label_zh,
                ]
            )
        ch.add(
            Table(
                f"{chapter.title}指标进展",
                f"{year}年度",
                [
                    Column("指标"),
                    Column("单位"),
                    Column("基准值"),
                    Column("最新值"),
                    Column("数据年份"),
                    Column("目标"),
                    Column("进展状态"),
                ],
                table_rows,
                note="基准值的年份见各指标说明；最新值为进展评估采用的数值，无效或未采用的数值不列入。",
            )
        )
        for r in items:
            item = ch.section(r.indicator.name)
            latest_year, latest_value = stated(r)
            target = r.indicator.target_for(year)
            base = r.indicator.baseline
            runs: list = []
            if base is not None:
                runs += [f"基准值{base.year}年为", _num(base.value, r.indicator, base.year), "；"]
            if latest_value is not None:
                how = r.series[latest_year].how if latest_year in r.series else ""
                runs += [f"{latest_year}年为", _num(latest_value, r.indicator, latest_year)]
                runs += [f"（{how}）；" if how else "；"]
            elif r.manual_row is not None:
                runs += [
                    f"{r.manual_row.year}年{r.manual_row.unit.name}报送进展“{r.manual_row.get_manual_status_display()}”；"
                ]
            else:
                runs += ["尚无可用于评估的数值；"]
            if target is not None:
                runs += [f"{target.year}年目标为{target_text(r.indicator, target)}"]
                runs += ["（约束性）；" if r.indicator.binding else "；"]
            runs += [
                f"进展状态：{r.assessment.label_zh}。",
                r.assessment.explanation_zh,
                f"（规划条款：{r.indicator.clause}；责任单位：{responsible(plan, r.indicator)}）",
            ]
            item.para(*runs)


def _key_chart(r: IndicatorProgress, year: int) -> Chart | None:
    points = sorted((y, v.value) for y, v in r.series.items() if v.value is not None and y <= year)
    i = r.indicator
    if i.baseline is not None and i.baseline.year not in dict(points):
        points = sorted([*points, (i.baseline.year, i.baseline.value)])
    if not points:
        return None
    target = i.target_for(year)
    reference = target.value if target is not None and target.value is not None else None
    return Chart(
        f"{i.name}变化情况",
        "line",
        i.unit,
        f"{points[0][0]}—{points[-1][0]}年",
        [Series(i.name, [y for y, _ in points], [v for _, v in points])],
        reference=reference,
        reference_label=f"{target.year}年目标" if reference is not None else "",
        note="含基准年数值" if i.baseline is not None else "",
    )


def water_classes(year: int, fp: Fingerprint) -> dict[int, int]:
    """Sections per water class in *year* from the monitoring app's stored yearly results (when installed)."""
    if not apps.is_installed("meili.monitoring"):
        return {}
    from meili.monitoring.models import MediaResult, Medium

    rows = list(
        MediaResult.objects.filter(medium=Medium.WATER, period=str(year), klass__isnull=False)
        .order_by("site_id")
        .values_list("site_id", "klass")
    )
    fp.add("water classes", rows)
    counts: dict[int, int] = {}
    for _site, klass in rows:
        counts[klass] = counts.get(klass, 0) + 1
    return counts


def _charts(doc: Document, plan: Plan, rows: list[IndicatorProgress], year: int, classes: dict[int, int]) -> None:
    s = doc.section("重点指标变化趋势")
    by_code = {r.indicator.code: r for r in rows}
    drawn = 0
    if classes:
        drawn += 1
        labels = ["Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"]
        total = sum(classes.values())
        good = sum(n for k, n in classes.items() if k <= 3)
        period = f"{year}年"
        sub = s.section("地表水断面水质类别")
        sub.para(
            f"{year}年全市地表水监测断面",
            Num(total, "个", period, 0),
            "，其中Ⅰ—Ⅲ类断面",
            Num(good, "个", period, 0),
            "，占",
            Num(100 * good / total, "%", period, 1),
            "（监测评价结果，年度类别）。",
        )
        sub.add(
            Chart(
                f"{year}年地表水断面水质类别",
                "bar",
                "个",
                period,
                [Series("断面数", labels, [classes.get(k, 0) for k in range(1, 7)])],
                categories=labels,
            )
        )
    for code in KEY_SERIES:
        r = by_code.get(code)
        chart = _key_chart(r, year) if r is not None else None
        if chart is None:
            continue
        drawn += 1
        latest_year, latest_value = stated(r)
        sub = s.section(r.indicator.name)
        if latest_value is not None:
            sub.para(
                f"{r.indicator.name}{latest_year}年为",
                _num(latest_value, r.indicator, latest_year),
                f"，进展状态为“{r.assessment.label_zh}”。",
            )
        sub.add(chart)
    risky = lagging(rows)[:AT_RISK]
    if risky:
        sub = s.section("进展滞后的目标")
        sub.para(
            "下列目标的已完成进展低于时间进度，按差距由大到小排列，需重点推进：",
            "、".join(r.indicator.name for r in risky),
            "。",
        )
        period = f"{year}年度"
        sub.add(
            Table(
                "进展滞后目标的完成进度",
                period,
                [
                    Column("指标"),
                    Column("已完成所需进展", "%"),
                    Column("时间进度", "%"),
                    Column("进展状态"),
                    Column("牵头单位"),
                ],
                [
                    [
                        r.indicator.name,
                        Num(100 * r.assessment.progress_made, "%", period, 1),
                        Num(100 * r.assessment.time_elapsed, "%", period, 1),
                        r.assessment.label_zh,
                        responsible(plan, r.indicator, True),
                    ]
                    for r in risky
                ],
            )
        )
        sub.add(
            Chart(
                "进展滞后目标：已完成进展与时间进度",
                "hbar",
                "%",
                period,
                [
                    Series(
                        "已完成所需进展",
                        [r.indicator.name for r in risky],
                        [round(100 * r.assessment.progress_made, 1) for r in risky],
                    ),
                    Series(
                        "时间进度",
                        [r.indicator.name for r in risky],
                        [round(100 * r.assessment.time_elapsed, 1) for r in risky],
                    ),
                ],
                categories=[r.indicator.name[:14] for r in risky],
            )
        )
    if not drawn and not risky:
        s.para("本年度重点指标尚无可绘制的数据。")


def _districts(doc: Document, plan: Plan, year: int, year_rows: list[IndicatorValue], today: dt.date) -> None:
    s = doc.section("各区市和部门填报情况")
    period = f"{year}年度"
    due = due_date(year)
    overdue = today > due
    districts = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).order_by("id"))
    current: dict[tuple[int, str], IndicatorValue] = {}
    for v in year_rows:
        if v.state != ValueState.SUPERSEDED:
            current[(v.unit_id, v.indicator_code)] = v
    s.para(
        f"{year}年度指标值应于{chinese_date(due)}前报送。",
        "截至本报告生成日，" if overdue else "本报告生成时尚未到报送截止日，",
        "各区市报送情况见下表。",
    )
    table_rows = []
    late_rows = []
    for unit in districts + list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("id")):
        owed = owed_indicators(plan, unit)
        if not owed:
            continue
        states = [current.get((unit.pk, i.code)) for i in owed]
        approved = sum(1 for v in states if v is not None and v.state == ValueState.APPROVED)
        submitted = sum(1 for v in states if v is not None and v.state == ValueState.SUBMITTED)
        returned = sum(1 for v in states if v is not None and v.state == ValueState.RETURNED)
        missing = [i for i, v in zip(owed, states) if v is None or v.state in (ValueState.DRAFT, ValueState.RETURNED)]
        if unit.kind == OrgUnit.Kind.DISTRICT:
            table_rows.append(
                [
                    unit.name,
                    Num(len(owed), "项", period, 0),
                    Num(approved, "项", period, 0),
                    Num(submitted, "项", period, 0),
                    Num(returned, "项", period, 0),
                    Num(len(missing), "项", period, 0),
                ]
            )
        if overdue and missing:
            late_rows.append(
                [
                    unit.name,
                    Num(len(owed), "项", period, 0),
                    Num(len(missing), "项", period, 0),
                    "、".join(i.name for i in missing[:3]) + ("等" if len(missing) > 3 else ""),
                ]
            )
    s.add(
        Table(
            f"{year}年度各区市指标填报情况",
            period,
            [
                Column("区市"),
                Column("应报指标", "项"),
                Column("已审核", "项"),
                Column("待审核", "项"),
                Column("已退回", "项"),
                Column("未报或未提交", "项"),
            ],
            table_rows,
        )
    )
    _district_values(s, plan, year, districts, year_rows)
    t = s.section("逾期和退回的报送")
    returned = [v for v in year_rows if v.state == ValueState.RETURNED]
    if overdue:
        t.para(
            f"逾期未报送（截至{chinese_date(today)}）共",
            Num(sum(int(r[2].value) for r in late_rows), "项", period, 0),
            "，涉及",
            Num(len(late_rows), "个", period, 0),
            "单位",
            "；被退回待重新报送共",
            Num(len(returned), "项", period, 0),
            "。",
        )
    else:
        t.para(
            f"报送截止日为{chinese_date(due)}，尚无逾期；被退回待重新报送共", Num(len(returned), "项", period, 0), "。"
        )
    if late_rows:
        t.add(
            Table(
                f"{year}年度逾期未报送的单位",
                period,
                [Column("单位"), Column("应报指标", "项"), Column("逾期未报", "项"), Column("主要指标")],
                late_rows,
                note=f"报送截止日为{chinese_date(due)}；由监测数据计算的指标不要求填报，不计入。",
            )
        )
    if returned:
        names = {i.code: i.name for i in plan.indicators}
        t.add(
            Table(
                f"{year}年度被退回的报送",
                period,
                [Column("单位"), Column("指标"), Column("退回原因"), Column("退回日期")],
                [
                    [
                        v.unit.name,
                        names.get(v.indicator_code, v.indicator_code),
                        v.return_reason or "—",
                        chinese_date(v.reviewed_at.astimezone(LOCAL).date()) if v.reviewed_at else "—",
                    ]
                    for v in returned
                ],
            )
        )


def _district_values(
    s: Section, plan: Plan, year: int, districts: list[OrgUnit], year_rows: list[IndicatorValue]
) -> None:
    approved = {
        (v.unit_id, v.indicator_code): v for v in year_rows if v.state == ValueState.APPROVED and v.value is not None
    }
    period = f"{year}年"
    indicators = [i for i in plan.indicators if any((d.pk, i.code) in approved for d in districts)]
    if not indicators:
        return
    rows = []
    for i in indicators:
        cells: list = [i.name, i.unit or "—"]
        for d in districts:
            v = approved.get((d.pk, i.code))
            cells.append(None if v is None else Num(float(v.value), i.unit, period, digits_for(float(v.value))))
        rows.append(cells)
    s.add(
        Table(
            f"{year}年各区市指标值（经审核）",
            period,
            [Column("指标"), Column("单位")] + [Column(d.name) for d in districts],
            rows,
            note="“—”表示该区市无经审核的数值。",
        )
    )


def _annex(
    doc: Document, plan: Plan, rows: list[IndicatorProgress], year: int, method: str, standards: list[str]
) -> None:
    a = doc.annex("数据来源、标准版本和评估方法")
    src = a.section("规划和数据来源")
    src.para(f"评估依据《{plan.title}》，来源：{plan.source}（平台载入的规划文件版本见报告元数据）。")
    src.para(
        "指标数值来自平台中经市生态环境局审核的各单位填报值（按规划规定的方式汇总为全市数值）和监测评价结果；"
        "未经审核的填报值不参与评估。各指标最新值的来源如下表。"
    )
    table_rows = []
    documents: dict[int, str] = {}
    used = {r.indicator.code: r.series[y] for r in rows if (y := stated(r)[0]) is not None and y in r.series}
    ids = {pk for latest in used.values() for pk in latest.rows}
    for v in IndicatorValue.objects.filter(pk__in=ids).only("pk", "source_document"):
        documents[v.pk] = v.source_document
    for r in rows:
        latest = used.get(r.indicator.code)
        if latest is None:
            continue
        files = sorted({documents[pk] for pk in latest.rows if documents.get(pk)})
        table_rows.append([r.indicator.name, f"{latest.year}年", latest.how, "；".join(files) or "—"])
    if table_rows:
        src.add(
            Table(
                "指标最新值的来源",
                f"{year}年度及以前",
                [Column("指标"), Column("数据年份"), Column("取得方式"), Column("来源文件")],
                table_rows,
            )
        )
    std = a.section("标准版本")
    if standards:
        std.para("监测数据的评价采用的标准版本：", "、".join(chinese_name(x) for x in standards), "。")
    else:
        std.para(
            "本报告的指标值均来自填报数据，未直接使用监测评价结果；监测类指标采用的标准版本以监测数据评价记录为准。"
        )
    m = a.section("评估方法")
    if method == "escap":
        m.para(
            "采用联合国亚太经社会（UN ESCAP）可持续发展目标进展评估方法：已完成进展=（最新值−基准值）/（目标值−基准值），"
            "与时间进度=（评估年−基准年）/（目标年−基准年）比较；并以加权线性趋势预测目标年数值。"
        )
        m.para(
            f"已完成进展不低于时间进度的{methods.ESCAP_ON_TRACK_RATIO:.0%}且趋势预测可达目标为“进展顺利”；"
            f"低于时间进度但不低于其{methods.ESCAP_LAGGING_RATIO:.0%}为“需加快”；更低或反向变化为“滞后或倒退”；"
            f"趋势预测至少需要{methods.ESCAP_MIN_POINTS_FOR_TREND}个观测值。"
        )
    else:
        m.para(
            "采用加拿大统计局可持续发展目标（SDG）数据平台的增长率比值方法：观测的年均复合增长率与实现目标所需的年均复合增长率之比，"
            f"不低于{methods.GROWTH_SUBSTANTIAL_RATIO:.0%}为“进展顺利”，不低于{methods.GROWTH_MODERATE_RATIO:.0%}为“需加快”。"
        )
    m.para(
        "里程碑和定性指标采用经审核的人工评估状态及其佐证材料；上级下达目标按录入的下达文件取值。"
        "“数据不足”表示缺少基准值、观测值或目标值，原因见各指标说明。"
    )
