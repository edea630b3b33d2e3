"""The dense compiled path gives exactly the output of the general Polars path (daily report and assessment)."""

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from meili.standards import air
from meili.standards.air import dense
from tests.reference import WEIHAI_2019 as WEIHAI

pytestmark = pytest.mark.skipif(not dense.AVAILABLE, reason="the dense path needs numba")
POLLUTANTS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")


def both_daily(hourly: pl.DataFrame, **options) -> pl.DataFrame:
    fast = air.daily(hourly, engine="dense", **options)
    slow = air.daily(hourly, engine="polars", **options)
    assert_frame_equal(fast, slow, check_exact=True)
    return fast


def both_assess(daily: pl.DataFrame, start, end, **options) -> pl.DataFrame:
    fast = air.assess(daily, start, end, engine="dense", **options)
    slow = air.assess(daily, start, end, engine="polars", **options)
    assert_frame_equal(fast, slow, check_exact=True)
    return fast


def grid(
    rng: np.random.Generator, sites: list, start: dt.datetime, hours: int, gap: float, decimals_only: bool = True
) -> pl.DataFrame:
    """Wide hourly rows; values on the reporting grid (µg/m³ integers and halves, CO in 0.1 and 0.05 mg/m³)
    with a share *gap* of nulls, occasional values above the tables and (if not *decimals_only*) negatives."""
    n = len(sites) * hours
    times = [start + dt.timedelta(hours=h) for h in range(hours)] * len(sites)
    data = {"site": [s for s in sites for _ in range(hours)], "time": times}
    scale = {"SO2": 40, "NO2": 60, "CO": 1.5, "O3": 160, "PM10": 150, "PM2.5": 90}
    for p in POLLUTANTS:
        values = rng.lognormal(0, 0.9, n) * scale[p]
        step = rng.choice([1.0, 0.5]) if p != "CO" else rng.choice([0.1, 0.05])
        values = np.round(values / step) * step
        values[rng.random(n) < 0.02] *= 12  # some days beyond the top breakpoints
        if not decimals_only:
            values[rng.random(n) < 0.01] *= -1
        column = pl.Series(p, values).set(pl.Series(rng.random(n) < gap), None)
        data[p] = column
    return pl.DataFrame(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n_sites=st.integers(1, 4),
    hours=st.integers(1, 24 * 5),
    offset=st.integers(0, 23),
    gap=st.sampled_from([0.0, 0.05, 0.3, 0.8]),
    drop=st.sampled_from([0.0, 0.1]),
    day=st.sampled_from([dt.date(2025, 6, 1), dt.date(2026, 2, 26), dt.date(2026, 2, 28)]),
    edition=st.sampled_from(["auto", "2012", "2026"]),
    string_sites=st.booleans(),
    shuffle=st.booleans(),
    min_hours=st.sampled_from([20, 0, 1, 24]),
    o3_min=st.sampled_from([6, 1, 8]),
    windows=st.sampled_from([14, 0, 17]),
    limit=st.sampled_from([160.0, None, 100.0]),
    negatives=st.booleans(),
    head=st.integers(0, 30),
)
def test_daily_random_grids_with_gaps(
    seed,
    n_sites,
    hours,
    offset,
    gap,
    drop,
    day,
    edition,
    string_sites,
    shuffle,
    min_hours,
    o3_min,
    windows,
    limit,
    negatives,
    head,
):
    rng = np.random.default_rng(seed)
    sites = (
        [f"S{k:02d}" for k in rng.permutation(n_sites)]
        if string_sites
        else [int(k) * 7 - 3 for k in rng.permutation(n_sites)]
    )
    frame = grid(
        rng,
        sites,
        dt.datetime.combine(day, dt.time(0)) + dt.timedelta(hours=offset),
        hours,
        gap,
        decimals_only=not negatives,
    )
    if drop:  # absent rows: the dense path completes the grid like the general one
        frame = frame.filter(pl.Series(rng.random(frame.height) >= drop))
    if shuffle:
        frame = frame.sample(fraction=1.0, shuffle=True, seed=seed)
    frame = frame.slice(min(head, frame.height // 3))  # a sliced frame: validity bitmaps at a bit offset
    if frame.height == 0:
        return
    both_daily(
        frame,
        edition=edition,
        min_hours=min_hours,
        o3_8h_min_hours=o3_min,
        mda8_min_windows=windows,
        mda8_exceedance_limit=limit,
    )


def test_a_national_like_block_with_outages_and_the_edition_switch():
    rng = np.random.default_rng(7)
    frame = grid(rng, list(range(30)), dt.datetime(2026, 1, 1, 1), 24 * 120, 0.05)
    frame = frame.with_columns(
        pl.when(pl.col("time").is_between(dt.datetime(2026, 2, 3), dt.datetime(2026, 2, 8)))
        .then(None)
        .otherwise(pl.col("PM2.5"))
        .alias("PM2.5")
    )
    daily = both_daily(frame)
    switch = daily.filter(pl.col("site") == 0, pl.col("date").is_between(dt.date(2026, 2, 28), dt.date(2026, 3, 1)))
    assert switch["standard"].to_list() == ["HJ 633-2012", "HJ 633-2026"]
    assert (
        daily.filter(pl.col("standard") == "HJ 633-2026")["IAQI_O3_1h"].null_count()
        == daily.filter(pl.col("standard") == "HJ 633-2026").height
    )
    for edition in ("2012", "2026"):
        both_daily(frame, edition=edition)
    both_assess(daily, dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    both_assess(daily, dt.date(2026, 2, 1), dt.date(2026, 2, 28), edition="2012")
    both_assess(
        daily.with_columns(zone_class=pl.when(pl.col("site") % 3 == 0).then(1).otherwise(2)),
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n_sites=st.integers(1, 3),
    days=st.integers(20, 400),
    start=st.integers(-40, 40),
    length=st.integers(0, 420),
    gap=st.sampled_from([0.0, 0.1, 0.5]),
)
def test_assessment_random_periods(seed, n_sites, days, start, length, gap):
    rng = np.random.default_rng(seed)
    first = dt.date(2025, 1, 1) + dt.timedelta(days=int(rng.integers(0, 300)))
    rows = []
    for site in range(n_sites):
        for d in range(days):
            rows.append((f"s{site}", first + dt.timedelta(days=d)))
    frame = pl.DataFrame(rows, schema=["site", "date"], orient="row")
    n = frame.height
    values = {}
    for column in ("SO2", "NO2", "PM10", "PM2.5", "O3_8h_max"):
        values[column] = np.round(rng.lognormal(3.5, 0.7, n))
    values["CO"] = np.round(rng.lognormal(0, 0.5, n), 1)
    frame = frame.with_columns(*[pl.Series(c, v).set(pl.Series(rng.random(n) < gap), None) for c, v in values.items()])
    aqi = rng.integers(10, 400, n)
    frame = frame.with_columns(
        pl.Series("AQI", aqi).set(pl.Series(rng.random(n) < gap), None),
        pl.Series("AQI_valid", rng.random(n) > gap).set(pl.Series(rng.random(n) < 0.05), None),
    )
    begin = first + dt.timedelta(days=start)
    end = begin + dt.timedelta(days=length)
    fast = air.assess(frame, begin, end, engine="auto")
    slow = air.assess(frame, begin, end, engine="polars")
    assert_frame_equal(fast, slow, check_exact=True)
    whole_year = air.assess(frame, dt.date(2025, 1, 1), dt.date(2025, 12, 31), engine="auto")
    assert_frame_equal(
        whole_year, air.assess(frame, dt.date(2025, 1, 1), dt.date(2025, 12, 31), engine="polars"), check_exact=True
    )


def test_weihai_2019_daily_and_annual_identical():
    if not WEIHAI.exists():
        pytest.fail(f"real data not found at {WEIHAI}")
    from meili.formats.cnemc import read_archive

    data = read_archive(WEIHAI, types=POLLUTANTS)
    daily = both_daily(data)
    assert daily["site"].n_unique() == 9 and daily.height >= 9 * 360
    annual = both_assess(daily, dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert annual.height == 9
    both_assess(daily, dt.date(2019, 7, 1), dt.date(2019, 9, 30))


def test_inputs_the_dense_path_leaves_to_the_general_one():
    rng = np.random.default_rng(3)
    frame = grid(rng, ["A", "B"], dt.datetime(2025, 5, 1, 1), 72, 0.05)
    nan = frame.with_columns(
        pl.when(pl.col("time") == dt.datetime(2025, 5, 1, 5)).then(float("nan")).otherwise(pl.col("O3")).alias("O3")
    )
    duplicated = pl.concat([frame, frame.head(3)])
    zoned = frame.with_columns(pl.col("time").dt.replace_time_zone("Asia/Shanghai"))
    for odd in (nan, duplicated, zoned):
        with pytest.raises(ValueError, match="dense path does not apply"):
            air.daily(odd, engine="dense")
    with pytest.raises(pl.exceptions.PolarsError):  # NaN is not a measurement: the general path refuses it
        air.daily(nan)
    for odd in (duplicated, zoned):
        assert_frame_equal(air.daily(odd), air.daily(odd, engine="polars"))
    daily = air.daily(frame)
    excluded = [dt.date(2025, 5, 2)]
    assert_frame_equal(
        air.assess(daily, dt.date(2025, 5, 1), dt.date(2025, 5, 3), excluded=excluded),
        air.assess(daily, dt.date(2025, 5, 1), dt.date(2025, 5, 3), excluded=excluded, engine="polars"),
    )
    with pytest.raises(ValueError, match="unknown engine"):
        air.daily(frame, engine="fast")


def test_long_input_and_a_single_hour():
    rng = np.random.default_rng(11)
    frame = grid(rng, ["X"], dt.datetime(2025, 12, 31, 23), 3, 0.0)
    long = frame.unpivot(index=["site", "time"], on=list(POLLUTANTS), variable_name="parameter")
    both_daily(long)
    both_daily(frame.head(1))


def test_a_pollutant_without_values_and_a_period_without_valid_days():
    """Both used to stop the assessment with a Polars error (percentile of an empty group, 0/0 ratio)."""
    daily = pl.DataFrame(
        {
            "site": ["a", "a"],
            "date": [dt.date(2025, 1, 1), dt.date(2025, 1, 2)],
            "SO2": [3.0, 4.0],
            "NO2": [1.0, 2.0],
            "CO": [None, None],
            "PM10": [1.0, 1.0],
            "PM2.5": [1.0, 2.0],
            "O3_8h_max": [3.0, 3.0],
            "AQI": [10, 20],
            "AQI_valid": [True, True],
        },
        schema_overrides={"CO": pl.Float64},
    )
    row = both_assess(daily, dt.date(2025, 1, 1), dt.date(2025, 1, 2)).row(0, named=True)
    assert row["CO_P95"] is None and row["n_CO"] == 0 and row["valid_CO"] is False
    assert row["SO2_P98"] == 4.0 and row["good_days_ratio"] == 100.0
    none_valid = daily.with_columns(pl.lit(False).alias("AQI_valid"))
    row = both_assess(none_valid, dt.date(2025, 1, 1), dt.date(2025, 1, 2)).row(0, named=True)
    assert row["valid_days"] == 0 and row["good_days_ratio"] is None


def test_reported_values_are_the_general_paths_from_scaled_expr():
    """The kernel reports v / 10^d for a rounded concentration v; the general path's from_scaled_expr adds a
    round(d), which must leave every such quotient unchanged (checked over a wide domain)."""
    from meili.standards.air.iaqi import from_scaled_expr

    k = np.arange(0, 3_000_001, dtype=np.int64)
    for d in (0, 1, 2):
        expected = pl.select(from_scaled_expr(pl.lit(pl.Series(k)), d)).to_series().to_numpy()
        assert np.array_equal(expected, k.astype(np.float64) / float(10**d))
