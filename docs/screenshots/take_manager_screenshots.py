"""Screenshots of the service managers' pages, from a running server with the demo loaded (make run).

Usage: .venv/bin/python docs/screenshots/take_manager_screenshots.py [http://127.0.0.1:8000]
It rates a measure and makes a conflict, so run it against a throwaway database.
"""

import re

from playwright.sync_api import expect
from shots import BASE, chromium, shot, sign_in

MEASURE = "Signs of Safety Model is in place"


def main() -> None:
    with chromium() as browser:
        lead = sign_in(browser, "smurphy")
        shot(lead, "my-measures.png")
        row = lead.locator("tr.measure-row", has_text=MEASURE)
        row.get_by_role("link", name=re.compile("^Update")).click()
        editing = lead.locator("tr.measure-row--editing")
        editing.get_by_label(re.compile("^1 Not started")).check()
        editing.get_by_role("button", name="Save rating and update").click()
        expect(lead.locator(".error-summary")).to_be_visible()
        shot(lead.locator("tr.measure-row--editing"), "rate-in-place.png")
        editing.get_by_role("link", name="Cancel").click()

        owner = sign_in(browser, "owner")
        lead_row = lead.locator("tr.measure-row", has_text=MEASURE)
        href = lead_row.get_by_role("link", name=re.compile("^" + MEASURE)).get_attribute("href")
        lead.locator("tr.measure-row", has_text=MEASURE).get_by_role("link", name=re.compile("^Update")).click()
        owner.goto(f"{BASE}{href}rate/")
        owner.get_by_label(re.compile("^4 Completed, being monitored")).check()
        owner.get_by_label("Progress update").fill("Model embedded across all teams; audit in December confirms it.")
        owner.get_by_role("button", name="Save rating and update").click()
        editing = lead.locator("tr.measure-row--editing")
        editing.get_by_label(re.compile("^3 On track")).check()
        editing.get_by_label("Progress update").fill("Training complete in two of three teams; third in March.")
        editing.get_by_role("button", name="Save rating and update").click()
        expect(lead.locator(".conflict")).to_be_visible()
        shot(lead.locator(".conflict"), "conflict.png")
        lead.get_by_role("button", name="Save mine over theirs").click()
        expect(lead.locator("tr.measure-row", has_text=MEASURE).get_by_role("status")).to_be_visible()

        lead.goto(BASE + href)
        lead.get_by_label("Add a comment").fill("Third team's training is booked for 12 March.")
        lead.get_by_role("button", name="Add comment").click()
        shot(lead, "measure-page.png", full_page=True)

        # Sign-off: the owner turns it on in the admin, the lead saves, the owner sees it pending.
        owner.goto(f"{BASE}/admin/plans/plan/")
        owner.get_by_role("link", name="Children's Social Care Development Plan 2017-19").click()
        owner.get_by_label("Requires signoff").check()
        owner.get_by_role("button", name="Save", exact=True).click()
        lead.goto(BASE + "/")
        row = lead.locator("tr.measure-row").first
        row.get_by_role("link", name=re.compile("^Update")).click()
        lead.locator("tr.measure-row--editing").get_by_role("button", name="Save rating and update").click()
        expect(lead.get_by_text("Saved and submitted for the owner's sign-off.")).to_be_visible()
        owner.goto(f"{BASE}/plans/thurrock-2017-19/sign-off/")
        shot(owner, "sign-off.png")

        phone = sign_in(browser, "smurphy", {"width": 390, "height": 844})
        shot(phone, "my-measures-phone.png")


if __name__ == "__main__":
    main()
