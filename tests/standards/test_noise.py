import datetime as dt
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from media_reference import PACKAGED, STANDARDS, above, rows

from meili.standards import noise

TABLE = rows("noise/gb3096.csv")


def test_packaged_table_is_the_reference_table():
    assert (PACKAGED / "gb3096.csv").read_bytes() == (STANDARDS / "noise/gb3096.csv").read_bytes()


@pytest.mark.parametrize("row", TABLE, ids=lambda r: r["zone_class"])
def test_every_limit_cell(row):
    day, night, lmax = (float(row[c]) for c in ("day_leq_limit_dBA", "night_leq_limit_dBA", "night_lmax_limit_dBA"))
    assert noise.limits()[row["zone_class"]] == (day, night, lmax)
    assert lmax == night + 15
    frame = pl.DataFrame(
        {
            "site": ["a", "b"],
            "zone_class": row["zone_class"],
            "ld": [day, above(day)],
            "ln": [night, night + 0.1],
            "lmax": [lmax, lmax + 1],
        }
    )
    out = noise.assess(frame)
    assert out["day_met"].to_list() == [True, False]
    assert out["night_met"].to_list() == [True, False] and out["night_exceed"].to_list() == [0.0, 0.1]
    assert out["lmax_met"].to_list() == [True, False] and out["lmax_exceed"].to_list() == [0.0, 1.0]


@pytest.mark.parametrize(
    "zone, ld, ln, day_met, night_met, night_exceed",
    [("1", 53.2, 46.1, True, False, 1.1), ("4a", 68.5, 57.0, True, False, 2.0), ("0", 50.0, 40.0, True, True, 0.0)],
    ids=["E1", "E2", "E7"],
)
def test_worked_e1_e2_e7(zone, ld, ln, day_met, night_met, night_exceed):
    r = noise.assess(pl.DataFrame({"site": ["x"], "zone_class": [zone], "ld": [ld], "ln": [ln]})).row(0, named=True)
    assert (r["day_met"], r["night_met"], r["night_exceed"]) == (day_met, night_met, night_exceed)


def test_e3_e4_railway_approval_date():
    frame = pl.DataFrame(
        {"site": ["E3", "E4"], "zone_class": "4b", "ln": [58.0, 58.0], "rail_approved": ["2012-03-01", "2005-06-01"]}
    )
    out = noise.assess(frame)
    assert out["night_met"].to_list() == [True, False] and out["night_exceed"].to_list() == [0.0, 3.0]
    assert (
        noise.zone("4b", dt.date(2011, 1, 1)) == "4b"
        and noise.zone("4b", dt.date(2010, 12, 31)) == "4b_existing_rail_background"
    )


def test_e5_night_maximum():
    assert noise.assess_value("2", "lmax", 66) == (False, 1.0)
    assert noise.assess_value("2", "lmax", 65) == (True, 0.0)


def test_assess_value_of_a_numpy_level_and_of_no_level():
    assert noise.assess_value("2", "day", np.float64(61.04)) == (False, 1.0)
    # NaN is not "fails by 0 dB": it cannot be judged
    with pytest.raises(ValueError, match="must be a number"):
        noise.assess_value("2", "day", math.nan)


def _hours(day_levels, night_levels, start=dt.datetime(2024, 5, 1, 7)):
    times = [start + dt.timedelta(hours=i) for i in range(24)]
    return pl.DataFrame({"site": "E6", "time": times, "leq": day_levels + night_levels})


def test_e6_energy_average_not_arithmetic():
    levels = noise.period_levels(_hours([55.0] * 14 + [65.0] * 2, [48.0] * 6 + [52.0] * 2)).row(0, named=True)
    assert round(levels["ld"], 1) == 58.3 and round(levels["ln"], 1) == 49.4 and round(levels["ldn"], 1) == 58.7
    assert (levels["day_hours"], levels["night_hours"]) == (16, 8)
    assert noise.energy_average([55.0] * 14 + [65.0] * 2) == pytest.approx(levels["ld"])
    assert noise.ldn(levels["ld"], levels["ln"]) == pytest.approx(levels["ldn"])
    z2 = noise.assess(
        pl.DataFrame({"site": ["a", "b"], "zone_class": ["2", "1"], "ld": [levels["ld"]] * 2, "ln": [levels["ln"]] * 2})
    )
    assert z2["day_met"].to_list() == [True, False] and z2["night_met"].to_list() == [True, False]
    assert z2["day_exceed"].to_list() == [0.0, 3.3] and z2["night_exceed"].to_list() == [0.0, 4.4]


def test_hour_labels_end_and_start():
    # labelled by the hour's end: 06:00 is the hour 05–06 (night), 22:00 the hour 21–22 (day)
    frame = pl.DataFrame(
        {
            "site": "a",
            "time": [dt.datetime(2024, 5, 2, 6), dt.datetime(2024, 5, 2, 22), dt.datetime(2024, 5, 2, 23)],
            "leq": [40.0, 60.0, 50.0],
        }
    )
    end = noise.period_levels(frame).sort("date")
    assert end["date"].to_list() == [dt.date(2024, 5, 1), dt.date(2024, 5, 2)]
    assert end["ln"].to_list()[0] == pytest.approx(40.0) and end["ld"].to_list()[1] == pytest.approx(60.0)
    assert end["ln"].to_list()[1] == pytest.approx(50.0)
    start = noise.period_levels(frame, label="start").sort("date")
    assert start["ld"].to_list()[0] == pytest.approx(40.0) and start["ln"].to_list()[0] == pytest.approx(
        10 * math.log10((10**6 + 10**5) / 2)
    )


def test_local_day_definition():
    frame = pl.DataFrame({"site": "a", "time": [dt.datetime(2024, 5, 2, 7)], "leq": [50.0]})
    assert noise.period_levels(frame, day_start=7)["ln"][0] == pytest.approx(50.0)


@pytest.mark.parametrize(
    "points, met, rate", [(16, 13, 81.3), (16, 9, 56.3), (143, 123, 86.0), (143, 94, 65.7), (6, 4, 66.7), (6, 5, 83.3)]
)
def test_compliance_rates_e8_e10(points, met, rate):
    frame = pl.DataFrame(
        {
            "site": [f"p{i}" for i in range(points)],
            "zone_class": "1",
            "ld": [50.0] * met + [60.0] * (points - met),
            "ln": [40.0] * met + [50.0] * (points - met),
        }
    )
    rates = noise.compliance_rates(noise.assess(frame))
    zone1 = rates.filter(pl.col("zone_class") == "1").row(0, named=True)
    assert (zone1["day_points"], zone1["day_met_points"], zone1["day_rate"]) == (points, met, rate)
    assert zone1["night_rate"] == rate
    assert rates.filter(pl.col("zone_class") == "all")["day_rate"][0] == rate


def test_rates_by_zone_and_overall():
    frame = pl.DataFrame(
        {
            "site": list("abcd"),
            "zone_class": ["1", "1", "2", "2"],
            "ld": [50.0, 60.0, 50.0, 50.0],
            "ln": [None, 50.0, 40.0, 60.0],
        }
    )
    rates = noise.compliance_rates(noise.assess(frame))
    assert rates["zone_class"].to_list() == ["1", "2", "all"]
    assert rates["day_rate"].to_list() == [50.0, 100.0, 75.0]
    assert rates["night_points"].to_list() == [1, 2, 3] and rates["night_rate"].to_list() == [
        0.0,
        50.0,
        pytest.approx(33.3),
    ]


def test_unknown_zone_is_an_error():
    with pytest.raises(ValueError):
        noise.zone("5")
    assert noise.zone("4A") == "4a" and noise.zone("2类") == "2"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(20, 100), min_size=1, max_size=24))
def test_energy_average_between_min_and_max_and_above_mean(levels):
    value = noise.energy_average(levels)
    assert min(levels) - 1e-9 <= value <= max(levels) + 1e-9
    assert value >= sum(levels) / len(levels) - 1e-9
