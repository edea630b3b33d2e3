"""Headless Chromium (Debian's ``chromium``) driven by Playwright against the live test server.

The ``page`` fixture fails the test on any browser-console error, uncaught page error, or request
to an origin other than the live server's: the platform must work on an intranet without internet.
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD

# Playwright's sync API keeps an event loop in the test thread; the ORM calls of fixtures are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed; `make test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    own = urlsplit(live_server.url).netloc

    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def check_request(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https") and parts.netloc != own:
            problems.append(f"request to another origin: {request.url}")

    page.on("request", check_request)
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def login(page):
    """``login(user)`` logs *user* in through the login form."""

    def do(user):
        page.goto(page.base_url + "/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("[data-testid=login-submit]")
        page.wait_for_url(lambda url: "/login/" not in url)

    return do
