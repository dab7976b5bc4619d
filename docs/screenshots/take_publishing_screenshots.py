"""Screenshots of publishing: the owners' page and the public pack (needs a closed period with a frozen pack).

Usage: .venv/bin/python docs/screenshots/take_publishing_screenshots.py [http://127.0.0.1:8000]
"""

from shots import BASE, DESKTOP, chromium, shot, sign_in

AUDIENCE = "Children's Services Overview and Scrutiny Committee"


def main() -> None:
    with chromium() as browser:
        owner = sign_in(browser, "owner")
        owner.goto(f"{BASE}/plans/thurrock-2017-19/publications/")
        owner.get_by_label("Published for").first.fill(AUDIENCE)
        owner.get_by_role("button", name="Publish").first.click()
        shot(owner, "publishing-owner.png", full_page=True)
        address = owner.get_by_role("link", name="Public page").first.get_attribute("href")
        public = browser.new_page(viewport=DESKTOP)  # a new context: not signed in
        public.goto(BASE + address)
        shot(public, "publishing-public.png")
        public.locator("#priority-1").scroll_into_view_if_needed()
        shot(public, "publishing-public-priority.png")


if __name__ == "__main__":
    main()
