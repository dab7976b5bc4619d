"""Shared fixtures: the demo plans loaded once per test database, and readable users."""

import os
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command

from plans.models import Plan


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


def pytest_collection_modifyitems(config, items):
    """Run browser tests (and others that commit, with transactional_db) last: they flush the database after each.

    The two-host test needs a database server that other processes share: it runs on the PostgreSQL pass only.
    """
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        hosts = [item for item in items if item.get_closest_marker("two_hosts")]
        if hosts:
            config.hook.pytest_deselected(items=hosts)
            items[:] = [item for item in items if not item.get_closest_marker("two_hosts")]
    items.sort(key=lambda item: "tests/browser/" in item.nodeid or "transactional_db" in item.fixturenames)
