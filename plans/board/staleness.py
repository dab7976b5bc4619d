"""When each measure of a plan was last updated, up to a period: one windowed query.

"Updated" in a period means rated there with a level different from its
previous rating, or with a progress update that is not empty and differs from
the previous one; a measure's first rating counts as an update. The board's
"not updated for two or more periods (stale since …)" challenge reads this.

plans/board/challenges.py can work it out from every period's ratings in memory;
the dashboard and the pack read only the periods they show, so the database
answers instead, reading each rating once (LAG over the measure's ratings in
period order; SQLite 3.25+ and PostgreSQL both have window functions). The
answer for the periods before the one asked about is kept until one of their
ratings changes; the asked-for period's own ratings are compared with it.
"""

from typing import NamedTuple

from django.db import connection

from plans.models import Period, Rating
from plans.rollup.cache import cached, period_versions


class Latest(NamedTuple):
    """A measure up to some period: when it was last updated, and its latest rating's level and update."""

    updated: int | None  # the order of the period
    level_id: int
    update: str


def last_updates(period: Period) -> dict[int, int]:
    """{measure id: the `order` of the last period up to `period` in which it was updated}; unrated measures absent.

    The periods before `period` are read once and kept until one of their
    ratings changes (plans.rollup.cache); `period` itself, the open one
    while leads are rating, is compared with them afresh.
    """
    before = list(Period.objects.filter(plan_id=period.plan_id, order__lt=period.order).values_list("pk", "order"))
    earlier = latest_upto(period.plan_id, max((order for _pk, order in before), default=None), [pk for pk, _ in before])
    result = {pk: latest.updated for pk, latest in earlier.items() if latest.updated is not None}
    rated = Rating.objects.filter(period=period).order_by().values_list("measure_id", "level_id", "update")
    for measure_id, level_id, update in rated:
        previous = earlier.get(measure_id)
        if previous is None or level_id != previous.level_id or (update and update != previous.update):
            result[measure_id] = period.order
    return result


def latest_upto(plan_id: int, order: int | None, period_ids: list[int]) -> dict[int, Latest]:
    """Each measure's Latest over the plan's periods up to `order` (`period_ids`), cached under their versions."""
    if order is None:
        return {}
    return cached(
        "latest_upto",
        (plan_id, order),
        lambda: _latest_upto(plan_id, order),
        version=lambda: sorted(period_versions(period_ids).items()),
    )


def _latest_upto(plan_id: int, order: int) -> dict[int, Latest]:
    rating, periods = Rating._meta.db_table, Period._meta.db_table
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
            WHERE p.plan_id = %s AND p."order" <= %s
            WINDOW by_measure AS (PARTITION BY r.measure_id ORDER BY p."order")
        ) ratings_in_order
        GROUP BY measure_id
    """  # noqa: S608 — table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan_id, order])
        return {row[0]: Latest(*row[1:]) for row in cursor.fetchall()}
