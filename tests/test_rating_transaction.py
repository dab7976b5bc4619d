"""Saving one rating is one short transaction: a pinned handful of queries, all its writes inside it.

Inside the test's own transaction every `atomic` block shows as a SAVEPOINT,
so counting savepoints counts transactions: in production the one block is a
BEGIN … COMMIT holding the measure's row lock for these queries only.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.audit import WEB, Actor
from plans.models import Lead
from plans.ratings.services import Conflict, RatingChange, save_rating
from tests.factories import level, rating_data

# Read the period's status (share-locked on PostgreSQL, so that closing it waits), lock and read the measure,
# read the rating, write rating + its history, write measure + its history, then simple-history's snapshot of the
# measure's leads, officers, recommendations and indicators: a read per set and one bulk write per non-empty set
# (this measure has leads and officers, no recommendations or indicators), whatever their size.
QUERIES_IN_THE_TRANSACTION = 13
WRITES = ("INSERT", "UPDATE", "DELETE")


def statements(context) -> list[str]:
    return [query["sql"] for query in context.captured_queries]


def change(plan, measure, value=3, update="On track."):
    return RatingChange(level=level(plan, value), update=update, reason="", due_month=measure.due_month, version=1)


def transaction_of(sql: list[str]) -> list[str]:
    """The statements inside the one transaction (its SAVEPOINT … RELEASE); nothing is written outside it."""
    assert sum(s.startswith("SAVEPOINT") for s in sql) == 1
    begin = next(i for i, s in enumerate(sql) if s.startswith("SAVEPOINT"))
    end = next(i for i, s in enumerate(sql) if s.startswith(("RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")))
    assert not [s for i, s in enumerate(sql) if s.startswith(WRITES) and not begin < i < end]
    return sql[begin + 1 : end]


def save_and_capture(measure, period, rating_change, user) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        save_rating(measure, period, rating_change, by=Actor(user, WEB))
    return statements(context)


def test_saving_a_rating_is_one_transaction_of_a_pinned_number_of_queries(
    thurrock, smurphy, murphy_measure, open_period
):
    murphy_measure.version = 1
    murphy_measure.save()
    sql = save_and_capture(murphy_measure, open_period, change(thurrock, murphy_measure), smurphy)
    assert sql[-1].startswith("RELEASE SAVEPOINT")
    inside = transaction_of(sql)
    assert len(inside) == QUERIES_IN_THE_TRANSACTION, "\n".join(inside)
    assert '"plans_period"' in inside[0]  # the period's status is read first, as committed
    if connection.features.has_select_for_update:
        assert "FOR SHARE" in inside[0]
        assert "FOR UPDATE" in inside[1]  # the measure's row is locked before anything is read or written


def test_a_measure_with_many_leads_saves_in_the_same_number_of_queries(thurrock, smurphy, murphy_measure, open_period):
    murphy_measure.version = 1
    murphy_measure.save()
    for n in range(6):
        murphy_measure.leads.add(Lead.objects.create(plan=thurrock, name=f"Extra lead {n}"))
        murphy_measure.officers.add(Lead.objects.create(plan=thurrock, name=f"Extra officer {n}"))
    sql = save_and_capture(murphy_measure, open_period, change(thurrock, murphy_measure), smurphy)
    assert len(transaction_of(sql)) == QUERIES_IN_THE_TRANSACTION


def test_a_refused_save_is_a_short_transaction_that_writes_nothing(thurrock, smurphy, murphy_measure, open_period):
    stale = RatingChange(level=level(thurrock, 3), update="Stale.", reason="", due_month=None, version=0)
    with CaptureQueriesContext(connection) as context, pytest.raises(Conflict):
        save_rating(murphy_measure, open_period, stale, by=Actor(smurphy, WEB))
    sql = statements(context)
    assert not [s for s in sql if s.startswith(WRITES)]
    assert sum(s.startswith("SAVEPOINT") for s in sql) == 1
    assert any(s.startswith("ROLLBACK TO SAVEPOINT") for s in sql)
    assert len(transaction_of(sql)) <= 3  # the period's status, the locked measure and its rating


def test_the_rating_request_writes_only_inside_its_one_transaction(
    client, smurphy, thurrock, murphy_measure, django_assert_max_num_queries
):
    client.force_login(smurphy)
    data = rating_data(thurrock, murphy_measure, 3, "Saved in one go.")
    with CaptureQueriesContext(connection) as context, django_assert_max_num_queries(25):
        response = client.post(reverse("measure-rate", args=[murphy_measure.pk]), data, HTTP_HX_REQUEST="true")
    assert "Saved." in response.content.decode()
    sql = statements(context)
    begin = next(i for i, s in enumerate(sql) if s.startswith("SAVEPOINT"))
    end = next(i for i, s in enumerate(sql) if s.startswith("RELEASE SAVEPOINT"))
    assert sum(s.startswith("SAVEPOINT") for s in sql) == 1
    outside = [s for i, s in enumerate(sql) if s.startswith(WRITES) and not begin < i < end]
    assert outside == []
