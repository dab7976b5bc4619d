"""An owner runs a plan without the admin: from nothing to its first board pack; a lead's late update."""

import re

import pytest
from playwright.sync_api import Page, expect

from plans.models import Measure, Period, Plan

pytestmark = pytest.mark.browser


def no_admin_links(page: Page) -> None:
    """Nothing in the page's content sends the owner to Django's admin."""
    expect(page.locator("main a[href*='/admin']")).to_have_count(0)
    assert "/admin" not in page.url


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="This plan").get_by_role("link", name=name, exact=True).click()
    no_admin_links(page)


def test_an_owner_sets_up_a_plan_from_nothing_to_its_first_board_pack_without_the_admin(signed_in, demo_live):
    page = signed_in("owner")
    # A new plan, from an inspection's recommendations.
    page.goto(f"{demo_live.url}/plans/new/")
    no_admin_links(page)
    page.get_by_label("Council").fill("Anytown Council")
    page.get_by_label("Report title").fill("Inspection of children's services")
    page.get_by_label("Recommendations").fill("1. Improve the quality of supervision.\n2. Recruit foster carers.")
    page.get_by_label("Plan title").fill("Anytown Improvement Plan")
    page.get_by_label("Organisation").fill("Anytown Council")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("status").first).to_contain_text("Anytown Improvement Plan started from 2 recommendations")
    no_admin_links(page)

    # A priority, an outcome, an action and a measure with its lead.
    page.get_by_role("link", name="Add a priority").click()
    page.get_by_label("Number").fill("1")
    page.get_by_label("Title").fill("Workforce")
    page.get_by_role("button", name=re.compile("Save|Add")).click()
    page.get_by_role("link", name="Add an outcome to priority 1").click()
    page.get_by_label("Statement").fill("Social workers are well supervised")
    page.get_by_role("button", name=re.compile("Save|Add")).click()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Action", exact=True).fill("Monthly supervision for every social worker")
    page.get_by_role("button", name=re.compile("Save|Add")).click()
    page.get_by_role("link", name="Add a measure").click()
    page.get_by_label("Success measure").fill("95% of supervisions on time")
    page.get_by_label("Other leads (type names)").fill("Amir Khan")
    page.get_by_label("Time").fill("Jun-26")
    page.get_by_role("button", name=re.compile("Save|Add")).click()
    expect(page.get_by_role("status").first).to_contain_text("Measure added")
    no_admin_links(page)

    # A member, on the plan's settings page.
    nav(page, "Settings")
    page.get_by_label("Username or email").fill("smurphy")
    page.get_by_label("Viewer").check()
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("status").first).to_contain_text("Sheila Murphy is now viewer of this plan.")
    expect(page.locator("table.members")).to_contain_text("Sheila Murphy")

    # The first period, with its deadline.
    nav(page, "Periods")
    page.get_by_label("Label of the new period").fill("04/26")
    page.get_by_label("Deadline for updates").fill("30/04/2026")
    page.get_by_role("button", name="Open the period").click()
    expect(page.get_by_role("status").first).to_contain_text("Updates are due by 30 April 2026.")

    # The measure rated in it, then the period closed: its board pack is frozen.
    plan = Plan.objects.get(title="Anytown Improvement Plan")
    measure = Measure.objects.of_plan(plan).get()
    page.goto(f"{demo_live.url}/measures/{measure.pk}/rate/")
    page.locator("label").filter(has_text="On track").first.click()
    page.get_by_label("Progress update").fill("Supervision audit shows 96% on time.")
    page.get_by_role("button", name="Save rating and update").click()
    expect(page.get_by_role("status").first).to_be_visible()
    page.goto(f"{demo_live.url}/plans/{plan.slug}/periods/")
    expect(page.locator("table.periods")).to_contain_text("1 of 1")
    page.get_by_role("button", name="Close 04/26").click()
    expect(page.get_by_role("status").first).to_contain_text("04/26 is closed")

    nav(page, "Board dashboard")
    page.get_by_role("link", name=re.compile("board pack", re.I)).first.click()
    expect(page.locator("main")).to_contain_text("Anytown Improvement Plan")
    expect(page.locator("main")).to_contain_text("04/26")
    expect(page.locator("main")).to_contain_text("95% of supervisions on time")
    no_admin_links(page)


def test_a_leads_late_update_shows_on_missing_updates_and_on_my_measures(signed_in, demo_live, browser):
    page = signed_in("owner")
    page.goto(f"{demo_live.url}/plans/thurrock-2017-19/periods/")
    page.get_by_role("button", name="Close 01/18").click()
    page.get_by_label("Deadline for updates").fill("16/03/2018")
    page.get_by_role("button", name="Open 03/18").click()
    expect(page.get_by_role("status").first).to_contain_text("Updates are due by 16 March 2018.")
    period = Period.objects.get(plan__slug="thurrock-2017-19", label="03/18")
    expect(page.locator(f"#period-{period.pk}")).to_contain_text("Deadline passed")

    nav(page, "Missing updates")
    expect(page.locator("#late-summary")).to_contain_text("Late: updates for 03/18 were due by 16 March 2018")
    murphy = page.get_by_role("row", name=re.compile("Sheila Murphy"))
    expect(murphy).to_contain_text("Late")
    # "Send reminders now" shows each email first.
    page.get_by_role("link", name=re.compile("Send reminders now")).click()
    expect(page.get_by_role("heading", name="Send reminders now")).to_be_visible()
    murphy_email = page.get_by_role("region", name="Sheila Murphy")
    expect(murphy_email).to_contain_text("sheila.murphy@example.org")
    expect(murphy_email).to_contain_text("Reminder: ")
    # every demo lead has an example.org address: one email each for those still owing updates
    page.get_by_role("button", name=re.compile(r"^Send \d+ emails$")).click()
    expect(page.get_by_role("status").first).to_contain_text(re.compile(r"Reminders are on their way to \d+ leads"))

    lead = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    lead.goto(f"{demo_live.url}/accounts/login/")
    lead.get_by_label("Username").fill("smurphy")
    lead.get_by_label("Password").fill("improve-2018")
    lead.get_by_role("button", name="Sign in").click()
    lead.goto(f"{demo_live.url}/my-measures/")
    expect(lead.locator("p.lede")).to_contain_text(re.compile(r"\d+ late"))
    expect(lead.locator("main")).to_contain_text("due by 16 March 2018")
    expect(lead.locator("strong.late").first).to_be_visible()
    assert lead.evaluate("document.documentElement.scrollWidth") <= 390
    lead.context.close()
