"""The citizens' pages on a phone and a laptop (issue 19, item 8): a public home, pages as wide as the screen with
tables as cards on a phone, locate-me from the browser's own position, a copy button for the tracking code."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_governance_e2e import DIGITS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ["/public/", "/public/air/", "/public/water/", "/public/report/", "/public/track/", "/public/rectified/"]


@pytest.fixture
def water(org, tmp_path):
    from meili.monitoring.importing import run_import
    from meili.monitoring.models import Site

    Site.objects.create(
        medium="water", code="371001", name="母猪河入海口断面", target_class=3, water_body="母猪河", lon=122.0, lat=37.1
    )
    path = tmp_path / "w.csv"
    path.write_text("site,time,parameter,value\n371001,2025-03-10,氨氮,1.2\n371001,2025-04-10,氨氮,0.4\n", "utf-8")
    run_import("water", [path])


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_public_pages_fit_the_screen(page, water, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    for url in PAGES:
        page.goto(page.base_url + url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width == size[0], (url, width)
    page.goto(page.base_url + "/public/water/?year=2025")
    cell = page.locator("[data-testid=media-table] tbody td").nth(1)
    assert "母猪河入海口断面" in cell.inner_text()
    box = cell.bounding_box()
    assert box and box["width"] > 150, box  # not one character per line
    if size[0] == 390:
        assert page.locator("[data-testid=media-table] thead").is_hidden()
        assert "名称" in page.evaluate(
            "() => getComputedStyle(document.querySelectorAll('[data-testid=media-table] tbody td')[1], '::before').content"
        )
    page.click("[data-testid=crumb-home]")
    page.wait_for_url("**/public/")
    assert page.locator("[data-testid=public-home]").is_visible()


def test_locate_me_and_copy_the_tracking_code(page, org):
    page.context.grant_permissions(["geolocation", "clipboard-read", "clipboard-write"])
    page.context.set_geolocation({"latitude": 37.5132, "longitude": 122.1201})
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/public/")
    page.click("[data-testid=public-report]")
    page.wait_for_url("**/public/report/")
    page.click("[data-testid=locate-me]")
    page.wait_for_function("() => document.getElementById('id_latitude').value !== ''")
    assert page.input_value("#id_latitude") == "37.513200" and page.input_value("#id_longitude") == "122.120100"
    page.select_option("#id_kind", "air")
    page.fill("#id_description", "河边夜间有异味")
    page.fill("#id_address", "环翠区海滨北路")
    a, b = re.match(r"(.)加(.)", page.inner_text("[data-testid=question]")).groups()
    page.fill("#id_answer", str(DIGITS.index(a) + DIGITS.index(b)))
    page.click("[data-testid=report-submit]")
    code = page.inner_text("[data-testid=tracking-code]").strip()
    page.click("[data-testid=copy-code]")
    page.wait_for_function("() => document.querySelector('[data-testid=copy-code]').textContent === '已复制'")
    assert page.evaluate("() => navigator.clipboard.readText()") == code
    assert page.evaluate("() => document.documentElement.scrollWidth") == 390


#: each drawn text of a chart with its rectangle on the canvas (labels hidden by the label layout are not drawn)
TEXTS = """(css) => {
    const chart = echarts.getInstanceByDom(document.querySelector(css));
    return chart.getZr().storage.getDisplayList().filter((el) => el.style && el.style.text).map((el) => {
        const r = el.getBoundingRect().clone();
        r.applyTransform(el.getComputedTransform());
        return {text: String(el.style.text), x: r.x, y: r.y, w: r.width, h: r.height};
    });
}"""


def test_the_public_air_charts_fit_a_phone(page, org):
    """At 390×844 the AQI calendar's legend stays inside its chart and the stations' labels on the map do not
    overlap (overlapping ones are hidden: ECharts' ``labelLayout.hideOverlap``)."""
    from meili.monitoring.models import Site
    from meili.monitoring.services import seed_air_stations

    seed_air_stations()
    stations = set(Site.objects.filter(medium="air").values_list("name", flat=True))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/public/air/")
    for testid in ("chart-map", "chart-calendar"):
        page.wait_for_function(f"document.querySelector('[data-testid={testid}]').dataset.drawn === '1'")
    page.wait_for_timeout(500)
    width = page.locator("[data-testid=chart-calendar]").bounding_box()["width"]
    texts = page.evaluate(TEXTS, "[data-testid=chart-calendar]")
    outside = [t for t in texts if t["x"] < 0 or t["x"] + t["w"] > width]
    assert texts and not outside, (width, outside)
    labels = [t for t in page.evaluate(TEXTS, "[data-testid=chart-map]") if t["text"] in stations]
    overlapping = [
        (a["text"], b["text"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    ]
    assert labels and not overlapping, overlapping
    assert page.evaluate("() => document.documentElement.scrollWidth") == 390
