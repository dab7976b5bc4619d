"""A plan owner signs in and reads the Development Plan's rollup in a real browser."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_owner_signs_in_and_reads_the_rag_summary(signed_in, demo_live):
    page = signed_in("owner")
    expect(page.get_by_role("heading", name="Improvement plans")).to_be_visible()
    page.get_by_role("link", name="Children's Social Care Development Plan 2017-19").click()
    expect(page).to_have_url(re.compile(r"/plans/thurrock-2017-19/$"))
    summary = page.locator("table.table--summary")
    overall = summary.locator("tfoot tr")
    expect(overall).to_contain_text("2.1")
    expect(overall).to_contain_text("2.6")
    expect(summary).to_contain_text("published 2.9")
    expect(page.get_by_role("heading", name=re.compile("^Priority 4:"))).to_be_visible()


def test_a_wrong_password_gets_a_clear_message(page, demo_live):
    page.goto(f"{demo_live.url}/accounts/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("did not match")
