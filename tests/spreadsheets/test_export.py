"""The exported workbook looks like the council's own, and text never becomes a formula."""

import io
import zipfile
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plans.models import Measure
from plans.spreadsheets.exporter import export_plan
from plans.spreadsheets.importer import plan_import
from plans.spreadsheets.reader import read_workbook
from tests.factories import build_plan
from tests.spreadsheets.test_round_trip import to_bytes


@pytest.fixture
def small_plan(db):
    return build_plan(priorities=1, measures_per_priority=1, periods=2)


def reopen(workbook) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(to_bytes(workbook)))


def test_the_command_writes_a_sheet_per_priority_with_summary_scale_and_hidden_sheets(thurrock, tmp_path):
    path = tmp_path / "plan.xlsx"
    call_command("export_plan", thurrock.slug, "-o", str(path), stdout=StringIO())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", *[f"Priority {n}" for n in range(1, 9)], "Scale", "_exported", "_meta"]
    assert [book[name].sheet_state for name in ("_exported", "_meta")] == ["hidden", "hidden"]
    meta = {row[0]: row[1] for row in book["_meta"].iter_rows(values_only=True)}
    assert (meta["format"], meta["format_version"], meta["plan"]) == ("plan-tracker-workbook", 2, thurrock.slug)
    assert meta["exported_at"]


def test_a_priority_sheet_has_banner_header_merges_widths_frozen_header_and_hidden_ids(thurrock):
    sheet = reopen(export_plan(thurrock))["Priority 1"]
    assert sheet["A2"].value.startswith("Priority 1: Recruiting")
    assert "A2:L2" in {str(r) for r in sheet.merged_cells.ranges}
    assert [cell.value for cell in sheet[3]] == [
        "Outcome", "Action", "Success measure(s)", "Lead", "Responsible Officer", "Time",
        "RAG Initial", "RAG 01/18", "RAG 03/18", "RAG 05/18", "Progress update", "Reason", "id",
    ]  # fmt: skip
    assert "lowest levels" in sheet["L3"].comment.text  # what the Reason column is for
    assert [sheet.cell(row, 12).value for row in range(4, 12)] == [None] * 8  # written blank, filled in to import
    assert sheet.freeze_panes == "A4"
    assert sheet.column_dimensions["M"].hidden
    assert sheet.column_dimensions["A"].width == 40
    assert {"A4:A11", "B4:B5"} <= {str(r) for r in sheet.merged_cells.ranges}  # outcome and action over their rows
    assert sheet["C4"].alignment.wrap_text
    assert sheet.max_row == 3 + 8
    assert [sheet.cell(4, c).value for c in range(7, 11)] == [4, 4, None, None]


def test_only_the_open_period_offers_a_drop_down_of_the_scale_and_every_rating_is_coloured_by_level(thurrock):
    sheet = reopen(export_plan(thurrock))["Priority 4"]
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"1,2,3,4,5"'
    assert str(validation.sqref) == f"H4:H{3 + 29}"  # RAG 01/18 is the open period
    rules = [rule for area in sheet.conditional_formatting for rule in area.rules]
    assert [rule.formula for rule in rules] == [["1"], ["2"], ["3"], ["4"], ["5"]]
    assert rules[0].dxf.fill.fgColor.rgb.endswith("F4B6B6")


def test_the_summary_sheet_holds_the_rollup_and_the_scale_sheet_the_definitions(thurrock):
    book = reopen(export_plan(thurrock))
    summary = list(book["Summary"].iter_rows(min_row=4, values_only=True))
    assert summary[0] == ("Priority", "Initial", "01/18", "03/18", "05/18")
    assert summary[-1] == ("Overall", 2.1, 2.6, None, None)
    assert summary[4][0].startswith("4")
    assert summary[4][1:3] == (2.0, 3.0)  # priority 4: 86 / 29 → 3.0
    scale = list(book["Scale"].iter_rows(min_row=3, max_row=7, values_only=True))
    assert [(row[0], row[2]) for row in scale] == [(1, "red"), (2, "amber"), (3, "green"), (4, "blue"), (5, "grey")]


def test_a_word_rated_one_period_plan_uses_the_send_layout(send_plan):
    book = reopen(export_plan(send_plan))
    sheet = book["Action plan"]
    assert [cell.value for cell in sheet[3]] == [
        "Recommendation",
        "Actions",
        "Timeframe",
        "RAG 17/01/18",
        "Update",
        "Lead",
        "Reason",
        "id",
    ]
    assert sheet["D4"].value == "Completed"
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"Red,Amber,Green,Completed"'


def test_one_sheet_puts_every_priority_on_one_sheet_with_a_priority_column(thurrock):
    sheet = reopen(export_plan(thurrock, one_sheet=True))["Plan"]
    assert sheet["A3"].value == "Priority"
    assert sheet.max_row == 3 + 97


FORMULA_LIKE = st.lists(
    st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\ufffe\uffff")
    | st.sampled_from(["\t", "\n", "\r", "_x000D_", "_x", "=", "-"]),
    max_size=20,
).map("".join)
STARTS = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\r\n", "=HYPERLINK(", "=cmd|' /C calc'!A0", "-2+3", "+"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=STARTS, rest=FORMULA_LIKE)
def test_text_that_looks_like_a_formula_is_exported_as_text_and_reimported_exactly(small_plan, start, rest):
    text = start + rest
    measure = Measure.objects.of_plan(small_plan).get()
    measure.progress_update = text
    measure.text = rest + start
    measure.save()
    data = to_bytes(export_plan(small_plan))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Priority 1"]
    header = [cell.value for cell in sheet[3]]
    cell = sheet.cell(4, header.index("Progress update") + 1)
    assert cell.data_type == "s"  # a string, never a formula ("f")
    # Excel shows an apostrophe and keeps it text. A leading carriage return is stored as _x000D_, which
    # no spreadsheet evaluates, so it needs none.
    assert cell.quotePrefix == (text[0] in "=+-@\t")
    contents = read_workbook(data)
    (row,) = contents.tables[0].rows
    assert (row.values["update"], row.values["measure"] or "") == (text, rest + start)
    preview = plan_import(contents, small_plan)
    assert preview.errors == []
    assert not preview.has_changes


def test_the_hidden_copy_holds_each_row_as_one_json_cell_split_when_longer_than_a_cell_can_hold(small_plan):
    measure = Measure.objects.of_plan(small_plan).get()
    measure.text, measure.progress_update = "m" * 20_000, "Long update. " * 1_600
    measure.save()
    data = to_bytes(export_plan(small_plan))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["_exported"]
    (header, row) = sheet.iter_rows(values_only=True)
    assert header[:2] == ("id", "values")
    assert row[0] == measure.pk
    assert len(row) == 3  # the JSON split over two cells: Excel holds at most 32,767 characters in one
    assert all(len(text) <= 32_767 for text in row[1:])
    contents = read_workbook(data)
    assert (contents.exported[measure.pk]["measure"], contents.exported[measure.pk]["update"]) == (
        measure.text,
        measure.progress_update,
    )
    assert not plan_import(contents, small_plan).has_changes


HYPERLINK = '=HYPERLINK("http://ev.il/x","Open")'


def test_a_period_label_typed_as_a_formula_is_text_in_every_exported_sheet(client, alice, small):
    """Security review, low finding 5: period labels reached the Summary sheet raw, as a live formula."""
    client.force_login(alice)
    periods = reverse("owner-periods", args=[small.plan.slug])
    client.post(periods, {"action": "close", "period": small.p2.pk})
    client.post(periods, {"action": "open", "label": HYPERLINK})
    assert small.plan.periods.filter(label=HYPERLINK).exists()
    small.plan.scale.levels.filter(value=3).update(description="=1+1", aliases="@SUM(A1)")
    response = client.get(reverse("plan-export", args=[small.plan.slug]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value}"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "@")):
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} is shown without its apostrophe"
                    texts.append((sheet.title, cell.value))
    assert ("Summary", HYPERLINK) in texts
    assert ("Scale", "=1+1") in texts
    assert ("Scale", "@SUM(A1)") in texts
    raw = zipfile.ZipFile(io.BytesIO(response.content))
    for name in raw.namelist():
        assert b"<f>" not in raw.read(name), f"{name} holds a formula"
