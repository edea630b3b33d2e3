"""Natural days, validity of daily values, O3 8-hour windows and MDA8, the daily terms of each edition."""

import datetime as dt

import polars as pl
import pytest

from meili.standards import air


def hours(day: dt.date, values: dict[str, list[float | None]], site: str = "A") -> pl.DataFrame:
    """Wide hourly rows for the 24 hours of natural day *day* (labels D 01:00 … D+1 00:00)."""
    start = dt.datetime.combine(day, dt.time(1))
    n = max(len(v) for v in values.values())
    data = {"site": [site] * n, "time": [start + dt.timedelta(hours=i) for i in range(n)]}
    for p in ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5"):
        data[p] = values.get(p, [None] * n)
    return pl.DataFrame(data, schema_overrides=dict.fromkeys(("SO2", "NO2", "CO", "O3", "PM10", "PM2.5"), pl.Float64))


DAY = dt.date(2025, 6, 10)


def test_natural_day_runs_from_the_hour_ending_01_00_to_the_hour_ending_24_00():
    frame = hours(DAY, {"PM2.5": [10.0] * 23 + [58.0]})  # the hour ending D+1 00:00 belongs to D
    out = air.daily(frame)
    row = out.filter(pl.col("date") == DAY).row(0, named=True)
    assert row["n_PM2.5"] == 24
    assert row["PM2.5"] == 12.0  # (23·10 + 58)/24 = 12
    assert out.filter(pl.col("date") == DAY + dt.timedelta(days=1)).height == 0


@pytest.mark.parametrize(("present", "valid"), [(19, False), (20, True), (24, True)])
def test_daily_mean_needs_20_hourly_values(present, valid):
    values = [30.0] * present + [None] * (24 - present)
    row = air.daily(hours(DAY, {"SO2": values, "O3": values})).row(0, named=True)
    assert (row["SO2"] is not None) is valid
    assert (row["O3_1h_max"] is not None) is valid
    assert row["n_SO2"] == present


def test_daily_mean_is_rounded_half_even_after_averaging():
    # mean 60.5 exactly → 60 (GB/T 8170), PM2.5 2026 IAQI 100; 61.5 → 62
    low = [60.0, 61.0] * 12
    row = air.daily(hours(dt.date(2026, 5, 1), {"PM2.5": low})).row(0, named=True)
    assert (row["PM2.5"], row["IAQI_PM2.5"]) == (60.0, 100)
    row = air.daily(hours(dt.date(2026, 5, 1), {"PM2.5": [61.0, 62.0] * 12})).row(0, named=True)
    assert (row["PM2.5"], row["IAQI_PM2.5"]) == (62.0, 102)


def o3_day(values):
    """O3 values for the 24 hours ending D 01:00 … D+1 00:00 plus the 7 hours before (ending D-1 18:00 … D 00:00)."""
    start = dt.datetime.combine(DAY, dt.time(0)) - dt.timedelta(hours=6)
    n = len(values)
    return pl.DataFrame(
        {"site": ["A"] * n, "time": [start + dt.timedelta(hours=i) for i in range(n)], "O3": values},
        schema_overrides={"O3": pl.Float64},
    )


def test_mda8_windows_end_at_08_00_to_24_00_of_the_day():
    # 7 hours of the previous day at 500 must not enter: the first window (ending D 08:00) covers D 00:00–08:00
    values = [500.0] * 7 + [100.0] * 24
    row = air.daily_concentrations(o3_day(values)).filter(pl.col("date") == DAY).row(0, named=True)
    assert row["n_O3_8h"] == 17
    assert row["O3_8h_max"] == 100.0
    # a peak in the hour ending D+1 00:00 is inside the last window
    values = [100.0] * 7 + [100.0] * 23 + [900.0]
    row = air.daily_concentrations(o3_day(values)).filter(pl.col("date") == DAY).row(0, named=True)
    assert row["O3_8h_max"] == pytest.approx((7 * 100 + 900) / 8)


def test_eight_hour_average_needs_6_of_8_hours():
    # only hours ending 01:00..06:00 of the window ending 08:00 present → 6 values → valid
    base = [None] * 7 + [100.0] * 6 + [None] * 18
    row = air.daily_concentrations(o3_day(base), mda8_min_windows=1).filter(pl.col("date") == DAY).row(0, named=True)
    # windows ending 08:00 (hours 01-08: 6 present), 09:00 (02-09: 5 present) → exactly one valid window
    assert row["n_O3_8h"] == 1
    assert row["O3_8h_max"] == 100.0
    five = [None] * 7 + [100.0] * 5 + [None] * 19
    row = air.daily_concentrations(o3_day(five), mda8_min_windows=1).filter(pl.col("date") == DAY).row(0, named=True)
    assert row["n_O3_8h"] == 0 and row["O3_8h_max"] is None


def test_mda8_needs_14_windows_unless_it_exceeds_the_limit():
    # hours ending D 01:00 … D 20:00 present (20 values): windows ending 08:00 … 22:00 have ≥ 6 hours → 15 windows;
    # hours up to 18:00 → windows ending 08:00 … 20:00 → 13 windows
    for last_hour, windows in ((20, 15), (18, 13)):
        values = [None] * 7 + [120.0] * last_hour + [None] * (24 - last_hour)
        row = air.daily_concentrations(o3_day(values)).filter(pl.col("date") == DAY).row(0, named=True)
        assert row["n_O3_8h"] == windows
        assert (row["O3_8h_max"] is not None) is (windows >= 14)
    # 13 windows but the maximum (170) exceeds the 160 limit → kept (HJ 663 reading), unless the option is off
    values = [None] * 7 + [170.0] * 18 + [None] * 6
    conc = air.daily_concentrations(o3_day(values)).filter(pl.col("date") == DAY).row(0, named=True)
    assert conc["O3_8h_max"] == 170.0
    strict = air.daily_concentrations(o3_day(values), mda8_exceedance_limit=None)
    assert strict.filter(pl.col("date") == DAY)["O3_8h_max"][0] is None


def test_gaps_as_absent_rows_equal_gaps_as_na_values():
    values = [100.0 + i for i in range(31)]
    values[12] = values[20] = None
    full = o3_day(values)
    sparse = full.filter(pl.col("O3").is_not_null())
    a = air.daily_concentrations(full).filter(pl.col("date") == DAY)
    b = air.daily_concentrations(sparse).filter(pl.col("date") == DAY)
    assert a.select("O3_8h_max", "n_O3_8h").rows() == b.select("O3_8h_max", "n_O3_8h").rows()


def full_day(day, o3_1h, mda8_level):
    o3 = [mda8_level] * 24
    o3[12] = o3_1h
    return hours(day, {p: [10.0] * 24 for p in ("SO2", "NO2", "PM10", "PM2.5")} | {"CO": [0.5] * 24, "O3": o3})


def test_2012_daily_report_has_the_o3_1h_term_and_2026_has_not():
    # O3 1h max 400 (2012 IAQI 200) with a low 8h level
    old = air.daily(full_day(dt.date(2026, 2, 27), 400.0, 20.0)).filter(pl.col("date") == dt.date(2026, 2, 27))
    new = air.daily(full_day(dt.date(2026, 3, 2), 400.0, 20.0)).filter(pl.col("date") == dt.date(2026, 3, 2))
    o, n = old.row(0, named=True), new.row(0, named=True)
    assert (o["standard"], o["IAQI_O3_1h"], o["AQI"], o["primary_pollutants"]) == ("HJ 633-2012", 200, 200, "O3_1h")
    assert (n["standard"], n["IAQI_O3_1h"]) == ("HJ 633-2026", None)
    assert n["AQI"] < 100 and n["O3_1h_max"] == 400.0


def test_o3_8h_above_800_edition_rules():
    conc = pl.DataFrame(
        {
            "site": ["A", "B"],
            "date": [dt.date(2025, 7, 1), dt.date(2026, 7, 1)],
            "SO2": [5.0, 5.0],
            "NO2": [5.0, 5.0],
            "CO": [0.2, 0.2],
            "PM10": [5.0, 5.0],
            "PM2.5": [5.0, 5.0],
            "O3_1h_max": [1000.0, 1000.0],
            "O3_8h_max": [850.0, 850.0],
        }
    )
    out = air.daily_index(conc).sort("site")
    old, new = out.row(0, named=True), out.row(1, named=True)
    assert old["IAQI_O3_8h"] is None and old["IAQI_O3_1h"] == 400 and old["AQI"] == 400  # 2012 note 3
    assert new["IAQI_O3_8h"] == 300 and new["AQI"] == 300  # 2026 note c
    assert old["exceeding_pollutants"] == "O3_1h" and new["exceeding_pollutants"] is None


def test_so2_1h_above_800_2012_uses_the_24h_moving_average():
    start = dt.datetime(2025, 1, 1, 1)
    so2 = [100.0] * 23 + [900.0]
    frame = pl.DataFrame({"site": ["A"] * 24, "time": [start + dt.timedelta(hours=i) for i in range(24)], "SO2": so2})
    out = air.hourly(frame).tail(1).row(0, named=True)
    mean = sum(so2) / 24  # 133.33 → 133 → 24h IAQI 92 (50 + 50·83/100 = 91.5 → 92)
    assert out["IAQI_SO2"] == air.iaqi("SO2", "24h", mean, "2012").value == 92
    forced = air.hourly(frame, "2026").tail(1).row(0, named=True)
    assert forced["IAQI_SO2"] == 200


def test_missing_indicator_hj633_2026_5_3_1():
    frame = hours(dt.date(2026, 5, 1), {"PM2.5": [40.0] * 24})
    row = air.daily(frame).row(0, named=True)
    assert row["AQI"] == 60 and not row["complete"] and not row["AQI_valid"]
    frame = hours(dt.date(2026, 5, 1), {"PM2.5": [80.0] * 24})
    row = air.daily(frame).row(0, named=True)
    assert row["AQI"] == 119 and row["AQI_valid"]


def test_beyond_table_reports_500_and_flags():
    frame = hours(dt.date(2026, 5, 1), {"PM2.5": [600.0] * 24})
    row = air.daily(frame).row(0, named=True)
    assert (row["IAQI_PM2.5"], row["AQI"], row["beyond_table"]) == (500, 500, True)


def test_long_and_wide_inputs_agree():
    wide = full_day(DAY, 150.0, 90.0)
    long = wide.unpivot(index=["site", "time"], variable_name="parameter", value_name="value")
    assert air.daily(wide).equals(air.daily(long))
