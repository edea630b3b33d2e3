"""The English interface at 1366×768 (issue 19, items 6 and 8): each role's main pages fit the screen, the
header's last link (退出 / Log out) is on screen, and no page logs a console error."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = {
    "admin": ["home", "progress:cockpit", "monitoring:indicators", "reports:index", "governance:cases"],
    "analyst": ["home", "progress:review", "monitoring:air_stats", "monitoring:imports"],
    "reporter": ["home", "progress:my_values", "governance:unit_tasks"],
    "officer": ["home", "governance:cases", "governance:due", "governance:ledger"],
    "leader": ["home", "progress:cockpit", "reports:index"],
}


@pytest.fixture
def plan(org):
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    return current_plan()


@pytest.mark.parametrize("role", sorted(PAGES))
def test_english_pages_fit_1366(page, login, users, plan, role):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(users[role])
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    for name in PAGES[role]:
        page.goto(page.base_url + reverse(name))
        assert page.locator("html").get_attribute("lang") == "en", name
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 1366, (name, width)
        logout = page.locator("[data-testid=logout]").bounding_box()
        assert logout and logout["x"] + logout["width"] <= 1366, (name, logout)
