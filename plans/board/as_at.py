"""The plan as it stood at a past moment, read from the simple-history tables.

Each table is read with simple-history's latest_of_each() (what `as_of` does)
on the plan's own rows only: periods and priorities by plan, then outcomes,
actions, measures and ratings by their parents' ids (indexed columns). The
history tables carry a composite (history_date, id) index
(SIMPLE_HISTORY_DATE_INDEX), so the "latest
record before the date" lookups use it instead of scanning the whole table.
Rollups are counted from those rows with the same rule as today's
(plans.rollup.rules.period_rollup). Indicator values are those recorded by the
date (their history); the indicators' own text and the published figures are today's.
"""

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time

from django.utils import timezone

from plans.board.state import PlanState, RatingRow, linked_indicators
from plans.models import (
    Action,
    Measure,
    Outcome,
    Period,
    Plan,
    Priority,
    Rating,
)
from plans.rollup import rules as rollup
from plans.rollup.plan import published_figures


def end_of_day(day: date) -> datetime:
    """The last moment of a day in the site's time zone: "as at 1 March" includes 1 March's changes."""
    return timezone.make_aware(datetime.combine(day, time.max))


def _as_of(model, when: datetime, **filters) -> list:
    """The model's rows as they were at `when`, among those matching the filters (deleted ones dropped)."""
    return list(model.history.filter(history_date__lte=when, **filters).latest_of_each().as_instances())


def load_state_as_at(plan: Plan, when: datetime, window: Callable[[list], list] | None = None) -> PlanState:
    """The same PlanState as plans.board.state.load_state, as the plan stood at `when`.

    `window` picks the periods to load ratings and rollups for (the plan page's
    recent periods); the state's all_periods keeps every period.
    """
    all_periods = sorted(_as_of(Period, when, plan_id=plan.pk), key=lambda p: p.order)
    periods = window(all_periods) if window else all_periods
    priorities = {p.pk: p for p in _as_of(Priority, when, plan_id=plan.pk)}
    outcomes = {o.pk: o for o in _as_of(Outcome, when, priority_id__in=list(priorities))}
    actions = {a.pk: a for a in _as_of(Action, when, outcome_id__in=list(outcomes))}
    measures = _as_of(Measure, when, action_id__in=list(actions))
    for outcome in outcomes.values():
        outcome.priority = priorities[outcome.priority_id]
    for action in actions.values():
        action.outcome = outcomes[action.outcome_id]
    for measure in measures:
        measure.action = actions[measure.action_id]
    measures.sort(
        key=lambda m: (
            m.action.outcome.priority.number,
            m.action.outcome.order,
            m.action.outcome_id,
            m.action.order,
            m.action_id,
            m.order,
            m.pk,
        )
    )
    levels = list(plan.scale.levels.all())
    by_level = {level.pk: level for level in levels}
    measure_ids = {m.pk for m in measures}
    ratings = {}
    rows = (
        Rating.history.filter(history_date__lte=when, period_id__in=[p.pk for p in periods])
        .latest_of_each()
        .exclude(history_type="-")  # rated then deleted by then: not rated
        .values_list("measure_id", "period_id", "level_id", "reason", "update", "status")
    )
    for measure_id, period_id, level_id, reason, update, status in rows:  # rows, not instances: 6,000 of them
        if measure_id in measure_ids:
            ratings[(measure_id, period_id)] = RatingRow(
                measure_id, period_id, by_level[level_id], reason, update, status
            )
    indicators = linked_indicators(as_at=when, id__in=measure_ids)
    published = published_figures(plan, periods)
    return PlanState(
        plan=plan,
        periods=periods,
        levels=levels,
        measures=measures,
        ratings=ratings,
        rollups=_rollups(
            periods,
            sorted(priorities.values(), key=lambda p: p.number),
            levels,
            measures,
            ratings,
            averaged=plan.scale.mean_is_meaningful,
        ),
        published=published,
        indicators=indicators,
        as_at=when,
        all_periods=all_periods,
    )


def _rollups(periods, priorities, levels, measures, ratings, averaged: bool = True) -> list[rollup.PeriodRollup]:
    rule_levels = [rollup.Level(level.value, level.label) for level in levels]
    number_of = {m.pk: m.action.outcome.priority.number for m in measures}
    measure_counts = Counter(number_of.values())
    result = []
    for period in periods:
        counts = Counter(
            (number_of[measure_id], rating.level.value)
            for (measure_id, period_id), rating in ratings.items()
            if period_id == period.pk
        )
        result.append(
            rollup.period_rollup(
                period.label, [(p.number, p.title) for p in priorities], rule_levels, counts, measure_counts, averaged
            )
        )
    return result
