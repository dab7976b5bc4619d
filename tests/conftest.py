"""Shared fixtures: the demo plans loaded once per test database, readable users, and two known plans.

People: alice (a staff superuser made for the test), bob (signed in, no role
anywhere); the demo's own owner, smurphy (a contributor who leads twelve measures
as "Sheila Murphy", alias "S Murphy") and board (a viewer); janet (a contributor made for the test,
the "Janet Simon" lead).

Plans: thurrock and send_plan (the demo plans), and `small`: a plan whose
every measure is in a known state (see SmallPlan).
"""

import os
from dataclasses import dataclass
from datetime import date
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command

from plans.models import Inspection, Lead, Measure, Membership, Period, Plan, Rating, Recommendation
from tests.factories import ActionFactory, OutcomeFactory, PeriodFactory, PlanFactory, PriorityFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the transcribed demo plans once; each test runs in a transaction rolled back after it."""
    with django_db_blocker.unblock():
        call_command("load_demo", "--quiet-users", verbosity=0, stdout=open("/dev/null", "w"))


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: SQLite hands a rolled-back test's ids out again to the next one."""
    cache.clear()


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files (evidence, workbooks waiting to be applied) go to a scratch folder, never the checkout's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background jobs run at once in the test's own thread; tests of the queue itself ask for `queued_tasks`."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def queued_tasks(settings):
    """Jobs wait in the database for a worker, as in production; `run_worker()` runs them."""
    settings.TASKS = DATABASE_TASKS


def run_worker() -> None:
    """Run every job waiting in the database, as `manage.py run_worker` would, then return.

    It runs inside the test's transaction, so the worker must not close the connection between jobs as it
    does in production (on PostgreSQL that would end the test's transaction).
    """
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)


@pytest.fixture
def thurrock(db) -> Plan:
    return Plan.objects.select_related("scale").get(slug="thurrock-2017-19")


@pytest.fixture
def send_plan(db) -> Plan:
    return Plan.objects.select_related("scale").get(slug="thurrock-send-2018")


@pytest.fixture
def alice(db):
    """A plan owner with admin rights."""
    return get_user_model().objects.create_user("alice", password="alice-password", is_staff=True, is_superuser=True)


@pytest.fixture
def bob(db):
    """A signed-in reader with no special rights."""
    return get_user_model().objects.create_user("bob", password="bob-password")


def demo_user(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def owner(db):
    """The demo plans' owner ("Pat Owner")."""
    return demo_user("owner")


@pytest.fixture
def smurphy(db):
    """The demo contributor "Sheila Murphy", linked to her lead (alias "S Murphy": twelve measures of the Development
    Plan)."""
    return demo_user("smurphy")


@pytest.fixture
def board(db):
    """The demo board member: a viewer of both demo plans."""
    return demo_user("board")


@pytest.fixture
def janet(db, thurrock):
    """Another lead: a contributor on the same plan who leads other measures."""
    janet = get_user_model().objects.create_user("janet", password="janet-password", first_name="Janet")
    Membership.objects.create(plan=thurrock, user=janet, role=Membership.Role.CONTRIBUTOR)
    lead = Lead.objects.get(plan=thurrock, name="Janet Simon")
    lead.user = janet
    lead.save()
    return janet


@pytest.fixture
def murphy_measure(thurrock) -> Measure:
    """Signs of Safety: S Murphy's measure, rated 2 in Initial and 01/18 (the open period)."""
    return Measure.objects.get(text__startswith="Signs of Safety Model is in place", leads__name="Sheila Murphy")


@pytest.fixture
def janet_measure(thurrock) -> Measure:
    return Measure.objects.filter(leads__name="Janet Simon").exclude(leads__name="Sheila Murphy").first()


@pytest.fixture
def open_period(thurrock) -> Period:
    """The Development Plan's open period, 01/18."""
    return thurrock.periods.get(label="01/18")


@dataclass
class SmallPlan:
    """A small plan whose every measure is in a known state, for the owners' pages and the reminders.

    P1 closed, P2 open; levels 1 Red … 4 Blue (Blue is complete).
    late     Amy's, due Jan 2020, rated 1 in P1, not rated in P2     → overdue, outstanding
    done     Ben's, due Jan 2020, rated 4 (complete) in P1           → neither overdue nor outstanding
    on_time  Amy's, due Jan 2099, rated 3 in P2, answers rec 7       → rated this period
    gone     Ben's, due Jan 2020, removed                            → never chased
    nobody   no lead, due Jan 2099, not rated                        → outstanding, nobody to email
    """

    plan: Plan
    p1: Period
    p2: Period
    amy: Lead
    ben: Lead
    late: Measure
    done: Measure
    on_time: Measure
    gone: Measure
    nobody: Measure
    rec7: Recommendation


def _measure(action, text, lead, due, **extra) -> Measure:
    m = Measure.objects.create(action=action, text=text, lead_text=lead.name if lead else "", due_month=due, **extra)
    if lead:
        m.leads.add(lead)
    return m


@pytest.fixture
def small(db) -> SmallPlan:
    plan = PlanFactory(slug="small", title="Small plan")
    levels = {level.value: level for level in plan.scale.levels.all()}
    p1 = PeriodFactory(plan=plan, order=1, label="P1", status=Period.Status.CLOSED)
    p2 = PeriodFactory(plan=plan, order=2, label="P2", status=Period.Status.OPEN)
    inspection = Inspection.objects.create(key="small-2016", council="Smallton", body="Ofsted", title="Inspection")
    plan.inspections.add(inspection)
    rec7 = Recommendation.objects.create(inspection=inspection, number=7, text="Recruit more foster carers.")
    amy = Lead.objects.create(plan=plan, name="Amy Lead", email="amy@example.org")
    ben = Lead.objects.create(plan=plan, name="Ben Lead")
    workforce = ActionFactory(
        outcome=OutcomeFactory(priority=PriorityFactory(plan=plan, number=1, title="Workforce")), text="Hire staff"
    )
    fostering = ActionFactory(
        outcome=OutcomeFactory(priority=PriorityFactory(plan=plan, number=2, title="Fostering")), text="Recruit carers"
    )
    fostering.recommendations.add(rec7)
    late = _measure(workforce, "Vacancy rate below 10%", amy, date(2020, 1, 1))
    done = _measure(workforce, "Induction programme running", ben, date(2020, 1, 1))
    on_time = _measure(fostering, "Twenty new foster carers", amy, date(2099, 1, 1), progress_update="caseloads down")
    gone = _measure(workforce, "Agency staff halved", ben, date(2020, 1, 1), removed=True)
    nobody = _measure(fostering, "Fostering panel reviewed", None, date(2099, 1, 1))
    Rating.objects.create(measure=late, period=p1, level=levels[1])
    Rating.objects.create(measure=done, period=p1, level=levels[4])
    Rating.objects.create(measure=on_time, period=p2, level=levels[3], update="Audit booked")
    return SmallPlan(plan, p1, p2, amy, ben, late, done, on_time, gone, nobody, rec7)


def commits(item) -> bool:
    """Does the test commit (and so empty the database after it)? Browser tests and transactional ones do."""
    marker = item.get_closest_marker("django_db")
    return (
        "tests/browser/" in item.nodeid
        or "transactional_db" in item.fixturenames
        or (marker is not None and marker.kwargs.get("transaction", False))
    )


def pytest_collection_modifyitems(config, items):
    """Run the tests that commit last: they flush the database after each, demo plans included.

    The two-host test needs a database server that other processes share: it runs on the PostgreSQL pass only.
    """
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        hosts = [item for item in items if item.get_closest_marker("two_hosts")]
        if hosts:
            config.hook.pytest_deselected(items=hosts)
            items[:] = [item for item in items if not item.get_closest_marker("two_hosts")]
    items.sort(key=commits)
