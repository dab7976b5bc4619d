"""Take the screenshots in docs/screenshots/ from a running server (make run).

Usage: .venv/bin/python docs/screenshots/take_screenshots.py [http://127.0.0.1:8000]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-sync"]
PAGES = [
    ("plan-summary.png", "/plans/thurrock-2017-19/", False),
    ("plan-full.png", "/plans/thurrock-2017-19/", True),
    ("plan-list.png", "/", False),
    ("send-plan.png", "/plans/thurrock-send-2018/", False),
    ("portfolio.png", "/portfolio/?sort=-score", False),
]


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{BASE}/accounts/login/")
        page.get_by_label("Username").fill("owner")
        page.get_by_label("Password").fill("improve-2018")
        page.get_by_role("button", name="Sign in").click()
        for name, path, full in PAGES:
            page.goto(BASE + path)
            page.screenshot(path=HERE / name, full_page=full)
            print("wrote", HERE / name)
        browser.close()


if __name__ == "__main__":
    main()
