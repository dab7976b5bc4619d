"""Imports go through the write door: on the web and with import_plan, an edited export's cells in a closed
(or planned) period are refused by sheet, row and column while its other changes apply; a lowest level or a
moved due month needs the row's Reason; a measure changed since the preview is a conflict, never overwritten;
history names the importing user and the file. Creating a plan from a workbook records its closed periods'
ratings as its history.

The demo Development Plan: Initial is closed, 01/18 open. On the "Priority 1" sheet, row 4 is "Senior
Management structure established" (4 in Initial and 01/18), row 5 "All Service Leader posts are filled by
permanent staff" (4, 4), row 6 "Signs of Safety Model is in place…" (2, 2; S Murphy leads it). The published
RAG summary gives Priority 1 2.8 in Initial.
"""

import io
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from plans.audit import WEB, Actor
from plans.management.commands import import_plan
from plans.models import Measure, Period, Plan, Rating
from plans.ratings.services import RatingChange, save_rating
from plans.rollup.plan import plan_rollup
from plans.spreadsheets.exporter import export_plan


@pytest.fixture
def owner(db):
    return get_user_model().objects.get(username="owner")


@pytest.fixture
def smurphy(db):
    return get_user_model().objects.get(username="smurphy")


@pytest.fixture
def initial(thurrock) -> Period:
    return thurrock.periods.get(label="Initial")


@pytest.fixture
def current(thurrock) -> Period:
    return thurrock.periods.get(label="01/18")


def measure(text: str) -> Measure:
    return Measure.objects.get(text__startswith=text, action__outcome__priority__plan__slug="thurrock-2017-19")


def exported(plan) -> openpyxl.Workbook:
    stream = io.BytesIO()
    export_plan(plan).save(stream)
    stream.seek(0)
    return openpyxl.load_workbook(stream)


def as_bytes(book: openpyxl.Workbook) -> bytes:
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def import_with_command(tmp_path, book, *extra: str, name: str = "plan.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(as_bytes(book))
    out = StringIO()
    call_command("import_plan", str(path), "--plan", "thurrock-2017-19", "--user", "owner", *extra, stdout=out)
    return out.getvalue()


def rating(measure_, period) -> Rating:
    return Rating.objects.select_related("level").get(measure=measure_, period=period)


def priority_one(plan, period) -> Decimal:
    return plan_rollup(plan, [period])[0].priorities[0].score


# --- The acceptance case: a closed period's cell and an open one's in the same file ------------------------


def test_an_import_leaves_a_closed_periods_cell_and_its_rollup_alone_and_applies_the_open_periods(
    thurrock, owner, initial, current, tmp_path
):
    book = exported(thurrock)
    sheet = book["Priority 1"]
    assert (sheet["G3"].value, sheet["G4"].value, sheet["H3"].value, sheet["H5"].value) == (
        "RAG Initial",
        4,
        "RAG 01/18",
        4,
    )
    sheet["G4"] = 1  # Senior Management structure, Initial: 4 → 1 (a closed period)
    sheet["H5"] = 3  # All Service Leader posts, 01/18: 4 → 3 (the open period)
    assert priority_one(thurrock, initial) == Decimal("2.8")
    initial_history = Rating.history.filter(period_id=initial.pk).count()
    history = Rating.history.count()
    service_leaders = measure("All Service Leader posts")

    output = import_with_command(tmp_path, book)

    assert "Sheet 'Priority 1', row 4, column 'RAG Initial': period Initial is closed; reopen it first" in output
    assert priority_one(thurrock, initial) == Decimal("2.8")
    assert rating(measure("Senior Management structure"), initial).level.value == 4
    assert Rating.history.filter(period_id=initial.pk).count() == initial_history
    assert rating(service_leaders, current).level.value == 3
    assert Rating.history.count() == history + 1
    row = Rating.history.latest("history_id")
    assert (row.id, row.period_id, row.history_user, row.history_source) == (
        rating(service_leaders, current).pk,
        current.pk,
        owner,
        "import of plan.xlsx",
    )
    assert Measure.objects.get(pk=service_leaders.pk).version == service_leaders.version + 1


def test_the_web_preview_lists_the_refused_cells_in_a_section_of_their_own(client, owner, thurrock, initial):
    book = exported(thurrock)
    book["Priority 1"]["G4"] = 1
    book["Priority 1"]["H5"] = 3
    client.force_login(owner)
    url = reverse("plan-import", args=[thurrock.slug])
    preview = client.post(url, {"file": SimpleUploadedFile("march.xlsx", as_bytes(book))})
    text = preview.content.decode()
    assert "Refused (1): these cells will not be changed" in text
    assert "Period Initial is closed; reopen it first" in text
    assert "Changed cells (1)" in text
    response = client.post(url, {"apply": "1", "token": preview.context["token"]}, follow=True)
    assert "Imported march.xlsx" in response.content.decode()
    assert rating(measure("Senior Management structure"), initial).level.value == 4
    row = Rating.history.latest("history_id")
    assert (row.history_user, row.history_source) == (owner, "import of march.xlsx")


def test_a_rating_for_a_planned_period_is_refused_as_on_the_web(thurrock, tmp_path):
    book = exported(thurrock)
    book["Priority 1"]["I5"] = 3  # RAG 03/18: planned, not begun
    output = import_with_command(tmp_path, book)
    assert "column 'RAG 03/18': period 03/18 has not started (it is planned); open it first" in output
    assert not Rating.objects.filter(period__plan=thurrock, period__label="03/18").exists()


# --- The reason rule ------------------------------------------------------------------------------------


def test_a_lowest_level_without_a_reason_refuses_the_row_and_the_reason_column_gives_one(thurrock, current, tmp_path):
    service_leaders = measure("All Service Leader posts")
    book = exported(thurrock)
    sheet = book["Priority 1"]
    sheet["H5"] = 1
    sheet["K5"] = "Two leaders left in February."  # Progress update: refused with the row
    output = import_with_command(tmp_path, book)
    assert (
        "Sheet 'Priority 1', row 5, column 'RAG 01/18': give a reason for rating it 1 Not started / significant "
        "delay in the 'Reason' column; nothing in this row is changed"
    ) in output
    assert rating(service_leaders, current).level.value == 4
    assert Measure.objects.get(pk=service_leaders.pk).progress_update == service_leaders.progress_update

    assert sheet["L3"].value == "Reason"
    sheet["L5"] = "Both posts vacant again."
    output = import_with_command(tmp_path, book)
    assert "2 changed cells" in output
    kept = rating(service_leaders, current)
    assert (kept.level.value, kept.reason) == (1, "Both posts vacant again.")
    assert kept.history.latest("history_id").history_change_reason == "Both posts vacant again."


def test_a_time_that_moves_the_due_month_needs_a_reason(thurrock, tmp_path):
    sos = measure("Signs of Safety Model is in place")
    book = exported(thurrock)
    book["Priority 1"]["F6"] = "Mar-19"
    output = import_with_command(tmp_path, book)
    assert "column 'Time': give a reason for changing the due month in the 'Reason' column" in output
    assert Measure.objects.get(pk=sos.pk).time_text == "Sep-18"
    book["Priority 1"]["L6"] = "Training moved to the new financial year."
    import_with_command(tmp_path, book)
    row = sos.history.latest("history_id")
    assert (row.time_text, row.due_month.isoformat()) == ("Mar-19", "2019-03-01")
    assert (row.history_change_reason, row.history_source) == (
        "Training moved to the new financial year.",
        "import of plan.xlsx",
    )


# --- Conflicts: a measure changed after the preview ---------------------------------------------------------


def test_the_command_never_overwrites_a_measure_changed_between_its_preview_and_its_apply(
    thurrock, smurphy, current, tmp_path, monkeypatch
):
    sos = measure("Signs of Safety Model is in place")
    book = exported(thurrock)
    book["Priority 1"]["H6"] = 3
    previewed = import_plan.preview_import

    def preview_then_a_lead_saves(*args, **kwargs):
        preview = previewed(*args, **kwargs)
        change = RatingChange(
            thurrock.scale.levels.get(value=4), "Embedded in every team.", "", sos.due_month, sos.version
        )
        save_rating(sos, current, change, by=Actor(smurphy, WEB))
        return preview

    monkeypatch.setattr(import_plan, "preview_import", preview_then_a_lead_saves)
    output = import_with_command(tmp_path, book)
    assert "Not applied: changed in the tracker since the preview" in output
    assert "Sheet 'Priority 1', row 6: Signs of Safety Model is in place" in output
    kept = rating(sos, current)
    assert (kept.level.value, kept.update) == (4, "Embedded in every team.")


def test_a_period_closed_between_the_preview_and_the_apply_is_refused_when_applying(
    thurrock, current, tmp_path, monkeypatch
):
    service_leaders = measure("All Service Leader posts")
    book = exported(thurrock)
    book["Priority 1"]["H5"] = 3
    previewed = import_plan.preview_import

    def preview_then_the_owner_closes_01_18(*args, **kwargs):
        preview = previewed(*args, **kwargs)
        Period.objects.filter(pk=current.pk).update(status=Period.Status.CLOSED)
        return preview

    monkeypatch.setattr(import_plan, "preview_import", preview_then_the_owner_closes_01_18)
    output = import_with_command(tmp_path, book)
    assert "Not applied: refused when applying:" in output
    assert "Sheet 'Priority 1', row 5: Period 01/18 is closed; reopen it first." in output
    assert rating(service_leaders, current).level.value == 4


def test_the_web_apply_checks_the_versions_the_owner_was_shown(client, owner, smurphy, thurrock, current):
    sos = measure("Signs of Safety Model is in place")
    book = exported(thurrock)
    book["Priority 1"]["H6"] = 3
    client.force_login(owner)
    url = reverse("plan-import", args=[thurrock.slug])
    preview = client.post(url, {"file": SimpleUploadedFile("edits.xlsx", as_bytes(book))})
    assert "Changed cells (1)" in preview.content.decode()
    # The lead saves the same measure (level unchanged, a new update) while the owner reads the preview.
    level_two = thurrock.scale.levels.get(value=2)
    change = RatingChange(level_two, "Training booked.", "Trainer free in May.", sos.due_month, sos.version)
    save_rating(sos, current, change, by=Actor(smurphy, WEB))
    response = client.post(url, {"apply": "1", "token": preview.context["token"]}, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert "Not applied: changed in the tracker since the preview (the tracker's values are kept):" in shown
    kept = rating(sos, current)
    assert (kept.level.value, kept.update) == (2, "Training booked.")


def test_a_leads_form_opened_before_an_import_changed_the_measure_gets_the_conflict_view(
    client, smurphy, thurrock, current, tmp_path
):
    sos = measure("Signs of Safety Model is in place")
    client.force_login(smurphy)
    url = reverse("measure-rate", args=[sos.pk])
    opened = client.get(url)
    version = opened.context["form"]["version"].value()
    assert version == sos.version

    book = exported(thurrock)
    book["Priority 1"]["H6"] = 3
    import_with_command(tmp_path, book)

    level_four = thurrock.scale.levels.get(value=4)
    mine = {"level": level_four.pk, "update": "Lead: embedded in two teams.", "reason": "", "version": version}
    response = client.post(url, {**mine, "due_month": "2018-09"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else changed this measure while you were editing" in text
    assert "Pat Owner saved it (via import of plan.xlsx)" in text
    assert "Lead: embedded in two teams." in text  # offered to merge, in the form at the new version
    assert f'name="version" value="{version + 1}"' in text
    assert rating(sos, current).level.value == 3  # the imported level is still there

    htmx = client.post(url, {**mine, "due_month": "2018-09"}, HTTP_HX_REQUEST="true")
    assert "Someone else changed this measure while you were editing" in htmx.content.decode()
    assert rating(sos, current).level.value == 3


# --- New rows and new plans ---------------------------------------------------------------------------------


def test_a_new_row_in_an_existing_plan_is_rated_in_the_open_period_only(thurrock, initial, current, tmp_path):
    book = exported(thurrock)
    sheet = book["Priority 1"]
    sheet["C12"], sheet["G12"], sheet["H12"] = "Exit interviews analysed every quarter", 2, 3
    output = import_with_command(tmp_path, book)
    assert "1 new rows" in output
    assert (
        "Sheet 'Priority 1', row 12, column 'RAG Initial': period Initial is closed; reopen it first; the row is "
        "added without this rating"
    ) in output
    added = measure("Exit interviews analysed")
    assert [(r.period.label, r.level.value) for r in added.ratings.select_related("period", "level")] == [("01/18", 3)]
    assert added.history.get().history_source == "import of plan.xlsx"


def test_a_plan_created_from_a_workbook_records_every_rating_column_as_its_history(thurrock, owner, tmp_path):
    path = tmp_path / "copy.xlsx"
    path.write_bytes(as_bytes(exported(thurrock)))
    call_command("import_plan", str(path), "--plan", "copy", "--create", "--user", "owner", stdout=StringIO())
    copy = Plan.objects.get(slug="copy")
    statuses = {p.label: p.status for p in copy.periods.all()}
    # Earlier ones closed, the last rated one open, those after it planned.
    assert statuses == {"Initial": "closed", "01/18": "open", "03/18": "planned", "05/18": "planned"}
    initial = copy.periods.get(label="Initial")
    assert priority_one(copy, initial) == Decimal("2.8")
    rows = Rating.history.filter(period_id=initial.pk)
    assert rows.count() == Rating.objects.filter(period__plan=thurrock, period__label="Initial").count()
    assert {(r.history_type, r.history_user_id, r.history_source) for r in rows} == {
        ("+", owner.pk, "import of copy.xlsx")
    }


def test_the_demo_plans_closed_periods_ratings_are_their_history_recorded_by_the_demo_loader(thurrock, initial):
    rows = Rating.history.filter(period_id=initial.pk)
    assert rows.count() == Rating.objects.filter(period=initial).count() > 0
    assert {(r.history_type, r.history_source) for r in rows} == {("+", "demo")}
