"""The rollups of many plans at once, read from the database in five grouped queries.

The multi-plan form of plans/rollup/plan.py: the same grouped counts (plans/models/querysets.py), fetched
for all the plans together and split per plan in Python, then rolled up by the
same pure rules (plans/rollup.period_rollup). A page that lists plans (the
portfolio) therefore costs the same number of queries for one plan or fifty.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from plans.models import Level, Measure, Period, Plan, Priority
from plans.rollup import rules as rollup
from plans.rollup.plan import by_value, period_counts


@dataclass(frozen=True)
class ScaleLevel:
    """A level of a plan's scale as the portfolio needs it: its number, word and colour."""

    value: int
    label: str
    colour: str


@dataclass(frozen=True)
class PlanRollups:
    """One plan's periods (in order), its scale's levels and the rollup of every period."""

    periods: list[Period]
    levels: list[ScaleLevel]
    rollups: list[rollup.PeriodRollup]
    averaged: bool = True  # the scale's mean_is_meaningful


def periods_to_current(plan: Plan, periods: list[Period], size: int) -> list[Period]:
    """The `size` periods ending at the plan's current one (Plan.current_period)."""
    current = plan.current_period(periods)
    end = periods.index(current) + 1 if current is not None else 0
    return periods[max(0, end - size) : end]


def plans_rollup(plans: Iterable[Plan], recent: int | None = None) -> dict[int, PlanRollups]:
    """{plan id: its periods, levels and per-period rollups}, in five queries whatever the number of plans.

    Queries: periods, priorities, levels, the grouped rating counts and the
    grouped measure counts. Each plan's figures equal plan_rollup(plan).
    With `recent`, only each plan's `recent` periods up to its current one
    are rolled up (the portfolio's trend): ten plans of 36 monthly periods
    are 360,000 ratings to count, a year of them a third of that. Outside a
    transaction one query more reads the periods' data versions, and only
    the periods whose ratings changed are counted; a closed period the cache
    has lost is read back from the database (plans.rollup.cache).
    """
    plans = list(plans)
    plan_ids = [plan.pk for plan in plans]
    if not plan_ids:
        return {}
    periods: dict[int, list[Period]] = defaultdict(list)
    for period in Period.objects.filter(plan_id__in=plan_ids).order_by("plan_id", "order"):
        periods[period.plan_id].append(period)
    priorities: dict[int, list[tuple[int, str]]] = defaultdict(list)
    numbers: dict[int, int] = {}  # priority id → number
    for pk, plan_id, number, title in (
        Priority.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "number")
        .values_list("pk", "plan_id", "number", "title")
    ):
        priorities[plan_id].append((number, title))
        numbers[pk] = number
    levels: dict[int, list[ScaleLevel]] = defaultdict(list)
    averaged: dict[int, bool] = {}
    values: dict[int, int] = {}  # level id → value
    for pk, scale_id, value, label, colour, meaningful in (
        Level.objects.filter(scale_id__in={plan.scale_id for plan in plans})
        .order_by("scale_id", "value")
        .values_list("pk", "scale_id", "value", "label", "colour", "scale__mean_is_meaningful")
    ):
        levels[scale_id].append(ScaleLevel(value, label, colour))
        averaged[scale_id] = meaningful
        values[pk] = value
    if recent is not None:
        by_id = {plan.pk: plan for plan in plans}
        periods = defaultdict(
            list, {plan_id: periods_to_current(by_id[plan_id], found, recent) for plan_id, found in periods.items()}
        )
    by_period = by_value(period_counts([period for found in periods.values() for period in found]), numbers, values)
    measures = Measure.objects.filter(action__outcome__priority__plan_id__in=plan_ids).counts_by_plan_and_priority()

    result = {}
    for plan in plans:
        plan_levels = levels[plan.scale_id]
        rule_levels = [rollup.Level(level.value, level.label) for level in plan_levels]
        plan_averaged = averaged.get(plan.scale_id, True)
        result[plan.pk] = PlanRollups(
            periods=periods[plan.pk],
            levels=plan_levels,
            rollups=[
                rollup.period_rollup(
                    period.label,
                    priorities[plan.pk],
                    rule_levels,
                    by_period[period.pk],
                    measures.get(plan.pk, {}),
                    plan_averaged,
                )
                for period in periods[plan.pk]
            ],
            averaged=plan_averaged,
        )
    return result
