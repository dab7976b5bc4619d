"""Screenshots of publishing: the owners' page and the public pack (needs a closed period with a frozen pack).

Usage: .venv/bin/python docs/screenshots/take_publishing_screenshots.py [http://127.0.0.1:8000]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-sync"]
AUDIENCE = "Children's Services Overview and Scrutiny Committee"


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        owner = browser.new_page(viewport={"width": 1400, "height": 1000})
        owner.goto(f"{BASE}/accounts/login/")
        owner.get_by_label("Username").fill("owner")
        owner.get_by_label("Password").fill("improve-2018")
        owner.get_by_role("button", name="Sign in").click()
        owner.goto(f"{BASE}/plans/thurrock-2017-19/publications/")
        owner.get_by_label("Published for").first.fill(AUDIENCE)
        owner.get_by_role("button", name="Publish").first.click()
        owner.screenshot(path=HERE / "publishing-owner.png", full_page=True)
        address = owner.get_by_role("link", name="Public page").first.get_attribute("href")
        public = browser.new_page(viewport={"width": 1400, "height": 1000})  # a new context: not signed in
        public.goto(BASE + address)
        public.screenshot(path=HERE / "publishing-public.png")
        public.locator("#priority-1").scroll_into_view_if_needed()
        public.screenshot(path=HERE / "publishing-public-priority.png")
        print("wrote", HERE / "publishing-owner.png", HERE / "publishing-public.png")
        browser.close()


if __name__ == "__main__":
    main()
