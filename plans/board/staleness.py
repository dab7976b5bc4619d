"""Stale measures: the one definition, and when each measure was last updated.

A measure is **stale** in a period when it has not been updated in that period
nor in the one before it — "not updated for two or more periods" — or, with a
period before this one, was never rated at all. "Updated" in a period means
rated there with a level different from its previous rating, or with a progress
update that is not empty and differs from the previous one; a measure's first
rating counts as an update. A removed measure is never stale. The dashboard's
and the pack's "Not updated for N periods (stale since …)" challenges and the
portfolio's Stale count both ask `is_stale`.

When each measure was last updated is read from the database for one plan or
many at once: the ratings of the last few periods settle most measures (a
change between two of them is the last update), and the rest have their whole
history walked by one windowed query (LAG over each measure's ratings in
period order; SQLite 3.25+ and PostgreSQL both have window functions). A plan
as it stood at a past moment (plans.board.as_at) holds every rating in memory
and walks them instead (`last_update_in_memory`); tests check the two agree,
however the measures divide between settled and walked.
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
    wanted), in a fixed number of queries.

    Most measures settle from the ratings of the last RECENT periods alone: a change between two of them is
    the last update, whatever came before. Only the others (unchanged or unrated over those periods, or first
    rated there) need their whole history, read for them alone by the windowed query: on an empty cache the
    dashboard's plan of 36 periods no longer walks all 36,000 of its ratings.
    """
    periods = list(periods)
    if not periods:
        return {}
    walks, _oldest, period_ids = _recent(periods)
    result: dict[int, Latest] = {}
    for measure_id, walk in walks.items():
        if (settled := _settled(walk)) is not None:
            result[measure_id] = settled
    upto = {period.plan_id: period.order for period in periods}
    settled = sorted(result)
    walked = cached(
        "latest_upto",
        (tuple(sorted(upto.items())), tuple(settled)),
        lambda: _latest_upto(upto, but=settled),
        version=lambda: sorted(period_versions(period_ids).items()),
    )
    return walked | result  # the settled measures' own answer, should the walk have taken them too


RECENT = 3  # periods read for every measure; most settle within them
MOST_NAMED = 5000  # unsettled measures named in the windowed query; beyond that it walks every measure

Walk = list[tuple[int, int, str]]  # a measure's ratings as (period order, level id, update), oldest first


def _recent(periods: list[Period]) -> tuple[dict[int, Walk], dict[int, int], list[int]]:
    """({measure id: its ratings in its plan's last RECENT periods up to the one in `periods`}, {plan id: the
    order of the oldest of those periods}, the ids of every period up to the ones in `periods`), in two queries."""
    asked = {period.plan_id: period for period in periods}
    by_plan: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for plan_id, pk, order in Period.objects.filter(plan_id__in=list(asked)).values_list("plan_id", "pk", "order"):
        if order <= asked[plan_id].order:
            by_plan[plan_id].append((order, pk))
    recent: dict[int, int] = {}  # period id → order
    oldest: dict[int, int] = {}
    for plan_id, found in by_plan.items():
        kept = sorted(found)[-RECENT:]
        recent.update((pk, order) for order, pk in kept)
        oldest[plan_id] = kept[0][0]
    upto_ids = [pk for found in by_plan.values() for _order, pk in found]
    walks: dict[int, Walk] = defaultdict(list)
    rated = Rating.objects.filter(period_id__in=list(recent)).order_by()
    for measure_id, period_id, level_id, update in rated.values_list("measure_id", "period_id", "level_id", "update"):
        walks[measure_id].append((recent[period_id], level_id, update))
    for walk in walks.values():
        walk.sort()
    return walks, oldest, upto_ids


def _settled(walk: Walk) -> Latest | None:
    """Latest from a measure's ratings in the recent periods (oldest first), if they decide it: the last change
    between two of them. None when its last update may lie further back."""
    updated = None
    for (_order, level_id, update), (order, later_level, later_update) in zip(walk, walk[1:], strict=False):
        if later_level != level_id or (later_update and later_update != update):
            updated = order
    if updated is None:
        return None
    _order, level_id, update = walk[-1]
    return Latest(updated, level_id, update)


def stale_counts(current: dict[int, Period], previous: dict[int, Period | None]) -> dict[int, int]:
    """{plan id: its measures stale in its current period}, for many plans in a fixed number of queries.

    current / previous: {plan id: the plan's current period / the one before it}. A measure unchanged over
    the recent periods since the oldest of them (or not rated in them at all) was last updated no later than
    that oldest period: when that is before `previous` it is stale without walking back further. Only the
    rest of the unsettled measures (first rated within the recent periods) have their history walked.
    """
    if not current:
        return {}
    walks, oldest, _upto_ids = _recent(list(current.values()))
    counts: dict[int, int] = defaultdict(int)
    unknown: dict[int, int] = {}  # measure id → plan id
    in_plans = Measure.objects.filter(action__outcome__priority__plan_id__in=list(current)).in_plan()
    for pk, plan_id in in_plans.values_list("pk", "action__outcome__priority__plan_id").order_by():
        before = previous.get(plan_id)
        walk = walks.get(pk)
        settled = _settled(walk) if walk else None
        if settled is not None:
            stale = is_stale(settled.updated, before)
        elif before is not None and oldest[plan_id] < before.order and (not walk or walk[0][0] == oldest[plan_id]):
            stale = True  # last updated (if ever) no later than the oldest recent period: before `before`
        else:
            unknown[pk] = plan_id
            continue
        counts[plan_id] += stale
    walked = _latest_upto({plan_id: period.order for plan_id, period in current.items()}, measure_ids=list(unknown))
    for pk, plan_id in unknown.items():
        counts[plan_id] += is_stale(walked[pk].updated if pk in walked else None, previous.get(plan_id))
    return {plan_id: n for plan_id, n in counts.items() if n}


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


def _latest_upto(
    upto: dict[int, int], measure_ids: list[int] | None = None, but: list[int] | None = None
) -> dict[int, Latest]:
    """Latest of each measure of the plans (of `measure_ids` only, or all `but` those) over its plan's periods
    up to the order `upto[plan id]`, walking every rating of theirs with LAG in one windowed query (SQLite
    3.25+ and PostgreSQL). Beyond MOST_NAMED ids it walks every measure of the plans (SQLite takes at most
    32,766 parameters), which answers for those named too."""
    if measure_ids is not None and not measure_ids:
        measure_ids = [0]  # no measure has id 0: the query still runs, so the count stays what it is
    rating, periods = Rating._meta.db_table, Period._meta.db_table
    limits = " ".join(["WHEN %s THEN %s"] * len(upto))
    plans = ", ".join(["%s"] * len(upto))
    named, test = (measure_ids, "IN") if measure_ids is not None else (but or [], "NOT IN")
    if len(named) > MOST_NAMED:
        named = []
    measures = f"AND r.measure_id {test} ({', '.join(['%s'] * len(named))})" if named else ""
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
            WHERE p.plan_id IN ({plans}) AND p."order" <= CASE p.plan_id {limits} END {measures}
            WINDOW by_measure AS (PARTITION BY r.measure_id ORDER BY p."order")
        ) ratings_in_order
        GROUP BY measure_id
    """  # noqa: S608 — table names from the models, values as parameters
    params = [*upto, *(value for pair in upto.items() for value in pair), *named]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: Latest(*row[1:]) for row in cursor.fetchall()}
