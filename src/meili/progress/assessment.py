"""The progress of every indicator for an assessment year, with the values and the trail behind it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from meili.plans import Indicator, Plan
from meili.plans.progress import Assessment, ManualStatus, assess
from meili.progress.models import IndicatorValue, SuperiorTarget, ValueState
from meili.progress.sources import YearValue, city_values

#: the assessment methods' names for people (docs/progress-methods.md): the pages and the reports form read them
METHOD_LABELS = {
    "escap": gettext_lazy("序时进度法（联合国亚太经社会）"),
    "growth_ratio": gettext_lazy("增长率比值法（加拿大统计局）"),
}

#: the plan file's direction, obtained and rollup codes (docs/plan-format.md) as people name them
DIRECTION_LABELS = {
    "increase": gettext_lazy("越高越好"),
    "decrease": gettext_lazy("越低越好"),
    "range": gettext_lazy("区间"),
    "milestone": gettext_lazy("节点目标"),
    "qualitative": gettext_lazy("定性目标"),
}
OBTAINED_LABELS = {
    "reported": gettext_lazy("单位填报"),
    "monitoring": gettext_lazy("监测数据计算"),
    "carbon": gettext_lazy("碳排放核算"),
}
ROLLUP_LABELS = {
    "sum": gettext_lazy("各单位求和"),
    "mean": gettext_lazy("各单位平均"),
    "weighted_mean": gettext_lazy("各单位加权平均"),
    "none": gettext_lazy("直接填报或计算全市值"),
}

FIRST_YEAR = 2015


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    assessment: Assessment
    series: dict[int, YearValue]
    manual_row: IndicatorValue | None

    @property
    def latest(self) -> YearValue | None:
        years = [y for y, v in self.series.items() if v.value is not None and y <= self.assessment.year]
        return self.series[max(years)] if years else None


def superior_targets(plan: Plan, indicator: Indicator) -> dict[int, float]:
    rows = SuperiorTarget.objects.filter(plan_code=plan.code, indicator_code=indicator.code)
    return {r.year: float(r.value) for r in rows}


def manual_status(plan: Plan, indicator: Indicator, year: int) -> IndicatorValue | None:
    """The latest approved manual status of a milestone or qualitative indicator up to *year*."""
    return (
        IndicatorValue.objects.filter(
            plan_code=plan.code, indicator_code=indicator.code, state=ValueState.APPROVED, year__lte=year
        )
        .exclude(manual_status="")
        .select_related("unit")
        .order_by("-year", "-reviewed_at")
        .first()
    )


def indicator_progress(plan: Plan, indicator: Indicator, year: int, method: str = "escap") -> IndicatorProgress:
    """Assess *indicator* for *year* with *method* from the platform's approved and derived values."""
    filled = indicator.with_target_values(superior_targets(plan, indicator))
    series = city_values(plan, filled, range(FIRST_YEAR, year + 1))
    observations = {y: v.value for y, v in series.items() if v.valid}
    manual_row = None
    manual = None
    if not indicator.is_numeric or indicator.direction == "range":
        manual_row = manual_status(plan, indicator, year)
        if manual_row is not None:
            manual = ManualStatus(manual_row.manual_status, manual_row.note, approved=True)
    result = assess(filled, observations, year, method=method, manual=manual)
    return IndicatorProgress(filled, result, series, manual_row)


def plan_progress(plan: Plan, year: int, method: str = "escap") -> list[IndicatorProgress]:
    """Every indicator of *plan* assessed for *year*."""
    return [indicator_progress(plan, indicator, year, method) for indicator in plan.indicators]


def status_counts(rows: list[IndicatorProgress]) -> dict[str, int]:
    from meili.plans.progress import STATUSES

    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.assessment.status] += 1
    return counts
