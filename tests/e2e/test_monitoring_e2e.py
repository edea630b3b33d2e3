"""Upload a national-layout file, watch the progress bar, then open the air map, a station chart and the calendar."""

import pytest

from tests.monitoring.conftest import archive_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _chart_drawn(page, testid: str) -> None:
    chart = page.locator(f"[data-testid={testid}]")
    chart.wait_for()
    page.wait_for_function(f"document.querySelector('[data-testid={testid}]').dataset.drawn === '1'")
    box = chart.locator("canvas").first.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100, testid


def test_upload_progress_map_station_and_calendar(page, login, users, tmp_path):
    from meili.monitoring.services import seed_air_stations

    seed_air_stations()
    upload = tmp_path / "china_sites_20250101.csv"
    upload.write_text(archive_text(days=3), encoding="utf-8")

    login(users["analyst"])
    page.goto(page.base_url + "/monitoring/imports/")
    page.select_option("#id_medium", "air")
    page.set_input_files("#id_files", str(upload))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url("**/monitoring/imports/*/")
    assert page.locator("[data-testid=progressbar]").count() == 1
    page.wait_for_selector("[data-testid=job-progress][data-state=done]", timeout=60000)
    report = page.locator("[data-testid=job-report]").inner_text()
    assert f"新增：{5 * 72 * 6}" in report

    page.click("[data-testid=to-air]")
    page.wait_for_url("**/monitoring/air/")
    _chart_drawn(page, "chart-map")
    _chart_drawn(page, "chart-city-daily")

    page.click("[data-testid=site-1664A]")
    page.wait_for_url("**/monitoring/air/site/1664A/**")
    _chart_drawn(page, "chart-hourly")
    _chart_drawn(page, "chart-daily")

    page.goto(page.base_url + "/monitoring/air/calendar/?year=2025")
    _chart_drawn(page, "chart-calendar")


def test_public_air_page_without_login(page, users):
    from meili.monitoring.services import seed_air_stations

    seed_air_stations()
    page.goto(page.base_url + "/public/air/")
    _chart_drawn(page, "chart-map")
    assert page.locator("[data-testid=public-latest] tbody tr").count() == 10
