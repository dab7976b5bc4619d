"""Sheets read straight from their XML give the rows openpyxl's read-only mode gives, value for value."""

import io
import re
import zipfile
from datetime import date, datetime, time, timedelta
from xml.sax.saxutils import escape

import openpyxl
import pytest
from defusedxml import EntitiesForbidden
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from plans.spreadsheets.exporter import export_plan
from plans.spreadsheets.reader import read_workbook
from plans.spreadsheets.sheet_xml import NotPlain, SheetXml
from tests.spreadsheets.test_round_trip import to_bytes
from tests.spreadsheets.workbooks import council_workbook, send_workbook


def openpyxl_rows(data: bytes) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    finally:
        book.close()


def our_rows(data: bytes) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        reader = SheetXml.of(book)
        rows = {}
        for sheet in book.worksheets:
            with sheet._get_source() as source:
                rows[sheet.title] = reader.values(source.read(), sheet.max_row, sheet.max_column)
        return rows
    finally:
        book.close()


def assert_same_rows(data: bytes) -> None:
    expected, found = openpyxl_rows(data), our_rows(data)
    assert found == expected
    for title, rows in expected.items():  # 3 and 3.0, True and 1, are equal but not the same value
        types = [[type(value) for value in row] for row in rows]
        assert [[type(value) for value in row] for row in found[title]] == types


def every_kind_of_cell(epoch_1904: bool = False, iso_dates: bool = False) -> bytes:
    book = openpyxl.Workbook(iso_dates=iso_dates)
    if epoch_1904:
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "Kinds"
    sheet.append(["Outcome", "Action", "Success measures", "Time", "RAG 01/18", "Notes"])
    sheet.append(["  spaced  ", "line\nbreak", "tab\there", datetime(2018, 1, 16), 3, "carriage_x000D_return"])
    sheet.append(["é ñ “quotes” & <angles>", "", None, date(2017, 10, 31), 3.0, "_x005F_x0041_ literal"])
    sheet.append([1.5, -2, 1e-20, time(9, 30), 12345678901234, True])
    sheet.append([False, "+1 not a formula", "0", timedelta(days=2, hours=3), 2.5e10, "Ofsted recco 3 & 7"])
    sheet.cell(4, 7).value = 7  # beyond the header's width
    sheet["A9"] = "after a gap of rows"
    sheet["C9"] = datetime(1900, 3, 1, 12, 0)
    sheet["B10"] = CellRichText(["plain then ", TextBlock(InlineFont(b=True), "bold"), " and more"])
    sheet["A10"].value = "#N/A"
    sheet["A10"].data_type = "e"
    sheet["D3"].number_format = "mmm-yy"
    sheet["E2"].number_format = "0.00"
    second = book.create_sheet("Second")
    second.append(["only", "one", "row"])
    book.create_sheet("Empty")
    return to_bytes(book)


def rezip(data: bytes, change, added: dict[str, bytes] | None = None) -> bytes:
    """The workbook with each member's bytes passed through change(name, bytes), and `added` members."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, change(item.filename, source.read(item.filename)))
        for name, body in (added or {}).items():
            target.writestr(name, body)
    return out.getvalue()


INLINE_STRING = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is>(.*?)</is></c>', re.DOTALL)


def with_shared_strings(data: bytes) -> bytes:
    """The workbook as Excel saves it: its text in a shared strings part, cells pointing into it."""
    strings: list[bytes] = []

    def shared(match: re.Match) -> bytes:
        strings.append(match[3])
        return b'<c %st="s"%s><v>%d</v></c>' % (match[1], match[2], len(strings) - 1)

    sheets = {}
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        for name in source.namelist():
            if name.startswith("xl/worksheets/sheet"):
                sheets[name] = INLINE_STRING.sub(shared, source.read(name))
    table = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (len(strings), len(strings))
        + b"".join(b"<si>%s</si>" % text for text in strings)
        + b"</sst>"
    )

    def change(name: str, body: bytes) -> bytes:
        if name in sheets:
            return sheets[name]
        if name == "[Content_Types].xml":
            return body.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        if name == "xl/_rels/workbook.xml.rels":
            return body.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
            )
        return body

    return rezip(data, change, {"xl/sharedStrings.xml": table})


def without_dimension(data: bytes) -> bytes:
    return rezip(data, lambda name, body: re.sub(rb"<dimension [^>]*/>", b"", body))


def with_dimension(ref: bytes):
    return lambda data: rezip(
        data, lambda name, body: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' % ref, body)
    )


def test_every_kind_of_cell_reads_as_openpyxl_reads_it():
    assert_same_rows(every_kind_of_cell())


def test_dates_in_a_1904_workbook_read_as_openpyxl_reads_them():
    assert_same_rows(every_kind_of_cell(epoch_1904=True))


def test_dates_written_as_iso_text_read_as_openpyxl_reads_them():
    data = every_kind_of_cell(iso_dates=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b't="d"' in archive.read("xl/worksheets/sheet1.xml")
    assert_same_rows(data)


def test_shared_strings_as_excel_saves_them_read_as_openpyxl_reads_them():
    data = with_shared_strings(every_kind_of_cell())
    assert b"sharedStrings.xml" in data
    assert_same_rows(data)


@pytest.mark.parametrize(
    "damage",
    [without_dimension, with_dimension(b"A1:C4"), with_dimension(b"B2:XFD12"), with_dimension(b"A1")],
    ids=["no dimension", "dimension smaller than the data", "dimension larger than the data", "one cell"],
)
def test_rows_follow_the_declared_dimension_as_openpyxl_does(damage):
    assert_same_rows(damage(every_kind_of_cell()))


def test_the_councils_workbooks_and_our_exports_read_as_openpyxl_reads_them(thurrock, send_plan):
    for data in (council_workbook(thurrock), council_workbook(thurrock, one_sheet=True), send_workbook(send_plan)):
        assert_same_rows(data)
        assert_same_rows(with_shared_strings(data))
    stream = io.BytesIO()
    export_plan(thurrock).save(stream)
    assert_same_rows(stream.getvalue())


def test_cells_and_rows_without_references_are_placed_as_openpyxl_places_them():
    def strip_references(name: str, body: bytes) -> bytes:
        if name.startswith("xl/worksheets/sheet"):
            body = re.sub(rb'(<c[^>]*?) r="[A-Z]+[0-9]+"', rb"\1", body, count=12)
            body = re.sub(rb'<row r="5"', b"<row", body)
        return body

    assert_same_rows(rezip(every_kind_of_cell(), strip_references))


def test_a_sheet_with_a_formula_is_left_to_openpyxl():
    xml = b'<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1"><f>1+2</f><v>3</v></c></row></sheetData></worksheet>'
    with pytest.raises(NotPlain):
        SheetXml([], set(), set(), datetime(1899, 12, 30)).rows(
            xml % b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        )


def test_entities_in_a_sheet_are_refused():
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol;</t></is></c></row></sheetData></worksheet>'
    )
    with pytest.raises(EntitiesForbidden):
        SheetXml([], set(), set(), datetime(1899, 12, 30)).rows(xml)


def test_a_sheet_broken_after_its_start_is_reported_as_damaged():
    data = rezip(
        every_kind_of_cell(),
        lambda name, body: body.replace(b'<c r="A9"', b'<c r="A9" <') if name.endswith("sheet1.xml") else body,
    )
    assert [str(problem) for problem in read_workbook(data).errors] == [
        "The workbook is damaged (a part of it cannot be read)."
    ]


def test_text_is_unescaped_after_reading():
    text = "a_x000D_b & " + escape("<c>")
    book = openpyxl.Workbook()
    book.active.append(["Outcome", "Action", "Success measure(s)"])
    book.active.append(["O", "A", text])
    rows = read_workbook(to_bytes(book)).tables[0].rows
    assert rows[0].values["measure"] == "a\rb & &lt;c&gt;"


def test_inline_rich_text_reads_as_openpyxl_reads_it():
    cells = (
        b'<c r="A2" t="inlineStr"><is><t>plain </t><r><rPr><b/></rPr><t>run</t></r>'
        b'<rPh sb="0" eb="1"><t>phonetic</t></rPh>'
        b'<r><t xml:space="preserve"> two</t></r></is></c>'
        b'<c r="B2" t="inlineStr"><is><t>first</t><t>last wins</t></is></c>'
        b'<c r="C2" t="inlineStr"><is/></c><c r="D2" t="inlineStr"><v>ignored</v></c>'
        b'<c r="E2" t="inlineStr"><is><t>a &amp; b &#10; c</t></is><is><t>second</t></is></c>'
        b'<c r="F2"><v>1.50</v><v>2</v></c><c r="G2" t="b"><v>0</v></c><c r="H2" t="e"><v>#DIV/0!</v></c>'
        b'<c r="I2" t="str"><v>text result</v></c><c r="J2" t="n"><v></v></c><c r="K2" t="s"/>'
    )

    def change(name: str, body: bytes) -> bytes:
        if name.endswith("sheet2.xml"):
            body = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:K2"', body)
            return body.replace(b"</row>", b'</row><row r="2">' + cells + b"</row>", 1)
        return body

    data = rezip(every_kind_of_cell(), change)
    assert_same_rows(data)
    assert our_rows(data)["Second"][1][:5] == ["plain run two", "last wins", "", None, "a & b \n c"]


def test_a_cell_pointing_past_the_shared_strings_is_reported_as_damaged():
    data = with_shared_strings(every_kind_of_cell())
    data = rezip(data, lambda name, body: body.replace(b"<v>0</v>", b"<v>999</v>") if "sheet1" in name else body)
    assert [str(problem) for problem in read_workbook(data).errors] == [
        "The workbook is damaged (a part of it cannot be read)."
    ]
