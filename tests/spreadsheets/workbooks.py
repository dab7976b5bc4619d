"""Workbooks as councils make them, built in tests from the loaded demo plans (not by our exporter)."""

import io
from datetime import datetime
from itertools import groupby

from openpyxl import Workbook

from plans.models import Measure, Plan


def plan_rows(plan: Plan) -> list[Measure]:
    return list(Measure.objects.of_plan(plan).with_path().prefetch_related("ratings__level", "ratings__period"))


def ratings_of(measure: Measure, periods) -> list:
    by_period = {rating.period_id: rating.level for rating in measure.ratings.all()}
    return [by_period.get(period.pk) for period in periods]


def as_bytes(workbook: Workbook) -> bytes:
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def council_workbook(plan: Plan, *, one_sheet: bool = False) -> bytes:
    """The development plan as the council keeps it: banner rows, wrapped headers, merged outcomes,
    blank "same as above" actions, ratings typed every which way, some times as real dates."""
    periods = list(plan.periods.all())
    workbook = Workbook()
    workbook.remove(workbook.active)
    headers = ["Outcome", "Action", "Success measures", "Lead", "Responsible Officer", "Timeframe"]
    headers += [f"RAG\n{period.label}" for period in periods] + ["Progress update"]
    spellings = [lambda v: v, lambda v: f" {v}", lambda v: f"{v}.0", lambda v: float(v)]
    sheet = None
    count = 0
    for priority, measures in groupby(plan_rows(plan), key=lambda m: m.action.outcome.priority):
        if sheet is None or not one_sheet:
            sheet = workbook.create_sheet("All" if one_sheet else f"P{priority.number}")
            sheet.append([f"{plan.organisation} {plan.title}"])
            sheet.append([] if one_sheet else [f"Priority {priority.number}: {priority.title}"])
            sheet.append([])
            sheet.append((["Priority"] if one_sheet else []) + headers)
        first_row = sheet.max_row + 1
        previous_outcome = previous_action = None
        for measure in measures:
            count += 1
            outcome, action = measure.action.outcome, measure.action
            ratings = []
            for level in ratings_of(measure, periods):
                ratings.append(0 if level is None else spellings[count % 4](level.value))
            time = measure.time_text
            if measure.due_month and count % 3 == 0 and time.endswith("18"):
                time = datetime(measure.due_month.year, measure.due_month.month, 1)
            row = [
                outcome.statement if outcome.pk != previous_outcome else None,
                action.text if action.pk != previous_action else None,
                measure.text,
                measure.lead_text,
                measure.officer_text,
                time,
                *ratings,
                measure.progress_update,
            ]
            sheet.append(([f"{priority.number}. {priority.title}"] if one_sheet else []) + row)
            previous_outcome, previous_action = outcome.pk, action.pk
        merge_outcomes(sheet, first_row, 2 if one_sheet else 1)
        sheet.append([])
        sheet.append(["Notes: ratings are 1-5; 0 means not yet rated."])
    return as_bytes(workbook)


def merge_outcomes(sheet, first_row: int, column: int) -> None:
    """Merge each outcome's cell over its rows, as the council does (the other cells of a merge are blank)."""
    starts = [row for row in range(first_row, sheet.max_row + 1) if sheet.cell(row, column).value is not None]
    for start, end in zip(starts, [*starts[1:], sheet.max_row + 1], strict=True):
        if end - start > 1:
            sheet.merge_cells(start_row=start, start_column=column, end_row=end - 1, end_column=column)


def send_workbook(plan: Plan) -> bytes:
    """The SEND action plan as printed: one sheet, word ratings in any case, one RAG column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "SEND action plan"
    sheet.append(["SEND Peer Review High Level Action Plan"])
    sheet.append(["Update 17/1/2018"])
    sheet.append(["Recommendation", "Actions", "Timeframe", "RAG", "Update 17th January 2018", "Lead"])
    spellings = [str.upper, str.lower, str.title]
    previous = None
    for count, measure in enumerate(plan_rows(plan)):
        (level,) = ratings_of(measure, plan.periods.all())
        outcome = measure.action.outcome
        sheet.append(
            [
                outcome.statement if outcome.pk != previous else None,
                measure.text,
                measure.time_text,
                "" if level is None else spellings[count % 3](level.label),
                measure.progress_update,
                measure.lead_text,
            ]
        )
        previous = outcome.pk
    return as_bytes(workbook)
