"""A plan owner defines an indicator and links it to a measure in a real browser, without /admin/."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Indicator

pytestmark = pytest.mark.browser


def test_an_owner_adds_an_indicator_ticks_the_measure_it_evidences_and_follows_the_links(signed_in, demo_live):
    page = signed_in("owner")
    page.goto(f"{demo_live.url}/plans/thurrock-2017-19/")
    page.get_by_role("navigation", name="This plan").get_by_role("link", name="Indicators").click()
    page.get_by_role("link", name="Priority 7", exact=True).click()  # the pager: "Priority 7 of 8"
    page.get_by_role("link", name="Add an indicator to priority 7").click()

    expect(page.get_by_role("heading", name="Add an indicator")).to_be_visible()
    expect(page.get_by_text("hold Ctrl")).to_have_count(0)
    page.get_by_label("Indicator", exact=True).fill("Care leavers in suitable accommodation")
    page.get_by_label("Higher is better").check()
    page.get_by_label("Unit", exact=True).select_option(label="Percentage")
    page.get_by_label("Baseline (optional)", exact=True).fill("85")
    page.get_by_label("Baseline's label").fill("2016/17")
    # Priority 7's measures are shown open (the indicator's priority); others stay folded.
    page.get_by_label(re.compile("^Care leavers feel safe and are safe in their accommodation")).check()
    page.get_by_role("button", name="Add the indicator").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "Indicator added: Care leavers in suitable accommodation, evidencing 1 measure."
    )
    section = page.locator("section.indicator").filter(has_text="Care leavers in suitable accommodation")
    expect(section).to_contain_text("Evidence for 1 measure")
    indicator = Indicator.objects.get(name="Care leavers in suitable accommodation")
    assert (indicator.polarity, indicator.unit, str(indicator.baseline)) == ("higher", "percent", "85.00")
    assert indicator.history.get().history_user.username == "owner"

    section.get_by_role("link", name=re.compile("^Care leavers feel safe")).click()
    expect(page.locator("h1")).to_contain_text("Care leavers feel safe and are safe in their accommodation")
    page.get_by_role("link", name="Care leavers in suitable accommodation").click()
    expect(page.get_by_role("heading", name="Indicators: priority 7")).to_be_visible()
    assert "/admin/" not in page.url
