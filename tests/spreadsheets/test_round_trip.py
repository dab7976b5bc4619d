"""Our own export, edited by hand and imported back: only the edited cells change."""

import io
import json
from io import StringIO

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from plans.models import Lead, Measure, Rating
from plans.spreadsheets.exporter import export_plan
from plans.spreadsheets.importer import apply_import, plan_import
from plans.spreadsheets.reader import read_workbook
from plans.spreadsheets.safety import write_text

HISTORY_MODELS = [Measure.history.model, Rating.history.model]


def history_count() -> int:
    return sum(model.objects.count() for model in HISTORY_MODELS)


def exported(plan, *, format_version: int = 2, **options) -> openpyxl.Workbook:
    stream = io.BytesIO()
    export_plan(plan, **options).save(stream)
    stream.seek(0)
    book = openpyxl.load_workbook(stream)
    return as_format_1(book) if format_version == 1 else book


def as_format_1(book: openpyxl.Workbook) -> openpyxl.Workbook:
    """An export as format version 1 wrote it (before 25 November 2026): _exported had a column per value."""
    sheet = book["_exported"]
    grid = list(sheet.iter_rows(values_only=True))
    keys = json.loads(grid[0][2])
    sheet.delete_rows(1, sheet.max_row)
    sheet.append(["id", *keys])
    for number, cells in enumerate(grid[1:], start=2):
        sheet.cell(number, 1, cells[0])
        for index, value in enumerate(json.loads("".join(c for c in cells[1:] if c)), start=2):
            write_text(sheet.cell(number, index), value)
    meta = book["_meta"]
    version = next(row for row in meta.iter_rows() if row[0].value == "format_version")
    version[1].value = 1
    return book


def to_bytes(workbook) -> bytes:
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def find_row(sheet, measure: Measure) -> int:
    id_column = [cell.value for cell in sheet[3]].index("id") + 1
    for row in range(4, sheet.max_row + 1):
        if sheet.cell(row, id_column).value == measure.pk:
            return row
    raise AssertionError("row not found")


def column(sheet, header: str) -> int:
    return [cell.value for cell in sheet[3]].index(header) + 1


@pytest.fixture
def importer_user(db):
    return get_user_model().objects.create_user("ivy", password="ivy-password")


def import_file(tmp_path, data: bytes, slug: str, *extra: str, name: str = "plan.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = StringIO()
    call_command("import_plan", str(path), "--plan", slug, *extra, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("format_version", [1, 2])
@pytest.mark.parametrize("one_sheet", [False, True])
def test_importing_an_unchanged_export_changes_nothing_and_writes_no_history(
    thurrock, send_plan, tmp_path, one_sheet, format_version
):
    before = history_count()
    for plan in (thurrock, send_plan):
        book = exported(plan, one_sheet=one_sheet, format_version=format_version)
        output = import_file(tmp_path, to_bytes(book), plan.slug)
        assert "0 new priorities, 0 new rows, 0 changed cells, 0 conflicts, 0 rows not in the file, 0 errors" in output
        assert "Nothing to change." in output
    assert history_count() == before


def test_only_the_edited_cells_change_and_history_names_the_user_and_the_file(thurrock, tmp_path, importer_user):
    measure = Measure.objects.of_plan(thurrock).get(text="Senior Management structure established")
    book = exported(thurrock)
    sheet = book["Priority 1"]
    row = find_row(sheet, measure)
    sheet.cell(row, column(sheet, "RAG 01/18")).value = 5
    sheet.cell(row, column(sheet, "Progress update")).value = "Structure signed off by the Chief Executive."
    sheet.cell(row, column(sheet, "Time")).value = "Jun 18"
    sheet.cell(row, column(sheet, "Reason")).value = "Cabinet moved the sign-off to June."
    before = history_count()

    output = import_file(tmp_path, to_bytes(book), thurrock.slug, "--user", "ivy", name="march-edits.xlsx")

    assert "3 changed cells" in output
    assert f"Sheet 'Priority 1', row {row}, column 'RAG 01/18': '4 Completed, being monitored' → '5" in output
    measure.refresh_from_db()
    assert measure.progress_update == "Structure signed off by the Chief Executive."
    assert (measure.time_text, measure.due_month.isoformat()) == ("Jun 18", "2018-06-01")
    rating = measure.ratings.get(period__label="01/18")
    assert rating.level.value == 5
    assert history_count() == before + 2  # one measure row, one rating row
    for record in (measure.history.first(), rating.history.first()):
        assert record.history_user == importer_user
        assert record.history_source == "import of march-edits.xlsx"
        assert record.history_change_reason == "Cabinet moved the sign-off to June."


@pytest.mark.parametrize("format_version", [1, 2])
def test_a_cell_edited_in_the_file_and_changed_in_the_tracker_since_is_a_conflict_never_overwritten(
    thurrock, tmp_path, format_version
):
    measure = Measure.objects.of_plan(thurrock).get(text="Senior Management structure established")
    book = exported(thurrock, format_version=format_version)
    sheet = book["Priority 1"]
    sheet.cell(find_row(sheet, measure), column(sheet, "Progress update")).value = "From the spreadsheet"
    measure.progress_update = "Changed in the tracker meanwhile"
    measure.save()

    output = import_file(tmp_path, to_bytes(book), thurrock.slug)

    assert "1 conflicts" in output
    assert "tracker has 'Changed in the tracker meanwhile', file has 'From the spreadsheet'" in output
    measure.refresh_from_db()
    assert measure.progress_update == "Changed in the tracker meanwhile"


@pytest.mark.parametrize("format_version", [1, 2])
def test_a_change_made_in_the_tracker_since_the_export_is_kept_when_the_cell_was_not_edited(
    thurrock, tmp_path, format_version
):
    measure = Measure.objects.of_plan(thurrock).get(text="Senior Management structure established")
    book = to_bytes(exported(thurrock, format_version=format_version))
    measure.lead_text = "J Cooke"
    measure.save()
    output = import_file(tmp_path, book, thurrock.slug)
    assert "0 changed cells, 0 conflicts" in output
    measure.refresh_from_db()
    assert measure.lead_text == "J Cooke"


@pytest.mark.parametrize("format_version", [1, 2])
def test_rows_removed_from_the_file_are_reported_and_never_deleted(thurrock, tmp_path, format_version):
    measure = Measure.objects.of_plan(thurrock).get(text="Senior Management structure established")
    book = exported(thurrock, format_version=format_version)
    sheet = book["Priority 1"]
    sheet.delete_rows(find_row(sheet, measure))
    output = import_file(tmp_path, to_bytes(book), thurrock.slug)
    assert "1 rows not in the file" in output
    assert f"Priority 1: Senior Management structure established (id {measure.pk})" in output
    assert Measure.objects.filter(pk=measure.pk).exists()


def test_a_row_added_to_an_export_becomes_a_new_measure_under_the_action_above(thurrock, tmp_path):
    book = exported(thurrock, one_sheet=True)
    sheet = book["Plan"]
    last = sheet.max_row
    sheet.append([8, None, None, "A brand new success measure", "S Murphy", None, "Sep-18", None, 3])
    output = import_file(tmp_path, to_bytes(book), thurrock.slug)
    assert "1 new rows" in output
    created = Measure.objects.of_plan(thurrock).get(text="A brand new success measure")
    above = Measure.objects.get(pk=sheet.cell(last, column(sheet, "id")).value)
    assert created.action == above.action
    assert (created.ratings.get().period.label, created.ratings.get().level.value) == ("01/18", 3)
    assert created.time_text == "Sep-18"
    (record,) = created.history.all()
    assert (record.history_type, record.history_change_reason) == ("+", "Imported from plan.xlsx")
    assert record.history_user.username == "system"
    assert [link.lead.name for link in record.leads.all()] == ["Sheila Murphy"]  # "S Murphy" is her alias
    assert created.ratings.get().history.get().history_user.username == "system"


def test_a_new_person_in_a_lead_cell_gets_a_lead_record_and_is_linked(thurrock, tmp_path):
    measure = Measure.objects.of_plan(thurrock).get(text="Senior Management structure established")
    book = exported(thurrock)
    sheet = book["Priority 1"]
    sheet.cell(find_row(sheet, measure), column(sheet, "Lead")).value = "s murphy / Priya Newcomer"
    output = import_file(tmp_path, to_bytes(book), thurrock.slug)
    assert "New lead records:\n  - Priya Newcomer" in output
    measure.refresh_from_db()
    assert sorted(lead.name for lead in measure.leads.all()) == ["Priya Newcomer", "Sheila Murphy"]
    assert Lead.objects.get(name="Priya Newcomer").plan == thurrock
    assert measure.version == 2


def test_a_dry_run_shows_the_preview_and_changes_nothing(thurrock, tmp_path):
    book = exported(thurrock)
    sheet = book["Priority 2"]
    sheet.cell(4, column(sheet, "RAG 01/18")).value = 1
    sheet.cell(4, column(sheet, "Reason")).value = "Recruitment paused."
    before = history_count()
    output = import_file(tmp_path, to_bytes(book), thurrock.slug, "--dry-run")
    assert "1 changed cells" in output
    assert "Dry run: nothing was changed." in output
    assert history_count() == before


def test_a_failure_while_applying_rolls_back_every_change(thurrock, importer_user):
    book = exported(thurrock)
    sheet = book["Priority 2"]
    sheet.cell(4, column(sheet, "Progress update")).value = "Edited"
    preview = plan_import(read_workbook(to_bytes(book)), thurrock)
    before = history_count()

    def fail(*args):
        raise RuntimeError("disk full")

    preview.operations.append(fail)
    with pytest.raises(RuntimeError):
        apply_import(preview, importer_user, "x.xlsx")
    assert history_count() == before
    assert not Measure.objects.filter(progress_update="Edited").exists()


def test_an_export_of_another_plan_is_refused(thurrock, send_plan, tmp_path):
    before = Measure.objects.of_plan(thurrock).count()
    with pytest.raises(CommandError, match="1 problem in"):
        import_file(tmp_path, to_bytes(exported(send_plan)), thurrock.slug)
    assert Measure.objects.of_plan(thurrock).count() == before


def test_an_export_imports_as_a_new_plan_with_the_same_rollup(thurrock, tmp_path):
    import_file(tmp_path, to_bytes(exported(thurrock)), "thurrock-copy", "--create", "--title", "Copy")
    from plans.models import Plan
    from plans.rollup.plan import plan_rollup

    copy = Plan.objects.get(slug="thurrock-copy")
    assert [r.overall for r in plan_rollup(copy)] == [r.overall for r in plan_rollup(thurrock)]
    assert Measure.objects.of_plan(copy).count() == 97


def test_both_formats_of_the_hidden_copy_read_back_the_same_exported_values(thurrock):
    old = read_workbook(to_bytes(exported(thurrock, format_version=1)))
    new = read_workbook(to_bytes(exported(thurrock)))
    assert (old.meta["format_version"], new.meta["format_version"]) == (1, 2)
    assert old.exported == new.exported
    assert len(new.exported) == Measure.objects.of_plan(thurrock).filter(removed=False).count()
