"""The carbon pages in Chromium: the inventory charts (stacked bars, Sankey) and the sector × gas table, the
intensity trend, the blue-carbon map, the synergy page, and an upload whose error is shown without saving
anything."""

import io

import pytest
from openpyxl import load_workbook

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _chart_drawn(page, testid: str) -> None:
    chart = page.locator(f"[data-testid={testid}]")
    chart.wait_for()
    page.wait_for_function(f"document.querySelector('[data-testid={testid}]').dataset.drawn === '1'")
    box = chart.locator("canvas").first.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100, testid


def test_carbon_pages_draw_and_upload_errors_are_shown(page, login, users, tmp_path):
    from meili.carbon import demo
    from meili.carbon.models import Activity
    from meili.demo.loader import remember

    demo.load(remember)
    login(users["analyst"])
    page.click("[data-testid=nav-carbon\\:inventory]")
    page.wait_for_url("**/carbon/")
    for chart in ("chart-stacked", "chart-fuels", "chart-sankey"):
        _chart_drawn(page, chart)
    assert "工业" in page.locator("[data-testid=sector-table]").inner_text()
    assert page.locator("[data-testid=comparison]").count() == 1
    gases = page.locator("[data-testid=gas-table]").inner_text()
    assert "工业生产过程" in gases and "NE" in gases

    page.click("[data-testid=carbon-nav-intensity]")
    _chart_drawn(page, "chart-trend")
    assert "待确认" in page.locator("[data-testid=target]").inner_text()

    page.click("[data-testid=carbon-nav-blue]")
    _chart_drawn(page, "chart-blue-map")
    _chart_drawn(page, "chart-species")
    assert "干重" in page.locator("[data-testid=harvest-table]").inner_text()

    page.click("[data-testid=carbon-nav-synergy]")
    assert "能源活动二氧化碳排放" in page.locator("[data-testid=synergy-inputs]").inner_text()
    assert "数据不足" in page.locator("[data-testid=synergy-insufficient]").inner_text()

    page.goto(page.base_url + "/carbon/")
    with page.expect_download() as download:
        page.click("text=下载模板")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    book["活动水平"].append([2022, "环翠区", "建筑业", "原煤", "桶", 5, None, None, ""])
    path = tmp_path / "upload.xlsx"
    book.save(path)
    before = Activity.objects.count()
    page.set_input_files("[data-testid=activity-file]", str(path))
    page.click("[data-testid=activity-submit]")
    page.wait_for_selector("text=未保存任何内容")
    assert "“单位”列" in page.locator(".messages").inner_text()
    assert Activity.objects.count() == before
