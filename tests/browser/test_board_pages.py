"""A board member reads the dashboard, compares periods, looks back in time, checks coverage and takes the pack."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
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


def test_a_board_member_downloads_the_committee_report_from_the_dashboard(signed_in, demo_live, tmp_path):
    page = signed_in("board")
    page.goto(f"{demo_live.url}{PLAN}/board/")
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("link", name="Committee report for 01/18 (Word)").click()
    assert info.value.suggested_filename == "thurrock-2017-19-committee-report-0118.docx"
    path = Path(tmp_path) / "report.docx"
    info.value.save_as(path)
    document = Document(str(path))
    summary = next(t for t in document.tables if t.rows[0].cells[0].text == "Priority")
    overall = summary.rows[-1].cells
    assert [overall[1].paragraphs[0].text, overall[2].paragraphs[0].text] == ["2.1", "2.6"]


def test_the_board_looks_at_the_plan_at_a_moment_of_the_day(signed_in, demo_live):
    """The demo's 01/18 ratings were recorded at noon on 24 January 2018: at 11:00 that day they are not there."""
    page = signed_in("board")
    page.goto(f"{demo_live.url}{PLAN}/board/")
    page.get_by_label("As at (optional)").fill("2018-01-24")
    page.get_by_label("Time (optional)").fill("11:00")
    page.get_by_role("button", name="Compare").click()
    current = page.locator("table.board-summary tfoot td").nth(1).locator(".score")
    expect(page.locator(".banner--as-at")).to_contain_text("As at 24 January 2018, 11:00:")
    expect(page.locator("table.board-summary tfoot td").first.locator(".score")).to_have_text("2.1")
    expect(current).to_have_text("–")  # nothing rated in 01/18 yet
    page.get_by_label("Time (optional)").fill("13:00")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".banner--as-at")).to_contain_text("As at 24 January 2018, 13:00:")
    expect(current).to_have_text("2.6")
