"""Bad files get clear messages naming sheet, row and column, all at once, and change nothing."""

import io
import zipfile
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from plans.models import Measure, Plan
from plans.spreadsheets.exporter import export_plan
from plans.spreadsheets.reader import read_workbook
from tests.spreadsheets.test_round_trip import column, find_row, history_count, to_bytes


def export_book(plan) -> openpyxl.Workbook:
    stream = io.BytesIO()
    export_plan(plan).save(stream)
    stream.seek(0)
    return openpyxl.load_workbook(stream)


def refused(tmp_path, data: bytes, slug: str = "thurrock-2017-19", name: str = "plan.xlsx") -> str:
    """Import the bytes expecting failure; returns everything printed, and checks nothing changed."""
    path = tmp_path / name
    path.write_bytes(data)
    out, err = StringIO(), StringIO()
    before = (history_count(), Plan.objects.count())
    with pytest.raises(CommandError) as failure:
        call_command("import_plan", str(path), "--plan", slug, stdout=out, stderr=err)
    assert (history_count(), Plan.objects.count()) == before
    return out.getvalue() + err.getvalue() + str(failure.value)


def errors_of(data: bytes) -> list[str]:
    return [str(problem) for problem in read_workbook(data).errors]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old-style Office file but not an Excel (.xls)"),
        (b"Outcome,Action,Success measure\nA,B,C\n", "a text or CSV file, not a spreadsheet: open it in Excel"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "The file is a PDF, not a spreadsheet"),
        (b"PK\x03\x04" + b"\x00" * 200, "damaged or incomplete"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptionInfo".encode("utf-16-le"),
            "password-protected",
        ),
        (b"", "The file is empty."),
    ],
    ids=["ole-not-a-workbook", "csv", "renamed pdf", "corrupt zip", "password-protected", "empty"],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused_with_its_type_named(tmp_path, thurrock, data, expected):
    assert expected in refused(tmp_path, data)


def test_a_truncated_workbook_is_refused_as_damaged(tmp_path, thurrock):
    data = to_bytes(export_book(thurrock))
    assert "damaged or incomplete" in refused(tmp_path, data[: len(data) // 2])


def test_an_oversize_upload_is_refused_before_it_is_read(tmp_path, thurrock, settings):
    settings.SPREADSHEET_MAX_UPLOAD_BYTES = 1000
    output = refused(tmp_path, to_bytes(export_book(thurrock)))
    assert "; the largest workbook accepted is 1.0 KB." in output


def test_a_zip_bomb_is_refused_from_its_declared_sizes_without_inflating_it(tmp_path, thurrock):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    assert "refused as a possible zip bomb" in refused(tmp_path, stream.getvalue())


def test_xml_entities_are_refused(tmp_path, thurrock):
    source = zipfile.ZipFile(io.BytesIO(to_bytes(export_book(thurrock))))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                text = data.decode()
                start = text.index("<worksheet")
                data = (
                    text[:start]
                    + '<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
                    + text[start:]
                ).encode()
            archive.writestr(item, data)
    output = refused(tmp_path, stream.getvalue())
    assert "The workbook contains XML constructs that are refused for safety." in output


def test_missing_required_columns_are_named(tmp_path, thurrock):
    book = openpyxl.Workbook()
    book.active.title = "Priority 1"
    book.active.append(["Outcome", "Lead", "Time", "RAG 01/18"])
    book.active.append(["Children are safe", "S Murphy", "Jan-18", 3])
    output = refused(tmp_path, to_bytes(book))
    assert "Sheet 'Priority 1', row 1: the header row has no 'Action', 'Success measure(s)' column" in output


def test_an_unknown_level_is_named_by_sheet_row_column_and_scale(tmp_path, thurrock):
    book = export_book(thurrock)
    sheet = book["Priority 4"]
    measure = Measure.objects.of_plan(thurrock).filter(action__outcome__priority__number=4).order_by("pk")[5]
    row = find_row(sheet, measure)
    sheet.cell(row, column(sheet, "RAG 01/18")).value = "Gren"
    output = refused(tmp_path, to_bytes(book))
    assert (
        f"Sheet 'Priority 4', row {row}, column 'RAG 01/18': 'Gren' is not a level of scale Thurrock 1-5 progress scale"
        in output
    )


def test_every_problem_is_reported_together(tmp_path, thurrock):
    book = export_book(thurrock)
    sheet = book["Priority 2"]
    ids = column(sheet, "id")
    sheet.cell(4, column(sheet, "RAG 01/18")).value = "Purple"
    sheet.cell(5, ids).value = sheet.cell(6, ids).value  # a duplicated id
    sheet.cell(7, column(sheet, "RAG Initial")).value = "=1+2"  # a formula with no calculated value
    sheet.cell(8, ids).value = "abc"
    output = refused(tmp_path, to_bytes(book))
    assert "4 problems" in output
    assert "Sheet 'Priority 2', row 4, column 'RAG 01/18': 'Purple' is not a level" in output
    assert "Sheet 'Priority 2', row 6, column 'id': row id" in output
    assert "appears twice (also sheet 'Priority 2', row 5)" in output
    assert "Sheet 'Priority 2', row 7, column 'RAG Initial': the formula =1+2 has no calculated value saved" in output
    assert "Sheet 'Priority 2', row 8, column 'id': 'abc' is not a row id" in output


def test_a_formula_with_a_calculated_value_is_read_as_its_value(thurrock):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Outcome", "Action", "Success measures", "RAG 01/18"])
    sheet.append(["O", "A", "M", "=1+2"])
    data = to_bytes(book)
    # write the cached value Excel would have saved
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<f>1+2</f><v></v>", b"<f>1+2</f><v>3</v>").replace(
                    b"<f>1+2</f><v />", b"<f>1+2</f><v>3</v>"
                )
            archive.writestr(item, content)
    contents = read_workbook(stream.getvalue())
    assert contents.errors == []
    assert contents.tables[0].rows[0].values["rating:01/18"] == 3


def test_a_missing_plan_or_an_existing_one_with_create_is_a_clear_error(tmp_path, thurrock):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(to_bytes(export_book(thurrock)))
    with pytest.raises(CommandError, match='There is no plan "nope"'):
        call_command("import_plan", str(path), "--plan", "nope", stdout=StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("import_plan", str(path), "--plan", thurrock.slug, "--create", stdout=StringIO())
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_plan", str(tmp_path / "missing.xlsx"), "--plan", thurrock.slug, stdout=StringIO())


def test_a_zip_directory_claiming_an_unknown_zip_version_is_refused_as_damaged(tmp_path, thurrock):
    """A bit flipped in the central directory's "version needed" (the malformed corpus found it: a 500)."""
    data = bytearray(to_bytes(export_book(thurrock)))
    directory = data.rindex(b"PK\x01\x02")  # the last member's central directory entry
    data[directory + 6] = 84  # version needed to extract: 8.4
    assert "damaged or incomplete (its zip directory cannot be read)" in refused(tmp_path, bytes(data))
