"""The councils' own workbooks (no ids) import into new plans with the same rows and the same rollups."""

from io import StringIO

import pytest
from django.core.management import call_command

from plans.models import Lead, Measure, Plan
from plans.rollup.plan import plan_rollup
from plans.spreadsheets.reader import read_workbook
from tests.spreadsheets.workbooks import council_workbook, plan_rows, ratings_of, send_workbook


def rows_of(plan: Plan) -> list[tuple]:
    periods = list(plan.periods.all())
    return [
        (
            m.action.outcome.priority.number,
            " ".join(m.action.outcome.priority.title.split()),
            m.action.outcome.statement,
            m.text,
            m.lead_text,
            m.officer_text,
            m.due_month,
            m.progress_update,
            [level.value if level else None for level in ratings_of(m, periods)],
        )
        for m in plan_rows(plan)
    ]


def actions_of(plan: Plan) -> list[str]:
    """Each row's action; a blank action cell reads as "same as above", so those take the one above."""
    texts, previous = [], ""
    for m in plan_rows(plan):
        previous = m.action.text or previous
        texts.append(previous)
    return texts


def scores(plan: Plan) -> list[tuple]:
    return [(r.overall, [p.score for p in r.priorities]) for r in plan_rollup(plan)]


def import_new(tmp_path, data: bytes, slug: str, *extra: str) -> tuple[Plan, str]:
    path = tmp_path / f"{slug}.xlsx"
    path.write_bytes(data)
    out = StringIO()
    call_command("import_plan", str(path), "--plan", slug, "--create", *extra, stdout=out)
    return Plan.objects.get(slug=slug), out.getvalue()


@pytest.mark.parametrize("one_sheet", [False, True], ids=["sheet per priority", "all on one sheet"])
def test_the_development_plan_rebuilt_as_the_councils_workbook_imports_with_the_same_rows_and_rollups(
    thurrock, tmp_path, one_sheet
):
    data = council_workbook(thurrock, one_sheet=one_sheet)
    plan, output = import_new(tmp_path, data, "thurrock-again", "--title", "Development plan (imported)")

    assert Measure.objects.of_plan(plan).counts_by_priority() == {1: 8, 2: 7, 3: 20, 4: 29, 5: 3, 6: 2, 7: 9, 8: 19}
    assert rows_of(plan) == rows_of(thurrock)
    assert actions_of(plan) == actions_of(thurrock)
    assert scores(plan) == scores(thurrock)
    initial, current, *_ = plan_rollup(plan)
    assert (str(initial.overall), str(current.overall)) == ("2.1", "2.6")
    assert plan.scale.slug == "thurrock-1-5"
    assert [(p.label, p.status) for p in plan.periods.all()] == [
        ("Initial", "closed"),
        ("01/18", "open"),
        ("03/18", "planned"),
        ("05/18", "planned"),
    ]
    assert "97 new rows" in output


def test_times_are_kept_as_written_with_a_due_month_even_when_typed_as_dates(thurrock, tmp_path):
    plan, _ = import_new(tmp_path, council_workbook(thurrock), "thurrock-times")
    original = [(m.time_text, m.due_month, m.due_note) for m in plan_rows(thurrock)]
    imported = [(m.time_text, m.due_month, m.due_note) for m in plan_rows(plan)]
    typed_as_dates = 0
    for (text, month, note), (new_text, new_month, new_note) in zip(original, imported, strict=True):
        assert new_month == month
        if new_text != text:  # the workbook held a real date: it reads back as "Mon-YY"
            typed_as_dates += 1
            assert new_text == month.strftime("%b-%y")
        else:
            assert new_note == note
    assert typed_as_dates >= 3


def test_leads_are_split_into_people_of_the_new_plan_one_record_whatever_the_case(thurrock, tmp_path):
    thurrock_leads = Lead.objects.filter(plan=thurrock).count()
    plan, output = import_new(tmp_path, council_workbook(thurrock), "thurrock-leads")
    assert Lead.objects.filter(plan=thurrock).count() == thurrock_leads  # another plan's leads are not touched
    names = [lead.name for lead in Lead.objects.filter(plan=plan)]
    # a new plan has no aliases yet: the cells' spellings are its leads, "Neale laurie" the same as "Neale Laurie"
    assert {"S Murphy", "Sheila Murphy", "Neale Laurie", "Joe Tynan", "Janet Simon"} <= set(names)
    assert len({name.casefold() for name in names}) == len(names)
    murphy = Lead.objects.get(plan=plan, name="S Murphy")
    assert murphy.measures_led.count() == 6
    assert "New lead records" in output


def test_references_to_recommendations_are_linked_when_the_inspection_is_given(thurrock, tmp_path):
    plan, output = import_new(tmp_path, council_workbook(thurrock), "thurrock-refs", "--inspection", "thurrock-2016")
    linked = {r.number for o in plan.priorities.get(number=1).outcomes.all() for r in o.recommendations.all()}
    assert 14 in linked
    plan2, output2 = import_new(tmp_path, council_workbook(thurrock), "thurrock-norefs")
    assert "Recommendation references not matched" in output2
    assert "Recommendation references not matched" not in output


def test_the_send_plan_rebuilt_as_its_one_sheet_word_rated_workbook_imports_with_the_same_rollup(send_plan, tmp_path):
    plan, _ = import_new(tmp_path, send_workbook(send_plan), "send-again", "--title", "SEND (imported)")
    assert plan.scale.slug == "brag"
    assert plan.priorities.count() == 11
    assert [(m[3], m[4], m[6], m[8]) for m in rows_of(plan)] == [(m[3], m[4], m[6], m[8]) for m in rows_of(send_plan)]
    assert scores(plan) == scores(send_plan)
    assert [p.label for p in plan.periods.all()] == ["Current"]


def test_the_header_row_is_found_under_banner_rows_with_wrapped_names(thurrock):
    contents = read_workbook(council_workbook(thurrock))
    table = contents.tables[0]
    assert table.header_row == 4
    assert table.period_labels == ["Initial", "01/18", "03/18", "05/18"]
    assert (table.priority_number, table.priority_title) == (1, thurrock.priorities.get(number=1).title)
    assert contents.errors == []


def small_workbook(ratings: list[object]) -> bytes:
    from openpyxl import Workbook

    from tests.spreadsheets.workbooks import as_bytes

    book = Workbook()
    sheet = book.active
    sheet.title = "Priority 2"
    sheet.append(["Early help action plan"])
    sheet.append(["Outcome", "Action", "Success Measure(s)", "Lead", "Time", "RAG\nQ1"])
    for index, rating in enumerate(ratings):
        sheet.append(["Families get help early", "Run the hub", f"Measure {index}", "s murphy", "jun", rating])
    return as_bytes(book)


@pytest.mark.parametrize(
    ("ratings", "scale", "levels"),
    [
        (
            [3, " 3", "3.0", 3.0, 0, "", "-", "n/a", "N/A", 5],
            "thurrock-1-5",
            [3, 3, 3, 3, None, None, None, None, None, 5],
        ),
        (["Green", "AMBER", "completed", "red", "-", None], "brag", [3, 2, 4, 1, None, None]),
    ],
    ids=["numbers", "words"],
)
def test_ratings_are_read_in_any_spelling_and_the_scale_is_detected(db, tmp_path, ratings, scale, levels):
    plan, output = import_new(tmp_path, small_workbook(ratings), f"small-{scale}")
    assert plan.scale.slug == scale
    rows = plan_rows(plan)
    read = [(level.value if level else None) for m in rows for level in ratings_of(m, plan.periods.all())]
    assert read == levels
    assert {m.due_note for m in rows} == {"month without a year"}
    assert (plan.priorities.get().number, plan.title) == (2, "Early help action plan")


def test_lead_time_and_rating_cells_merged_over_several_rows_apply_to_each_row(db, tmp_path):
    """Councils merge a Lead, Time or RAG cell down the rows it covers; every row covered gets its value."""
    from openpyxl import Workbook

    from tests.spreadsheets.workbooks import as_bytes

    book = Workbook()
    sheet = book.active
    sheet.title = "Priority 1"
    sheet.append(["Children's Services Improvement Plan"])
    sheet.merge_cells("A1:F1")  # a banner across the columns is not a value for them
    sheet.append(["Outcome", "Action", "Success measure(s)", "Lead", "Time", "RAG\nQ1"])
    for index in range(3):
        sheet.append(["Safer children" if index == 0 else None, "Audit cases", f"Measure {index}"])
    sheet.append([None, None, "Measure 3", "J Cooke", "Sep-18", 2])
    sheet["D3"], sheet["E3"], sheet["F3"] = "S Murphy / J Cooke", "Jan-18", 4
    sheet.merge_cells("D3:D5")
    sheet.merge_cells("E3:E5")
    sheet.merge_cells("F3:F4")
    plan, _output = import_new(tmp_path, as_bytes(book), "merged-cells")

    rows = plan_rows(plan)
    assert [m.text for m in rows] == ["Measure 0", "Measure 1", "Measure 2", "Measure 3"]
    assert [m.lead_text for m in rows] == ["S Murphy / J Cooke"] * 3 + ["J Cooke"]
    assert [m.time_text for m in rows] == ["Jan-18"] * 3 + ["Sep-18"]
    assert [[level.value if level else None for level in ratings_of(m, plan.periods.all())] for m in rows] == [
        [4],
        [4],
        [None],
        [2],
    ]
    assert [sorted(lead.name for lead in m.leads.all()) for m in rows][:3] == [["J Cooke", "S Murphy"]] * 3
    assert plan.title == "Children's Services Improvement Plan"


def test_a_new_plans_records_each_have_one_creation_history_row_with_their_links_as_at_the_import(thurrock, tmp_path):
    """The bulk insert writes what simple-history would: "+" rows naming user and file, links included."""
    from django.utils import timezone

    from plans.board.as_at import load_state_as_at
    from plans.models import Rating

    plan, _output = import_new(tmp_path, council_workbook(thurrock), "history-check", "--user", "owner")
    measures = Measure.objects.of_plan(plan)
    measure = measures.get(text__startswith="Signs of Safety Model is in place")
    (record,) = measure.history.all()
    assert (record.history_type, record.history_user.username) == ("+", "owner")
    assert record.history_change_reason == "Imported from history-check.xlsx"
    assert timezone.now() - record.history_date < timezone.timedelta(minutes=5)
    assert sorted(lead.lead.name for lead in record.leads.all()) == sorted(m.name for m in measure.leads.all())
    ratings = Rating.objects.filter(measure__in=measures)
    assert Rating.history.filter(id__in=ratings.values("id")).count() == ratings.count()
    assert Measure.history.filter(id__in=measures.values("id")).count() == measures.count()
    state = load_state_as_at(plan, timezone.now())
    assert len(state.measures) == measures.count()
    assert [r.overall for r in state.rollups] == [r.overall for r in plan_rollup(plan)]
