"""What every screenshot script here shares: the server address, Chromium, signing in, writing a PNG.

The scripts run as `.venv/bin/python docs/screenshots/<script>.py [http://127.0.0.1:8000]`,
so this module is importable beside them.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, sync_playwright

HERE = Path(__file__).resolve().parent
BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-sync"]
DESKTOP = {"width": 1400, "height": 1000}
DEMO_PASSWORD = "improve-2018"


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, closed on the way out."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(browser: Browser, username: str = "owner", viewport: dict | None = None) -> Page:
    """A page in a fresh browser context, signed in as one of the demo users."""
    page = browser.new_context(viewport=viewport or DESKTOP).new_page()
    page.goto(f"{BASE}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def shot(target: Page | Locator, name: str, **kwargs) -> Path:
    """Write a PNG of a page or an element into docs/screenshots/ and say so."""
    path = HERE / name
    target.screenshot(path=path, **kwargs)
    print("wrote", path)
    return path
