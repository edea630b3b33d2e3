"""Log in, navigate, switch language, log out — in headless Chromium."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_navigate_switch_language_logout(page, login, users):
    login(users["analyst"])
    assert page.locator(".brand").inner_text().strip() == "美丽威海生态环境数字治理平台"
    assert "工作台" in page.locator("h1").inner_text()

    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    assert page.locator(".brand").inner_text().strip() == "Beautiful Weihai Eco-Environment Digital Governance Platform"
    assert page.locator("html").get_attribute("lang") == "en"

    page.click("[data-testid=lang-zh-hans]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    page.click("[data-testid=logout]")
    page.wait_for_url("**/login/")
    page.goto(page.base_url + "/")
    assert "/login/" in page.url
