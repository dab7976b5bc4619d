"""A board member reads the dashboard, compares periods, looks back in time, checks coverage and takes the pack."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PLAN = "/plans/thurrock-2017-19"


def test_a_board_member_reads_the_dashboard(signed_in, demo_live):
    page = signed_in("board")
    page.goto(f"{demo_live.url}{PLAN}/")
    page.get_by_role("navigation", name="This plan").get_by_role("link", name="Board dashboard").click()
    expect(page.get_by_role("heading", name="Board dashboard: 01/18")).to_be_visible()
    summary = page.locator("table.board-summary")
    overall = summary.locator("tfoot tr")
    expect(overall).to_contain_text("2.1")
    expect(overall).to_contain_text("2.6")
    expect(overall).to_contain_text("up 0.5")
    expect(summary).to_contain_text("published 2.9")
    expect(page.get_by_role("heading", name=re.compile(r"^Challenges the board should ask about"))).to_be_visible()
    expect(page.locator("svg.trend").first).to_be_visible()


def test_the_board_compares_two_other_periods(signed_in, demo_live):
    page = signed_in("board")
    page.goto(f"{demo_live.url}{PLAN}/board/")
    page.get_by_label("Previous period").select_option("01/18")
    page.get_by_label("Current period").select_option("03/18")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", name="Board dashboard: 03/18")).to_be_visible()
    expect(page.locator("table.board-summary tfoot tr")).to_contain_text("not comparable")
    expect(page.get_by_role("heading", name="Not rated in 03/18 (97)")).to_be_visible()


def test_the_dashboard_as_at_a_date_is_marked_with_a_banner(signed_in, demo_live):
    page = signed_in("board")
    page.goto(f"{demo_live.url}{PLAN}/board/")
    page.get_by_label("As at (optional)").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Compare").click()
    banner = page.locator(".banner--as-at")
    expect(banner).to_contain_text("As at")
    expect(banner).to_contain_text("read from its history")
    expect(page.locator("table.board-summary tfoot tr")).to_contain_text("2.6")
    page.get_by_role("link", name="Back to today’s view").click()
    expect(page.locator(".banner--as-at")).to_have_count(0)


def test_the_coverage_page_leads_to_a_recommendations_evidence(signed_in, demo_live):
    page = signed_in("board")
    page.goto(f"{demo_live.url}{PLAN}/board/")
    page.get_by_role("navigation", name="This plan").get_by_role("link", name="Recommendations").click()
    expect(page.get_by_role("heading", name="Recommendations coverage")).to_be_visible()
    expect(page.locator("table.coverage-table tbody tr")).to_have_count(16)
    page.get_by_role("link", name=re.compile(r"^Ensure that accurate performance data")).click()
    expect(page.get_by_role("heading", name="Recommendation 1: the evidence")).to_be_visible()
    expect(page.get_by_role("heading", name="Rating history").first).to_be_visible()


def test_the_board_pack_downloads_as_a_pdf(signed_in, demo_live, tmp_path):
    page = signed_in("board")
    page.goto(f"{demo_live.url}/plans/thurrock-send-2018/board/")
    page.get_by_role("link", name=re.compile(r"^Board pack for")).click()
    expect(page.locator(".cover__report")).to_contain_text("Board report: reporting period 17/01/18")
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("link", name="Download PDF").click()
    path = Path(tmp_path) / "pack.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert info.value.suggested_filename.endswith(".pdf")
