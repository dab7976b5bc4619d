"""Whole-plan aggregates kept between requests (plans.rollup.cache): reused while nothing changes, recomputed
after any change, whichever way it was made.

These tests commit (transactional_db), as a request does: inside a transaction nothing is cached.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.audit import system_user
from plans.board.staleness import last_updates
from plans.models import KeptCounts, Period, Rating
from plans.portfolio import summary as portfolio
from plans.rollup.plan import plan_rollup
from plans.spreadsheets.bulk import create_in_bulk


@pytest.fixture(autouse=True)
def committing(transactional_db):
    """Named so that tests/conftest.py runs these tests last: they empty the database after each."""


TODAY = date(2026, 11, 25)


def level(plan, value):
    return plan.scale.levels.get(value=value)


def queries(fn):
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return result, [query["sql"] for query in captured.captured_queries]


def rating_counts(sql: list[str]) -> list[str]:
    """The grouped counts of ratings among the queries (the work the cache saves)."""
    return [query for query in sql if 'FROM "plans_rating"' in query and "COUNT(" in query]


def test_a_rollup_asked_for_twice_counts_the_ratings_once(small):
    first, cold = queries(lambda: plan_rollup(small.plan))
    again, warm = queries(lambda: plan_rollup(small.plan))
    assert again == first
    assert len(rating_counts(cold)) == 1
    assert rating_counts(warm) == []


def test_a_rating_in_the_open_period_recounts_that_period_only(small):
    plan_rollup(small.plan)
    Rating.objects.create(measure=small.nobody, period=small.p2, level=level(small.plan, 2))
    rollups, sql = queries(lambda: plan_rollup(small.plan))
    (count,) = rating_counts(sql)
    assert f'"plans_rating"."period_id" IN ({small.p2.pk})' in count
    assert [r.rated for r in rollups] == [2, 2]


def test_a_rating_saved_shows_in_the_next_rollup(small):
    assert plan_rollup(small.plan)[1].rated == 1
    Rating.objects.create(measure=small.nobody, period=small.p2, level=level(small.plan, 2))
    assert plan_rollup(small.plan)[1].rated == 2


def test_a_rating_changed_or_deleted_shows_in_the_next_rollup(small):
    rating = Rating.objects.get(measure=small.late, period=small.p1)
    assert plan_rollup(small.plan)[0].priorities[0].score == 2.5  # late 1, done 4
    rating.level = level(small.plan, 2)
    rating.save()
    assert plan_rollup(small.plan)[0].priorities[0].score == 3
    rating.delete()
    assert plan_rollup(small.plan)[0].priorities[0].score == 4


def test_ratings_written_in_bulk_by_an_import_show_in_the_next_rollup(small):
    assert plan_rollup(small.plan)[1].rated == 1
    new = Rating(measure=small.nobody, period=small.p2, level=level(small.plan, 3))
    create_in_bulk({Rating: [new]}, [], system_user(), "Imported from test.xlsx")
    assert plan_rollup(small.plan)[1].rated == 2


def test_a_measure_moved_to_another_priority_moves_in_the_next_rollup(small):
    before = plan_rollup(small.plan)[0]
    assert [p.measures for p in before.priorities] == [3, 2]
    small.nobody.action = small.late.action
    small.nobody.save()
    assert [p.measures for p in plan_rollup(small.plan)[0].priorities] == [4, 1]


def test_the_stale_since_answer_follows_a_new_rating(small):
    assert last_updates(small.p2).get(small.late.pk) == 1
    Rating.objects.create(measure=small.late, period=small.p2, level=level(small.plan, 2))
    assert last_updates(small.p2)[small.late.pk] == 2


def test_the_stale_since_answer_follows_a_rating_changed_in_an_earlier_period(small):
    Rating.objects.create(measure=small.late, period=small.p2, level=level(small.plan, 1))  # as in P1: no update
    assert last_updates(small.p2)[small.late.pk] == 1
    earlier = Rating.objects.get(measure=small.late, period=small.p1)
    earlier.level = level(small.plan, 2)
    earlier.save()
    assert last_updates(small.p2)[small.late.pk] == 2  # P2's 1 now differs from P1's 2


def test_the_portfolio_follows_a_period_closing_and_a_rating(small):
    (summary,) = portfolio.summarise([small.plan], TODAY)
    # the headline is the last closed period while the open one is partly rated (Plan.headline_period)
    assert (summary.current, summary.open_period) == (small.p1, small.p2)
    assert summary.overdue == 1  # late: due 2020, rated 1, not complete
    Rating.objects.create(measure=small.late, period=small.p2, level=level(small.plan, 4))
    (summary,) = portfolio.summarise([small.plan], TODAY)
    assert summary.overdue == 0
    small.p2.status = Period.Status.CLOSED
    small.p2.save()
    p3 = Period.objects.create(plan=small.plan, order=3, label="P3", status=Period.Status.OPEN)
    (summary,) = portfolio.summarise([small.plan], TODAY)
    assert (summary.current, summary.open_period) == (small.p2, p3)


def test_inside_a_transaction_nothing_is_cached(small):
    plan_rollup(small.plan)  # cached, outside
    with transaction.atomic():
        Rating.objects.create(measure=small.nobody, period=small.p2, level=level(small.plan, 2))
        _, first = queries(lambda: plan_rollup(small.plan))
        _, second = queries(lambda: plan_rollup(small.plan))
        transaction.set_rollback(True)
    assert len(rating_counts(first)) == len(rating_counts(second)) == 1  # counted each time
    assert plan_rollup(small.plan)[1].rated == 1  # the rolled-back rating was never counted outside


# --- What moves the structure's version: a rating's progress update does not -----------------------------


def rate(measure, period, value, update, due_month=None, reason=""):
    """A lead's save through the rating form's door (plans.ratings.services.save_rating)."""
    from plans.audit import WEB, Actor
    from plans.ratings.services import RatingChange, save_rating

    measure.refresh_from_db()
    change = RatingChange(
        level(period.plan, value), update, reason, due_month or measure.due_month, version=measure.version
    )
    return save_rating(measure, period, change, by=Actor(system_user(), WEB))


def test_a_rating_saved_with_a_progress_update_recounts_its_period_only(small):
    """The save writes a history row of the measure (its progress update): the other periods stay counted."""
    plan_rollup(small.plan)
    history = small.nobody.history.count()
    rate(small.nobody, small.p2, 3, "Panel met in May")
    assert small.nobody.history.count() == history + 1  # the update is on the measure's record
    rollups, sql = queries(lambda: plan_rollup(small.plan))
    (count,) = rating_counts(sql)
    assert f'"plans_rating"."period_id" IN ({small.p2.pk})' in count
    assert [r.rated for r in rollups] == [2, 2]


def test_a_due_month_moved_with_a_rating_shows_in_the_portfolio(small):
    (summary,) = portfolio.summarise([small.plan], TODAY)
    assert summary.overdue == 1  # late: due January 2020
    rate(small.late, small.p2, 1, "Recruitment paused", due_month=date(2099, 1, 1), reason="Budget freeze")
    (summary,) = portfolio.summarise([small.plan], TODAY)
    assert summary.overdue == 0


def test_a_measure_removed_is_no_longer_overdue_in_the_portfolio(small):
    (summary,) = portfolio.summarise([small.plan], TODAY)
    assert summary.overdue == 1  # late
    small.late.removed = True
    small.late.save()
    (summary,) = portfolio.summarise([small.plan], TODAY)
    assert summary.overdue == 0


def test_a_measure_moved_by_an_instance_read_before_is_counted_where_it_went(small):
    """The history row compares with the values the instance was read with: a second save of it too."""
    measure = type(small.nobody).objects.get(pk=small.nobody.pk)
    measure.progress_update = "first"
    measure.save()
    plan_rollup(small.plan)
    measure.action = small.late.action
    measure.save()
    assert [p.measures for p in plan_rollup(small.plan)[0].priorities] == [4, 1]


def test_a_rating_in_one_plan_leaves_the_other_plans_portfolio_counts_cached(small):
    from tests.factories import ActionFactory, MeasureFactory, PeriodFactory, PlanFactory

    other = PlanFactory(slug="other", title="Other plan")
    closed = PeriodFactory(plan=other, order=1, label="Q1", status=Period.Status.CLOSED)
    PeriodFactory(plan=other, order=2, label="Q2", status=Period.Status.OPEN)
    overdue = MeasureFactory(action=ActionFactory(outcome__priority__plan=other), due_month=date(2020, 1, 1))
    Rating.objects.create(measure=overdue, period=closed, level=level(other, 2))
    plans = [small.plan, other]
    before = {s.plan.slug: s.overdue for s in portfolio.summarise(plans, TODAY)}
    assert before == {"small": 1, "other": 1}
    rate(small.late, small.p2, 4, "Vacancies filled")  # complete: no longer overdue
    summaries, sql = queries(lambda: portfolio.summarise(plans, TODAY))
    assert {s.plan.slug: s.overdue for s in summaries} == {"small": 0, "other": 1}
    (overdue_query,) = [query for query in sql if "due_month" in query and "COUNT(" in query]
    assert f"IN ({small.plan.pk})" in overdue_query  # the other plan's count came from the cache


# --- A closed period's counts kept in the database (KeptCounts) ---------------------------------------------


def kept(plan) -> list[str]:
    """The labels of the plan's periods whose counts are kept (the demo plans' may be too, in a first test)."""
    return list(KeptCounts.objects.filter(period__plan=plan).values_list("period__label", flat=True))


def restart():
    """A new process, or the cache's entries expired: nothing in the cache."""
    cache.clear()


def test_after_a_restart_a_closed_periods_counts_are_read_back_and_only_the_open_one_is_counted(small):
    first = plan_rollup(small.plan)
    assert kept(small.plan) == ["P1"]  # not the open P2
    restart()
    again, sql = queries(lambda: plan_rollup(small.plan))
    (count,) = rating_counts(sql)
    assert f'"plans_rating"."period_id" IN ({small.p2.pk})' in count
    assert again == first
    assert [p.score for p in again[0].priorities] == [Decimal("2.5"), None]  # P1: late 1, done 4; none in Fostering


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's writers commit one at a time, in id order")
def test_counts_are_not_kept_while_another_session_has_a_write_under_way(small):
    """On PostgreSQL a transaction under way may yet commit history rows below the newest id read: counted now,
    its change could be missed under an unchanged version, for good."""
    import psycopg

    params = connection.get_connection_params()
    address = {key: params[key] for key in ("dbname", "host", "port", "user", "password") if params.get(key)}
    with psycopg.connect(**address) as other:
        other.execute("SELECT pg_current_xact_id()")  # a writing transaction: it has a transaction id
        plan_rollup(small.plan)
        assert kept(small.plan) == []
        other.rollback()
    restart()
    plan_rollup(small.plan)
    assert kept(small.plan) == ["P1"]


def test_kept_counts_are_not_read_once_the_structure_changed(small):
    plan_rollup(small.plan)
    small.done.action = small.on_time.action  # P1's 4 moves from Workforce to Fostering
    small.done.save()
    restart()
    rollups, sql = queries(lambda: plan_rollup(small.plan))
    (count,) = rating_counts(sql)
    assert f'"plans_rating"."period_id" IN ({small.p1.pk}, {small.p2.pk})' in count
    assert [p.score for p in rollups[0].priorities] == [Decimal("1.0"), Decimal("4.0")]
    restart()
    assert [p.score for p in plan_rollup(small.plan)[0].priorities] == [Decimal("1.0"), Decimal("4.0")]  # kept anew


def test_kept_counts_are_not_read_once_a_rating_of_the_closed_period_changed(small):
    plan_rollup(small.plan)
    rating = Rating.objects.get(measure=small.late, period=small.p1)
    rating.level = level(small.plan, 2)  # a correction, recorded in the rating's history as every change is
    rating.save()
    restart()
    assert plan_rollup(small.plan)[0].priorities[0].score == 3  # (2 + 4) / 2


def test_a_page_is_still_served_when_its_counts_cannot_be_kept(small, monkeypatch):
    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(KeptCounts.objects, "bulk_create", busy)
    assert [p.score for p in plan_rollup(small.plan)[0].priorities] == [Decimal("2.5"), None]
    assert kept(small.plan) == []


def without_tokens(html: bytes) -> bytes:
    """The page with its CSRF tokens (new on every response) blanked."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b'name="csrfmiddlewaretoken"', html)


def test_the_portfolio_after_a_restart_shows_the_same_figures_counting_the_open_period_only(small, client, alice):
    client.force_login(alice)
    first = client.get(reverse("portfolio"))
    (row,) = [row for row in first.context["rows"] if row.plan == small.plan]
    assert (row.current, str(row.score)) == (small.p1, "2.5")  # P1: Workforce 2.5 (1 and 4), Fostering unrated
    restart()
    with CaptureQueriesContext(connection) as captured:
        again = client.get(reverse("portfolio"))
    sql = [query["sql"] for query in captured.captured_queries]
    (count,) = [query for query in rating_counts(sql) if '"plans_rating"."level_id"' in query]  # the rollup's
    counted = {int(pk) for pk in re.search(r'"plans_rating"\."period_id" IN \(([\d, ]+)\)', count)[1].split(",")}
    shown = [row.plan for row in again.context["rows"]]  # with the demo plans, when this test runs first
    assert counted == set(Period.objects.filter(plan__in=shown, status=Period.Status.OPEN).values_list("pk", flat=True))
    assert small.p2.pk in counted
    assert without_tokens(again.content) == without_tokens(first.content)
