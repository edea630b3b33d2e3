"""The real-time (hourly) AQI report.

HJ 633-2026 §4.2.3: the current hour's 1-hour values of SO2, NO2, CO, O3, PM10 and PM2.5; PM scored on the
daily breakpoints (§4.2.4). HJ 633-2012 §5.1.3 lists nine indicators without saying which enter the AQI;
the national network's practice under 2012 (verified on published data) is the same six 1-hour values with
PM on the 24-hour table, which is what the 2012 edition applies here.

2012 special rule (Table 1 note 2): an SO2 1-hour value above 800 µg/m³ gets no 1-hour IAQI; SO2 is reported
with the IAQI of its 24-hour value — here the 24-hour moving average ending at that hour (≥ 20 values),
option ``so2_24h_fallback``.
"""

from __future__ import annotations

import polars as pl

from .editions import DECIMALS, POLLUTANTS, Edition
from .frames import by_edition, missing_expr, natural_day, to_wide
from .iaqi import from_scaled_expr, iaqi_expr, iaqi_scaled_expr, level_exprs, round_gbt8170_expr, summary_exprs

HOURLY_IAQI = {p: f"IAQI_{p}" for p in POLLUTANTS}
TABLE = {"SO2": "1h", "NO2": "1h", "CO": "1h", "O3": "1h", "PM10": "24h", "PM2.5": "24h"}
HOURLY_COLUMNS = (
    "site",
    "time",
    *POLLUTANTS,
    *HOURLY_IAQI.values(),
    "AQI",
    "level",
    "category",
    "category_en",
    "color",
    "advice",
    "primary_pollutants",
    "exceeding_pollutants",
    "missing",
    "complete",
    "AQI_valid",
    "beyond_table",
    "standard",
)


def _hourly_one(wide: pl.DataFrame, ed: Edition, so2_24h_fallback: bool, min_hours: int) -> pl.DataFrame:
    scaled = {p: round_gbt8170_expr(pl.col(p), DECIMALS[p]) for p in POLLUTANTS}
    out = wide.with_columns([e.alias(f"__s_{p}") for p, e in scaled.items()])
    exprs, beyond = [], []
    for p in POLLUTANTS:
        value, flag = iaqi_scaled_expr(pl.col(f"__s_{p}"), p, TABLE[p], ed)
        exprs.append(value.alias(HOURLY_IAQI[p]))
        beyond.append(flag)
    out = out.with_columns(*exprs, pl.any_horizontal(beyond).alias("beyond_table"))
    if ed.so2_1h_above_800 is None and so2_24h_fallback and out.height:
        above = pl.col("__s_SO2") > 800
        if out.select(above.any()).item():
            moving = pl.col("SO2").rolling_mean_by("time", window_size="24h").over("site")
            count = pl.col("SO2").is_not_null().cast(pl.Int32).rolling_sum_by("time", window_size="24h").over("site")
            out = out.sort("site", "time").with_columns(pl.when(count >= min_hours).then(moving).alias("__so2_24h"))
            fallback, _ = iaqi_expr(pl.col("__so2_24h"), "SO2", "24h", ed)
            out = out.with_columns(pl.when(above).then(fallback).otherwise(pl.col("IAQI_SO2")).alias("IAQI_SO2"))
    terms = {HOURLY_IAQI[p]: p for p in POLLUTANTS}
    out = out.with_columns(**summary_exprs(terms, ed)).with_columns(
        missing_expr({p: p for p in POLLUTANTS}).alias("missing"),
        *[from_scaled_expr(pl.col(f"__s_{p}"), DECIMALS[p]).alias(p) for p in POLLUTANTS],
    )
    out = out.with_columns(
        pl.col("missing").is_null().alias("complete"),
        (pl.col("AQI").is_not_null() & (pl.col("missing").is_null() | (pl.col("AQI") > 100))).alias("AQI_valid"),
        pl.lit(ed.aqi_standard).alias("standard"),
    ).with_columns(**level_exprs(pl.col("AQI"), ed))
    return out.select(*HOURLY_COLUMNS)


def hourly(
    hourly: pl.DataFrame, edition: str | Edition = "auto", *, so2_24h_fallback: bool = True, min_hours: int = 20
) -> pl.DataFrame:
    """Real-time AQI per site and hour (HJ 633-2026 §4.2.3–§4.2.6, §4.3; HJ 633-2012 §5.1.3, §4.4 as practised).

    Input: long ``site,time,parameter,value`` or wide ``site,time,SO2,…``; ``time`` is the end of the hour.
    ``edition="auto"`` uses the edition in force on the hour's natural day (the hour ending 2026-03-01 00:00
    still belongs to 2026-02-28 and the 2012 rules). ``AQI_valid`` applies HJ 633-2026 §5.3.1 (with an
    indicator missing, the AQI stands only above 100).
    """
    wide = to_wide(hourly)
    out = by_edition(
        wide, natural_day(pl.col("time")), edition, lambda part, ed: _hourly_one(part, ed, so2_24h_fallback, min_hours)
    )
    return out.sort("site", "time")
