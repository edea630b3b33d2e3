"""City and district values: the arithmetic mean of the valid sites, then the index from those concentrations.

HJ 663 (city value = arithmetic mean of the valid assessment sites; secondary sources, see
docs/standards/air.md) and HJ 633-2026 §4.2.1–§4.2.2 (AQI for a county or city is computed from its
concentrations, never by averaging site AQIs).
"""

from __future__ import annotations

import polars as pl

from .daily import CONCENTRATION_COLUMNS, MEANS, daily_index
from .editions import POLLUTANTS, Edition
from .frames import to_wide
from .hourly import hourly as hourly_report

MIN_SITES = 1


def aggregate(
    frame: pl.DataFrame,
    sites: pl.DataFrame,
    *,
    scale: str = "daily",
    edition: str | Edition = "auto",
    min_sites: int = MIN_SITES,
) -> pl.DataFrame:
    """Group values per ``group`` of *sites* (``site,group``; a site may belong to several groups).

    ``scale="daily"``: *frame* holds daily site values (output of :func:`daily_concentrations` — unrounded —
    or of :func:`daily`); each group's daily value is the mean of its sites' valid daily means and daily O3
    maxima, and the result is :func:`daily_index` of those, with ``site`` = the group name and ``n_<column>``
    the number of sites that entered each mean. ``scale="hourly"``: *frame* holds hourly site values (long or
    wide); the group's hourly values are the site means, then :func:`hourly`. A mean from fewer than
    *min_sites* valid sites is NA.
    """
    membership = sites.select(pl.col("site").cast(pl.String), pl.col("group").cast(pl.String)).unique()
    if scale == "daily":
        cols = list(CONCENTRATION_COLUMNS)
        joined = frame.with_columns(pl.col("site").cast(pl.String)).join(membership, on="site", how="inner")
        means = joined.group_by("group", "date").agg(
            *[pl.col(c).mean().alias(c) for c in cols],
            *[pl.col(c).count().cast(pl.UInt32).alias(f"__n_{c}") for c in cols],
        )
        means = (
            means.with_columns(
                *[pl.when(pl.col(f"__n_{c}") >= min_sites).then(pl.col(c)).alias(c) for c in cols],
                *[pl.col(f"__n_{c}").alias(f"n_{c}") for c in MEANS],
                pl.col("__n_O3_1h_max").alias("n_O3"),
                pl.col("__n_O3_8h_max").alias("n_O3_8h"),
            )
            .drop([f"__n_{c}" for c in cols])
            .rename({"group": "site"})
        )
        return daily_index(means, edition)
    if scale == "hourly":
        wide = to_wide(frame).with_columns(pl.col("site").cast(pl.String)).join(membership, on="site", how="inner")
        means = (
            wide.group_by("group", "time")
            .agg(
                *[pl.when(pl.col(p).count() >= min_sites).then(pl.col(p).mean()).alias(p) for p in POLLUTANTS],
                pl.col("site").n_unique().alias("n_sites"),
            )
            .rename({"group": "site"})
        )
        counts = means.select("site", "time", "n_sites")
        return hourly_report(means.drop("n_sites"), edition).join(counts, on=["site", "time"], how="left")
    raise ValueError(f"scale must be 'daily' or 'hourly', not {scale!r}")
