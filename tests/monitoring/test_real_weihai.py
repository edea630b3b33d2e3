"""The real Weihai 2019 national file: stored city figures equal the engine run directly on the same file."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from meili.formats.cnemc import read_archive
from meili.monitoring.importing import run_import
from meili.monitoring.indicators import compute
from meili.monitoring.models import AirDaily, AirPeriod, Observation
from meili.standards import air
from tests.monitoring.conftest import CITY_STATIONS
from tests.reference import WEIHAI_2019

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_weihai_2019_city_figures_match_the_engine(air_sites):
    path = WEIHAI_2019
    job = run_import("air", [path])
    assert job.state == "done" and job.skipped == 0

    long = read_archive(path)
    assert job.added == long.height == Observation.objects.count()
    conc = air.daily_concentrations(long)
    city = air.aggregate(conc, pl.DataFrame({"site": list(CITY_STATIONS), "group": ["weihai"] * 4}), scale="daily")
    expected = dict(city.select("date", "AQI").iter_rows())
    stored = dict(AirDaily.objects.filter(scope="city", code="weihai").values_list("date", "aqi"))
    assert stored == expected

    annual = air.assess(city, dt.date(2019, 1, 1), dt.date(2019, 12, 31)).row(0, named=True)
    period = AirPeriod.objects.get(scope="city", code="weihai", period="2019")
    assert period.pm25 == annual["PM2.5_mean"]
    assert period.good_days_ratio == annual["good_days_ratio"]
    assert period.valid_days == annual["valid_days"]
    for name in ("SO2_mean", "NO2_mean", "PM10_mean", "CO_P95", "O3_8h_P90"):
        assert period.stats[name] == annual[name], name

    pm25 = compute("air.pm25.annual_mean", 2019)
    assert pm25.value == annual["PM2.5_mean"]
    # August and September 2019 have 25 daily values (< 27): the annual mean is not valid (GB 3095 Table 4)
    assert pm25.valid is False and "2019-08" in pm25.provenance["rule"]
    assert [s["code"] for s in pm25.provenance["sites"]] == sorted(CITY_STATIONS)
    assert pm25.provenance["standard"].startswith("GB 3095-2012")
    ratio = compute("air.good_days_ratio", 2019)
    assert ratio.value == annual["good_days_ratio"] and ratio.provenance["good_days"] == annual["good_days"]

    again = run_import("air", [path])
    assert (again.added, again.changed, again.unchanged) == (0, 0, job.added)

    # the progress assessment takes the plan's monitoring-derived indicators from these stored results
    from meili.progress.assessment import indicator_progress
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    plan = current_plan()
    good_days = plan.indicator(next(i.code for i in plan.indicators if i.monitoring == "air.good_days_ratio"))
    progress = indicator_progress(plan, good_days, 2019)
    assert progress.series[2019].value == annual["good_days_ratio"]
    assert progress.series[2019].how.startswith("监测数据")
    assert progress.series[2019].details["good_days"] == annual["good_days"]
    assert progress.assessment.latest_year == 2019 and progress.assessment.latest_value == annual["good_days_ratio"]
    pm25 = plan.indicator(next(i.code for i in plan.indicators if i.monitoring == "air.pm25.annual_mean"))
    # an annual mean that misses the validity rule is shown but does not count in the assessment
    assert indicator_progress(plan, pm25, 2019).series[2019].valid is False


def test_the_wide_read_is_the_engine_pivot_of_the_stored_values(air_sites):
    """load_air_values (the database's pivot; COPY on PostgreSQL) gives exactly what the engine's own pivot
    makes of the long stored values, corrections included (only current values count)."""
    from polars.testing import assert_frame_equal

    from meili.monitoring.evaluation import load_air_values, load_observations
    from meili.monitoring.models import Site

    run_import("air", [WEIHAI_2019], evaluate=False)
    start, end = dt.datetime(2019, 3, 1, tzinfo=dt.UTC), dt.datetime(2019, 4, 1, tzinfo=dt.UTC)
    old = Observation.objects.filter(parameter="CO", time__gt=start, value__gt=0).order_by("site_id", "time").first()
    assert old is not None and old.value is not None
    Observation.objects.filter(pk=old.pk).update(current=False)
    lower = old.value / 4  # below the retired value: a read that kept it would show it (the pivot takes the max)
    Observation.objects.create(
        site_id=old.site_id, time=old.time, parameter="CO", value=lower, raw=str(lower), version=2, job=old.job
    )
    ids = dict(Site.objects.filter(medium="air").values_list("code", "id"))
    wide = load_air_values(ids, start, end)
    expected = air.frames.to_wide(load_observations(ids.values(), start, end).drop("unit", "below_dl"))
    assert wide.height > 5_000 and wide.select(pl.any_horizontal(pl.all().is_null()).any()).item()
    assert_frame_equal(wide.sort("site", "time"), expected.sort("site", "time"), check_exact=True)
    hour = wide.filter((pl.col("site") == old.site.code) & (pl.col("time") == dt.datetime(2019, 3, 1, 9)))
    assert hour["CO"].to_list() == [lower]
