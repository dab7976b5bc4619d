"""Stale measures: the one definition, and when each measure was last updated.

A measure is **stale** in a period when it has not been updated in that period
nor in the one before it — "not updated for two or more periods" — or, with a
period before this one, was never rated at all. "Updated" in a period means
rated there with a level different from its previous rating, or with a progress
update that is not empty and differs from the previous one; a measure's first
rating counts as an update. A removed measure is never stale. The dashboard's
and the pack's "Not updated for N periods (stale since …)" challenges and the
portfolio's Stale count both ask `is_stale`.

When each measure was last updated is read from the database in one windowed
query (LAG over each measure's ratings in period order; SQLite 3.25+ and
PostgreSQL both have window functions), for one plan or many at once. The
answer for the periods before the one asked about is kept until one of their
ratings changes (plans.rollup.cache); the asked-for period's own ratings, the
open one's while leads are rating, are compared with it afresh. A plan as it
stood at a past moment (plans.board.as_at) holds every rating in memory and
walks them instead (`last_update_in_memory`); tests check the two agree.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection

from plans.models import Measure, Period, Rating
from plans.rollup.cache import cached, period_versions

STALE_AFTER = 2  # periods without an update


class Latest(NamedTuple):
    """A measure up to some period: when it was last updated, and its latest rating's level and update."""

    updated: int | None  # the order of the period
    level_id: int
    update: str


def is_stale(last_updated: int | None, previous: Period | None) -> bool:
    """Not updated in the current period nor in `previous`, the one before it (the order of the period it was last
    updated in, None when never rated). With no period before the current one nothing is stale yet."""
    return previous is not None and (last_updated is None or last_updated < previous.order)


def periods_without_update(last_updated: int | None, periods: list[Period]) -> int:
    """How many of `periods` (the plan's, up to the current one) came after the last update."""
    return sum(1 for period in periods if last_updated is None or period.order > last_updated)


def last_updates(period: Period) -> dict[int, int]:
    """{measure id: the `order` of the last period up to `period` in which it was updated}; unrated measures absent."""
    return {pk: latest.updated for pk, latest in latest_in([period]).items() if latest.updated is not None}


def latest_in(periods: Iterable[Period]) -> dict[int, Latest]:
    """Each rated measure's Latest up to its plan's period in `periods` (one period per plan, as many plans as
    wanted), in a fixed number of queries."""
    periods = list(periods)
    if not periods:
        return {}
    upto = {period.plan_id: period.order for period in periods}
    before: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for plan_id, pk, order in Period.objects.filter(plan_id__in=list(upto)).values_list("plan_id", "pk", "order"):
        if order < upto[plan_id]:
            before[plan_id].append((pk, order))
    result = latest_upto(
        {plan_id: max(order for _pk, order in found) for plan_id, found in before.items()},
        [pk for found in before.values() for pk, _order in found],
    )
    result = dict(result)
    orders = {period.pk: period.order for period in periods}
    rated = Rating.objects.filter(period_id__in=list(orders)).order_by()
    for measure_id, period_id, level_id, update in rated.values_list("measure_id", "period_id", "level_id", "update"):
        previous = result.get(measure_id)
        updated = previous is None or level_id != previous.level_id or bool(update and update != previous.update)
        result[measure_id] = Latest(orders[period_id] if updated else previous.updated, level_id, update)
    return result


def stale_counts(current: dict[int, Period], previous: dict[int, Period | None]) -> dict[int, int]:
    """{plan id: its measures stale in its current period}, for many plans in a fixed number of queries.

    current / previous: {plan id: the plan's current period / the one before it}.
    """
    latest = latest_in(current.values())
    counts: dict[int, int] = defaultdict(int)
    in_plans = Measure.objects.filter(action__outcome__priority__plan_id__in=list(current)).in_plan()
    for pk, plan_id in in_plans.values_list("pk", "action__outcome__priority__plan_id").order_by():
        if is_stale(latest[pk].updated if pk in latest else None, previous.get(plan_id)):
            counts[plan_id] += 1
    return counts


def last_update_in_memory(ratings: list, orders: list[int]) -> int | None:
    """The order of the last period with an update, walking one measure's ratings (None where not rated) in the
    periods of `orders`, oldest first: the same answer as the windowed query, for a plan held in memory."""
    last, previous = None, None
    for rating, order in zip(ratings, orders, strict=True):
        if rating is None:
            continue
        if (
            previous is None
            or rating.level_id != previous.level_id
            or (rating.update and rating.update != previous.update)
        ):
            last = order
        previous = rating
    return last


def latest_upto(upto: dict[int, int], period_ids: list[int]) -> dict[int, Latest]:
    """Each measure's Latest over its plan's periods up to the order `upto[plan id]` (`period_ids` are those
    periods), cached under their versions."""
    if not upto:
        return {}
    return cached(
        "latest_upto",
        tuple(sorted(upto.items())),
        lambda: _latest_upto(upto),
        version=lambda: sorted(period_versions(period_ids).items()),
    )


def _latest_upto(upto: dict[int, int]) -> dict[int, Latest]:
    rating, periods = Rating._meta.db_table, Period._meta.db_table
    limits = " ".join(["WHEN %s THEN %s"] * len(upto))
    plans = ", ".join(["%s"] * len(upto))
    sql = f"""
        SELECT measure_id,
               MAX(CASE WHEN previous_level IS NULL
                          OR level_id <> previous_level
                          OR (note <> '' AND note <> previous_note)
                        THEN period_order END),
               MAX(CASE WHEN newest = 1 THEN level_id END),
               MAX(CASE WHEN newest = 1 THEN note END)
        FROM (
            SELECT r.measure_id, p."order" AS period_order, r.level_id, r."update" AS note,
                   LAG(r.level_id) OVER by_measure AS previous_level,
                   LAG(r."update") OVER by_measure AS previous_note,
                   ROW_NUMBER() OVER (PARTITION BY r.measure_id ORDER BY p."order" DESC) AS newest
            FROM {rating} r JOIN {periods} p ON p.id = r.period_id
            WHERE p.plan_id IN ({plans}) AND p."order" <= CASE p.plan_id {limits} END
            WINDOW by_measure AS (PARTITION BY r.measure_id ORDER BY p."order")
        ) ratings_in_order
        GROUP BY measure_id
    """  # noqa: S608 — table names from the models, values as parameters
    params = [*upto, *(value for pair in upto.items() for value in pair)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: Latest(*row[1:]) for row in cursor.fetchall()}
