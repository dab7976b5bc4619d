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

    table.get_by_role("link", name="Overall score").click()  # highest score first
    expect(page).to_have_url(re.compile(r"sort=-score"))
    expect(table.locator("tbody tr").first).to_contain_text("SEND Peer Review High Level Action Plan")
    expect(table.get_by_role("columnheader", name="Overall score")).to_have_attribute("aria-sort", "descending")

    page.get_by_label("Owner").select_option(label="Sheila Murphy, Assistant Director, Children's Social Care")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_contain_text("Showing 1 of 2 plans (filtered)")
    expect(table.locator("tbody tr")).to_have_count(1)

    thurrock.get_by_role("link", name="Children's Social Care Development Plan 2017-19").click()
    expect(page).to_have_url(re.compile(r"/plans/thurrock-2017-19/$"))
    page.get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
