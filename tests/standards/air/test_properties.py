"""Properties: IAQI monotonic, vectorised = exact plain computation, AQI = max IAQI, edition switch at 2026-03-01."""

import datetime as dt
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.standards import air
from meili.standards.air.editions import get_edition
from meili.standards.air.iaqi import iaqi_expr

TABLES = [
    ("SO2", "24h"),
    ("SO2", "1h"),
    ("NO2", "24h"),
    ("NO2", "1h"),
    ("CO", "24h"),
    ("CO", "1h"),
    ("O3", "1h"),
    ("O3", "8h"),
    ("PM10", "24h"),
    ("PM2.5", "24h"),
]
TOP = {
    ("SO2", "24h"): 2620,
    ("SO2", "1h"): 800,
    ("NO2", "24h"): 940,
    ("NO2", "1h"): 3840,
    ("CO", "24h"): 60,
    ("CO", "1h"): 150,
    ("O3", "1h"): 1200,
    ("O3", "8h"): 800,
    ("PM10", "24h"): 600,
    ("PM2.5", "24h"): 500,
}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TABLES), st.sampled_from(["2012", "2026"]), st.data())
def test_iaqi_monotonic_and_vectorised_equals_exact(table, edition, data):
    p, avg = table
    top = TOP[table]
    places = 3
    a, b = sorted(data.draw(st.lists(st.decimals(0, top, places=places), min_size=2, max_size=2)))
    ia, ib = air.iaqi(p, avg, a, edition), air.iaqi(p, avg, b, edition)
    assert ia.value <= ib.value
    assert 0 <= ia.value <= 500
    value, _ = iaqi_expr(pl.col("c"), p, avg, get_edition(edition))
    got = pl.DataFrame({"c": [float(a), float(b)]}).select(value.alias("v"))["v"].to_list()
    assert got == [ia.value, ib.value]


POLLUTANT_VALUES = {
    "SO2": st.integers(0, 700),
    "NO2": st.integers(0, 900),
    "CO": st.decimals(0, 50, places=1),
    "O3": st.integers(0, 1100),
    "PM10": st.integers(0, 590),
    "PM2.5": st.integers(0, 490),
}


@settings(max_examples=100, deadline=None)
@given(
    st.fixed_dictionaries(POLLUTANT_VALUES), st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)), st.integers(0, 23)
)
def test_hourly_aqi_is_the_max_iaqi_and_primary_the_argmax(values, day, hour):
    time = dt.datetime.combine(day, dt.time(hour)) + dt.timedelta(hours=1)
    frame = pl.DataFrame({"site": ["A"], "time": [time]} | {p: [float(v)] for p, v in values.items()})
    row = air.hourly(frame).row(0, named=True)
    iaqis = {p: row[f"IAQI_{p}"] for p in values}
    assert row["AQI"] == max(iaqis.values())
    primary = [p for p, v in iaqis.items() if v == row["AQI"]] if row["AQI"] > 50 else []
    assert sorted((row["primary_pollutants"] or "").split(",")) == sorted(",".join(primary).split(","))
    edition = "2026" if day >= dt.date(2026, 3, 1) else "2012"
    assert row["standard"] == f"HJ 633-{edition}"
    expected = air.aqi(
        {
            p: air.iaqi(p, "24h" if p.startswith("PM") else "1h", Decimal(str(v)), edition).value
            for p, v in values.items()
        },
        edition,
    )
    assert row["AQI"] == expected["AQI"]


@given(st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)))
def test_edition_switch_exactly_at_2026_03_01(day):
    assert air.edition_for(day).key == ("2026" if day >= dt.date(2026, 3, 1) else "2012")


def test_edition_switch_boundary_in_frames():
    hours = [dt.datetime(2026, 2, 28, 23), dt.datetime(2026, 3, 1, 0), dt.datetime(2026, 3, 1, 1)]
    frame = pl.DataFrame({"site": ["A"] * 3, "time": hours, "PM2.5": [70.0] * 3})
    out = air.hourly(frame)
    # the hour ending 2026-03-01 00:00 is the last hour of 2026-02-28: still HJ 633-2012
    assert out["standard"].to_list() == ["HJ 633-2012", "HJ 633-2012", "HJ 633-2026"]
    assert out["AQI"].to_list() == [94, 94, 110]
    days = pl.DataFrame(
        {"site": ["A", "A"], "date": [dt.date(2026, 2, 28), dt.date(2026, 3, 1)], "PM2.5": [70.0, 70.0]}
    )
    assert air.daily_index(days)["IAQI_PM2.5"].to_list() == [94, 110]
    assert air.daily_index(days, "2012")["IAQI_PM2.5"].to_list() == [94, 94]
    assert air.daily_index(days, "2026")["IAQI_PM2.5"].to_list() == [110, 110]
