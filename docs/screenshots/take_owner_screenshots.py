"""Screenshots of the plan owners' pages, from a running server with the demo loaded.

It closes 01/18 and opens 03/18 on that server (so missing updates has something to show):
run it against a throwaway database.

Usage: .venv/bin/python docs/screenshots/take_owner_screenshots.py [http://127.0.0.1:8000]
"""

from shots import BASE, chromium, shot, sign_in

PLAN = "/plans/thurrock-2017-19"


def main() -> None:
    with chromium() as browser:
        page = sign_in(browser, "owner")

        page.goto(f"{BASE}{PLAN}/")
        page.get_by_label("Lead").select_option(label="S Murphy")
        page.get_by_label("Overdue").check()
        page.get_by_role("button", name="Apply filters").click()
        shot(page, "owner-filter.png")

        page.goto(f"{BASE}{PLAN}/periods/")
        if page.get_by_role("button", name="Close 01/18").count():
            page.get_by_role("button", name="Close 01/18").click()
            page.get_by_role("button", name="Open 03/18").click()
        shot(page, "owner-periods.png")

        page.goto(f"{BASE}{PLAN}/missing-updates/")
        page.locator("details").first.locator("summary").click()
        shot(page, "owner-missing-updates.png")

        page.goto(f"{BASE}{PLAN}/structure/")
        shot(page, "owner-structure.png")

        page.goto(f"{BASE}{PLAN}/structure/priorities/new/")
        page.get_by_label("Number").fill("1")
        page.get_by_role("button", name="Add the priority").click()
        shot(page, "owner-form-errors.png")

        page.goto(f"{BASE}/plans/new/")
        page.get_by_label("Council").fill("Southend-on-Sea Borough Council")
        page.get_by_label("Report title").fill("Inspection of services for children in need of help and protection")
        page.get_by_label("Recommendations").fill("1. Improve the quality of management oversight.\n3. Ensure visits.")
        page.get_by_label("Plan title").fill("Southend Improvement Plan")
        page.get_by_label("Organisation").fill("Southend-on-Sea Borough Council")
        page.get_by_role("button", name="Start the plan").click()
        shot(page, "owner-new-plan.png")


if __name__ == "__main__":
    main()
