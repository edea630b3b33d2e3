"""The 大屏 at 1920×1080 (issue 19, item 4): charts drawn, nothing scrolls, the data endpoint polled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wall(org, users):
    """Stored results as the evaluation leaves them: the city's and two stations' latest hour, the year's
    statistics, three river sections' classes, the plan's demo values and a case received today."""
    from meili.governance import services
    from meili.monitoring.models import AirHourly, AirPeriod, MediaResult, Medium, Scope, Site
    from meili.progress.demo import load
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    load(current_plan(), lambda obj: None)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    AirHourly.objects.create(
        scope=Scope.CITY, code="weihai", time=now, aqi=42, primary="", valid=True, standard="HJ 633"
    )
    for code, name, lon, lat, aqi in (
        ("1662A", "华夏技校", 122.10, 37.50, 38),
        ("1664A", "市监测站", 122.13, 37.43, 55),
    ):
        Site.objects.create(medium=Medium.AIR, code=code, name=name, lon=lon, lat=lat)
        AirHourly.objects.create(scope=Scope.SITE, code=code, time=now, aqi=aqi, valid=True, standard="HJ 633")
    year = timezone.localdate().year
    AirPeriod.objects.create(
        scope=Scope.CITY,
        code="weihai",
        period=str(year),
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        good_days_ratio=91.2,
        standard="GB 3095-2012",
    )
    for code, label in (("W1", "Ⅱ类"), ("W2", "Ⅱ类"), ("W3", "Ⅲ类")):
        site = Site.objects.create(medium=Medium.WATER, code=code, name=f"断面{code}")
        MediaResult.objects.create(
            medium=Medium.WATER, site=site, period=str(year - 1), label=label, standard="GB 3838"
        )
    services.submit(
        kind="air",
        description="夜间异味",
        address="环翠区",
        district=org["huancui"],
        name="",
        phone="",
        email="",
        anonymous=True,
    )
    return users["leader"]


def test_the_wall_draws_every_chart_without_scrolling_and_refreshes(browser, live_server, wall):
    from tests.conftest import PASSWORD

    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", wall.username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(live_server.url + "/screen/")
    for name in ("good", "map", "water", "progress"):
        page.wait_for_selector(f'[data-chart="{name}"][data-drawn="1"] canvas', state="attached")
    assert page.inner_text('[data-field="aqi"]') == "42"
    assert page.inner_text('[data-field="received"]') == "1"
    size = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight, innerWidth, innerHeight]"
    )
    assert size[0] <= size[2] and size[1] <= size[3], size
    page.evaluate("() => window.meiliScreenPoll()")
    page.wait_for_function("() => document.body.dataset.polled === '1'")
    context.close()
    assert not errors, errors


def test_the_data_endpoint_needs_a_login(client, wall):
    assert client.get("/screen/data.json").status_code == 302
    client.force_login(wall)
    data = client.get("/screen/data.json").json()
    assert data["air"]["aqi"] == 42 and data["cases"]["received"] == 1
    assert data["water"]["classes"] == [["Ⅱ类", 2], ["Ⅲ类", 1]]
    assert sum(sum(s["data"]) for s in data["progress"]["series"]) > 0


def test_on_new_years_day_the_ratio_is_the_last_stored_year(client, wall):
    """The first hour of a year has no statistic of its own yet: the wall keeps the last year's ratio, not a blank."""
    from meili.monitoring.models import AirHourly, Scope

    year = timezone.localdate().year
    first_hour = timezone.make_aware(dt.datetime(year + 1, 1, 1, 0))
    AirHourly.objects.create(scope=Scope.CITY, code="weihai", time=first_hour, aqi=61, valid=True, standard="HJ 633")
    client.force_login(wall)
    air = client.get("/screen/data.json").json()["air"]
    assert (air["aqi"], air["year"], air["good_days_ratio"]) == (61, year, 91.2)
