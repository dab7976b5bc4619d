"""Parallel leads rating the same measures through the views: no update is lost, none fails on a lock.

The workload and the check live in tests/concurrency.py; the figures of the
last full runs are in docs/reliability.md.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests import concurrency

ROOT = Path(settings.BASE_DIR)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a shared, committed database")
def test_eight_leads_saving_forty_times_each_on_postgresql_lose_nothing(transactional_db):
    outcome = concurrency.run(threads=8, updates=40)
    figures = outcome.figures()
    print("\nconcurrency on PostgreSQL:", figures)
    assert outcome.errors == []
    assert figures["accepted"] + figures["refused"] == 320
    assert figures["accepted"] >= 3
    # The measures really were contended: saves to the same measure overlapped, and some lost the race.
    assert figures["overlapping"] > 0
    assert figures["refused"] > 0
    assert concurrency.check(outcome) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs once, with the SQLite suite")
def test_the_same_run_on_a_sqlite_file_has_no_locked_database_errors_and_loses_nothing(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.sqlite3'}", "VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "tests.concurrency", "8", "8"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print("\nconcurrency on SQLite (file, WAL):", figures)
    assert "database is locked" not in result.stderr
    assert figures["errors"] == 0, figures["error_samples"]
    assert figures["accepted"] + figures["refused"] == 64
    # Contention measured, not assumed: saves to the same measure ran at the same time (each waiting on
    # SQLite's write lock in turn), and some were refused as conflicts.
    assert figures["overlapping"] > 0, figures
    assert figures["most_in_flight"] >= 2, figures
    assert figures["refused"] > 0, figures
    assert figures["problems"] == []
