"""Daily values and the daily AQI report.

* Natural day D = the hourly values labelled D 01:00 … D+1 00:00 (GB 3095-2026 §3.10; hour-end labels).
* Daily mean: ≥ 20 hourly values (GB 3095-2012/2026 Table 4); the O3 daily 1-hour maximum likewise.
* O3 8-hour moving average ending at X = mean of the values labelled X−7 … X, valid with ≥ 6 of them
  (GB 3095 Table 4; HJ 663-2013 Table A.1).
* O3 daily maximum 8-hour average (MDA8): the maximum over the windows ending D 08:00 … D+1 00:00
  (17 windows lying inside the day; GB 3095-2026 §3.9), valid with ≥ 14 valid windows unless the maximum
  already exceeds the limit (the widely used reading of HJ 663 — options ``mda8_min_windows`` and
  ``mda8_exceedance_limit``).
* Daily AQI (HJ 633-2012 §5.1.2: five daily means + O3 1-hour maximum + MDA8; HJ 633-2026 §4.2.2: five daily
  means + MDA8).
"""

from __future__ import annotations

import polars as pl

from .editions import DECIMALS, Edition
from .frames import HOUR, by_edition, missing_expr, natural_day, to_wide
from .iaqi import from_scaled_expr, iaqi_scaled_expr, level_exprs, round_gbt8170_expr, summary_exprs

MEANS = ("SO2", "NO2", "CO", "PM10", "PM2.5")
#: Option defaults (each documented in docs/standards/air.md)
MIN_HOURS = 20
O3_8H_MIN_HOURS = 6
MDA8_MIN_WINDOWS = 14
#: O3 daily maximum 8-hour class-2 limit, identical in GB 3095-2012 and both phases of GB 3095-2026
MDA8_EXCEEDANCE_LIMIT = 160.0

CONCENTRATION_COLUMNS = (*MEANS, "O3_1h_max", "O3_8h_max")
IAQI_COLUMNS = ("IAQI_SO2", "IAQI_NO2", "IAQI_CO", "IAQI_PM10", "IAQI_PM2.5", "IAQI_O3_1h", "IAQI_O3_8h")
COUNT_COLUMNS = (*tuple(f"n_{p}" for p in (*MEANS, "O3")), "n_O3_8h")


def _complete_grid(wide: pl.DataFrame) -> pl.DataFrame:
    """Rows sorted by site and time with one row per hour (NA rows inserted for absent hours), so that a row's
    position within its site is its hour. Input that is already such a grid is returned as it is."""
    if wide.height == 0:
        return wide
    new_site = pl.col("site") != pl.col("site").shift(1)
    step_ok = pl.when(new_site).then(True).otherwise((pl.col("time") - pl.col("time").shift(1)) == HOUR)
    if (
        wide.select(step_ok.fill_null(True).all()).item()
        and wide["site"].n_unique() == wide.select(new_site.fill_null(True).sum()).item()
    ):
        return wide
    wide = wide.sort("site", "time")
    spans = wide.group_by("site").agg(pl.col("time").min().alias("t0"), pl.col("time").max().alias("t1"))
    grid = spans.select("site", pl.datetime_ranges("t0", "t1", interval="1h").alias("time")).explode("time")
    grid = grid.with_columns(pl.col("time").cast(wide.schema["time"]))
    return grid.join(wide, on=["site", "time"], how="left").sort("site", "time")


#: hourly O3 enters the 8-hour sums at this resolution (µg/m³), so that the sums are exact integers
O3_RESOLUTION = 1000


def o3_8h_expr(min_hours: int = O3_8H_MIN_HOURS) -> tuple[pl.Expr, pl.Expr]:
    """(8-hour moving average, hours present) ending at each row, on a complete grid sorted by site and time.

    GB 3095 Table 4 (≥ 6 hourly values in each 8 hours); HJ 663-2013 Table A.1 (mean of hours X−7 … X).
    Computed from exact integer rolling sums of the values at 0.001 µg/m³, per site.
    """
    value = (pl.col("O3") * O3_RESOLUTION).round(0).cast(pl.Int64).fill_null(0)
    present = pl.col("O3").is_not_null().cast(pl.Int32)
    total = value.rolling_sum(8, min_samples=1).over("site")
    count = present.rolling_sum(8, min_samples=1).over("site")
    mean = total.cast(pl.Float64) / (count * O3_RESOLUTION)
    return pl.when(count >= min_hours).then(mean).otherwise(None), count


def daily_concentrations(
    hourly: pl.DataFrame,
    *,
    min_hours: int = MIN_HOURS,
    o3_8h_min_hours: int = O3_8H_MIN_HOURS,
    mda8_min_windows: int = MDA8_MIN_WINDOWS,
    mda8_exceedance_limit: float | None = MDA8_EXCEEDANCE_LIMIT,
) -> pl.DataFrame:
    """Unrounded daily values per site and natural day, NA where a validity rule is missed.

    Columns ``site,date,SO2,NO2,CO,PM10,PM2.5,O3_1h_max,O3_8h_max`` and the counts ``n_SO2 … n_O3`` (hours)
    and ``n_O3_8h`` (valid 8-hour windows of the day). GB 3095-2012/2026 Table 4; GB 3095-2026 §3.9–§3.10;
    MDA8 window rule per HJ 663 (see module docstring). ``mda8_exceedance_limit=None`` disables the
    exception that keeps a short-windowed MDA8 exceeding the limit.
    """
    wide = _complete_grid(to_wide(hourly))
    o3_8h, _ = o3_8h_expr(o3_8h_min_hours)
    end = pl.col("time")
    in_day = (end - HOUR).dt.hour() >= 7  # windows ending 08:00 … 24:00 of the natural day
    frame = wide.lazy().with_columns(natural_day(end).alias("date"), pl.when(in_day).then(o3_8h).alias("__o3_8h"))
    aggs = []
    for p in (*MEANS, "O3"):
        aggs += [pl.col(p).count().alias(f"n_{p}"), pl.col(p).mean().alias(p)]
    aggs += [
        pl.col("O3").max().alias("O3_1h_max"),
        pl.col("__o3_8h").count().cast(pl.UInt32).alias("n_O3_8h"),
        pl.col("__o3_8h").max().alias("O3_8h_max"),
    ]
    daily = frame.group_by("site", "date").agg(aggs).sort("site", "date").collect()
    mda8_rounded = round_gbt8170_expr(pl.col("O3_8h_max"), 0)
    keep_mda8 = pl.col("n_O3_8h") >= mda8_min_windows
    if mda8_exceedance_limit is not None:
        keep_mda8 = keep_mda8 | (mda8_rounded > mda8_exceedance_limit)
    daily = daily.with_columns(
        *[pl.when(pl.col(f"n_{p}") >= min_hours).then(pl.col(p)).alias(p) for p in MEANS],
        pl.when(pl.col("n_O3") >= min_hours).then(pl.col("O3_1h_max")).alias("O3_1h_max"),
        pl.when(keep_mda8.fill_null(False)).then(pl.col("O3_8h_max")).alias("O3_8h_max"),
    )
    return daily.select("site", "date", *CONCENTRATION_COLUMNS, *COUNT_COLUMNS)


def _daily_index_one(conc: pl.DataFrame, ed: Edition) -> pl.DataFrame:
    scaled = {c: round_gbt8170_expr(pl.col(c), DECIMALS[c.split("_")[0]]) for c in CONCENTRATION_COLUMNS}
    tables = {
        "IAQI_SO2": ("SO2", "SO2", "24h"),
        "IAQI_NO2": ("NO2", "NO2", "24h"),
        "IAQI_CO": ("CO", "CO", "24h"),
        "IAQI_PM10": ("PM10", "PM10", "24h"),
        "IAQI_PM2.5": ("PM2.5", "PM2.5", "24h"),
        "IAQI_O3_1h": ("O3_1h_max", "O3", "1h"),
        "IAQI_O3_8h": ("O3_8h_max", "O3", "8h"),
    }
    exprs, beyond = [], []
    for name, (col, pollutant, averaging) in tables.items():
        if name == "IAQI_O3_1h" and not ed.daily_o3_1h:
            exprs.append(pl.lit(None, dtype=pl.Int64).alias(name))
            continue
        value, flag = iaqi_scaled_expr(pl.col(f"__s_{col}"), pollutant, averaging, ed)
        exprs.append(value.alias(name))
        beyond.append(flag)
    out = conc.with_columns([e.alias(f"__s_{c}") for c, e in scaled.items()])
    out = out.with_columns(*exprs, pl.any_horizontal(beyond).alias("beyond_table"))
    terms = {
        "IAQI_SO2": "SO2",
        "IAQI_NO2": "NO2",
        "IAQI_CO": "CO",
        "IAQI_PM10": "PM10",
        "IAQI_PM2.5": "PM2.5",
        "IAQI_O3_1h": "O3_1h",
        "IAQI_O3_8h": "O3_8h",
    }
    if not ed.daily_o3_1h:
        del terms["IAQI_O3_1h"]
    indicators = {c: c for c in MEANS} | {"O3_8h_max": "O3_8h"}
    if ed.daily_o3_1h:
        indicators["O3_1h_max"] = "O3_1h"
    out = out.with_columns(**summary_exprs(terms, ed)).with_columns(
        missing_expr(indicators).alias("missing"),
        *[from_scaled_expr(pl.col(f"__s_{c}"), DECIMALS[c.split("_")[0]]).alias(c) for c in CONCENTRATION_COLUMNS],
    )
    out = out.with_columns(
        pl.col("missing").is_null().alias("complete"),
        # HJ 633-2026 §5.3.1: with an indicator missing, the AQI stands only if it exceeds 100
        (pl.col("AQI").is_not_null() & (pl.col("missing").is_null() | (pl.col("AQI") > 100))).alias("AQI_valid"),
        pl.lit(ed.aqi_standard).alias("standard"),
    ).with_columns(**level_exprs(pl.col("AQI"), ed))
    return out.drop([c for c in out.columns if c.startswith("__s_")])


DAILY_COLUMNS = (
    "site",
    "date",
    *CONCENTRATION_COLUMNS,
    *IAQI_COLUMNS,
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
    *COUNT_COLUMNS,
)


def daily_index(concentrations: pl.DataFrame, edition: str | Edition = "auto") -> pl.DataFrame:
    """Daily IAQIs, AQI, level, category and primary pollutants from daily values (HJ 633-2012 §5.1.2, §4.4;
    HJ 633-2026 §4.2.2, §4.3). Concentrations are GB/T 8170-rounded in the output, as reported.

    *concentrations*: ``site,date`` plus the columns of :func:`daily_concentrations` (counts optional).
    ``edition="auto"`` applies HJ 633-2012 to days before 2026-03-01 and HJ 633-2026 from that day.
    """
    conc = concentrations
    for c in (*CONCENTRATION_COLUMNS,):
        if c not in conc.columns:
            conc = conc.with_columns(pl.lit(None, dtype=pl.Float64).alias(c))
    for c in COUNT_COLUMNS:
        if c not in conc.columns:
            conc = conc.with_columns(pl.lit(None, dtype=pl.UInt32).alias(c))
    out = by_edition(conc, pl.col("date"), edition, _daily_index_one, sort_by=("site", "date"))
    extra = [c for c in out.columns if c not in DAILY_COLUMNS]
    return out.select(*DAILY_COLUMNS, *extra)


ENGINES = ("auto", "dense", "polars")


def daily(
    hourly: pl.DataFrame,
    edition: str | Edition = "auto",
    *,
    min_hours: int = MIN_HOURS,
    o3_8h_min_hours: int = O3_8H_MIN_HOURS,
    mda8_min_windows: int = MDA8_MIN_WINDOWS,
    mda8_exceedance_limit: float | None = MDA8_EXCEEDANCE_LIMIT,
    engine: str = "auto",
) -> pl.DataFrame:
    """The daily report per site and natural day from hourly values (GB 3095 Table 4; HJ 633-2012 §5.1.2 /
    HJ 633-2026 §4.2.2). Input: long ``site,time,parameter,value`` or wide ``site,time,SO2,…``.

    *engine*: ``"auto"`` takes the dense compiled path (:mod:`.dense`) when it applies and the general Polars
    path otherwise; ``"polars"`` forces the general path; ``"dense"`` raises if the dense path cannot take the
    input. Both give identical output (tested column by column).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if engine != "polars":
        from . import dense

        out = dense.daily(
            to_wide(hourly),
            edition,
            min_hours=min_hours,
            o3_8h_min_hours=o3_8h_min_hours,
            mda8_min_windows=mda8_min_windows,
            mda8_exceedance_limit=mda8_exceedance_limit,
            complete_grid=_complete_grid,
        )
        if out is not None:
            return out
        if engine == "dense":
            raise ValueError("the dense path does not apply to this input (see meili.standards.air.dense)")
    conc = daily_concentrations(
        hourly,
        min_hours=min_hours,
        o3_8h_min_hours=o3_8h_min_hours,
        mda8_min_windows=mda8_min_windows,
        mda8_exceedance_limit=mda8_exceedance_limit,
    )
    return daily_index(conc, edition)
