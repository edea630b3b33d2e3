"""Capture rate, hourly emissions (C × Q), period sums and counts — hand-computed figures and invariants; the lazy
(streaming) evaluation of the hourly and daily means equals the eager one."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from meili.standards import cems
from meili.standards import cems_statistics as stats

H0 = dt.datetime(2026, 3, 1, 0, 0)
HOURS_SCHEMA = {
    "device": pl.Int64,
    "time": pl.Datetime("us"),
    "code": pl.String,
    "mean": pl.Float64,
    "count": pl.Int64,
    "valid": pl.Boolean,
}


def hours(rows):
    return pl.DataFrame(rows, schema=HOURS_SCHEMA, orient="row")


def pairs(rows):
    return pl.DataFrame(rows, schema={"device": pl.Int64, "code": pl.String}, orient="row")


def test_capture_rate_counts_valid_hours_only_and_missing_pollutants_get_zero():
    frame = hours(
        [(1, H0 + dt.timedelta(hours=h), "a21026", 30.0, 60, h != 3) for h in range(10)]  # 9 valid of 10
        + [(1, H0, "a21002", 50.0, 50, True)]
    )
    out = stats.capture_rates(frame, pairs([(1, "a21026"), (1, "a21002"), (1, "a34013")]), 24)
    assert out.rows() == [
        (1, "a21002", 1, 24, pytest.approx(1 / 24)),
        (1, "a21026", 9, 24, pytest.approx(9 / 24)),
        (1, "a34013", 0, 24, 0.0),
    ]
    (row,) = stats.capture_rates(frame, pairs([(1, "a21026")]), 0).rows()
    assert row == (1, "a21026", 0, 0, None)
    with pytest.raises(ValueError):
        stats.capture_rates(frame, pairs([(1, "a21026")]), -1)


def test_hourly_emission_flue_gas_and_wastewater_by_hand():
    frame = hours(
        [
            # flue gas: SO2 40 mg/m³ at 30 m³/s → 40 × 30 × 3600 × 1e-6 = 4.32 kg
            (1, H0, "a21026", 40.0, 60, True),
            (1, H0, "a00000", 30.0, 60, True),
            (1, H0, "a19001", 12.0, 60, True),  # O2 is not a mass
            # second hour: the flow is invalid, so no emission
            (1, H0 + dt.timedelta(hours=1), "a21026", 40.0, 60, True),
            (1, H0 + dt.timedelta(hours=1), "a00000", 30.0, 10, False),
            # wastewater: COD 50 mg/L at 15 L/s → 54 m³ × 50 g/m³ = 2.7 kg
            (2, H0, "w01018", 50.0, 60, True),
            (2, H0, "w00000", 15.0, 60, True),
            # third hour of the flue gas: the concentration is invalid
            (1, H0 + dt.timedelta(hours=2), "a21026", 400.0, 5, False),
            (1, H0 + dt.timedelta(hours=2), "a00000", 30.0, 60, True),
        ]
    )
    media = pl.DataFrame({"device": [1, 2], "medium": ["air", "water"]})
    out = stats.hourly_emissions(frame, media, pairs([(1, "a21026"), (2, "w01018")]))
    assert out.select("device", "code", "kg").rows() == [
        (1, "a21026", pytest.approx(4.32)),
        (2, "w01018", pytest.approx(2.7)),
    ]
    assert out["time"].to_list() == [H0, H0]


def test_period_sums_in_tonnes_and_counts():
    emissions = pl.DataFrame(
        {
            "device": [1, 1, 1],
            "time": [H0, H0 + dt.timedelta(hours=1), dt.datetime(2026, 4, 2, 5)],
            "code": ["a21026"] * 3,
            "kg": [500.0, 250.0, 1000.0],
        }
    )
    monthly = stats.period_emissions(emissions, "month")
    assert monthly.select("period", "tonnes", "hours").rows() == [
        (dt.datetime(2026, 3, 1), pytest.approx(0.75), 2),
        (dt.datetime(2026, 4, 1), pytest.approx(1.0), 1),
    ]
    (yearly,) = stats.period_emissions(emissions, "year").select("period", "tonnes", "hours").rows()
    assert yearly == (dt.datetime(2026, 1, 1), pytest.approx(1.75), 3)
    counted = stats.count_by_period(emissions.drop("kg"), "month")
    assert counted.select("period", "n").rows() == [(dt.datetime(2026, 3, 1), 2), (dt.datetime(2026, 4, 1), 1)]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 47), st.booleans(), st.floats(0, 500), st.floats(0, 100)), max_size=60))
def test_monthly_sums_add_up_to_the_year_and_rates_stay_in_bounds(data):
    rows = []
    for hour, valid, conc, flow in data:
        when = H0 + dt.timedelta(hours=hour * 17)  # spread over several months
        rows += [(1, when, "a21026", conc, 60, valid), (1, when, "a00000", flow, 60, True)]
    frame = hours(rows).unique(["device", "time", "code"], keep="first")
    emitted = stats.hourly_emissions(frame, pl.DataFrame({"device": [1], "medium": ["air"]}), pairs([(1, "a21026")]))
    assert (emitted["kg"] >= 0).all()
    monthly = stats.period_emissions(emitted, "month")["tonnes"].sum()
    yearly = stats.period_emissions(emitted, "year")["tonnes"].sum()
    assert monthly == pytest.approx(yearly, rel=1e-9, abs=1e-12)
    assert emitted.height == frame.filter((pl.col("code") == "a21026") & pl.col("valid")).height
    for expected in (0, 5, 24 * 31):
        rates = stats.capture_rates(frame, pairs([(1, "a21026")]), expected)
        assert rates["valid_hours"].item() <= expected
        rate = rates["rate"].item()
        assert rate is None if expected == 0 else 0.0 <= rate <= 1.0


def generated_minutes(devices: int, days: int, seed: int) -> pl.DataFrame:
    rng = random.Random(seed)
    rows = []
    for device in range(devices):
        for minute in range(days * 24 * 60):
            when = H0 + dt.timedelta(minutes=minute)
            if rng.random() < 0.2:  # gaps: some hours fall short of 45 values
                continue
            for code in ("a21026", "a00000"):
                flag = rng.choice("NNNNNNNNMD")
                rows.append((device, when, code, rng.uniform(0, 100), flag))
    return pl.DataFrame(rows, schema=list(cems.MINUTE_COLUMNS), orient="row")


def test_lazy_streaming_means_equal_the_eager_ones():
    minutes = generated_minutes(3, 2, seed=212)
    eager_hours = cems.hourly_means(minutes)
    lazy_hours = cems.hourly_means(minutes.lazy())
    assert isinstance(lazy_hours, pl.LazyFrame)
    # equal up to the order of floating-point summation
    assert_frame_equal(eager_hours, lazy_hours.collect(engine="streaming"), rel_tol=1e-12)
    assert eager_hours["valid"].any() and not eager_hours["valid"].all()
    eager_days = cems.daily_means(eager_hours)
    assert_frame_equal(eager_days, cems.daily_means(lazy_hours).collect(engine="streaming"), rel_tol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 24 * 40 - 1), st.booleans(), st.floats(0, 500), st.floats(0, 100)),
        max_size=80,
        unique_by=lambda r: r[0],
    )
)
def test_daily_figures_add_up_to_the_period_rule(data):
    """A month's capture, exceedance counts and emissions are the sums of :func:`daily_figures` of its days: what
    the platform stores per day reads back as the rule run over the whole period."""
    rows = []
    for hour, valid, conc, flow in data:
        when = H0 + dt.timedelta(hours=hour)
        rows += [(1, when, "a21026", conc, 60, valid), (1, when, "a00000", flow, 60, True)]
    frame = hours(rows)
    owed = pairs([(1, "a21026")])
    media = pl.DataFrame({"device": [1], "medium": ["air"]})
    limits = pl.DataFrame(
        {"device": [1, 1], "code": ["a21026"] * 2, "limit": [250.0, 200.0], "lower_limit": [None, None]}
        | {"averaging": ["hour", "day"]},
        schema_overrides={"lower_limit": pl.Float64},
    )
    over_h = cems.exceedances(frame, limits, "hour")
    over_d = cems.exceedances(cems.daily_means(frame, cems.Validity(hours_per_day=1)), limits, "day")
    days = [H0.date() + dt.timedelta(days=d) for d in range(40)]
    expected = pl.DataFrame({"day": days, "expected_hours": [24] * 40})
    daily = stats.daily_figures(frame, over_h, over_d, owed, media, owed, expected)
    assert daily.height == 40 and daily.schema == stats.DAILY_SCHEMA
    month = daily.filter(pl.col("day").dt.month() == 3)
    march = frame.filter(pl.col("time").dt.month() == 3)
    (capture,) = stats.capture_rates(march, owed, 31 * 24).rows(named=True)
    assert month["valid_hours"].sum() == capture["valid_hours"] and month["expected_hours"].sum() == 31 * 24
    counted = stats.count_by_period(over_h.filter(pl.col("time").dt.month() == 3), "month")
    assert month["exceed_hours"].sum() == (counted["n"].sum() if counted.height else 0)
    assert month["exceed_day"].sum() == over_d.filter(pl.col("time").dt.month() == 3).height
    tonnes = stats.period_emissions(stats.hourly_emissions(march, media, owed), "month")["tonnes"].sum()
    assert (month["kg"].sum() or 0.0) / 1000 == pytest.approx(tonnes, rel=1e-9, abs=1e-12)
    assert month["emission_hours"].sum() == march.filter((pl.col("code") == "a21026") & pl.col("valid")).height
    assert month.filter(pl.col("emission_hours") == 0)["kg"].is_null().all()


def test_categorical_codes_and_flags_give_the_same_means():
    """The year benchmark keeps the parameter code and the flag as categorical columns (integer codes): the means
    are those of text columns, up to the order of the codes and of floating-point summation."""
    minutes = generated_minutes(3, 2, seed=14)
    categorical = minutes.with_columns(
        pl.col("code").cast(pl.Enum(["a21026", "a00000"])), pl.col("flag").cast(pl.Enum(list("NFMSDCTB")))
    )
    keys = ["device", "code", "time"]
    hours_text = cems.hourly_means(minutes)
    hours_cat = cems.hourly_means(categorical.lazy()).collect(engine="streaming")
    assert hours_cat.schema["code"] == pl.Enum(["a21026", "a00000"])
    as_text = hours_cat.with_columns(pl.col("code").cast(pl.String)).sort(keys)
    assert_frame_equal(hours_text, as_text, rel_tol=1e-12)
    days_cat = cems.daily_means(hours_cat).with_columns(pl.col("code").cast(pl.String)).sort(keys)
    assert_frame_equal(cems.daily_means(hours_text), days_cat, rel_tol=1e-12)
    assert hours_text["valid"].any() and not hours_text["valid"].all()
