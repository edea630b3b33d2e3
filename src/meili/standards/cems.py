"""Online-monitoring statistics of pollution sources: hourly and daily means, 折算, exceedance (columnar).

* :func:`hourly_means` — valid minute values (flag in ``valid_flags``) averaged per device, hour and parameter;
  an hour is valid with at least ``minutes_per_hour`` of them (HJ 212-2017 附录D: flue gas k ≥ 45).
* :func:`daily_means` — valid hourly means per day; a day is valid with at least ``hours_per_day`` (附录D:
  m ≥ 20).
* :func:`correct_to_reference_o2` — the 折算 of 附录D (:func:`meili.standards.hj212.corrected_concentration`)
  with the same hour's (or day's) O2 mean of the device.
* :func:`exceedances` — the (corrected) mean against each limit on the averaging the permit sets.

What counts as valid and the wastewater minimum counts are **unverified** in the reference pack (§2, §4): they
are :class:`Validity` fields with defaults, and the defaults are marked 待确认 where the pack says so. Times are
the start of each period (DataTime of 2051/2061, HJ 212-2017 表4). Frames in, frames out; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

import polars as pl

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
