"""Screenshots of the service managers' pages, from a running server with the demo loaded (make run).

Usage: .venv/bin/python docs/screenshots/take_manager_screenshots.py [http://127.0.0.1:8000]
It rates a measure and makes a conflict, so run it against a throwaway database.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

HERE = Path(__file__).resolve().parent
BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-sync"]
MEASURE = "Signs of Safety Model is in place"


def sign_in(browser, username, viewport=None):
    page = browser.new_context(viewport=viewport or {"width": 1400, "height": 1000}).new_page()
    page.goto(f"{BASE}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("improve-2018")
    page.get_by_role("button", name="Sign in").click()
    return page


def shot(target, name, **kwargs):
    target.screenshot(path=HERE / name, **kwargs)
    print("wrote", HERE / name)


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
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
        browser.close()


if __name__ == "__main__":
    main()
