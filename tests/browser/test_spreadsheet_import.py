"""A plan owner downloads the plan, edits a rating in Excel, uploads it, reads the preview and applies it."""

import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from plans.models import Measure
from plans.spreadsheets.exporter import export_plan
from tests.spreadsheets.test_round_trip import column, find_row, to_bytes

pytestmark = pytest.mark.browser


def test_an_owner_uploads_an_edited_workbook_reads_the_preview_and_applies_it(signed_in, demo_live, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    from plans.models import Plan

    plan = Plan.objects.with_scale().get(slug="thurrock-2017-19")
    measure = Measure.objects.of_plan(plan).get(text="Senior Management structure established")
    book = openpyxl.load_workbook(io.BytesIO(to_bytes(export_plan(plan))))
    sheet = book["Priority 1"]
    row = find_row(sheet, measure)
    sheet.cell(row, column(sheet, "RAG 01/18")).value = 5
    path = tmp_path / "board-edits.xlsx"
    path.write_bytes(to_bytes(book))

    page = signed_in("owner")
    page.goto(f"{demo_live.url}/plans/thurrock-2017-19/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Excel").click()
    assert download.value.suggested_filename.startswith("thurrock-2017-19-")
    page.get_by_role("link", name="Import from Excel").click()
    page.get_by_label(re.compile("^Workbook")).set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.locator("#preview-summary")).to_contain_text("1 changed cells")
    changes = page.locator("table.table--changes")
    expect(changes).to_contain_text(f"Sheet 'Priority 1', row {row}")
    expect(changes).to_contain_text("RAG 01/18")
    expect(changes).to_contain_text("4 Completed, being monitored")
    page.get_by_role("button", name="Apply these changes").click()

    expect(page.get_by_role("status").filter(has_text="Imported")).to_contain_text("Imported board-edits.xlsx")
    expect(page).to_have_url(re.compile(r"/plans/thurrock-2017-19/$"))
    assert measure.ratings.get(period__label="01/18").level.value == 5


def test_an_owner_uploads_a_libreoffice_plan_and_a_file_with_a_far_away_cell(signed_in, demo_live, tmp_path, settings):
    """The upload form names the formats; an .ods previews; a far-away cell is refused with the numbers."""
    from tests.spreadsheets.odd_files import HEADER, ROWS, rows_xml, sheet_xml, xlsx

    settings.VAR_DIR = tmp_path
    page = signed_in("owner")
    page.goto(f"{demo_live.url}/plans/thurrock-2017-19/import/")
    expect(page.get_by_text("OpenDocument (.ods)")).to_be_visible()
    page.screenshot(path=str(tmp_path / "import-form.png"), full_page=True)
    far = tmp_path / "far.xlsx"
    far.write_bytes(xlsx({"Action plan": sheet_xml(rows_xml([HEADER, *ROWS]) + rows_xml([["stray"]], 1048576))}))
    page.get_by_label(re.compile("^Workbook")).set_input_files(str(far))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".error-summary")).to_contain_text("has cells as far as row 1,048,576")
    page.screenshot(path=str(tmp_path / "import-far-away.png"), full_page=True)
    page.goto(f"{demo_live.url}/plans/thurrock-2017-19/import/")
    ods = Path(__file__).resolve().parent.parent / "data" / "workbooks" / "libreoffice-action-plan.ods"
    page.get_by_label(re.compile("^Workbook")).set_input_files(str(ods))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#preview-summary")).to_contain_text("3 new rows")
    page.screenshot(path=str(tmp_path / "import-ods-preview.png"), full_page=True)
