"""Take the screenshots in docs/screenshots/ from a running server (make run).

Usage: .venv/bin/python docs/screenshots/take_screenshots.py [http://127.0.0.1:8000]
"""

from shots import BASE, chromium, shot, sign_in

PAGES = [
    ("plan-summary.png", "/plans/thurrock-2017-19/", False),
    ("plan-full.png", "/plans/thurrock-2017-19/", True),
    ("plan-list.png", "/", False),
    ("send-plan.png", "/plans/thurrock-send-2018/", False),
    ("portfolio.png", "/portfolio/?sort=-score", False),
]


def main() -> None:
    with chromium() as browser:
        page = sign_in(browser, "owner")
        for name, path, full in PAGES:
            page.goto(BASE + path)
            shot(page, name, full_page=full)


if __name__ == "__main__":
    main()
