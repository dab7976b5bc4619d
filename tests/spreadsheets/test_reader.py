"""The reader gives each cell as a person reads it, whichever program wrote the file; damage is named, never raised."""

from datetime import date, datetime

import openpyxl

from plans.spreadsheets.reader import read_workbook
from plans.spreadsheets.safety import cell_text
from tests.spreadsheets.odd_files import HEADER, rows_xml, sheet_xml, xlsx
from tests.spreadsheets.test_round_trip import to_bytes

DAMAGED = (
    "The Excel workbook (.xlsx) is damaged or incomplete and cannot be read: if Excel or LibreOffice opens it, "
    "save it again from there as an Excel Workbook (.xlsx) and upload that."
)


def first_row(data: bytes) -> dict[str, object]:
    contents = read_workbook(data)
    assert contents.errors == []
    return contents.tables[0].rows[0].values


def one_row_book(**cells) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.active.title = "Priority 1"
    book.active.append(["Outcome", "Action", "Success measure(s)", "Time", "RAG 01/18"])
    book.active.append([cells.get(key) for key in ("outcome", "action", "measure", "time", "rating")])
    return book


def test_text_escaped_as_ooxml_stores_it_reads_back_as_written():
    book = one_row_book(outcome="O", action="A", measure=cell_text("a\rb & <c>"), time=cell_text("_x0041_ stays"))
    values = first_row(to_bytes(book))
    assert values["measure"] == "a\rb & <c>"  # openpyxl stores the carriage return as _x000D_
    assert values["time"] == "_x0041_ stays"  # stored as _x005F_x0041_, read back once


def test_dates_read_as_dates_in_either_calendar_and_numbers_as_numbers():
    for epoch in (openpyxl.utils.datetime.CALENDAR_WINDOWS_1900, openpyxl.utils.datetime.CALENDAR_MAC_1904):
        book = one_row_book(outcome="O", action="A", measure="M", time=datetime(2018, 1, 16), rating=3)
        book.epoch = epoch
        values = first_row(to_bytes(book))
        assert values["time"] in (date(2018, 1, 16), datetime(2018, 1, 16))
        assert values["rating:01/18"] == 3


def test_rich_text_reads_as_its_runs_together_without_phonetic_guides():
    cell = (
        b'<c r="C2" t="inlineStr"><is><r><t xml:space="preserve">plain </t></r><r><rPr><b/></rPr><t>bold</t></r>'
        b'<rPh sb="0" eb="1"><t>phonetic</t></rPh></is></c>'
    )
    sheet = sheet_xml(rows_xml([HEADER, ["O", "A"]])).replace(
        "</row></sheetData>", cell.decode() + "</row></sheetData>"
    )
    assert first_row(xlsx({"Plan": sheet}))["measure"] == "plain bold"


def test_a_formula_reads_as_the_value_excel_saved_with_it():
    sheet = sheet_xml(rows_xml([HEADER, ["O", "A", "M"]])).replace(
        "</row></sheetData>", '<c r="F2"><f>1+2</f><v>3</v></c></row></sheetData>'
    )
    assert first_row(xlsx({"Plan": sheet}))["rating:01/18"] == 3


def test_a_cell_pointing_past_the_shared_strings_is_reported_as_damaged():
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        ' count="1" uniqueCount="1"><si><t>the only string</t></si></sst>'
    )
    sheet = sheet_xml(rows_xml([HEADER, ["O", "A"]]))
    readable = xlsx(
        {"Plan": sheet.replace("</row></sheetData>", '<c r="C2" t="s"><v>0</v></c></row></sheetData>')},
        extra={"xl/sharedStrings.xml": strings},
    )
    assert first_row(readable)["measure"] == "the only string"
    damaged = xlsx(
        {"Plan": sheet.replace("</row></sheetData>", '<c r="C2" t="s"><v>999</v></c></row></sheetData>')},
        extra={"xl/sharedStrings.xml": strings},
    )
    assert [str(problem) for problem in read_workbook(damaged).errors] == [DAMAGED]


def test_a_sheet_with_no_table_is_skipped_with_a_warning_and_a_workbook_with_none_is_refused():
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Just notes"])
    contents = read_workbook(to_bytes(book))
    assert [str(problem) for problem in contents.warnings] == [
        "Sheet 'Notes': skipped: no plan table found on this sheet"
    ]
    assert "No sheet has a plan table" in str(contents.errors[0])
