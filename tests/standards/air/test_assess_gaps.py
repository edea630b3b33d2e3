"""HJ 663 period statistics when a pollutant has no daily value, or no day has a valid AQI."""

from __future__ import annotations

import datetime as dt

import polars as pl

from meili.standards import air
from meili.standards.air import assess


def _daily(so2, valid=True):
    days = [dt.date(2025, 1, i) for i in (1, 2, 3)]
    frame = pl.DataFrame(
        {
            "site": ["a"] * 3,
            "date": days,
            "SO2": so2,
            "NO2": [20.0, 21, 22],
            "CO": [0.5] * 3,
            "PM10": [50.0, 51, 52],
            "PM2.5": [30.0, 31, 32],
            "O3_8h_max": [80.0, 81, 82],
            "O3_1h_max": [90.0] * 3,
        },
        schema_overrides={"SO2": pl.Float64},
    )
    out = air.daily_index(frame)
    return out if valid else out.with_columns(pl.lit(False).alias("AQI_valid"))


def test_a_pollutant_without_any_daily_value_is_not_valid_and_not_judged():
    row = assess(_daily([None, None, None]), dt.date(2025, 1, 1), dt.date(2025, 1, 31), zone_class=2).row(0, named=True)
    assert (row["SO2_mean"], row["n_SO2"], row["valid_SO2"], row["SO2_complies"]) == (None, 0, False, None)
    assert row["NO2_mean"] == 21 and row["n_NO2"] == 3
    assert row["complies"] is None and row["composite_index"] is None


def test_a_period_without_a_valid_aqi_day_has_no_good_days_ratio():
    row = assess(_daily([5.0, 6.0, 7.0], valid=False), dt.date(2025, 1, 1), dt.date(2025, 1, 31), zone_class=2).row(
        0, named=True
    )
    assert (row["valid_days"], row["good_days"], row["good_days_ratio"]) == (0, 0, None)
    assert row["SO2_mean"] == 6
