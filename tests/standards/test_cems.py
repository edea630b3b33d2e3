"""Hourly/daily means with validity counts, 折算 to reference O2, exceedance on the permit's averaging."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.standards import cems, hj212

H0 = dt.datetime(2026, 3, 1, 8, 0)


def minutes(rows):
    return pl.DataFrame(rows, schema=list(cems.MINUTE_COLUMNS), orient="row")


def hour_of(device, code, values, flags=None, hour=H0):
    flags = flags or ["N"] * len(values)
    return [(device, hour + dt.timedelta(minutes=i), code, v, f) for i, (v, f) in enumerate(zip(values, flags))]


def test_hour_valid_with_45_normal_minutes_and_flagged_minutes_excluded():
    rows = hour_of(1, "a21026", [10.0] * 45 + [1000.0] * 15, ["N"] * 45 + ["M"] * 10 + ["D"] * 5)
    rows += hour_of(1, "a21002", [20.0] * 44 + [30.0] * 16, ["N"] * 44 + ["C"] * 16)
    out = cems.hourly_means(minutes(rows))
    assert out.select("code", "mean", "count", "valid").rows() == [
        ("a21002", 20.0, 44, False),
        ("a21026", 10.0, 45, True),
    ]
    assert out["time"].to_list() == [H0, H0]


def test_validity_is_configuration():
    rows = hour_of(1, "w01018", [30.0, 40.0, 50.0, 60.0, 70.0, 80.0], ["N", "N", "N", "N", "T", "N"])
    water = cems.Validity(minutes_per_hour=4, valid_flags=frozenset({"N", "T"}))
    (row,) = cems.hourly_means(minutes(rows), water).select("mean", "count", "valid").rows()
    assert row == (55.0, 6, True)
    (row,) = cems.hourly_means(minutes(rows)).select("mean", "count", "valid").rows()
    assert row == (52.0, 5, False)  # (30 + 40 + 50 + 60 + 80) / 5


def test_daily_means_from_valid_hours_only():
    rows = []
    for hour in range(24):
        count = 45 if hour < 20 else 10  # 20 valid hours, 4 short ones
        rows += hour_of(7, "a34013", [float(hour)] * count, hour=H0.replace(hour=hour))
    hours = cems.hourly_means(minutes(rows))
    (day,) = cems.daily_means(hours).select("time", "mean", "count", "valid").rows()
    assert day == (dt.datetime(2026, 3, 1), pytest.approx(9.5), 20, True)
    (short,) = cems.daily_means(hours, cems.Validity(hours_per_day=21)).select("valid").rows()
    assert short == (False,)


def test_reference_o2_correction_and_exceedance():
    rows = hour_of(1, "a21026", [40.0] * 60) + hour_of(1, "a19001", [12.0] * 60) + hour_of(1, "a01012", [55.0] * 60)
    rows += hour_of(2, "a21026", [40.0] * 60)  # no O2 measured: judged on the measured value
    hours = cems.hourly_means(minutes(rows))
    refs = pl.DataFrame({"device": [1, 2], "reference_o2": [9.0, 9.0]})
    corrected = cems.correct_to_reference_o2(hours, refs, ["a21026"])
    got = {(r["device"], r["code"]): r["corrected"] for r in corrected.iter_rows(named=True)}
    assert got[(1, "a21026")] == pytest.approx(40.0 * 12 / 9)  # (21 − 9)/(21 − 12)
    assert got[(1, "a01012")] is None and got[(2, "a21026")] is None
    limits = pl.DataFrame(
        {"device": [1, 2, 1], "code": ["a21026", "a21026", "a01012"], "limit": [50.0, 50.0, 10.0]}
    ).with_columns(pl.lit(None, dtype=pl.Float64).alias("lower_limit"), pl.lit("hour").alias("averaging"))
    out = cems.exceedances(corrected, limits, "hour")
    assert out.select("device", "code", "value").rows() == [
        (1, "a01012", 55.0),
        (1, "a21026", pytest.approx(53.333333)),
    ]
    assert cems.exceedances(corrected, limits, "day").is_empty()


def test_lower_limit_ph():
    rows = hour_of(3, "w01001", [5.5] * 60)
    hours = cems.hourly_means(minutes(rows))
    limits = pl.DataFrame(
        {"device": [3], "code": ["w01001"], "limit": [9.0], "lower_limit": [6.0], "averaging": ["hour"]}
    )
    assert cems.exceedances(hours, limits, "hour")["value"].to_list() == [5.5]


@settings(max_examples=50, deadline=None)
@given(
    o2=st.floats(0, 20.9),
    ref=st.floats(0, 20.9),
    c=st.floats(0, 1e4),
)
def test_correction_matches_the_scalar_formula(o2, ref, c):
    rows = hour_of(1, "a21026", [c] * 45) + hour_of(1, "a19001", [o2] * 45)
    corrected = cems.correct_to_reference_o2(
        cems.hourly_means(minutes(rows)), pl.DataFrame({"device": [1], "reference_o2": [ref]}), ["a21026"]
    )
    value = corrected.filter(pl.col("code") == "a21026")["corrected"][0]
    assert value == pytest.approx(hj212.corrected_concentration(c, o2, ref), rel=1e-9, abs=1e-9)


def test_scalar_correction_refuses_pure_air():
    with pytest.raises(ValueError, match="21"):
        hj212.corrected_concentration(10.0, 21.0, 9.0)


@pytest.mark.parametrize(
    ("concentration", "flow", "kg"),
    [
        # 80 mg/m³ × (30 m³/s × 3600 s/h = 108 000 m³/h) = 8 640 000 mg/h = 8.64 kg/h
        (80.0, 30.0, 8.64),
        # 35 mg/m³ × 72 000 m³/h = 2 520 000 mg/h = 2.52 kg/h
        (35.0, 20.0, 2.52),
        # 10 mg/m³ × 1 m³/s = 36 000 mg/h = 0.036 kg/h
        (10.0, 1.0, 0.036),
        (0.0, 50.0, 0.0),
    ],
)
def test_hourly_emission_mg_per_m3_times_m3_per_s_is_kg_per_hour(concentration, flow, kg):
    assert cems.hourly_emission_kg(concentration, flow) == pytest.approx(kg)


def test_hourly_emissions_need_valid_concentration_and_flow_of_the_same_hour():
    h1 = H0 + dt.timedelta(hours=1)
    hours = pl.DataFrame(
        [
            (1, H0, "a21002", 80.0, True),
            (1, H0, "a00000", 30.0, True),
            (1, H0, "a24088", 5.0, True),  # 非甲烷总烃 → VOCs: 5 × 108 000 × 10⁻⁶ = 0.54 kg/h
            (1, H0, "a19001", 9.5, True),  # O2 is no list pollutant
            (1, h1, "a21002", 80.0, True),
            (1, h1, "a00000", 30.0, False),  # flow hour invalid → no emission
            (2, H0, "a21026", 35.0, False),  # concentration hour invalid → no emission
            (2, H0, "a00000", 20.0, True),
            (2, h1, "a21026", 35.0, True),
            (2, h1, "a00000", 20.0, True),
        ],
        schema=["device", "time", "code", "mean", "valid"],
        orient="row",
    )
    out = cems.hourly_emissions(hours)
    assert [(d, t, p, round(kg, 6)) for d, t, p, kg in out.rows()] == [
        (1, H0, "NOx", 8.64),
        (1, H0, "VOCs", 0.54),
        (2, h1, "SO2", 2.52),
    ]
    # the pollutant → code mapping is configuration
    only_so2 = cems.hourly_emissions(hours, {"SO2": "a21026"})
    assert only_so2["pollutant"].to_list() == ["SO2"]
