"""Statistics of pollution-source online data: data capture rate, exceedance counts and emissions (columnar).

The hourly means come from :func:`meili.standards.cems.hourly_means` (HJ 212-2017 附录D validity); everything
here is arithmetic on them:

* :func:`capture_rates` — valid hourly means / expected hours of the period, per device and pollutant.
  HJ 75-2017's 有效数据捕集率 is, as the reference pack remembers it, the share of valid hours in the period;
  the pack could not read HJ 75 (§3), so the definition is **待确认** and the expected hours are an argument
  (the caller decides which hours a port owes, e.g. the period up to now).
* :func:`hourly_emissions` — HJ 212-2017 附录D: hourly emission (kg) = C_hour × Q_hour × 10⁻⁶ for flue gas
  (C in mg/m³, Q in m³/h from the flow ``a00000`` in m³/s); for wastewater (附录D.1) load = C (mg/L) × V (m³)
  × 10⁻³ kg with V = Q (L/s) × 3600 s × 10⁻³ from the flow ``w00000`` — the same C × Q × 3.6 × 10⁻³ kg. Only hours where both the concentration and the flow are
  valid count (附录D: daily emission = Σ of the valid hourly emissions). The measured (not 折算) concentration is
  used: 折算 is for judging against a limit, not for mass. Whether the reported flow is already at standard
  dry state is the device's (pack §3); no substitution of invalid hours (补遗, unverified) is made.
* :func:`period_emissions` — sums of hourly emissions per month or year, in tonnes.
* :func:`count_by_period` — how many rows (exceedance hours or days from :func:`meili.standards.cems.exceedances`)
  fall into each month or year.
* :func:`daily_figures` — all of the above per device, pollutant and day: the rows the platform stores, whose
  sums are the month's and the year's figures (every figure is a count or a sum over hours, and no hour or day
  straddles two days).

Frames in, frames out; no I/O.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

#: HJ 212-2017 表B.2 / 表B.1: flue-gas flow (m³/s) and wastewater flow (L/s)
AIR_FLOW_CODE = "a00000"
WATER_FLOW_CODE = "w00000"
#: seconds in the hour the hourly mean flow stands for
_HOUR_S = 3600.0
#: mg/m³ × m³/s and mg/L × L/s over an hour → kg: × 3600 s × 10⁻⁶ kg/mg (HJ 212-2017 附录D)
KG_PER_HOUR = _HOUR_S * 1e-6

Period = Literal["month", "year"]
_EVERY: dict[str, str] = {"month": "1mo", "year": "1y"}


def capture_rates(hours: pl.DataFrame, pollutants: pl.DataFrame, expected_hours: int) -> pl.DataFrame:
    """Valid hours per device and pollutant against *expected_hours* (有效数据捕集率, definition 待确认).

    *hours*: :func:`meili.standards.cems.hourly_means` output (``device, time, code, mean, count, valid``), already
    limited to the period. *pollutants*: ``device, code`` — what each device owes (a pollutant without any hour
    gets 0). Returns ``device, code, valid_hours, expected_hours, rate`` with ``rate`` in [0, 1] (null when
    nothing is expected); hours beyond *expected_hours* (duplicates cannot occur, hours are grouped) are capped.
    """
    if expected_hours < 0:
        raise ValueError("expected_hours must not be negative")
    valid = hours.filter(pl.col("valid")).group_by("device", "code").agg(pl.len().cast(pl.Int64).alias("valid_hours"))
    return (
        pollutants.select("device", "code")
        .unique()
        .join(valid, on=["device", "code"], how="left")
        .with_columns(
            pl.col("valid_hours").fill_null(0).clip(upper_bound=expected_hours),
            pl.lit(expected_hours, dtype=pl.Int64).alias("expected_hours"),
        )
        .with_columns(
            pl.when(pl.col("expected_hours") > 0)
            .then(pl.col("valid_hours") / pl.col("expected_hours"))
            .otherwise(None)
            .alias("rate")
        )
        .sort("device", "code")
    )


def hourly_emissions(hours: pl.DataFrame, media: pl.DataFrame, pollutants: pl.DataFrame) -> pl.DataFrame:
    """Emission in kg of each valid hour of each pollutant (HJ 212-2017 附录D; see the module text).

    *hours*: hourly means. *media*: ``device, medium`` (``air`` or ``water``). *pollutants*: ``device, code`` —
    the mass-bearing pollutants to account (not flow, O2, pH or temperature). Returns ``device, time, code, kg``
    for the hours where the pollutant's and the flow's means are both valid.
    """
    flow_code = (
        pl.when(pl.col("medium") == "air").then(pl.lit(AIR_FLOW_CODE)).otherwise(pl.lit(WATER_FLOW_CODE)).alias("_fc")
    )
    # mg/m³ × m³/s × 3600 s and mg/L × L/s × 3600 s are both mg in the hour: × 10⁻⁶ gives kg for either medium
    factor = KG_PER_HOUR
    flows = hours.filter(pl.col("valid")).select(
        "device", "time", pl.col("code").alias("_fc"), pl.col("mean").alias("_q")
    )
    return (
        hours.filter(pl.col("valid"))
        .join(pollutants.select("device", "code").unique(), on=["device", "code"], how="inner")
        .join(media.select("device", "medium"), on="device", how="inner")
        .with_columns(flow_code)
        .join(flows, on=["device", "time", "_fc"], how="inner")
        .select("device", "time", "code", (pl.col("mean") * pl.col("_q") * factor).alias("kg"))
        .sort("device", "code", "time")
    )


def period_emissions(emissions: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Σ of hourly emissions per device, pollutant and month or year, in tonnes (1 t = 1000 kg).

    Returns ``device, code, period (first day), tonnes, hours`` (``hours``: how many valid hours were summed).
    """
    return (
        emissions.with_columns(pl.col("time").dt.truncate(_EVERY[period]).alias("period"))
        .group_by("device", "code", "period")
        .agg((pl.col("kg").sum() / 1000.0).alias("tonnes"), pl.len().cast(pl.Int64).alias("hours"))
        .sort("device", "code", "period")
    )


def count_by_period(rows: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Rows (e.g. exceedance hours or days) per device, pollutant and month or year: ``device, code, period, n``."""
    return (
        rows.with_columns(pl.col("time").dt.truncate(_EVERY[period]).alias("period"))
        .group_by("device", "code", "period")
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .sort("device", "code", "period")
    )


DAILY_SCHEMA = pl.Schema(
    [
        ("device", pl.Int64()),
        ("code", pl.String()),
        ("day", pl.Date()),
        ("valid_hours", pl.Int64()),
        ("expected_hours", pl.Int64()),
        ("exceed_hours", pl.Int64()),
        ("exceed_day", pl.Boolean()),
        ("kg", pl.Float64()),
        ("emission_hours", pl.Int64()),
    ]
)


def daily_figures(
    hours: pl.DataFrame,
    hour_exceedances: pl.DataFrame,
    day_exceedances: pl.DataFrame,
    pollutants: pl.DataFrame,
    media: pl.DataFrame,
    mass: pl.DataFrame,
    expected: pl.DataFrame,
) -> pl.DataFrame:
    """Per device, owed pollutant and day: the figures of :func:`capture_rates`, the exceedances and
    :func:`hourly_emissions`, so that a month or a year is the sum of its days.

    *hours*: hourly means of the days; *hour_exceedances* / *day_exceedances*: :func:`meili.standards.cems.
    exceedances` of the hourly and daily means; *pollutants*: ``device, code`` owed (a row for every day even
    without data); *media* and *mass*: as :func:`hourly_emissions`; *expected*: ``day, expected_hours`` — the days
    to give rows for and the hours each owes (capped as in :func:`capture_rates`). Returns :data:`DAILY_SCHEMA`
    with ``kg`` null where no hour had a valid concentration and flow.
    """
    keys = ["device", "code", "day"]
    day = pl.col("time").dt.date().alias("day")
    valid = (
        hours.filter(pl.col("valid")).group_by("device", "code", day).agg(pl.len().cast(pl.Int64).alias("valid_hours"))
    )
    over = hour_exceedances.group_by("device", "code", day).agg(pl.len().cast(pl.Int64).alias("exceed_hours"))
    over_day = day_exceedances.select("device", "code", day).unique().with_columns(pl.lit(True).alias("exceed_day"))
    kg = (
        hourly_emissions(hours, media, mass)
        .group_by("device", "code", day)
        .agg(pl.col("kg").sum(), pl.len().cast(pl.Int64).alias("emission_hours"))
    )
    base = (
        pollutants.select("device", "code")
        .unique()
        .join(expected.select(pl.col("day").cast(pl.Date), pl.col("expected_hours").cast(pl.Int64)), how="cross")
    )
    out = base
    for frame in (valid, over, over_day, kg):
        out = out.join(frame, on=keys, how="left")
    return (
        out.with_columns(
            pl.col("valid_hours").fill_null(0).clip(upper_bound=pl.col("expected_hours")),
            pl.col("exceed_hours").fill_null(0),
            pl.col("exceed_day").fill_null(False),
            pl.col("emission_hours").fill_null(0),
        )
        .select(list(DAILY_SCHEMA.names()))
        .cast(DAILY_SCHEMA)
        .sort(keys)
    )
