"""Shared frame plumbing: the hourly input shapes, edition split by date, the NA and completeness columns."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from .editions import POLLUTANTS, SWITCH_DATE, Edition, get_edition, resolve
from .iaqi import label_set_expr

HOUR = pl.duration(hours=1)


def to_wide(hourly: pl.DataFrame) -> pl.DataFrame:
    """``site,time`` plus one Float64 column per pollutant, from either accepted hourly shape.

    Accepted: the long table ``site,time,parameter,value`` (parameters SO2 NO2 CO O3 PM10 PM2.5, CO in mg/m³,
    the rest µg/m³, other parameters ignored) or a wide table ``site,time,SO2,…`` (absent pollutants are NA).
    ``time`` is the end of the hour (CNEMC convention, HJ 663-2013 Table A.1), a naive local Datetime.
    """
    if "parameter" in hourly.columns:
        long = hourly.filter(pl.col("parameter").is_in(POLLUTANTS))
        wide = long.pivot(on="parameter", index=["site", "time"], values="value", aggregate_function="first")
    else:
        wide = hourly
    missing = [pl.lit(None, dtype=pl.Float64).alias(p) for p in POLLUTANTS if p not in wide.columns]
    wide = wide.with_columns(missing)
    return wide.select(pl.col("site"), pl.col("time"), *[pl.col(p).cast(pl.Float64) for p in POLLUTANTS])


def natural_day(time: pl.Expr) -> pl.Expr:
    """The natural day an hour-end label belongs to: hours ending D 01:00 … D+1 00:00 are day D (GB 3095-2026 §3.10)."""
    return (time - HOUR).dt.date()


def by_edition(
    frame: pl.DataFrame,
    day: pl.Expr,
    edition: str | Edition,
    fn: Callable[[pl.DataFrame, Edition], pl.DataFrame],
    sort_by: tuple[str, ...] = (),
) -> pl.DataFrame:
    """Apply *fn* per edition: the one forced by the caller, or for ``"auto"`` the one in force on each row's day.

    When rows of both editions are present the parts are concatenated and sorted by *sort_by*.
    """
    if edition != "auto":
        return fn(frame, resolve(edition))
    is_new = day >= pl.lit(SWITCH_DATE)
    first, last = frame.select(is_new.min().alias("a"), is_new.max().alias("b")).row(0)
    if first is None or first == last:
        return fn(frame, get_edition("2026" if first else "2012"))
    marked = frame.with_columns(is_new.alias("__new"))
    parts = [
        fn(marked.filter(pl.col("__new") == flag).drop("__new"), get_edition(key))
        for flag, key in ((False, "2012"), (True, "2026"))
    ]
    out = pl.concat(parts, how="vertical_relaxed")
    return out.sort(list(sort_by)) if sort_by else out


def missing_expr(columns: dict[str, str]) -> pl.Expr:
    """Comma-separated labels of the indicators that are NA (HJ 633-2026 §5.3.1 asks to state them)."""
    return label_set_expr([pl.col(c).is_null() for c in columns], list(columns.values()))
