"""Period statistics, percentiles, validity counts, compliance, good and heavy days, composite index, regions, alerts."""

import datetime as dt
from fractions import Fraction

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.standards import air


def test_percentile_worked_example():
    assert air.percentile([3, 4, 8, 2, 5, 4], 90) == Fraction(13, 2)  # k = 5.5 → 5 + 3·0.5


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 500), min_size=1, max_size=400), st.sampled_from([90, 95, 98]))
def test_percentile_formula_plain_and_vectorised(values, p):
    xs = sorted(values)
    n = len(xs)
    k = 1 + Fraction((n - 1) * p, 100)
    s = int(k)
    expected = xs[s - 1] + (xs[s] - xs[s - 1]) * (k - s) if s < n else Fraction(xs[-1])
    assert air.percentile(values, p) == expected
    assert float(expected) == pytest.approx(np.percentile(xs, p), abs=1e-9)
    from meili.standards.air.assessment import _percentile_expr

    got = (
        pl.DataFrame({"g": [1] * n, "v": [float(v) for v in values]})
        .group_by("g")
        .agg(_percentile_expr("v", p).alias("q"))["q"][0]
    )
    assert got == pytest.approx(float(expected), abs=1e-9)


def year_of_days(year=2019, site="A", skip=(), **values):
    days = [dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(366 if year % 4 == 0 else 365)]
    days = [d for d in days if d not in skip]
    n = len(days)
    data = {"site": [site] * n, "date": days}
    for c in ("SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h_max", "O3_8h_max"):
        v = values.get(c, 10.0 if c != "CO" else 0.5)
        data[c] = [float(v(i, d)) if callable(v) else v for i, d in enumerate(days)]
    return air.daily_index(pl.DataFrame(data))


def test_full_valid_year_statistics_and_compliance():
    daily = year_of_days(**{"PM2.5": lambda i, d: i % 100, "O3_8h_max": lambda i, d: 100 + i % 80})
    out = air.assess(daily, "2019-01-01", "2019-12-31").row(0, named=True)
    pm = [i % 100 for i in range(365)]
    assert out["PM2.5_mean"] == float(air.round_gbt8170(Fraction(sum(pm), 365).__float__(), 0))
    assert out["PM2.5_P95"] == float(air.round_gbt8170(float(air.percentile(pm, 95)), 0))
    assert out["valid_PM2.5"] and out["rule_PM2.5"] is None and out["n_PM2.5"] == 365
    assert out["PM2.5_mean_limit"] == 35.0 and out["PM2.5_P95_limit"] == 75.0
    assert out["PM2.5_mean_complies"] is False  # mean 49
    assert out["PM2.5_complies"] is False and out["complies"] is False
    assert out["SO2_complies"] is True
    o3 = [100 + i % 80 for i in range(365)]
    assert out["O3_8h_P90"] == float(air.round_gbt8170(float(air.percentile(o3, 90)), 0))
    assert out["standard"].startswith("GB 3095-2012")


def test_validity_324_days_and_27_per_month_25_in_february():
    # 41 days missing (324 left) while every month keeps its minimum: 4 from each 31-day month, 3 from each
    # 30-day month, 1 from February → valid
    skip = {dt.date(2019, m, d) for m in (1, 3, 5, 7, 8, 10, 12) for d in (1, 2, 3, 4)}
    skip |= {dt.date(2019, m, d) for m in (4, 6, 9, 11) for d in (1, 2, 3)} | {dt.date(2019, 2, 1)}
    assert len(skip) == 41
    ok = air.assess(year_of_days(skip=skip), "2019-01-01", "2019-12-31").row(0, named=True)
    assert ok["n_SO2"] == 324 and ok["valid_SO2"]
    skip2 = skip | {dt.date(2019, 2, 2)}
    bad = air.assess(year_of_days(skip=skip2), "2019-01-01", "2019-12-31").row(0, named=True)
    assert not bad["valid_SO2"] and bad["rule_SO2"] == "≥324 daily values in the year: 323"
    assert bad["SO2_mean"] == 10.0  # still computed
    assert bad["SO2_mean_complies"] is None and bad["SO2_complies"] is None and bad["complies"] is None
    feb = {dt.date(2019, 2, d) for d in range(1, 5)}  # 24 February days
    month = air.assess(year_of_days(skip=feb), "2019-02-01", "2019-02-28").row(0, named=True)
    assert month["rule_PM10"] == "≥25 daily values in 2019-02: 24"
    feb3 = {dt.date(2019, 2, d) for d in range(1, 4)}  # 25 days: valid
    assert air.assess(year_of_days(skip=feb3), "2019-02-01", "2019-02-28")["valid_PM10"][0]


def test_invalid_statistic_that_exceeds_still_does_not_decide_but_valid_failure_does():
    daily = year_of_days(**{"PM2.5": 80.0})
    daily = daily.with_columns(pl.when(pl.col("date").dt.month() == 3).then(None).otherwise(pl.col("SO2")).alias("SO2"))
    out = air.assess(daily, "2019-01-01", "2019-12-31").row(0, named=True)
    assert out["SO2_complies"] is None and out["PM2.5_complies"] is False and out["complies"] is False


def test_good_days_heavy_days_and_composite_index():
    aqi_driver = lambda i, d: [30, 80, 160, 260][i % 4]  # PM2.5 daily → IAQI 43, 107, 207, 311 under 2012  # noqa: E731
    daily = year_of_days(**{"PM2.5": aqi_driver})
    out = air.assess(daily, "2019-01-01", "2019-01-31").row(0, named=True)
    # January: days i = 0..30 → 8 of value 30, 8 of 80, 8 of 160, 7 of 260
    assert out["valid_days"] == 31 and out["good_days"] == 8 and out["heavy_days"] == 15
    assert out["good_days_ratio"] == 25.8  # 8/31 = 25.806 %
    pm_mean = float(air.round_gbt8170(Fraction(8 * 30 + 8 * 80 + 8 * 160 + 7 * 260, 31).__float__(), 0))
    expected = 10 / 60 + 10 / 40 + 10 / 70 + pm_mean / 35 + 0.5 / 4 + 10 / 160
    assert out["composite_index"] == float(air.round_gbt8170(round(expected, 9), 2))
    weighted = air.assess(daily, "2019-01-01", "2019-01-31", composite_weights={"PM2.5": 3.0, "NO2": 2.0, "O3": 2.0})
    assert weighted["composite_index"][0] == float(
        air.round_gbt8170(round(expected + 2 * pm_mean / 35 + 10 / 40 + 10 / 160, 9), 2)
    )


def test_zone_class_and_2026_phases():
    daily = year_of_days(2031, **{"PM2.5": 28.0})
    out = air.assess(daily, "2031-01-01", "2031-12-31").row(0, named=True)
    assert out["standard"] == "GB 3095-2026 (final)" and out["PM2.5_mean_limit"] == 25.0
    assert out["PM2.5_mean_complies"] is False
    trans = air.assess(daily, "2031-01-01", "2031-12-31", phase="transitional").row(0, named=True)
    assert trans["PM2.5_mean_limit"] == 30.0 and trans["PM2.5_mean_complies"] is True
    c1 = air.assess(daily.with_columns(pl.lit(1).alias("zone_class")), "2031-01-01", "2031-12-31").row(0, named=True)
    assert c1["PM2.5_mean_limit"] == 10.0
    forced = air.assess(year_of_days(2025), "2025-01-01", "2025-12-31", edition="2026").row(0, named=True)
    assert forced["PM10_mean_limit"] == 60.0  # 2025 under the 2026 transitional limits


def test_exceptional_event_days_are_excluded_from_numerators_and_denominators():
    daily = year_of_days(**{"PM2.5": lambda i, d: 300 if d.month == 3 and d.day <= 2 else 20})
    plain = air.assess(daily, "2019-03-01", "2019-03-31").row(0, named=True)
    assert plain["heavy_days"] == 2 and plain["excluded_days"] == 0 and plain["valid_days"] == 31
    events = [dt.date(2019, 3, 1), dt.date(2019, 3, 2)]
    out = air.assess(daily, "2019-03-01", "2019-03-31", excluded=events).row(0, named=True)
    assert out["heavy_days"] == 0 and out["valid_days"] == 29 and out["excluded_days"] == 2
    assert out["PM2.5_mean"] == 20.0 and out["n_PM2.5"] == 29 and out["valid_PM2.5"]
    per_site = pl.DataFrame({"site": ["A"], "date": [dt.date(2019, 3, 1)]})
    assert air.assess(daily, "2019-03-01", "2019-03-31", excluded=per_site)["excluded_days"][0] == 1


def test_three_year_moving_average_reading():
    frames = [year_of_days(y, **{"PM2.5": v}) for y, v in ((2017, 30.0), (2018, 36.0), (2019, 40.0))]
    daily = pl.concat(frames)
    out = air.assess_three_year(daily, 2019).row(0, named=True)
    assert out["PM2.5_mean"] == 35.0 and out["PM2.5_mean_complies"] is True  # (30 + 36 + 40)/3 = 35.33 → 35
    assert out["start"] == dt.date(2017, 1, 1) and out["end"] == dt.date(2019, 12, 31)
    assert out["n_PM2.5"] == 365 * 3 and out["valid_PM2.5"]
    short = pl.concat([frames[0].filter(pl.col("date").dt.month() != 5), frames[1], frames[2]])
    bad = air.assess_three_year(short, 2019).row(0, named=True)
    assert not bad["valid_PM2.5"] and bad["rule_PM2.5"].startswith("2017: ")


def test_rankings_use_valid_statistics_and_share_places():
    frame = pl.DataFrame(
        {
            "site": list("ABCDE"),
            "composite_index": [3.2, 2.9, 3.2, 2.1, 1.0],
            "composite_valid": [True, True, True, True, False],
            "PM2.5_mean": [30.0, 28, 35, 20, 10],
            "valid_PM2.5": [True, True, True, True, False],
            "good_days_ratio": [80.0, 85, 80, 90, 99],
            "valid_days": [300, 300, 300, 300, 0],
        }
    )
    assert air.rank(frame)["rank_composite_index"].to_list() == [3, 2, 3, 1, None]
    assert air.rank(frame, "PM2.5_mean")["rank_PM2.5_mean"].to_list() == [3, 2, 4, 1, None]
    assert air.rank(frame, "good_days_ratio")["rank_good_days_ratio"].to_list() == [3, 2, 3, 1, None]
    with pytest.raises(ValueError):
        air.rank(frame, "SO2_mean")


def test_city_value_is_the_mean_of_valid_sites_and_its_index_is_recomputed():
    day = dt.date(2026, 5, 1)
    conc = pl.DataFrame(
        {
            "site": ["A", "B", "C"],
            "date": [day] * 3,
            "SO2": [10.0, 20.0, None],
            "NO2": [10.0] * 3,
            "CO": [0.5] * 3,
            "PM10": [50.0] * 3,
            "PM2.5": [35.0, 85.0, 60.0],
            "O3_1h_max": [100.0] * 3,
            "O3_8h_max": [90.0] * 3,
        }
    )
    sites = pl.DataFrame({"site": ["A", "B", "C"], "group": ["city"] * 3})
    city = air.aggregate(conc, sites).row(0, named=True)
    assert city["site"] == "city" and city["SO2"] == 15.0 and city["n_SO2"] == 2
    assert city["PM2.5"] == 60.0 and city["IAQI_PM2.5"] == 100
    per_site = air.daily_index(conc)["IAQI_PM2.5"].to_list()
    assert sum(per_site) / 3 != city["IAQI_PM2.5"]  # averaging AQIs would differ


def test_hourly_city_values():
    t = dt.datetime(2026, 5, 1, 10)
    frame = pl.DataFrame({"site": ["A", "B"], "time": [t, t], "parameter": ["PM2.5", "PM2.5"], "value": [40.0, 81.0]})
    out = air.aggregate(frame, pl.DataFrame({"site": ["A", "B"], "group": ["g", "g"]}), scale="hourly")
    assert out["PM2.5"][0] == 60.0 and out["IAQI_PM2.5"][0] == 100 and out["n_sites"][0] == 2


@pytest.mark.parametrize(
    ("series", "level"),
    [
        ([120, 140, 90], None),
        ([201, 90], "yellow"),
        ([160, 170, 90], "yellow"),
        ([210, 220, 100], "orange"),
        ([160, 170, 180], "orange"),
        ([210, 220, 310], "red"),
        ([210, 320, 220, 100], "red"),
        ([210, 220, 230], "orange"),
        ([310, 100, 100], "yellow"),
    ],
)
def test_alert_levels_current_scheme(series, level):
    assert air.alert_level(series) == level


def test_alert_schemes_configurable():
    assert air.alert_level([201], "2017") == "blue"
    assert air.alert_level([201], "2018") is None
    assert air.alert_level([500], "2018") == "red"
    strict = (air.AlertRule("red", (((150, 2),),)),)
    frame = pl.DataFrame({"region": ["a", "a", "b", "b"], "date": [1, 2, 1, 2], "AQI": [160, 170, 160, 170]})
    out = air.alert_levels(frame, {"b": strict}).sort("region")
    assert out["alert_level"].to_list() == ["yellow", "red"]
