"""A plan owner merges two leads in a real browser: check, confirm, and the measures follow."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Lead

pytestmark = pytest.mark.browser


def test_owner_merges_two_leads(signed_in, demo_live):
    # The seed's "Strategic Leads and Service Managers" cells name two groups; say the owner decides they are one.
    strategic = Lead.objects.get(plan__slug="thurrock-2017-19", name="Strategic Leads")
    managers = Lead.objects.get(plan__slug="thurrock-2017-19", name="Service Managers")
    together = {m.pk for m in strategic.measures_led.all()} | {m.pk for m in managers.measures_led.all()}
    page = signed_in("owner")
    page.goto(f"{demo_live.url}/plans/thurrock-2017-19/")
    page.get_by_role("navigation", name="This plan").get_by_role("link", name="Leads").click()
    expect(page.get_by_role("heading", name="Leads", exact=True)).to_be_visible()
    expect(page.locator(f"#lead-{managers.pk}")).to_contain_text("9")
    page.get_by_label("Keep this lead").select_option(label="Strategic Leads")
    page.get_by_label("Merge into it, then delete").select_option(label="Service Managers")
    page.get_by_role("button", name="Check the merge").click()
    expect(page.get_by_role("heading", name="Merge Service Managers into Strategic Leads?")).to_be_visible()
    expect(page.locator(".merge-summary")).to_contain_text("9 led")
    assert Lead.objects.filter(pk=managers.pk).exists()  # nothing changes before the owner confirms
    page.get_by_role("button", name="Merge the leads").click()
    expect(page.locator("body")).to_contain_text("Service Managers merged into Strategic Leads")
    row = page.locator(f"#lead-{strategic.pk}")
    expect(row).to_contain_text("Also written: Strategic Leaders, Service Managers, all Service Managers")
    expect(row).to_contain_text(str(len(together)))
    expect(page.locator(f"#lead-{managers.pk}")).to_have_count(0)
    assert {m.pk for m in Lead.objects.get(pk=strategic.pk).measures_led.all()} == together
    # On a phone the page does not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page).to_have_url(re.compile(r"/plans/thurrock-2017-19/leads/"))
