"""The printable 交办单 and 受理告知书 and the monitoring indicators page in a browser (issue 19, items 3 and 7):
as wide as the screen at 1366×768 and 390×844, no console error, and printed without the platform's header."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case(org, users):
    from meili.governance import services, workflow

    case = services.submit(kind="air", description="夜间异味，" * 30, address="环翠区海滨北路", district=org["huancui"])
    case = workflow.accept(users["officer"], case)
    return workflow.assign(users["officer"], case, org["wendeng"])


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_printable_documents_fit_and_print_alone(page, login, users, case, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    login(users["officer"])
    for name in ("assignment", "acceptance"):
        page.goto(f"{page.base_url}/governance/cases/{case.pk}/print/{name}/")
        assert page.locator("[data-testid=print-doc] h1").is_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") == size[0], name
        page.emulate_media(media="print")
        assert page.locator(".topbar").is_hidden() and page.locator("[data-testid=print]").is_hidden()
        assert page.locator("[data-testid=print-doc]").is_visible()
        page.emulate_media(media="screen")
    page.goto(page.base_url + "/monitoring/indicators/")
    assert page.evaluate("() => document.documentElement.scrollWidth") == size[0]
    assert "细颗粒物（PM2.5）年平均浓度" in page.inner_text("main")
