"""Noise: GB 3096-2008 声环境质量标准 — day/night levels, zone compliance and compliance rates.

* :func:`energy_average`, :func:`ldn` — energy (not arithmetic) averages of dB values (§3 definitions).
* :func:`period_levels` — Ld (06:00–22:00) and Ln (22:00–06:00) per site and day from hourly Leq.
* :func:`assess` — each site-day against the 表1 limits of its zone class (0, 1, 2, 3, 4a, 4b), and the
  night maximum level against night limit + 15 dB(A) (§5.4).
* :func:`compliance_rates` — day and night compliance rates of functional-zone monitoring (附录B, HJ 640-2012).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from functools import cache

import polars as pl

from meili.standards.media import read_table_text, round_half_up

STANDARD = "GB 3096-2008"
ZONES = ("0", "1", "2", "3", "4a", "4b", "4b_existing_rail_background")
#: §5.4: the night maximum may exceed the night limit by at most this many dB(A)
LMAX_ALLOWANCE = 15.0
#: §5.2: the 4b limits apply to railway trunk projects whose EIA was approved from this date
RAIL_4B_FROM = dt.date(2011, 1, 1)


@cache
def limits() -> dict[str, tuple[float, float, float]]:
    """GB 3096-2008 表1: zone → (day Leq, night Leq, night Lmax) limits in dB(A), incl. the §5.3 row."""
    return {
        r["zone_class"]: (
            float(r["day_leq_limit_dBA"]),
            float(r["night_leq_limit_dBA"]),
            float(r["night_lmax_limit_dBA"]),
        )
        for r in read_table_text("gb3096.csv")
    }


def zone(text: object, rail_approved: dt.date | str | None = None) -> str:
    """Normalise a zone class (``0``…``3``, ``4a``, ``4b``; ``4类``/``4A`` accepted).

    A 4b zone beside a railway approved before 2011-01-01 (*rail_approved*) takes the §5.3 background
    limits (70/55): GB 3096-2008 §5.2–5.3.
    """
    raw = str(text).strip().lower().removesuffix("类区").removesuffix("类")
    if raw.endswith(".0"):
        raw = raw[:-2]
    if raw not in ZONES:
        raise ValueError(f"unknown functional zone class {text!r}; expected one of 0, 1, 2, 3, 4a, 4b")
    if raw == "4b" and rail_approved:
        approved = (
            rail_approved if isinstance(rail_approved, dt.date) else dt.date.fromisoformat(str(rail_approved)[:10])
        )
        if approved < RAIL_4B_FROM:
            return "4b_existing_rail_background"
    return raw


def energy_average(levels: Iterable[float]) -> float:
    """10·lg[(1/n)·Σ 10^(0.1·L)] — the equivalent level of *levels* of equal duration (GB 3096 §3.7–3.8)."""
    values = list(levels)
    if not values:
        raise ValueError("no levels to average")
    return 10 * math.log10(sum(10 ** (0.1 * v) for v in values) / len(values))


def ldn(ld: float, ln: float, day_hours: int = 16) -> float:
    """Day-night level Ldn = 10·lg{[16·10^(0.1·Ld) + 8·10^(0.1·(Ln+10))]/24} (GB 3096 附录, night +10 dB)."""
    night_hours = 24 - day_hours
    return 10 * math.log10((day_hours * 10 ** (0.1 * ld) + night_hours * 10 ** (0.1 * (ln + 10))) / 24)


def period_levels(
    hourly: pl.DataFrame, *, day_start: int = 6, night_start: int = 22, label: str = "end"
) -> pl.DataFrame:
    """Ld and Ln per site and day from hourly Leq (GB 3096-2008 §3.4–3.5: day 06:00–22:00, night 22:00–06:00).

    *hourly*: ``site, time, leq`` (one Leq per hour). *label* ``end`` (default, the platform convention)
    means the hour 05:00–06:00 is written 06:00; ``start`` means it is written 05:00. A night belongs to
    the date on which it begins. *day_start*/*night_start* let a local government redefine the periods.
    Output: ``site, date, ld, ln, ldn, day_hours, night_hours`` (energy averages; ldn only with both).
    """
    if label not in ("end", "start"):
        raise ValueError("label must be 'end' or 'start'")
    start = pl.col("time").cast(pl.Datetime("us"))
    if label == "end":
        start = start - pl.duration(hours=1)
    hour = start.dt.hour()
    is_day = (hour >= day_start) & (hour < night_start)
    date = (
        pl.when(is_day | (hour >= night_start)).then(start.dt.date()).otherwise((start - pl.duration(days=1)).dt.date())
    )
    power = (10.0 ** (0.1 * pl.col("leq"))).alias("__p")
    frame = hourly.filter(pl.col("leq").is_not_null()).with_columns(
        pl.col("site").cast(pl.String), is_day.alias("__day"), date.alias("date"), power
    )
    out = frame.group_by("site", "date", maintain_order=True).agg(
        pl.col("__p").filter(pl.col("__day")).mean().alias("__pd"),
        pl.col("__p").filter(~pl.col("__day")).mean().alias("__pn"),
        pl.col("__day").sum().cast(pl.Int32).alias("day_hours"),
        (~pl.col("__day")).sum().cast(pl.Int32).alias("night_hours"),
    )
    day_hours = night_start - day_start
    ld, ln = 10 * pl.col("__pd").log10(), 10 * pl.col("__pn").log10()
    both = 10 * ((day_hours * pl.col("__pd") + (24 - day_hours) * pl.col("__pn") * 10.0) / 24).log10()
    return (
        out.with_columns(ld.alias("ld"), ln.alias("ln"), both.alias("ldn"))
        .select("site", "date", "ld", "ln", "ldn", "day_hours", "night_hours")
        .sort("site", "date")
    )


def assess_value(zone_class: str, period: str, level: float) -> tuple[bool, float]:
    """(complies, exceedance ΔL in dB(A), 0 when compliant) of one Leq (GB 3096-2008 §5.1 表1: Leq ≤ limit).

    A level that is not a number (NaN) cannot be judged: ValueError, not "fails by 0 dB".
    """
    if math.isnan(level):
        raise ValueError(f"a noise level must be a number, not {level!r}")
    day, night, lmax = limits()[zone(zone_class)]
    limit = {"day": day, "night": night, "lmax": lmax}[period]
    excess = round_half_up(level - limit, 1)
    return level <= limit, max(0.0, excess)


def assess(levels: pl.DataFrame, *, digits: int = 1) -> pl.DataFrame:
    """Compliance of each row ``site, zone_class[, date], ld?, ln?, lmax?`` (GB 3096-2008 §5.1, §5.3, §5.4).

    Optional ``rail_approved`` (date of the railway's EIA approval) sends 4b rows before 2011 to the §5.3
    background limits. A level equal to its limit complies. Exceedance ΔL = level − limit, rounded half up
    to *digits* (no multiple for noise). Output adds ``day_limit, night_limit, lmax_limit, day_met,
    night_met, lmax_met, day_exceed, night_exceed, lmax_exceed, standard``.
    """
    frame = levels
    for column in ("ld", "ln", "lmax"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.Float64).alias(column))
    rail = frame["rail_approved"].to_list() if "rail_approved" in frame.columns else [None] * frame.height
    zones = [zone(z, r) for z, r in zip(frame["zone_class"].to_list(), rail, strict=True)]
    table = limits()
    frame = frame.with_columns(
        pl.Series("zone_applied", zones, dtype=pl.String),
        pl.Series("day_limit", [table[z][0] for z in zones], dtype=pl.Float64),
        pl.Series("night_limit", [table[z][1] for z in zones], dtype=pl.Float64),
        pl.Series("lmax_limit", [table[z][1] + LMAX_ALLOWANCE for z in zones], dtype=pl.Float64),
    )
    out = []
    for level, limit in (("ld", "day"), ("ln", "night"), ("lmax", "lmax")):
        lim = pl.col(f"{limit}_limit")
        over = (pl.col(level) - lim).map_elements(lambda x: round_half_up(x, digits), return_dtype=pl.Float64)
        out += [
            pl.when(pl.col(level).is_null()).then(None).otherwise(pl.col(level) <= lim).alias(f"{limit}_met"),
            pl.when(pl.col(level) > lim)
            .then(over)
            .when(pl.col(level).is_not_null())
            .then(0.0)
            .alias(f"{limit}_exceed"),
        ]
    return frame.with_columns(*out, pl.lit(STANDARD).alias("standard"))


def compliance_rates(assessed: pl.DataFrame, *, by: str | None = "zone_class", digits: int = 1) -> pl.DataFrame:
    """Day and night compliance rates of functional-zone monitoring (GB 3096-2008 附录B; HJ 640-2012).

    Each row of *assessed* (:func:`assess`) with a day level is one day 点次 and with a night level one
    night 点次; rate = compliant / monitored × 100, rounded half up to *digits*. Grouped by *by* (and an
    ``all`` row for every zone together when *by* is given).
    Output: ``[by,] day_points, day_met_points, day_rate, night_points, night_met_points, night_rate``.
    """
    aggs = [
        pl.col("day_met").is_not_null().sum().alias("day_points"),
        pl.col("day_met").fill_null(False).sum().alias("day_met_points"),
        pl.col("night_met").is_not_null().sum().alias("night_points"),
        pl.col("night_met").fill_null(False).sum().alias("night_met_points"),
    ]
    frames = []
    if by:
        frames.append(assessed.group_by(pl.col(by).cast(pl.String), maintain_order=True).agg(aggs).sort(by))
        frames.append(assessed.select(aggs).with_columns(pl.lit("all").alias(by)))
    else:
        frames.append(assessed.select(aggs))
    out = pl.concat(frames, how="diagonal_relaxed")

    def _rate(met: int, points: int) -> float | None:
        return None if points == 0 else round_half_up(100 * met / points, digits)

    out = out.with_columns(
        pl.struct("day_met_points", "day_points")
        .map_elements(lambda s: _rate(s["day_met_points"], s["day_points"]), return_dtype=pl.Float64)
        .alias("day_rate"),
        pl.struct("night_met_points", "night_points")
        .map_elements(lambda s: _rate(s["night_met_points"], s["night_points"]), return_dtype=pl.Float64)
        .alias("night_rate"),
    )
    cols = ([by] if by else []) + [
        "day_points",
        "day_met_points",
        "day_rate",
        "night_points",
        "night_met_points",
        "night_rate",
    ]
    return out.select(cols)
