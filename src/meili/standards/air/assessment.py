"""Assessment of a period (month, quarter, year-to-date, year) per HJ 663 against the GB 3095 limits.

Statistics (HJ 663-2013 Table 1, reportedly unchanged in HJ 663-2026): period means of SO2, NO2, PM10, PM2.5;
98th percentile of daily SO2 and NO2; 95th percentile of daily PM10, PM2.5 and CO; 90th percentile of the O3
daily maximum 8-hour averages. Percentile (HJ 663-2013 Annex A): sort the n valid values, k = 1 + (n − 1)·p,
m = X(s) + (X(s+1) − X(s))·(k − s) with s = ⌊k⌋ — computed with integer arithmetic on k.

Validity (GB 3095 Table 4): ≥ 324 daily values in a calendar year and ≥ 27 in every month (≥ 25 in February).
A statistic that misses its rule is still computed but ``valid_<pollutant>`` is false and ``rule_<pollutant>``
names the rule and the count; compliance uses valid statistics only.

Good-days ratio = days with AQI ≤ 100 / valid days; heavy-pollution days: AQI > 200; composite index
(城市环境空气质量排名技术规定, 环办监测〔2018〕19号): Σ wᵢ·Cᵢ/Sᵢ.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import polars as pl

from .editions import DECIMALS, Edition, resolve
from .iaqi import from_scaled_expr, round_gbt8170_expr

#: (statistic name, daily column, pollutant, percentile or None for the mean, limit averaging)
STATISTICS = (
    ("SO2_mean", "SO2", "SO2", None, "annual"),
    ("SO2_P98", "SO2", "SO2", 98, "24h"),
    ("NO2_mean", "NO2", "NO2", None, "annual"),
    ("NO2_P98", "NO2", "NO2", 98, "24h"),
    ("PM10_mean", "PM10", "PM10", None, "annual"),
    ("PM10_P95", "PM10", "PM10", 95, "24h"),
    ("PM2.5_mean", "PM2.5", "PM2.5", None, "annual"),
    ("PM2.5_P95", "PM2.5", "PM2.5", 95, "24h"),
    ("CO_P95", "CO", "CO", 95, "24h"),
    ("O3_8h_P90", "O3_8h_max", "O3", 90, "8h_max"),
)
POLLUTANT_COLUMN = {"SO2": "SO2", "NO2": "NO2", "CO": "CO", "O3": "O3_8h_max", "PM10": "PM10", "PM2.5": "PM2.5"}
#: 2018 ranking rule: Cᵢ and Sᵢ (class-2 annual limits; CO 24-hour and O3 8-hour limits of GB 3095-2012)
COMPOSITE_STATISTIC = {
    "SO2": "SO2_mean",
    "NO2": "NO2_mean",
    "PM10": "PM10_mean",
    "PM2.5": "PM2.5_mean",
    "CO": "CO_P95",
    "O3": "O3_8h_P90",
}
COMPOSITE_LIMITS_2018 = {"SO2": 60.0, "NO2": 40.0, "PM10": 70.0, "PM2.5": 35.0, "CO": 4.0, "O3": 160.0}
COMPOSITE_WEIGHTS_2018 = dict.fromkeys(COMPOSITE_LIMITS_2018, 1.0)
MIN_DAYS_YEAR = 324
MIN_DAYS_MONTH = 27
MIN_DAYS_FEBRUARY = 25


def percentile(values: Sequence[float], p: int | Fraction) -> Fraction | None:
    """HJ 663-2013 Annex A percentile: k = 1 + (n − 1)·p/100, linear between X(s) and X(s+1); exact."""
    xs = sorted(Fraction(str(v)) for v in values if v is not None)
    if not xs:
        return None
    k = 1 + (len(xs) - 1) * Fraction(p) / 100
    s = int(k)
    if s >= len(xs):
        return xs[-1]
    return xs[s - 1] + (xs[s] - xs[s - 1]) * (k - s)


def _percentile_expr(col: str, p: int) -> pl.Expr:
    values = pl.col(col).drop_nulls().sort()
    n = pl.col(col).count().cast(pl.Int64)
    scaled = (n - 1) * p  # (k − 1)·100
    lo = scaled // 100
    frac = (scaled % 100).cast(pl.Float64) / 100.0
    hi = pl.min_horizontal(lo + 1, n - 1)
    x_lo = values.get(lo.clip(0), null_on_oob=True)  # evaluated for empty groups too (then discarded)
    x_hi = values.get(hi.clip(0), null_on_oob=True)
    return pl.when(n > 0).then(x_lo + (x_hi - x_lo) * frac)


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int, bool]]:
    """(year, month, fully covered) for each calendar month touched by [start, end]."""
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        last = calendar.monthrange(y, m)[1]
        full = start <= dt.date(y, m, 1) and end >= dt.date(y, m, last)
        out.append((y, m, full))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def assess(
    daily: pl.DataFrame,
    start: dt.date | str,
    end: dt.date | str,
    *,
    zone_class: int = 2,
    edition: str | Edition = "auto",
    phase: str | None = None,
    min_days_year: int = MIN_DAYS_YEAR,
    min_days_month: int = MIN_DAYS_MONTH,
    min_days_february: int = MIN_DAYS_FEBRUARY,
    composite_weights: Mapping[str, float] | None = None,
    composite_limits: Mapping[str, float] | None = None,
    excluded: pl.DataFrame | Collection[dt.date] | None = None,
    engine: str = "auto",
) -> pl.DataFrame:
    """One row per ``site`` with every HJ 663 statistic, its validity, compliance, good and heavy days and the
    composite index for the days *start* … *end* (inclusive).

    *daily* is the output of :func:`daily` / :func:`daily_index` (reported, GB/T 8170-rounded values). A
    ``zone_class`` column in *daily* (1 or 2) overrides the *zone_class* argument per site. ``edition="auto"``
    judges against the edition (and GB 3095-2026 phase, clause 4.4) in force on *end*; *phase* forces
    ``transitional`` or ``final``. Statistics are rounded per GB/T 8170 (integers, CO one decimal) before
    comparison with the limits; the composite index is rounded to two decimals.

    *excluded* — exceptional events (例外事件, HJ 663-2026; text not obtained): days (all sites) or a frame of
    ``site,date`` removed before any statistic, so they leave numerators and denominators alike (documented
    reading); ``excluded_days`` counts them per site. Default: nothing excluded.

    *engine* as in :func:`.daily.daily`: ``"auto"`` uses the dense compiled path when *daily* is one run of
    consecutive dates per site and nothing is excluded, the general Polars path otherwise (identical output).
    """
    start, end = _as_date(start), _as_date(end)
    ed = resolve(edition, end)
    phase = phase if phase is not None else ed.phase(end)
    weights = dict(COMPOSITE_WEIGHTS_2018 | dict(composite_weights or {}))
    comp_limits = dict(COMPOSITE_LIMITS_2018 | dict(composite_limits or {}))
    months = _months(start, end)
    whole_year = start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31 and start.year == end.year
    stats = None
    if engine not in ("auto", "dense", "polars"):
        raise ValueError(f"unknown engine {engine!r}; expected auto, dense or polars")
    if engine != "polars" and excluded is None:
        from . import dense

        stats = dense.assess_counts(daily, start, end, months, POLLUTANT_COLUMN, STATISTICS, zone_class)
    if stats is None:
        if engine == "dense":
            raise ValueError("the dense path does not apply to this input (see meili.standards.air.dense)")
        stats = _period_counts(daily, start, end, months, zone_class, excluded)
    for pollutant in POLLUTANT_COLUMN:
        for y, m, _ in months:
            key = f"__{pollutant}_{y}_{m}"
            if key not in stats.columns:
                stats = stats.with_columns(pl.lit(None, dtype=pl.Int64).alias(key))
    stats = stats.with_columns(_rules(stats, months, whole_year, min_days_year, min_days_month, min_days_february))
    stats = stats.with_columns(
        [((pl.col(f"n_{p}") > 0) & pl.col(f"rule_{p}").is_null()).alias(f"valid_{p}") for p in POLLUTANT_COLUMN]
    )
    return _judge(stats, ed, phase, weights, comp_limits, start, end)


def _rules(
    stats: pl.DataFrame,
    months: list[tuple[int, int, bool]],
    whole_year: bool,
    min_days_year: int,
    min_days_month: int,
    min_days_february: int,
) -> list[pl.Series]:
    """``rule_<pollutant>``: the unmet HJ 663 validity rules, ``"; "``-separated, null when none — "≥N daily values
    in the year: n" (whole year; a null count states nothing) and "≥N daily values in Y-MM: n" per full month
    (a null month count is 0). Compared and formatted as integers with NumPy, row by row only where a rule
    fails: one pass over all counts instead of a Polars expression per rule (identical text)."""
    checks: list[tuple[str, str, int, str, int]] = []  # pollutant, column, need, text, value for null
    for pollutant in POLLUTANT_COLUMN:
        if whole_year:
            checks.append(
                (
                    pollutant,
                    f"n_{pollutant}",
                    min_days_year,
                    f"≥{min_days_year} daily values in the year: ",
                    min_days_year,
                )
            )
        for y, m, full in months:
            if full:
                need = min_days_february if m == 2 else min_days_month
                checks.append((pollutant, f"__{pollutant}_{y}_{m}", need, f"≥{need} daily values in {y}-{m:02d}: ", 0))
    height = stats.height
    if checks:
        counts = stats.select(
            [
                pl.col(col).cast(pl.Int64).fill_null(fill).alias(f"__c{k}")
                for k, (_, col, _, _, fill) in enumerate(checks)
            ]
        ).to_numpy()
        fails = counts < np.array([need for _, _, need, _, _ in checks])
    out = []
    for pollutant in POLLUTANT_COLUMN:
        mine = [k for k, check in enumerate(checks) if check[0] == pollutant]
        text: list[str | None] = [None] * height
        if mine:
            for row in np.flatnonzero(fails[:, mine].any(axis=1)).tolist():
                text[row] = "; ".join(checks[k][3] + str(int(counts[row, k])) for k in mine if fails[row, k])
        out.append(pl.Series(f"rule_{pollutant}", text, dtype=pl.String))
    return out


def _judge(
    stats: pl.DataFrame,
    ed: Edition,
    phase: str,
    weights: dict[str, float],
    comp_limits: dict[str, float],
    start: dt.date,
    end: dt.date,
) -> pl.DataFrame:
    """Rounding, limits, compliance, good-days ratio and composite index from raw period statistics."""
    stats = stats.with_columns(
        [e for p in POLLUTANT_COLUMN for e in (pl.col(f"n_{p}").fill_null(0), pl.col(f"valid_{p}").fill_null(False))]
    )
    outputs = []
    for name, _, pollutant, _, averaging in STATISTICS:
        rounded = from_scaled_expr(round_gbt8170_expr(pl.col(name), DECIMALS[pollutant]), DECIMALS[pollutant])
        limit1 = ed.limit(pollutant, averaging, 1, phase=phase)
        limit2 = ed.limit(pollutant, averaging, 2, phase=phase)
        limit = pl.when(pl.col("zone_class") == 1).then(pl.lit(limit1)).otherwise(pl.lit(limit2))
        outputs += [
            rounded.alias(name),
            limit.alias(f"{name}_limit"),
            pl.when(pl.col(f"valid_{pollutant}")).then(rounded <= limit).alias(f"{name}_complies"),
        ]
    stats = stats.with_columns(outputs)
    per_pollutant = []
    for pollutant in POLLUTANT_COLUMN:
        checks = [pl.col(f"{n}_complies") for n, _, p, _, _ in STATISTICS if p == pollutant]
        fails = pl.any_horizontal([c.not_().fill_null(False) for c in checks])
        all_ok = pl.all_horizontal([c.fill_null(False) for c in checks])
        per_pollutant.append(pl.when(fails).then(False).when(all_ok).then(True).alias(f"{pollutant}_complies"))
    stats = stats.with_columns(per_pollutant)
    checks = [pl.col(f"{p}_complies") for p in POLLUTANT_COLUMN]
    composite = sum(
        (pl.col(COMPOSITE_STATISTIC[p]) * (weights[p] / comp_limits[p]) for p in COMPOSITE_STATISTIC), pl.lit(0.0)
    )
    composite_valid = pl.all_horizontal([pl.col(f"valid_{p}") for p in COMPOSITE_STATISTIC])
    stats = stats.with_columns(
        pl.when(pl.any_horizontal([c.not_().fill_null(False) for c in checks]))
        .then(False)
        .when(pl.all_horizontal([c.fill_null(False) for c in checks]))
        .then(True)
        .alias("complies"),
        from_scaled_expr(
            round_gbt8170_expr(
                pl.when(pl.col("valid_days") > 0).then(pl.col("good_days") * 100.0 / pl.col("valid_days")), 1
            ),
            1,
        ).alias("good_days_ratio"),
        from_scaled_expr(round_gbt8170_expr(composite, 2), 2).alias("composite_index"),
        composite_valid.alias("composite_valid"),
        pl.lit(start).alias("start"),
        pl.lit(end).alias("end"),
        pl.lit(ed.limits_standard + (f" ({phase})" if phase else "")).alias("standard"),
        pl.lit(ed.assessment_standard).alias("method"),
    )
    columns = ["site", "start", "end", "zone_class"]
    for name, _, _, _, _ in STATISTICS:
        columns += [name, f"{name}_limit", f"{name}_complies"]
    for p in POLLUTANT_COLUMN:
        columns += [f"n_{p}", f"valid_{p}", f"rule_{p}", f"{p}_complies"]
    columns += [
        "complies",
        "valid_days",
        "good_days",
        "good_days_ratio",
        "heavy_days",
        "excluded_days",
        "composite_index",
        "composite_valid",
        "standard",
        "method",
    ]
    return stats.select(columns).sort("site")


#: ranking statistic -> (validity column, larger is better)
RANKINGS = {
    "composite_index": ("composite_valid", False),
    "PM2.5_mean": ("valid_PM2.5", False),
    "good_days_ratio": ("valid_days", True),
}


def rank(assessment: pl.DataFrame, by: str = "composite_index") -> pl.DataFrame:
    """Rank the rows of :func:`assess` by the composite index (worse air = larger index = lower place), the
    PM2.5 mean or the good-days ratio (城市环境空气质量排名技术规定, 2018: ties share a place). Only valid
    statistics are ranked; the others get NA in ``rank_<by>``.
    """
    if by not in RANKINGS:
        raise ValueError(f"cannot rank by {by!r}; expected one of {', '.join(RANKINGS)}")
    valid_col, larger_better = RANKINGS[by]
    valid = pl.col(valid_col).cast(pl.Boolean) & pl.col(by).is_not_null()
    key = pl.when(valid).then(pl.col(by))
    ranked = key.rank(method="min", descending=larger_better).cast(pl.Int64)
    return assessment.with_columns(ranked.alias(f"rank_{by}"))


def assess_three_year(daily: pl.DataFrame, year: int, **options: Any) -> pl.DataFrame:
    """Three-year moving-average assessment ending with *year* (HJ 663-2026 introduces it; its text was not
    obtained). Documented reading: each statistic is the mean of the three annual statistics of :func:`assess`
    for *year*−2 … *year*, valid only when all three are valid, judged against the limits in force at the end
    of *year*; day counts are summed. *options* are passed to :func:`assess`.
    """
    years = [assess(daily, dt.date(y, 1, 1), dt.date(y, 12, 31), **options) for y in (year - 2, year - 1, year)]
    rows = pl.concat([frame.with_columns(pl.lit(i).alias("__year")) for i, frame in enumerate(years)])
    aggs: list[pl.Expr] = [pl.col("zone_class").first()]
    aggs += [pl.col(name).mean().alias(name) for name, *_ in STATISTICS]
    for p in POLLUTANT_COLUMN:
        aggs += [
            pl.col(f"n_{p}").sum().alias(f"n_{p}"),
            (pl.col(f"valid_{p}").all() & (pl.len() == 3)).alias(f"valid_{p}"),
            pl.concat_str([pl.col("start").dt.year().cast(pl.String), pl.col(f"rule_{p}")], separator=": ")
            .drop_nulls()
            .str.join("; ")
            .alias(f"rule_{p}"),
        ]
    aggs += [pl.col(c).sum() for c in ("valid_days", "good_days", "heavy_days", "excluded_days")]
    stats = (
        rows.group_by("site")
        .agg(aggs)
        .with_columns(
            *[
                pl.when(pl.col(f"rule_{p}") == "").then(None).otherwise(pl.col(f"rule_{p}")).alias(f"rule_{p}")
                for p in POLLUTANT_COLUMN
            ]
        )
    )
    end = dt.date(year, 12, 31)
    ed = resolve(options.get("edition", "auto"), end)
    phase = options.get("phase") or ed.phase(end)
    weights = dict(COMPOSITE_WEIGHTS_2018 | dict(options.get("composite_weights") or {}))
    comp_limits = dict(COMPOSITE_LIMITS_2018 | dict(options.get("composite_limits") or {}))
    return _judge(stats, ed, phase, weights, comp_limits, dt.date(year - 2, 1, 1), end)


def _period_counts(
    daily: pl.DataFrame,
    start: dt.date,
    end: dt.date,
    months: list[tuple[int, int, bool]],
    zone_class: int,
    excluded: pl.DataFrame | Collection[dt.date] | None,
) -> pl.DataFrame:
    """Per site: counts, raw (unrounded) statistics, valid/good/heavy/excluded days and the daily values per
    month (``__<pollutant>_<y>_<m>``) — the general path; :func:`.dense.assess_counts` is the dense one."""
    frame = daily.filter(pl.col("date").is_between(start, end))
    before = frame.group_by("site").agg(pl.len().cast(pl.Int64).alias("__all"))
    if isinstance(excluded, pl.DataFrame):
        frame = frame.join(excluded.select("site", "date"), on=["site", "date"], how="anti")
    elif excluded:
        frame = frame.filter(~pl.col("date").is_in(list(excluded)))
    if "zone_class" not in frame.columns:
        frame = frame.with_columns(pl.lit(zone_class).alias("zone_class"))
    aggs: list[pl.Expr] = [pl.col("zone_class").first().cast(pl.Int8)]
    for pollutant, col in POLLUTANT_COLUMN.items():
        aggs.append(pl.col(col).count().cast(pl.Int64).alias(f"n_{pollutant}"))
    for name, col, _, p, _ in STATISTICS:
        aggs.append((pl.col(col).mean() if p is None else _percentile_expr(col, p)).alias(name))
    aqi_ok = pl.col("AQI_valid").fill_null(False)
    aggs += [
        aqi_ok.sum().cast(pl.Int64).alias("valid_days"),
        (aqi_ok & (pl.col("AQI") <= 100)).sum().cast(pl.Int64).alias("good_days"),
        (aqi_ok & (pl.col("AQI") > 200)).sum().cast(pl.Int64).alias("heavy_days"),
    ]
    aggs.append(pl.len().cast(pl.Int64).alias("__kept"))
    stats = before.join(frame.group_by("site").agg(aggs), on="site", how="left").with_columns(
        (pl.col("__all") - pl.col("__kept").fill_null(0)).alias("excluded_days")
    )
    monthly = frame.group_by("site", pl.col("date").dt.year().alias("y"), pl.col("date").dt.month().alias("m")).agg(
        [pl.col(col).count().cast(pl.Int64).alias(p) for p, col in POLLUTANT_COLUMN.items()]
    )
    wide_months = monthly.with_columns(pl.format("{}_{}", "y", "m").alias("ym")).unpivot(
        index=["site", "ym"], on=list(POLLUTANT_COLUMN), variable_name="p", value_name="n"
    )
    wide_months = (
        wide_months.with_columns(pl.format("__{}_{}", "p", "ym").alias("key")).pivot(on="key", index="site", values="n")
        if wide_months.height
        else pl.DataFrame({"site": stats["site"]})
    )
    stats = stats.join(wide_months, on="site", how="left")
    return stats
