"""Progress assessment of plan indicators: a status per indicator and year, with every number behind it.

Two methods, registered in :data:`METHODS` (add a third with :func:`register_method`):

* ``escap`` (default) — after UN ESCAP's SDG progress assessment (current status index and
  anticipated progress index): *progress made* = (latest − baseline)/(target − baseline), compared
  with *time elapsed* = (year − baseline year)/(target year − baseline year) for the nearest target
  not yet due (the Chinese 序时进度), plus *anticipated progress* from a time-weighted linear trend of
  the observations projected to the target year.
* ``growth_ratio`` — after Statistics Canada's method as implemented in Open SDG (sdg-build
  ``ProgressMeasure``): ratio of the observed to the required compound annual growth rate.

Milestone and qualitative indicators, and range targets, take an approved :class:`ManualStatus`.
Formulas, thresholds and worked examples: ``docs/progress-methods.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from meili.plans.model import Indicator, Target, localized

#: status code → (zh label, en label), in order from best to worst; ``insufficient_data`` last.
STATUSES: dict[str, tuple[str, str]] = {
    "achieved": ("已达成", "achieved"),
    "on_track": ("进展顺利", "on track"),
    "needs_acceleration": ("需加快", "needs acceleration"),
    "off_track": ("滞后或倒退", "off track or regressing"),
    "insufficient_data": ("数据不足", "insufficient data"),
}

# ESCAP method thresholds (our calibration of ESCAP's three dashboard categories; see the docs).
#: progress made / time elapsed at or above this is on schedule (序时进度).
ESCAP_ON_TRACK_RATIO = 0.95
#: below this share of the expected progress the indicator is lagging (滞后).
ESCAP_LAGGING_RATIO = 0.5
#: the trend projection must reach this share of the required progress by the target year.
ESCAP_ANTICIPATED_ON_TRACK = 0.95
#: the trend projection needs at least this many observations (baseline included), as PSA requires.
ESCAP_MIN_POINTS_FOR_TREND = 3

# Statistics Canada / Open SDG thresholds (sdg-build ProgressMeasure defaults).
#: R = observed CAGR / required CAGR: substantial progress (on track) at or above.
GROWTH_SUBSTANTIAL_RATIO = 0.95
#: moderate progress (acceleration needed) at or above; below is limited progress or deterioration.
GROWTH_MODERATE_RATIO = 0.60
#: without a target value: observed CAGR (direction-aware) for substantial / moderate progress.
GROWTH_NO_TARGET_SUBSTANTIAL = 0.015
GROWTH_NO_TARGET_MODERATE = 0.005
#: exponent of the ceiling correction C = 1 − (base / limit)^k for bounded (percentage) indicators.
GROWTH_LIMIT_EXPONENT = 4.44
#: zero baselines and targets are replaced by this value, as sdg-build does.
GROWTH_ZERO_REPLACEMENT = 0.001


@dataclass(frozen=True)
class ManualStatus:
    """A status set by a person for a milestone, qualitative or range target; counts once approved."""

    status: str
    evidence: str
    approved: bool = False


@dataclass(frozen=True)
class Assessment:
    """A status with the inputs and intermediate numbers that produced it."""

    status: str
    method: str
    year: int
    target_year: int | None = None
    target_value: float | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    latest_year: int | None = None
    latest_value: float | None = None
    progress_made: float | None = None
    time_elapsed: float | None = None
    anticipated_value: float | None = None
    ratio: float | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    explanation_zh: str = ""
    explanation_en: str = ""

    @property
    def label_zh(self) -> str:
        return STATUSES[self.status][0]

    @property
    def label_en(self) -> str:
        return STATUSES[self.status][1]


Method = Callable[["_Context"], Assessment]
METHODS: dict[str, Method] = {}


def register_method(name: str, method: Method) -> None:
    """Make ``method`` selectable as ``assess(..., method=name)``."""
    METHODS[name] = method


def fmt(x: float | None) -> str:
    """A number as people write it: at most four significant digits after rounding, no trailing zeros."""
    if x is None:
        return "—"
    if abs(x) >= 1000:
        return f"{x:.0f}"
    return f"{x:.4g}"


_SYMBOLS = {">=": "≥", "<=": "≤", "=": "="}


def sym(comparator: str | None) -> str:
    return _SYMBOLS.get(comparator or "", comparator or "")


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


@dataclass(frozen=True)
class _Context:
    """What every method starts from once the shared checks have passed."""

    indicator: Indicator
    year: int
    method: str
    target: Target
    sign: int
    baseline_year: int
    baseline_value: float
    baseline_source: str
    latest_year: int
    latest_value: float
    series: tuple[tuple[int, float], ...]

    def base(self, status: str, zh: str, en: str, **numbers: Any) -> Assessment:
        inputs = {
            "indicator": self.indicator.code,
            "direction": self.indicator.direction,
            "target": {
                "year": self.target.year,
                "value": self.target.value,
                "comparator": self.target.comparator,
                "text": self.target.text,
            },
            "baseline": {"year": self.baseline_year, "value": self.baseline_value, "source": self.baseline_source},
            "observations": {str(y): v for y, v in self.series},
        }
        inputs.update(numbers.pop("inputs", {}))
        return Assessment(
            status=status,
            method=self.method,
            year=self.year,
            target_year=self.target.year,
            target_value=self.target.value,
            baseline_year=self.baseline_year,
            baseline_value=self.baseline_value,
            latest_year=self.latest_year,
            latest_value=self.latest_value,
            inputs=inputs,
            explanation_zh=zh,
            explanation_en=en,
            **numbers,
        )


def assess(
    indicator: Indicator,
    observations: Mapping[int, float | None],
    year: int,
    method: str = "escap",
    manual: ManualStatus | None = None,
) -> Assessment:
    """The status of ``indicator`` in assessment ``year`` from yearly ``observations``.

    Observations after ``year`` and missing values (None, NaN) are ignored. Superior-set target values
    are filled in beforehand with :meth:`Indicator.with_target_values`.
    """
    if method not in METHODS:
        raise ValueError(f"unknown progress method {method!r}; known: {', '.join(sorted(METHODS))}")
    if manual is not None and manual.status not in STATUSES:
        raise ValueError(f"unknown status {manual.status!r}; known: {', '.join(STATUSES)}")
    target = indicator.target_for(year)
    if indicator.direction not in ("increase", "decrease") or (target is not None and target.comparator == "range"):
        return _manual(indicator, year, method, target, manual)
    series = sorted(
        (int(y), float(v))
        for y, v in observations.items()
        if v is not None and not (isinstance(v, float) and math.isnan(v)) and int(y) <= year
    )
    #: the latest observation is stated even when progress cannot be measured (a report prints it beside
    #: “数据不足”, with the reason)
    latest = series[-1] if series else None
    if target is None:
        return _insufficient(
            indicator,
            year,
            method,
            None,
            "规划未设定年度目标，需按上级文件录入目标值",
            "the plan sets no dated target; enter the superior's target value",
            latest=latest,
        )
    if target.value is None and target.comparator != "trend":
        return _insufficient(
            indicator,
            year,
            method,
            target,
            f"{target.year}年目标值由上级下达，尚未录入",
            f"the {target.year} target is set by a superior document and has not been entered",
            latest=latest,
        )
    if indicator.baseline is not None:
        b_year, b_value, b_source = indicator.baseline.year, indicator.baseline.value, indicator.baseline.source
    elif series:
        b_year, b_value = series[0]
        b_source = "首个观测值 / first observation"
    else:
        return _insufficient(indicator, year, method, target, "无基准值，也无观测值", "no baseline and no observations")
    if target.comparator == "trend":
        previous = [t for t in indicator.targets if t.year < target.year]
        observed = dict(series)
        if previous and previous[-1].year in observed and previous[-1].year > b_year:
            b_year, b_value = previous[-1].year, observed[previous[-1].year]
            b_source = f"{b_year}年观测值（上一目标年）/ observation of the previous target year"
    later = [(y, v) for y, v in series if y > b_year]
    if not later:
        return _insufficient(
            indicator,
            year,
            method,
            target,
            f"基准年{b_year}年之后尚无观测值",
            f"no observation after the baseline year {b_year}",
            baseline=(b_year, b_value),
        )
    if target.year <= b_year:
        return _insufficient(
            indicator,
            year,
            method,
            target,
            f"目标年{target.year}年不晚于基准年{b_year}年，无法衡量进展",
            f"target year {target.year} is not after the baseline year {b_year}",
            baseline=(b_year, b_value),
            latest=latest,
        )
    latest_year, latest_value = later[-1]
    full = ((b_year, b_value), *tuple(later))
    ctx = _Context(
        indicator,
        year,
        method,
        target,
        1 if indicator.direction == "increase" else -1,
        b_year,
        b_value,
        b_source,
        latest_year,
        latest_value,
        full,
    )
    return METHODS[method](ctx)


def _insufficient(
    indicator: Indicator,
    year: int,
    method: str,
    target: Target | None,
    zh: str,
    en: str,
    baseline: tuple[int, float] | None = None,
    latest: tuple[int, float] | None = None,
) -> Assessment:
    return Assessment(
        status="insufficient_data",
        method=method,
        year=year,
        target_year=target.year if target else None,
        target_value=target.value if target else None,
        baseline_year=baseline[0] if baseline else None,
        baseline_value=baseline[1] if baseline else None,
        latest_year=latest[0] if latest else None,
        latest_value=latest[1] if latest else None,
        inputs={"indicator": indicator.code, "direction": indicator.direction},
        explanation_zh=f"数据不足：{zh}。",
        explanation_en=f"Insufficient data: {en}.",
    )


def _manual(
    indicator: Indicator, year: int, method: str, target: Target | None, manual: ManualStatus | None
) -> Assessment:
    """Milestones, qualitative and range targets: the approved manual status, else insufficient data."""
    what = target.text if target and target.text else indicator.name
    if manual is None:
        return _insufficient(
            indicator,
            year,
            method,
            target,
            f"“{what}”需人工评估，尚未提交状态",
            "this target is assessed by hand and no status has been submitted",
        )
    if not manual.approved:
        return _insufficient(
            indicator,
            year,
            method,
            target,
            f"“{what}”的人工状态尚未审核通过",
            "the manual status has not been approved yet",
        )
    zh, en = STATUSES[manual.status]
    return Assessment(
        status=manual.status,
        method="manual",
        year=year,
        target_year=target.year if target else None,
        target_value=target.value if target else None,
        inputs={
            "indicator": indicator.code,
            "direction": indicator.direction,
            "evidence": manual.evidence,
            "approved": manual.approved,
            "requested_method": method,
        },
        explanation_zh=f"{zh}：经审核的人工评估（依据：{manual.evidence}）。",
        explanation_en=f"{en.capitalize()}: approved manual assessment (evidence: {manual.evidence}).",
    )


def weighted_trend(points: tuple[tuple[int, float], ...]) -> tuple[float, float]:
    """Intercept and slope of a least-squares line with weights 1, 2, … n by year (recent years count more)."""
    first = points[0][0]
    weights = [1.0 + (y - first) for y, _ in points]
    total = sum(weights)
    mean_x = sum(w * y for w, (y, _) in zip(weights, points)) / total
    mean_y = sum(w * v for w, (_, v) in zip(weights, points)) / total
    sxx = sum(w * (y - mean_x) ** 2 for w, (y, _) in zip(weights, points))
    sxy = sum(w * (y - mean_x) * (v - mean_y) for w, (y, v) in zip(weights, points))
    slope = sxy / sxx
    return mean_y - slope * mean_x, slope


def _trend_target(ctx: _Context) -> Assessment:
    """A target without a value ("进一步下降"): only the direction of the change from the reference counts."""
    change = ctx.sign * (ctx.latest_value - ctx.baseline_value)
    word_zh = (
        "上升" if ctx.latest_value > ctx.baseline_value else "下降" if ctx.latest_value < ctx.baseline_value else "持平"
    )
    word_en = (
        "rose"
        if ctx.latest_value > ctx.baseline_value
        else "fell"
        if ctx.latest_value < ctx.baseline_value
        else "did not change"
    )
    lead_zh = (
        f"目标为“{ctx.target.text}”（{ctx.target.year}年），{ctx.baseline_year}年{fmt(ctx.baseline_value)}"
        f"→{ctx.latest_year}年{fmt(ctx.latest_value)}，{word_zh}"
    )
    lead_en = (
        f"Target “{localized(ctx.target, 'text', 'en')}” by {ctx.target.year}; {fmt(ctx.baseline_value)} in {ctx.baseline_year} "
        f"→ {fmt(ctx.latest_value)} in {ctx.latest_year}, the value {word_en}"
    )
    if change > 0 and ctx.latest_year >= ctx.target.year:
        status = "achieved"
    elif change > 0:
        status = "on_track"
    elif change == 0:
        status = "needs_acceleration"
    else:
        status = "off_track"
    zh, en = STATUSES[status]
    return ctx.base(
        status,
        f"{zh}：{lead_zh}。",
        f"{en.capitalize()}: {lead_en}.",
        progress_made=None,
        inputs={"rule": "trend target: sign of the direction-aware change"},
    )


def escap(ctx: _Context) -> Assessment:
    """UN ESCAP current status (progress made vs time elapsed) and anticipated progress (trend projection)."""
    if ctx.target.comparator == "trend":
        return _trend_target(ctx)
    t = ctx.target
    assert t.value is not None
    lead_zh = (
        f"基准{ctx.baseline_year}年{fmt(ctx.baseline_value)}，最新{ctx.latest_year}年{fmt(ctx.latest_value)}，"
        f"{t.year}年目标{sym(t.comparator)}{fmt(t.value)}"
    )
    lead_en = (
        f"baseline {fmt(ctx.baseline_value)} ({ctx.baseline_year}), latest {fmt(ctx.latest_value)} "
        f"({ctx.latest_year}), target {sym(t.comparator)} {fmt(t.value)} by {t.year}"
    )
    if t.met_by(ctx.latest_value):
        return ctx.base(
            "achieved",
            f"已达成：{lead_zh}，最新值已达到目标。",
            f"Achieved: {lead_en}; the latest value meets the target.",
        )
    required = t.value - ctx.baseline_value
    if ctx.sign * required <= 0:
        return ctx.base(
            "off_track",
            f"滞后或倒退：{lead_zh}；基准值已达标，最新值已跌出目标。",
            f"Off track: {lead_en}; the baseline met the target but the latest value no longer does.",
        )
    progress = (ctx.latest_value - ctx.baseline_value) / required
    elapsed = min(1.0, (ctx.year - ctx.baseline_year) / (t.year - ctx.baseline_year))
    ratio = progress / elapsed if elapsed > 0 else None
    anticipated = anticipated_progress = None
    if len(ctx.series) >= ESCAP_MIN_POINTS_FOR_TREND:
        intercept, slope = weighted_trend(ctx.series)
        anticipated = intercept + slope * t.year
        anticipated_progress = (anticipated - ctx.baseline_value) / required
    numbers = dict(
        progress_made=progress,
        time_elapsed=elapsed,
        anticipated_value=anticipated,
        ratio=ratio,
        inputs={
            "required_change": required,
            "anticipated_progress": anticipated_progress,
            "thresholds": {
                "on_track_ratio": ESCAP_ON_TRACK_RATIO,
                "lagging_ratio": ESCAP_LAGGING_RATIO,
                "anticipated_on_track": ESCAP_ANTICIPATED_ON_TRACK,
            },
        },
    )
    facts_zh = f"已完成所需进展的{pct(progress)}，时间已过{pct(elapsed)}"
    facts_en = f"{pct(progress)} of the required progress made with {pct(elapsed)} of the time elapsed"
    if anticipated is not None:
        facts_zh += f"；按趋势{t.year}年预计为{fmt(anticipated)}（完成所需进展的{pct(anticipated_progress)}）"
        facts_en += f"; the trend projects {fmt(anticipated)} in {t.year} ({pct(anticipated_progress)} of the required progress)"
    projection_ok = anticipated_progress is None or anticipated_progress >= ESCAP_ANTICIPATED_ON_TRACK
    if progress < 0:
        status, why_zh, why_en = "off_track", "指标向反方向变化", "the indicator moved away from the target"
    elif ctx.latest_year >= t.year:
        status, why_zh, why_en = (
            "off_track",
            "目标年已到而未达成",
            "the target year has passed without reaching the target",
        )
    elif ratio is not None and ratio >= ESCAP_ON_TRACK_RATIO and projection_ok:
        status, why_zh, why_en = "on_track", "进展不慢于序时进度", "progress keeps pace with the time elapsed"
    elif ratio is not None and ratio >= ESCAP_ON_TRACK_RATIO:
        status, why_zh, why_en = (
            "needs_acceleration",
            "进展合于序时进度，但按趋势到目标年达不到目标",
            "on schedule so far, but the trend falls short by the target year",
        )
    elif ratio is not None and ratio >= ESCAP_LAGGING_RATIO:
        status, why_zh, why_en = "needs_acceleration", "进展慢于序时进度", "progress is behind the time elapsed"
    elif anticipated_progress is not None and anticipated_progress >= ESCAP_ANTICIPATED_ON_TRACK:
        status, why_zh, why_en = (
            "needs_acceleration",
            "进展明显滞后，但近期趋势可在目标年达标",
            "well behind schedule, but the recent trend reaches the target",
        )
    else:
        status, why_zh, why_en = "off_track", "进展不到序时进度的一半", "less than half of the progress expected by now"
    zh, en = STATUSES[status]
    return ctx.base(
        status,
        f"{zh}：{lead_zh}；{facts_zh}；{why_zh}。",
        f"{en.capitalize()}: {lead_en}; {facts_en}; {why_en}.",
        **numbers,
    )


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate from ``start`` to ``end`` over ``years``.

    Defined only when both have the same sign (a negative ratio has no real root): ValueError otherwise.
    """
    ratio = end / start
    if ratio < 0:
        raise ValueError(f"no growth rate from {start} to {end}: opposite signs")
    return float(ratio ** (1.0 / years)) - 1.0


def growth_ratio(ctx: _Context) -> Assessment:
    """Statistics Canada's ratio of observed to required compound annual growth (Open SDG)."""
    base = ctx.baseline_value or GROWTH_ZERO_REPLACEMENT
    latest = ctx.latest_value or GROWTH_ZERO_REPLACEMENT
    goal = ctx.target.value if ctx.target.value is not None else base
    goal = goal or GROWTH_ZERO_REPLACEMENT
    if (base > 0) != (latest > 0) or (base > 0) != (goal > 0):
        return _insufficient(
            ctx.indicator,
            ctx.year,
            ctx.method,
            ctx.target,
            "基准值与最新值或目标值符号相反，无法计算增长率",
            "the baseline and the latest or target value have opposite signs; no growth rate",
            baseline=(ctx.baseline_year, ctx.baseline_value),
        )
    years = ctx.latest_year - ctx.baseline_year
    observed = cagr(base, latest, years)
    t = ctx.target
    lead_zh = f"基准{ctx.baseline_year}年{fmt(ctx.baseline_value)}，最新{ctx.latest_year}年{fmt(ctx.latest_value)}，年均增长率{pct(observed)}"
    lead_en = (
        f"baseline {fmt(ctx.baseline_value)} ({ctx.baseline_year}), latest {fmt(ctx.latest_value)} "
        f"({ctx.latest_year}), observed growth {pct(observed)} a year"
    )
    if t.comparator == "trend":
        limit = 100.0 if ctx.indicator.unit == "%" and ctx.sign > 0 else None
        correction = 1.0 - (base / limit) ** GROWTH_LIMIT_EXPONENT if limit and 0 < base < limit else 1.0
        substantial = GROWTH_NO_TARGET_SUBSTANTIAL * correction
        moderate = GROWTH_NO_TARGET_MODERATE * correction
        directed = ctx.sign * observed
        if directed > 0 and ctx.latest_year >= t.year:
            status = "achieved"
        elif directed >= substantial:
            status = "on_track"
        elif directed >= moderate:
            status = "needs_acceleration"
        else:
            status = "off_track"
        zh, en = STATUSES[status]
        return ctx.base(
            status,
            f"{zh}：目标为“{t.text}”，{lead_zh}；按方向计{pct(directed)}，对照阈值{pct(substantial)}/{pct(moderate)}。",
            f"{en.capitalize()}: target “{localized(t, 'text', 'en')}”; {lead_en}; {pct(directed)} in the desired direction against thresholds {pct(substantial)}/{pct(moderate)}.",
            progress_made=None,
            ratio=None,
            inputs={
                "observed_cagr": observed,
                "ceiling_correction": correction,
                "thresholds": {"substantial": substantial, "moderate": moderate},
            },
        )
    assert t.value is not None
    lead_zh += f"，{t.year}年目标{sym(t.comparator)}{fmt(t.value)}"
    lead_en += f", target {sym(t.comparator)} {fmt(t.value)} by {t.year}"
    if t.met_by(ctx.latest_value):
        return ctx.base(
            "achieved",
            f"已达成：{lead_zh}，最新值已达到目标。",
            f"Achieved: {lead_en}; the latest value meets the target.",
            inputs={"observed_cagr": observed},
        )
    required = cagr(base, goal, t.year - ctx.baseline_year)
    if required == 0 or ctx.sign * required < 0:
        return ctx.base(
            "off_track",
            f"滞后或倒退：{lead_zh}；基准值已达标，最新值已跌出目标。",
            f"Off track: {lead_en}; the baseline met the target but the latest value no longer does.",
            inputs={"observed_cagr": observed, "required_cagr": required},
        )
    ratio = math.copysign(1.0, base) * ctx.sign * observed / abs(required)
    if ctx.latest_year >= t.year:
        status = "off_track"
    elif ratio >= GROWTH_SUBSTANTIAL_RATIO:
        status = "on_track"
    elif ratio >= GROWTH_MODERATE_RATIO:
        status = "needs_acceleration"
    else:
        status = "off_track"
    zh, en = STATUSES[status]
    return ctx.base(
        status,
        f"{zh}：{lead_zh}；所需年均增长率{pct(required)}，比值R={fmt(ratio)}（阈值{GROWTH_SUBSTANTIAL_RATIO}/{GROWTH_MODERATE_RATIO}）。",
        f"{en.capitalize()}: {lead_en}; required growth {pct(required)} a year, ratio R = {fmt(ratio)} "
        f"(thresholds {GROWTH_SUBSTANTIAL_RATIO}/{GROWTH_MODERATE_RATIO}).",
        ratio=ratio,
        inputs={
            "observed_cagr": observed,
            "required_cagr": required,
            "thresholds": {"substantial": GROWTH_SUBSTANTIAL_RATIO, "moderate": GROWTH_MODERATE_RATIO},
        },
    )


register_method("escap", escap)
register_method("growth_ratio", growth_ratio)
