"""A plan's data as flat tables for other tools (BI, spreadsheets): rollup, measures, ratings.

Each dataset is a list of columns and its rows (dicts keyed by column), read
in a fixed number of queries whatever the plan's size. The measures and the
ratings are whole-plan downloads (36,000 ratings for a 1,000-measure plan of
36 periods): their rows are an iterator over database cursors read in chunks
(QuerySet.iterator), made as the response is sent, so a download's memory does
not grow with the plan. The API views (plans/api/views.py) stream them as
JSON or CSV (Dataset.csv); the ratings write their CSV lines themselves, from
cells rendered once for each measure, period and level they name.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from django.db.models import TextField, Value
from django.db.models.functions import Cast

from plans.api.csv_safety import csv_cell, csv_cells, iter_csv, iter_lines
from plans.models import Level, Measure, Plan, Rating
from plans.models.querysets import PATH_ORDER
from plans.rollup.plan import plan_rollup, rollup_as_dict

CHUNK = 2000  # rows fetched from the database at a time


@dataclass(frozen=True)
class Dataset:
    name: str
    columns: list[str]
    rows: Iterable[dict]  # a list, or (measures, ratings) an iterator to be read once
    lines: Iterable[str] | None = None  # the rows as CSV lines, when the dataset writes them faster itself

    def csv(self) -> Iterator[str]:
        """The dataset as a CSV document, in pieces (csv_safety): every cell that looks like a formula escaped."""
        if self.lines is not None:
            return iter_lines(self.columns, self.lines)
        return iter_csv(self.columns, ([row.get(column) for column in self.columns] for row in self.rows))


MEASURE_COLUMNS = [
    "measure_id",
    "priority_id",
    "priority_number",
    "outcome_id",
    "outcome",
    "action_id",
    "action",
    "measure",
    "lead",
    "officer",
    "time",
    "due_month",
    "removed",
    "progress_update",
]

RATING_COLUMNS = [
    "rating_id",
    "measure_id",
    "priority_number",
    "measure",
    "period",
    "period_order",
    "level_value",
    "level_label",
    "status",
    "reason",
    "update",
    "updated",
]


def measures(plan: Plan) -> Dataset:
    """One row per success measure, in plan order, with a `rating <period>` column per period holding the level's
    value (None when not rated): three queries, the rows made as they are read."""
    periods = list(plan.periods.order_by("order").values_list("pk", "label"))
    columns = MEASURE_COLUMNS + [f"rating {label}" for _pk, label in periods]
    return Dataset("measures", columns, _measure_rows(plan, periods))


def _measure_rows(plan: Plan, periods: list[tuple[int, str]]) -> Iterator[dict]:
    """The measures in plan order, each with its ratings: the ratings are read in the same order and merged in
    as the two cursors advance, so no more than a chunk of either is held."""
    ratings = groupby(
        Rating.objects.of_plan(plan)
        .order_by(*(f"measure__{field}" for field in PATH_ORDER))
        .values_list("measure_id", "period_id", "level__value")
        .iterator(chunk_size=CHUNK),
        key=lambda row: row[0],
    )
    pending = next(ratings, None)
    for m in Measure.objects.of_plan(plan).with_path().iterator(chunk_size=CHUNK):
        levels = {}
        if pending is not None and pending[0] == m.pk:
            levels = {period_id: value for _measure_id, period_id, value in pending[1]}
            pending = next(ratings, None)
        yield {
            "measure_id": m.pk,
            "priority_id": m.action.outcome.priority_id,
            "priority_number": m.action.outcome.priority.number,
            "outcome_id": m.action.outcome_id,
            "outcome": m.action.outcome.statement,
            "action_id": m.action_id,
            "action": m.action.text,
            "measure": m.text,
            "lead": m.lead_text,
            "officer": m.officer_text,
            "time": m.time_text,
            "due_month": m.due_month.isoformat() if m.due_month else None,
            "removed": m.removed,
            "progress_update": m.progress_update,
            **{f"rating {label}": levels.get(pk) for pk, label in periods},
        }


def ratings(plan: Plan) -> Dataset:
    """One row per rating (a measure's level in a period), by period then measure, made as read, in two queries:
    the ratings read narrow (their own fields, and ids for the rest), and what those ids name (_named) read once,
    so that a measure's text is not read again with each of its 36 ratings. The CSV writes its lines itself from
    the same two queries, each measure's, period's and level's cells rendered once (csv_safety.csv_cells)."""
    return Dataset("ratings", RATING_COLUMNS, _rating_rows(plan), lines=_rating_lines(plan))


def _rating_rows(plan: Plan) -> Iterator[dict]:
    measures, periods, levels = _named(plan)
    for pk, measure_id, period_id, level_id, status, reason, update, updated in _rating_values(plan):
        values = (pk, *measures[measure_id], *periods[period_id], *levels[level_id], status, reason, update)
        yield dict(zip(RATING_COLUMNS, (*values, iso_from_utc_text(updated)), strict=True))


def _rating_lines(plan: Plan) -> Iterator[str]:
    """_rating_rows as CSV lines (csv_safety.iter_lines), byte for byte what iter_csv writes of them."""
    measures, periods, levels = ({pk: csv_cells(cells) for pk, cells in named.items()} for named in _named(plan))
    for pk, measure_id, period_id, level_id, status, reason, update, updated in _rating_values(plan):
        # The time (iso_from_utc_text) is digits, dashes, colons and a dot: nothing to escape or quote.
        yield (
            f"{pk},{measures[measure_id]},{periods[period_id]},{levels[level_id]},{csv_cell(status)},"
            f"{csv_cell(reason) if reason else ''},{csv_cell(update) if update else ''},"
            f"{iso_from_utc_text(updated)}\r\n"
        )


def _rating_values(plan: Plan) -> Iterator[tuple]:
    """The plan's ratings by period then measure as (id, measure id, period id, level id, status, reason, update,
    updated as text), read in chunks."""
    return (
        Rating.objects.of_plan(plan)
        .order_by("period__order", "measure_id")
        # The time as the database writes it: on PostgreSQL Django's time-zone loader costs 3 µs a value.
        .annotate(updated_text=Cast("updated", output_field=TextField()))
        .values_list("pk", "measure_id", "period_id", "level_id", "status", "reason", "update", "updated_text")
        .iterator(chunk_size=CHUNK)
    )


Named = dict[int, tuple]


def _named(plan: Plan) -> tuple[Named, Named, Named]:
    """What a rating row names by id, as its columns: {measure id: (measure_id, priority_number, measure)},
    {period id: (period, period_order)}, {level id: (level_value, level_label)}, in one query (UNION ALL of
    the three, each as kind, id, a number and a text)."""
    measures = Measure.objects.of_plan(plan).values_list(Value(0), "pk", "action__outcome__priority__number", "text")
    periods = plan.periods.values_list(Value(1), "pk", "order", "label")
    levels = Level.objects.filter(scale_id=plan.scale_id).values_list(Value(2), "pk", "value", "label")
    named: tuple[Named, Named, Named] = ({}, {}, {})
    for kind, pk, number, text in measures.order_by().union(periods.order_by(), levels.order_by(), all=True):
        named[kind][pk] = (pk, number, text) if kind == 0 else (text, number) if kind == 1 else (number, text)
    return named


def iso_from_utc_text(text: str) -> str:
    """A UTC time as the database writes it as text ("2026-12-06 13:47:28.12+00" on PostgreSQL, whose session
    is in UTC; "2026-12-06 13:47:28.120000" on SQLite, which stores UTC) as datetime.isoformat() writes the
    same time read as an aware datetime: "2026-12-06T13:47:28.120000+00:00"."""
    day, _, time = text.removesuffix("+00").partition(" ")
    whole, dot, fraction = time.partition(".")
    return f"{day}T{whole}{dot}{fraction.ljust(6, '0') if dot else ''}+00:00"


def rollup(plan: Plan) -> tuple[dict, Dataset]:
    """The rollup as `manage.py rollup --json` prints it, and flattened: one row per period and priority.

    The flat table has an "overall" row per period (priority_number blank) and
    one column per scale level ("level Red") with the number of measures rated at it.
    """
    rollups = plan_rollup(plan)
    as_dict = rollup_as_dict(plan, rollups)
    labels = list(rollups[0].distribution) if rollups else []
    columns = ["period", "priority_number", "priority", "score", "rated", "measures", *(f"level {x}" for x in labels)]
    rows = []
    for period, period_dict in zip(rollups, as_dict["periods"], strict=True):
        for p, p_dict in zip(period.priorities, period_dict["priorities"], strict=True):
            rows.append(
                {
                    "period": period.label,
                    "priority_number": p.number,
                    "priority": p.title,
                    "score": p_dict["score"],
                    "rated": p.rated,
                    "measures": p.measures,
                    **{f"level {label}": n for label, n in p.distribution.items()},
                }
            )
        rows.append(
            {
                "period": period.label,
                "priority_number": None,
                "priority": "Overall",
                "score": period_dict["overall"],
                "rated": period.rated,
                "measures": period.measures,
                **{f"level {label}": n for label, n in period.distribution.items()},
            }
        )
    return as_dict, Dataset("rollup", columns, rows)
