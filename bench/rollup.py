"""Benchmark: a plan's rollup from the database against a trivial query, on the same run.

Prints the rollup time as a ratio to `SELECT 1` through the ORM (the baseline),
for a small and a large synthetic plan, so noisy machines still compare fairly.
Run with `make bench` (SQLite) or `DATABASE_URL=postgres://… make bench`.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from plans.board.as_at import load_state_as_at  # noqa: E402
from plans.rollup.plan import plan_rollup  # noqa: E402


def best_of(fn, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def baseline() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def main() -> None:
    call_command("migrate", verbosity=0)
    from tests.factories import build_plan

    base = best_of(baseline)
    print(f"baseline SELECT 1: {base * 1000:.3f} ms")
    for size in [(2, 5, 4), (8, 40, 12)]:
        plan = build_plan(*size)
        measures = size[0] * size[1]
        took = best_of(lambda plan=plan: plan_rollup(plan))
        print(f"rollup {measures:>4} measures × {size[2]:>2} periods: {took * 1000:7.2f} ms  ratio {took / base:8.1f}")
        now = timezone.now()
        took = best_of(lambda plan=plan, now=now: load_state_as_at(plan, now).rollups)
        print(f"as-at  {measures:>4} measures × {size[2]:>2} periods: {took * 1000:7.2f} ms  ratio {took / base:8.1f}")


if __name__ == "__main__":
    main()
