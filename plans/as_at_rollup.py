"""A plan's rollup as it stood at a moment: read from the history tables, in a fixed number of queries.

"What did the plan say on 1 March?" Every change to a rating or a measure left a
history row (simple-history), so the plan as at a moment is, for each rating
and each measure, its latest history row dated at or before that moment —
unless that row records a deletion. Both are found with one grouped query per
table: MAX(history_id) per object among the rows up to the moment (history ids
rise with history dates, as every row is written at the time of the change),
restricted to the plan's periods or measures through indexed columns, and then
counted in the database exactly as the live rollup counts the live tables.

The plan's periods, priorities and scale are read as they are now: a rollup is
laid out in today's structure, with yesterday's ratings.
"""

from datetime import datetime

from django.db.models import Count, Max

from plans import rollup
from plans.models import Measure, Period, Plan, Rating

DELETED = "-"


def ratings_as_at(plan: Plan, when: datetime, periods: list[Period]):
    """The latest history row of every rating of these periods at `when`, deletions left out (a queryset)."""
    history = Rating.history.model.objects
    latest = (
        history.filter(period_id__in=[period.pk for period in periods], history_date__lte=when)
        .order_by()
        .values("id")
        .annotate(last=Max("history_id"))
        .values("last")
    )
    return history.filter(history_id__in=latest).exclude(history_type=DELETED)


def measures_as_at(plan: Plan, when: datetime):
    """The latest history row of every measure of the plan at `when`, deletions left out (a queryset)."""
    history = Measure.history.model.objects
    latest = (
        history.filter(action__outcome__priority__plan=plan, history_date__lte=when)
        .order_by()
        .values("id")
        .annotate(last=Max("history_id"))
        .values("last")
    )
    return history.filter(history_id__in=latest).exclude(history_type=DELETED)


def level_counts_as_at(plan: Plan, when: datetime, periods: list[Period]) -> dict[tuple[int, int, int], int]:
    """{(period id, priority number, level value): ratings} as at `when`, in one grouped query."""
    rows = (
        ratings_as_at(plan, when, periods)
        .values("period_id", "measure__action__outcome__priority__number", "level__value")
        .annotate(n=Count("history_id"))
        .order_by()
    )
    return {
        (row["period_id"], row["measure__action__outcome__priority__number"], row["level__value"]): row["n"]
        for row in rows
    }


def measure_counts_as_at(plan: Plan, when: datetime) -> dict[int, int]:
    """{priority number: measures} as at `when`, in one grouped query."""
    rows = (
        measures_as_at(plan, when)
        .values("action__outcome__priority__number")
        .annotate(n=Count("history_id"))
        .order_by()
    )
    return {row["action__outcome__priority__number"]: row["n"] for row in rows}


def plan_rollup_as_at(plan: Plan, when: datetime, periods: list[Period] | None = None) -> list[rollup.PeriodRollup]:
    """Rollups of every period of the plan as they stood at `when`; five queries whatever the plan's size."""
    if periods is None:
        periods = list(plan.periods.all())
    priorities = list(plan.priorities.values_list("number", "title"))
    levels = [rollup.Level(value, label) for value, label in plan.scale.levels.values_list("value", "label")]
    counts = level_counts_as_at(plan, when, periods)
    measures = measure_counts_as_at(plan, when)
    result = []
    for period in periods:
        in_period = {(number, value): n for (period_id, number, value), n in counts.items() if period_id == period.pk}
        result.append(rollup.period_rollup(period.label, priorities, levels, in_period, measures))
    return result
