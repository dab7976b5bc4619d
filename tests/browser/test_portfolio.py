"""A board member signs in, lands on the portfolio and reads every plan at a glance."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_board_member_lands_on_the_portfolio_and_reads_the_plans(signed_in, demo_live):
    page = signed_in("board")
    expect(page).to_have_url(re.compile(r"/portfolio/$"))
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    table = page.locator("table.table--portfolio")
    thurrock = table.get_by_role("row").filter(has_text="Children's Social Care Development Plan 2017-19")
    expect(thurrock).to_contain_text("2.6")
    expect(thurrock).to_contain_text("↑ up from 2.1")
    expect(thurrock).to_contain_text("Up 0.5")
    expect(thurrock).to_contain_text("97 of 97")
    expect(thurrock.get_by_role("img", name="Overall score by period: Initial 2.1, 01/18 2.6")).to_be_visible()
    # The score on the colour of the level it has reached: 2.6 is level 2, amber on the Thurrock scale.
    expect(thurrock.locator(".portfolio-score .score")).to_have_class(re.compile(r"\bscore--amber\b"))
    # The SEND plan rates in words: the count at each word (DOMAIN.md), no mean, and its one period partly rated.
    send = table.get_by_role("row").filter(has_text="SEND Peer Review High Level Action Plan")
    for words, colour in (("6 Completed", "blue"), ("3 Green", "green"), ("2 Amber", "amber")):
        expect(send.locator(f".portfolio-score .tag--{colour}")).to_have_text(words)
    expect(send).to_contain_text("11 of 13 rated so far")
    expect(send).not_to_contain_text("3.4")

    table.get_by_role("link", name="Overall score").click()  # highest score first; a plan rated in words has none
    expect(page).to_have_url(re.compile(r"sort=-score"))
    expect(table.locator("tbody tr").first).to_contain_text("Children's Social Care Development Plan 2017-19")
    expect(table.get_by_role("columnheader", name="Overall score")).to_have_attribute("aria-sort", "descending")

    page.get_by_label("Owner").select_option(label="Sheila Murphy, Assistant Director, Children's Social Care")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_contain_text("Showing 1 of 2 plans (filtered)")
    expect(table.locator("tbody tr")).to_have_count(1)

    thurrock.get_by_role("link", name="Children's Social Care Development Plan 2017-19").click()
    expect(page).to_have_url(re.compile(r"/plans/thurrock-2017-19/$"))
    page.get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
