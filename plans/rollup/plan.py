"""A plan's rollup for every period, read from the database in a fixed number of queries."""

from collections import defaultdict

from plans.models import Measure, Period, Plan, PublishedScore, Rating
from plans.rollup import rules as rollup
from plans.rollup.cache import Keeping, cached_per_period


def plan_rollup(plan: Plan, periods: list[Period] | None = None) -> list[rollup.PeriodRollup]:
    """Rollups of every period of the plan (or of the periods given), in order.

    Five queries whatever the plan's size: periods, priorities, levels, the
    grouped rating counts and the measure counts per priority; outside a
    transaction one more, for the periods' data versions, and only the
    periods whose ratings changed are counted again; a closed period the
    cache has lost is read back from the database (plans.rollup.cache).
    """
    if periods is None:
        periods = list(plan.periods.all())
    numbered = list(plan.priorities.values_list("pk", "number", "title"))
    priorities = [(number, title) for _pk, number, title in numbered]
    scale = list(plan.scale.levels.values_list("pk", "value", "label"))
    levels = [rollup.Level(value, label) for _pk, value, label in scale]
    by_period = by_value(
        period_counts(periods),
        {pk: number for pk, number, _title in numbered},
        {pk: value for pk, value, _label in scale},
    )
    measures = Measure.objects.of_plan(plan).counts_by_priority()
    averaged = plan.scale.mean_is_meaningful
    return [
        rollup.period_rollup(period.label, priorities, levels, by_period[period.pk], measures, averaged)
        for period in periods
    ]


Counts = dict[tuple[int, int], int]  # {(priority id, level id): approved ratings}


def period_counts(periods: list[Period]) -> dict[int, Counts]:
    """{period id: {(priority id, level id): approved ratings}}: one grouped query for the periods whose
    ratings changed since they were last counted, the cache for the rest, and for closed periods the counts
    kept in the database when the cache has lost them (plans.rollup.cache). `by_value` turns the ids into the
    priorities' numbers and the levels' values, as the rollup rules count them."""

    def count(ids: list[int]) -> dict[int, Counts]:
        by_period = counts_by_period(Rating.objects.filter(period_id__in=ids).counted().level_counts())
        return {pk: by_period.get(pk, {}) for pk in ids}

    keeping = Keeping(frozenset(period.pk for period in periods if period.is_closed), _encode, _decode)
    return cached_per_period("period_counts_by_ids", [period.pk for period in periods], count, keeping)


def _encode(counts: Counts) -> list[list[int]]:
    return [[priority_id, level_id, n] for (priority_id, level_id), n in counts.items()]


def _decode(rows: list[list[int]]) -> Counts:
    return {(priority_id, level_id): n for priority_id, level_id, n in rows}


def by_value(
    by_period: dict[int, dict[tuple[int, int], int]], numbers: dict[int, int], values: dict[int, int]
) -> dict[int, dict[tuple[int, int], int]]:
    """period_counts keyed by (priority number, level value): {priority id: number}, {level id: value}."""
    return {
        period_id: {(numbers[priority_id], values[level_id]): n for (priority_id, level_id), n in counts.items()}
        for period_id, counts in by_period.items()
    }


def counts_by_period(counts: dict[tuple[int, int, int], int]) -> dict[int, dict[tuple[int, int], int]]:
    """Grouped counts {(period id, priority id, level id): n} split per period, in one pass."""
    by_period: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
    for (period_id, priority_id, level_id), n in counts.items():
        by_period[period_id][(priority_id, level_id)] = n
    return by_period


def published_figures(plan: Plan, periods=None) -> dict:
    """{(period id, priority number or None for overall): score} as the council printed them, in one query."""
    scores = PublishedScore.objects.filter(plan=plan).select_related("priority")
    if periods is not None:
        scores = scores.filter(period__in=periods)
    return {(s.period_id, s.priority.number if s.priority else None): s.score for s in scores}


def rollup_as_dict(plan: Plan, rollups: list[rollup.PeriodRollup]) -> dict:
    """The JSON shape of `manage.py rollup --json`: scores as one-decimal strings or None (always None on a scale
    whose mean is not meaningful), and the count at each word ("6 Completed, 3 Green, 2 Amber")."""

    def text(value):
        return None if value is None else str(value)

    return {
        "plan": plan.slug,
        "mean_is_meaningful": rollups[0].averaged if rollups else plan.scale.mean_is_meaningful,
        "periods": [
            {
                "label": period.label,
                "overall": text(period.overall),
                "counts": period.counts_text,
                "distribution": period.distribution,
                "priorities": [
                    {
                        "number": p.number,
                        "title": p.title,
                        "score": text(p.score),
                        "counts": p.counts_text,
                        "rated": p.rated,
                        "measures": p.measures,
                    }
                    for p in period.priorities
                ],
            }
            for period in rollups
        ],
    }
