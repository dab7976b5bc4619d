"""A plan owner filters the plan and opens and closes reporting periods in a real browser."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_owner_filters_the_plan_to_one_lead_s_overdue_measures_and_bookmarks_it(signed_in, demo_live):
    page = signed_in("owner")
    page.goto(f"{demo_live.url}/plans/thurrock-2017-19/")
    expect(page.locator("#result-count")).to_contain_text("97 measures in the plan")
    page.get_by_label("Lead").select_option(label="Sheila Murphy")
    page.get_by_label("Overdue").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"lead=\d+.*overdue=on"))
    expect(page.locator("#result-count")).to_contain_text(re.compile(r"Showing \d+ of 97 measures"))
    rows = page.locator("table.table--plan tbody tr")
    expect(rows.first).to_contain_text("S Murphy")
    expect(rows.first).to_contain_text("Overdue")
    # The URL is the bookmark: opening it again shows the same choices.
    page.goto(page.url)
    expect(page.get_by_label("Overdue")).to_be_checked()
    expect(page.get_by_label("Lead").locator("option:checked")).to_have_text("Sheila Murphy")
    page.get_by_label("Search").fill("supervision")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("table.table--plan tbody tr").first).to_contain_text(re.compile("supervision", re.I))
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("#result-count")).to_contain_text("97 measures in the plan")


def test_an_owner_closes_the_open_period_and_opens_the_next(signed_in, demo_live):
    page = signed_in("owner")
    page.goto(f"{demo_live.url}/plans/thurrock-2017-19/")
    page.get_by_role("navigation", name="This plan").get_by_role("link", name="Periods").click()
    expect(page.get_by_role("heading", name="Reporting periods")).to_be_visible()
    expect(page.get_by_text("01/18 is open. Close it first")).to_be_visible()
    page.get_by_role("button", name="Close 01/18").click()
    expect(page.get_by_role("status").first).to_contain_text("01/18 is closed: its ratings are now read-only.")
    page.get_by_role("button", name="Open 03/18").click()
    expect(page.get_by_role("status").first).to_contain_text("03/18 is open")
    row = page.locator("table.periods tbody tr").filter(has_text="03/18")
    expect(row).to_contain_text("Open for updates")
    expect(row).to_contain_text("0 of 97")
    expect(page.locator("table.periods tbody tr").filter(has_text="01/18")).to_contain_text("97 of 97")
    # Everyone now owes a 03/18 rating.
    page.get_by_role("link", name="Missing updates").click()
    expect(page.locator("p.lede")).to_contain_text(re.compile(r"\d+ measures not yet rated in 03/18"))
    expect(page.get_by_role("row", name=re.compile("Sheila Murphy"))).to_be_visible()


def test_reopening_a_period_asks_why(signed_in, demo_live):
    page = signed_in("owner")
    page.goto(f"{demo_live.url}/plans/thurrock-2017-19/periods/")
    page.get_by_role("button", name="Close 01/18").click()
    page.get_by_role("button", name="Reopen 01/18").click()
    expect(page.get_by_role("alert")).to_contain_text("Why reopen it?: This field is required.")
    page.get_by_label("Reason for reopening 01/18").fill("A late update from the MASH")
    page.get_by_role("button", name="Reopen 01/18").click()
    expect(page.get_by_role("status").first).to_contain_text("01/18 is open again")
    expect(page.get_by_role("cell", name="Reopened: A late update from the MASH")).to_be_visible()
