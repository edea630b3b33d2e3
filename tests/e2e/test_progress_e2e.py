"""A reporter submits a value, an analyst approves it, the cockpit shows the new status."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = "water.beautiful_rivers_lakes_rate"


@pytest.fixture
def plan(org):
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    return current_plan()


def _status(page, year=2025):
    page.goto(f"{page.base_url}/progress/?year={year}")
    return page.locator(f"tr[data-indicator='{CODE}'] [data-status]").get_attribute("data-status")


def test_submit_approve_and_see_the_cockpit_change(page, login, users, plan, org):
    from decimal import Decimal

    from meili.progress.models import IndicatorValue

    # 2023 baseline of the city: 32 %, approved earlier; the 2027 target is 40 %.
    IndicatorValue.objects.create(
        plan_code=plan.code,
        indicator_code=CODE,
        unit=org["weihai"],
        year=2023,
        value=Decimal("32"),
        source_document="2023年报",
        state="approved",
    )
    login(users["analyst"])
    assert _status(page) == "insufficient_data"
    page.click("[data-testid=logout]")

    login(users["reporter"])
    page.goto(f"{page.base_url}/progress/report/?year=2025")
    page.click(f"[data-testid='edit-{CODE}']")
    page.fill("#id_value", "39.2")
    page.fill("#id_weight", "10")
    page.fill("#id_source_document", "环翠区美丽河湖建设年度报告")
    page.fill("#id_source_number", "环政办字〔2026〕5号")
    page.click("[data-testid=save-submit]")
    assert "已提交" in page.locator(f"tr[data-indicator='{CODE}']").inner_text()
    page.click("[data-testid=logout]")

    login(users["analyst"])
    page.goto(f"{page.base_url}/progress/review/")
    row = page.locator("[data-testid=review-list] tr[data-value]")
    assert "39.2" in row.inner_text()
    row.locator("button[value=approve]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=review-list] tr[data-value]").count() == 0

    assert _status(page) == "on_track"
    page.click(f"tr[data-indicator='{CODE}'] a")
    page.wait_for_selector("#history-chart canvas")
    assert "区市汇总" in page.locator("[data-testid=series-table]").inner_text()
    assert "value.approve" in page.locator("[data-testid=trail]").inner_text()
    assert "39.2" in page.locator("[data-testid=explanation]").inner_text()


def test_the_district_map_names_and_colours_districts_in_english(page, login, users, plan, org):
    """The map's regions carry the plan's English unit names, and a district's approved value still finds its region
    (read from the chart's model)."""
    from decimal import Decimal

    from meili.progress.models import IndicatorValue

    IndicatorValue.objects.create(
        plan_code=plan.code,
        indicator_code=CODE,
        unit=org["huancui"],
        year=2025,
        value=Decimal("37.5"),
        weight=Decimal("10"),
        source_document="环翠区美丽河湖建设年度报告",
        state="approved",
    )
    login(users["analyst"])
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    page.goto(f"{page.base_url}/progress/indicator/{CODE}/?year=2025")
    page.wait_for_selector("#district-map canvas")
    page.wait_for_function("() => echarts.getInstanceByDom(document.getElementById('district-map')).getOption().series")
    regions = page.evaluate(
        """() => {
        const data = echarts.getInstanceByDom(document.getElementById('district-map')).getModel()
            .getSeriesByIndex(0).getData();
        return data.mapArray(['value'], (value, i) => [data.getName(i), value]);
    }"""
    )
    names = dict(regions)
    assert names["Huancui District"] == 37.5, regions
    assert "Rushan" in names and not [n for n in names if "区" in n or "市" in n], regions
