"""When each measure of a plan was last updated, up to a period: one windowed query.

"Updated" in a period means rated there with a level different from its
previous rating, or with a progress update that is not empty and differs from
the previous one; a measure's first rating counts as an update. The board's
"not updated for two or more periods (stale since …)" challenge reads this.

plans/challenges.py can work it out from every period's ratings in memory;
the dashboard and the pack read only the periods they show, so the database
answers instead, reading each rating once (LAG over the measure's ratings in
period order; SQLite 3.25+ and PostgreSQL both have window functions).
"""

from django.db import connection

from plans.aggregate_cache import cached
from plans.models import Period, Rating


def last_updates(period: Period) -> dict[int, int]:
    """{measure id: the `order` of the last period up to `period` in which it was updated}; unrated measures absent.

    Kept until plan data changes (plans.aggregate_cache).
    """
    return cached("last_updates", (period.plan_id, period.order), lambda: _last_updates(period))


def _last_updates(period: Period) -> dict[int, int]:
    rating, periods = Rating._meta.db_table, Period._meta.db_table
    sql = f"""
        SELECT measure_id,
               MAX(CASE WHEN previous_level IS NULL
                          OR level_id <> previous_level
                          OR (note <> '' AND note <> previous_note)
                        THEN period_order END)
        FROM (
            SELECT r.measure_id, p."order" AS period_order, r.level_id, r."update" AS note,
                   LAG(r.level_id) OVER by_measure AS previous_level,
                   LAG(r."update") OVER by_measure AS previous_note
            FROM {rating} r JOIN {periods} p ON p.id = r.period_id
            WHERE p.plan_id = %s AND p."order" <= %s
            WINDOW by_measure AS (PARTITION BY r.measure_id ORDER BY p."order")
        ) ratings_in_order
        GROUP BY measure_id
    """  # noqa: S608 — table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [period.plan_id, period.order])
        return dict(cursor.fetchall())
