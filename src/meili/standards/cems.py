"""Online-monitoring statistics of pollution sources: hourly and daily means, 折算, exceedance (columnar).

* :func:`hourly_means` — valid minute values (flag in ``valid_flags``) averaged per device, hour and parameter;
  an hour is valid with at least ``minutes_per_hour`` of them (HJ 212-2017 附录D: flue gas k ≥ 45).
* :func:`daily_means` — valid hourly means per day; a day is valid with at least ``hours_per_day`` (附录D:
  m ≥ 20).
* :func:`correct_to_reference_o2` — the 折算 of 附录D (:func:`meili.standards.hj212.corrected_concentration`)
  with the same hour's (or day's) O2 mean of the device.
* :func:`exceedances` — the (corrected) mean against each limit on the averaging the permit sets.
* :func:`hourly_emissions` — kg/h per device and list pollutant (SO2, NOx, PM, VOCs) from the hourly means of
  concentration and flow (附录D: C × Q × 10⁻⁶), for the compliance check during a heavy-pollution alert.

What counts as valid and the wastewater minimum counts are **unverified** in the reference pack (§2, §4): they
are :class:`Validity` fields with defaults, and the defaults are marked 待确认 where the pack says so. Times are
the start of each period (DataTime of 2051/2061, HJ 212-2017 表4). Frames in, frames out; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import polars as pl

from meili.standards import cems_statistics

#: an eager frame or a lazy one (a scan of Parquet files evaluated with the streaming engine): the same rule
Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)

#: HJ 212-2017 表B.2: oxygen content
O2_CODE = "a19001"
MINUTE_COLUMNS = ("device", "time", "code", "value", "flag")


@dataclass(frozen=True)
class Validity:
    """Validity rules of the averages (configuration).

    ``minutes_per_hour`` 45 and ``hours_per_day`` 20 are HJ 212-2017 附录D for flue gas (high). For wastewater the
    annex only says 1–6 values per hour and 1–24 hours per day: pass the figures of the local rule (待确认).
    ``valid_flags``: only N counts as measured data (pack §2, the suggested platform rule; 待确认).
    """

    minutes_per_hour: int = 45
    hours_per_day: int = 20
    valid_flags: frozenset[str] = field(default_factory=lambda: frozenset({"N"}))


def _valid(validity: Validity) -> pl.Expr:
    return pl.col("flag").fill_null("N").is_in(sorted(validity.valid_flags)) & pl.col("value").is_not_null()


def hourly_means(minutes: Frame, validity: Validity | None = None) -> Frame:
    """Hourly means from minute values (HJ 212-2017 附录D: hourly mean = mean of valid minute means, k ≥ 45).

    *minutes*: ``device, time, code, value, flag`` (time = start of the minute). Returns ``device, time (hour
    start), code, mean, count, valid`` where ``count`` is the number of valid minute values and ``mean`` is null
    when there is none. A :class:`polars.LazyFrame` in gives a LazyFrame out (the benchmark's year of data).
    """
    rules = validity or Validity()
    return (
        minutes.with_columns(_valid(rules).alias("_ok"), pl.col("time").dt.truncate("1h"))
        .group_by("device", "time", "code")
        .agg(
            # when/then rather than filter inside the aggregation: the same mean (nulls are skipped), a third less CPU
            # on the streaming engine (benchmarks/hj212_year.py)
            pl.when(pl.col("_ok")).then(pl.col("value")).mean().alias("mean"),
            pl.col("_ok").sum().cast(pl.Int64).alias("count"),
        )
        .with_columns((pl.col("count") >= rules.minutes_per_hour).alias("valid"))
        .sort("device", "code", "time")
    )


def daily_means(hours: Frame, validity: Validity | None = None) -> Frame:
    """Daily means from hourly means (HJ 212-2017 附录D: daily mean = mean of valid hourly means, m ≥ 20).

    *hours*: the output of :func:`hourly_means`. Returns ``device, time (day start), code, mean, count, valid``.
    """
    rules = validity or Validity()
    return (
        hours.with_columns(pl.col("time").dt.truncate("1d"))
        .group_by("device", "time", "code")
        .agg(
            pl.when(pl.col("valid")).then(pl.col("mean")).mean().alias("mean"),
            pl.col("valid").sum().cast(pl.Int64).alias("count"),
        )
        .with_columns((pl.col("count") >= rules.hours_per_day).alias("valid"))
        .sort("device", "code", "time")
    )


def correct_to_reference_o2(means: pl.DataFrame, references: pl.DataFrame, codes: list[str]) -> pl.DataFrame:
    """Add ``corrected``: C × (21 − O2_ref)/(21 − O2) for *codes* of devices with a reference O2 (HJ 212-2017 附录D
    折算 with a reference oxygen content; HJ 75-2017).

    *references*: ``device, reference_o2`` (%). O2 is the same period's valid mean of :data:`O2_CODE`; where it is
    missing, invalid or ≥ 21 %, or the device has no reference O2, ``corrected`` is null and ``mean`` is judged.
    """
    o2 = means.filter((pl.col("code") == O2_CODE) & pl.col("valid") & (pl.col("mean") < 21.0)).select(
        "device", "time", pl.col("mean").alias("_o2")
    )
    joined = means.join(o2, on=["device", "time"], how="left").join(references, on="device", how="left")
    factor = (21.0 - pl.col("reference_o2")) / (21.0 - pl.col("_o2"))
    return joined.with_columns(
        pl.when(pl.col("code").is_in(codes) & pl.col("_o2").is_not_null() & pl.col("reference_o2").is_not_null())
        .then(pl.col("mean") * factor)
        .otherwise(None)
        .alias("corrected")
    ).drop("_o2", "reference_o2")


def exceedances(means: pl.DataFrame, limits: pl.DataFrame, averaging: str) -> pl.DataFrame:
    """Valid means above their limit (or below a lower limit, e.g. pH) on the given averaging (``hour``/``day``).

    *means*: hourly or daily means, optionally with ``corrected`` (:func:`correct_to_reference_o2`); the corrected
    value is judged where there is one. *limits*: ``device, code, limit, lower_limit, averaging`` — data from the
    permit (pack §3: the compare period is configuration). Returns ``device, time, code, value, limit,
    lower_limit``.
    """
    value = pl.coalesce("corrected", "mean") if "corrected" in means.columns else pl.col("mean")
    chosen = limits.filter(pl.col("averaging") == averaging).drop("averaging")
    return (
        means.filter(pl.col("valid"))
        .with_columns(value.alias("value"))
        .join(chosen, on=["device", "code"], how="inner")
        .filter(
            (pl.col("value") > pl.col("limit"))
            | (pl.col("lower_limit").is_not_null() & (pl.col("value") < pl.col("lower_limit")))
        )
        .select("device", "time", "code", "value", "limit", "lower_limit")
        .sort("device", "time", "code")
    )


#: HJ 212-2017 表B.2: flue-gas flow, m³/s (its ``Cou`` is m³)
FLOW_CODE = cems_statistics.AIR_FLOW_CODE
#: the emission-reduction list's pollutants (重污染天气应急减排清单: SO2, NOx, PM, VOCs) and the HJ 212-2017 表B.2
#: code each is measured by. 颗粒物 is a34013 (named 烟尘 in the standard; platforms use it for 颗粒物, pack §1);
#: VOCs are measured online as 非甲烷总烃 a24088 (the usual proxy; 待确认 with the bureau).
LIST_POLLUTANT_CODES: dict[str, str] = {"SO2": "a21026", "NOx": "a21002", "PM": "a34013", "VOCs": "a24088"}


def hourly_emission_kg(concentration_mg_m3: float, flow_m3_s: float) -> float:
    """Hourly emission in kg/h from an hourly mean concentration (mg/m³) and flow (m³/s): C × Q × 10⁻⁶ with
    Q = 3600 × flow in m³/h (HJ 212-2017 附录D: hourly emission = C_hour × Q_hour × 10⁻⁶; 表B.2: a00000 in m³/s)."""
    return concentration_mg_m3 * flow_m3_s * cems_statistics.KG_PER_HOUR


def hourly_emissions(hours: pl.DataFrame, codes: Mapping[str, str] | None = None) -> pl.DataFrame:
    """Hourly emissions (kg/h) of each device and list pollutant from valid hourly means.

    *hours*: ``device, time, code, mean, valid`` (:func:`hourly_means`, or stored 2061 hourly means). An hour has an
    emission where both the pollutant's and the flow's (:data:`FLOW_CODE`) means of that device and hour are valid
    (附录D: only valid hours are summed). *codes*: list pollutant → HJ 212 code (:data:`LIST_POLLUTANT_CODES`).
    Returns ``device, time, pollutant, kg``, sorted.
    """
    mapping = dict(codes or LIST_POLLUTANT_CODES)
    pollutants = pl.DataFrame(
        {"code": list(mapping.values()), "pollutant": list(mapping.keys())},
        schema={"code": pl.String, "pollutant": pl.String},
    )
    valid = hours.filter(pl.col("valid") & pl.col("mean").is_not_null())
    devices = valid.select("device").unique()
    kg = cems_statistics.hourly_emissions(
        valid,
        devices.with_columns(pl.lit("air").alias("medium")),
        devices.join(pollutants.select("code"), how="cross"),
    )
    return (
        kg.join(pollutants, on="code", how="inner")
        .select("device", "time", "pollutant", "kg")
        .sort("device", "pollutant", "time")
    )
