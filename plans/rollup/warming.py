"""Warming the cached per-period figures after a change that outdates them all (plans.rollup.cache).

A rating saved in the open period recounts that period alone on the next
request. A structural change (a measure, action, outcome or priority saved or
deleted, rows added) or a period opened, closed or reopened moves the version
of every period, so the next board page, portfolio or plan page would count
every period of every plan again: the slow "empty cache" path. Once such a
change commits, the counts are made again at once, off the next reader's time:

- with a cache shared by every process (REDIS_URL), by the background worker
  (`manage.py run_worker`), so the owner who made the change does not wait;
- with each process's own memory (the default), in the process that made the
  change, after its response's data is committed: a job in the worker's memory
  would warm nothing the web processes can read.

Either way the closed periods' counts made then are kept in the database too
(plans.rollup.cache; on PostgreSQL when no other write is under way), where
every other process reads them back.
"""

from django.conf import settings
from django.db import transaction
from django_tasks import task


def warm_after_commit() -> None:
    """Once the current transaction commits (at once outside one), make every plan's period counts again.

    Asked for many times in one transaction (an import saving hundreds of rows), it warms once."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _warm_here_or_in_the_worker for _savepoints, func, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_warm_here_or_in_the_worker)


def shared_cache() -> bool:
    return not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def _warm_here_or_in_the_worker() -> None:
    if shared_cache():
        warm_period_counts.enqueue()
    else:
        warm()


@task()
def warm_period_counts() -> str:
    """The worker's side of warm_after_commit."""
    return warm()


def warm() -> str:
    """Every period of every plan counted into the cache (one grouped query over the periods not cached), and
    the portfolio's overdue and stale counts of every plan (plans.portfolio.summary), as of today."""
    from django.utils import timezone

    from plans.models import Plan
    from plans.portfolio.summary import summarise
    from plans.rollup.plans import plans_rollup

    plans = list(Plan.objects.select_related("scale"))
    plans_rollup(plans)
    summarise(plans, timezone.localdate())
    return f"period counts of {len(plans)} plans warmed"
