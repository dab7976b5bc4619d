"""A change that outdates every period's cached counts has them made again as it commits, not on the next page.

These tests commit (transactional_db), as a request does: inside a transaction nothing is cached.
"""

from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from plans.audit import Actor, system_user
from plans.models import Plan
from plans.owner.periods import close_period
from plans.owner.structure import save_part
from plans.rollup import warming
from plans.rollup.plan import plan_rollup


@pytest.fixture(autouse=True)
def committing(transactional_db):
    """Named so that tests/conftest.py runs these tests last: they empty the database after each."""


def rating_counts_of(fn) -> list[str]:
    """The grouped counts of ratings `fn` sent to the database (the work a warm cache saves)."""
    with CaptureQueriesContext(connection) as captured:
        fn()
    return [q["sql"] for q in captured.captured_queries if 'FROM "plans_rating"' in q["sql"] and "COUNT(" in q["sql"]]


def test_closing_a_period_counts_the_periods_again_as_it_commits(small):
    plan_rollup(small.plan)
    assert rating_counts_of(lambda: close_period(small.p2))  # the warming, in the closing request
    rollups = []
    assert rating_counts_of(lambda: rollups.extend(plan_rollup(small.plan))) == []  # the next page: all cached
    assert [r.rated for r in rollups] == [2, 1]  # P1: late (1) and done (4); P2: on_time (3)


def test_a_structural_change_is_warmed_once_however_many_rows_it_saves(small, monkeypatch):
    warmed = []
    monkeypatch.setattr(warming, "warm", lambda: warmed.append(1))
    with transaction.atomic():
        for record in (small.late.action, small.late.action.outcome):
            save_part(record, by=Actor(system_user(), "command"))
    assert warmed == [1]


def test_with_a_cache_shared_by_every_process_the_worker_warms_the_counts(small, monkeypatch):
    enqueued = []
    monkeypatch.setattr(warming, "shared_cache", lambda: True)
    monkeypatch.setattr(warming, "warm_period_counts", SimpleNamespace(enqueue=lambda: enqueued.append(1)))
    close_period(small.p2)
    assert enqueued == [1]


def test_the_worker_job_warms_every_plans_counts(small):
    assert warming.warm_period_counts.call() == f"period counts of {Plan.objects.count()} plans warmed"
    assert rating_counts_of(lambda: plan_rollup(small.plan)) == []


def test_closing_a_period_leaves_the_portfolio_counted(small):
    """The portfolio's overdue and stale counts are warmed with the period counts: its next request counts nothing."""
    from django.utils import timezone

    from plans.portfolio.summary import summarise

    close_period(small.p2)
    with CaptureQueriesContext(connection) as captured:
        (summary,) = summarise([small.plan], timezone.localdate())
    sql = [q["sql"] for q in captured.captured_queries]
    assert [q for q in sql if '"due_month" <' in q] == []  # the overdue count
    assert [q for q in sql if '"plans_rating"."update"' in q or "LAG(" in q] == []  # the stale count's walks
    assert [q for q in sql if "COUNT(" in q and "'approved'" in q] == []  # the periods' rating counts
    assert summary.current == small.p2
    assert summary.overdue == 1  # late: due January 2020, rated 1 in P1, not rated since
