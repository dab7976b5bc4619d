"""Readable people and measures for the service managers' tests, on the demo Development Plan.

smurphy (demo contributor) leads six measures as "S Murphy"; janet is another
contributor, the "Janet Simon" lead; board reads; owner owns.
"""

import pytest
from django.contrib.auth import get_user_model

from plans.models import Lead, Measure, Membership, Period


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def smurphy(db):
    return user("smurphy")


@pytest.fixture
def owner(db):
    return user("owner")


@pytest.fixture
def board(db):
    return user("board")


@pytest.fixture
def janet(db, thurrock):
    """Another lead: a contributor on the same plan who leads other measures."""
    janet = get_user_model().objects.create_user("janet", password="janet-password", first_name="Janet")
    Membership.objects.create(plan=thurrock, user=janet, role=Membership.Role.CONTRIBUTOR)
    lead = Lead.objects.get(name="Janet Simon")
    lead.user = janet
    lead.save()
    return janet


@pytest.fixture
def murphy_measure(thurrock) -> Measure:
    """Signs of Safety: S Murphy's measure, rated 2 in Initial and 01/18 (the open period)."""
    return Measure.objects.get(text__startswith="Signs of Safety Model is in place", leads__name="S Murphy")


@pytest.fixture
def janet_measure(thurrock) -> Measure:
    return Measure.objects.filter(leads__name="Janet Simon").exclude(leads__name="S Murphy").first()


@pytest.fixture
def open_period(thurrock) -> Period:
    return thurrock.periods.get(label="01/18")


def level(plan, value):
    return plan.scale.levels.get(value=value)


def rating_data(plan, measure, value=3, update="On track now.", reason="", due=None, version=None):
    """What the rating form posts; the due month defaults to the measure's own (unchanged)."""
    if due is None:
        due = measure.due_month.strftime("%Y-%m") if measure.due_month else ""
    return {
        "level": str(level(plan, value).pk),
        "update": update,
        "reason": reason,
        "due_month": due,
        "version": str(measure.version if version is None else version),
    }
