"""The 待办 home in a browser (issue 19, item 1): a clerk sees what is owed and one click opens the work."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(org):
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    return current_plan()


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_a_clerk_is_shown_the_work_and_clicks_through(page, login, users, plan, size):
    from meili.governance.services import notify

    notify([users["reporter"]], "环翠区2025年度指标请于1月31日前填报", "/progress/report/")
    page.set_viewport_size({"width": size[0], "height": size[1]})
    login(users["reporter"])
    page.goto(page.base_url + "/")
    items = page.locator("[data-testid=todo-item]")
    assert items.count() >= 1 and "待填报指标" in items.first.inner_text()
    assert page.inner_text("[data-testid=bell-count]") == "1"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= size[0], width
    items.first.locator("a").first.click()
    page.wait_for_url("**/progress/report/**")
    assert page.locator("h1").count() == 1
