"""Refresh the pictures in docs/img/ from a running platform with its demo data (docs/daily-use.md, "Pictures").

    meili demo load && meili serve --port 8000 &
    python docs/screenshots.py http://127.0.0.1:8000 var/demo-accounts.txt

Headless Chromium (Debian's ``chromium``) through Playwright, as the browser tests use it. Each picture waits until
the page's charts are drawn; a page that logs a console error stops the run.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

IMG = Path(__file__).resolve().parent / "img"

#: file, account, language, viewport, path, selector that shows the page is drawn, scroll it into view
SHOTS = [
    ("cockpit.png", "leader", "zh-hans", (1366, 768), "/progress/", "[data-sparkline] svg", False),
    ("cockpit-en.png", "leader", "en", (1366, 768), "/progress/", "[data-sparkline] svg", False),
    (
        "screen.png",
        "leader",
        "zh-hans",
        (1920, 1080),
        "/screen/",
        '[data-chart="progress"][data-drawn="1"] canvas',
        False,
    ),
    ("public-phone.png", None, "zh-hans", (390, 844), "/public/air/", "table.row-cards", True),
]


def accounts(path: Path) -> dict[str, str]:
    """``username password role unit`` lines of the demo accounts file → {username: password}."""
    rows = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    return {row[0]: row[1] for row in rows if len(row) >= 2}


def shoot(page: Page, base: str, user: str | None, password: str, language: str, path: str, ready: str) -> None:
    page.context.clear_cookies()
    if user:
        page.goto(base + "/login/")
        page.fill("#id_username", user)
        page.fill("#id_password", password)
        page.click("[data-testid=login-submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(base + path)
    if page.locator("html").get_attribute("lang") != language:
        page.click(f"[data-testid=lang-{language}]")
        page.wait_for_load_state()
        page.goto(base + path)
    page.wait_for_selector(ready, state="attached")
    page.wait_for_timeout(800)  # the charts' entry animation


def main(base: str, accounts_file: str) -> None:
    passwords = accounts(Path(accounts_file))
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        for name, user, language, (width, height), path, ready, scroll in SHOTS:
            context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
            page = context.new_page()
            page.on("console", lambda m, n=name: errors.append(f"{n}: {m.text}") if m.type == "error" else None)
            shoot(page, base.rstrip("/"), user, passwords.get(user or "", ""), language, path, ready)
            if scroll:  # the element near the top, with what is above it in view
                page.evaluate("s => window.scrollTo(0, document.querySelector(s).offsetTop - 200)", ready)
            page.screenshot(path=str(IMG / name))
            context.close()
            print(IMG / name)
        browser.close()
    if errors:
        raise SystemExit("\n".join(errors))


if __name__ == "__main__":
    main(*sys.argv[1:3])
