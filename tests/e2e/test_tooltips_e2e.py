"""Hovering a chart opens its tooltip under the site's Content-Security-Policy (``style-src 'self'``).

ECharts' default HTML tooltip writes inline styles the policy refuses (a console error, no tooltip); the charts draw
their tooltip in the canvas instead. The tooltip is found among the canvas's drawn texts; the ``page`` fixture fails
on any console error.
"""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.monitoring.conftest import archive_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = "water.beautiful_rivers_lakes_rate"

DRAWN_TEXTS = """(css) => echarts.getInstanceByDom(document.querySelector(css)).getZr().storage.getDisplayList()
    .map((el) => (el.style && el.style.text) || '').join('\\n')"""


def _hover(page, css: str, pixel: list[float], expected: str) -> str:
    """The chart's drawn texts once *expected* is among them after the mouse rests on *pixel* (the chart may still
    be animating its first draw: the mouse is moved onto the point again, a pixel aside, until the tooltip shows
    or five tries have passed)."""
    box = page.locator(css).bounding_box()
    assert box is not None
    for attempt in range(5):
        page.mouse.move(box["x"] + pixel[0] + attempt % 2, box["y"] + pixel[1], steps=2)
        try:
            page.wait_for_function(
                f"([css, text]) => ({DRAWN_TEXTS})(css).includes(text)", arg=[css, expected], timeout=1500
            )
            break
        except PlaywrightTimeout:  # not shown yet: move again
            page.mouse.move(box["x"] + 1, box["y"] + 1)
    return page.evaluate(DRAWN_TEXTS, css)


def test_hovering_a_point_of_an_indicator_history_shows_its_tooltip(page, login, users, org):
    from decimal import Decimal

    from meili.progress.models import IndicatorValue
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    for year, value in ((2023, "32"), (2024, "35.5")):
        IndicatorValue.objects.create(
            plan_code=current_plan().code,
            indicator_code=CODE,
            unit=org["weihai"],
            year=year,
            value=Decimal(value),
            source_document=f"{year}年报",
            state="approved",
        )
    login(users["analyst"])
    page.goto(f"{page.base_url}/progress/indicator/{CODE}/?year=2025")
    page.wait_for_selector("#history-chart canvas")
    page.wait_for_function(
        "() => echarts.getInstanceByDom(document.getElementById('history-chart')).getOption().series"
    )
    pixel = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('history-chart')).convertToPixel({seriesIndex: 0}, [2024, 35.5])"
    )
    assert "35.5" not in page.evaluate(DRAWN_TEXTS, "#history-chart")
    assert "35.5" in _hover(page, "#history-chart", pixel, "35.5")


def test_hovering_a_station_chart_shows_the_day_tooltip(page, login, users, tmp_path):
    from meili.monitoring.importing import run_import
    from meili.monitoring.services import seed_air_stations

    seed_air_stations()
    upload = tmp_path / "a.csv"
    upload.write_text(archive_text(days=3), encoding="utf-8")
    run_import("air", [upload])
    login(users["analyst"])
    page.goto(page.base_url + "/monitoring/air/site/1664A/?year=2025")
    css = "[data-testid=chart-daily]"
    page.locator(css).wait_for()
    page.wait_for_function(f"document.querySelector('{css}').dataset.drawn === '1'")
    pixel = page.evaluate(
        """(css) => {
        const chart = echarts.getInstanceByDom(document.querySelector(css));
        const x = chart.getOption().xAxis[0].data[1];
        return chart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [x, 0]).map((v, i) => i ? v - 20 : v);
    }""",
        css,
    )
    assert "2025-01-02" in _hover(page, css, pixel, "2025-01-02")
