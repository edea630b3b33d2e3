"""The real Weihai 2019 national file: stored city figures equal the engine run directly on the same file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from meili.formats.cnemc import read_archive
from meili.monitoring.importing import run_import
from meili.monitoring.indicators import compute
from meili.monitoring.models import AirDaily, AirPeriod, Observation
from meili.standards import air
from tests.monitoring.conftest import CITY_STATIONS, WEIHAI_2019

SHARED = Path(__file__).resolve().parents[1]  # tests/, where the real files are copied (tests/data/real)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_weihai_2019_city_figures_match_the_engine(air_sites):
    path = SHARED.joinpath(*WEIHAI_2019)
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
