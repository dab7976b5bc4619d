"""Benchmark: the board dashboard and pack on a plan of 1,000 measures × 24 periods.

Prints, for a small and the large synthetic plan, the number of queries (which
must be the same) and the time as a ratio to `SELECT 1` through the ORM.
The large plan is written with bulk_create into a throwaway in-memory database:
bench data, not plan data, so it carries no history.
Run: `.venv/bin/python bench/board.py` (or with DATABASE_URL=postgres://…).
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
from django.test.utils import CaptureQueriesContext  # noqa: E402

from plans.board.pack import pack_context  # noqa: E402
from plans.board.state import compare, default_periods, load_state  # noqa: E402
from plans.models import Measure, Period, Plan, Rating  # noqa: E402


def bulk_plan(priorities: int, measures_per_priority: int, periods: int) -> Plan:
    from tests.factories import ActionFactory, OutcomeFactory, PlanFactory, PriorityFactory

    plan = PlanFactory()
    Period.objects.bulk_create(
        [Period(plan=plan, order=i + 1, label=f"P{i + 1}", status="closed") for i in range(periods)]
    )
    period_list = list(plan.periods.all())
    levels = list(plan.scale.levels.all())
    for number in range(1, priorities + 1):
        action = ActionFactory(outcome=OutcomeFactory(priority=PriorityFactory(plan=plan, number=number)))
        Measure.objects.bulk_create(
            [Measure(action=action, order=i, text=f"Measure {number}.{i}") for i in range(measures_per_priority)]
        )
    measures = list(Measure.objects.of_plan(plan))
    Rating.objects.bulk_create(
        [
            Rating(measure=m, period=p, level=levels[(i + j) % len(levels)])
            for i, m in enumerate(measures)
            for j, p in enumerate(period_list)
        ],
        batch_size=2000,
    )
    return Plan.objects.with_scale().get(pk=plan.pk)


def dashboard(plan: Plan) -> None:
    state = load_state(plan)
    compare(state, *default_periods(state.plan, state.periods))


def pack(plan: Plan) -> None:
    pack_context(plan, plan.periods.last())


def measure(fn, plan) -> tuple[int, float]:
    with CaptureQueriesContext(connection) as ctx:
        fn(plan)
    start = time.perf_counter()
    fn(plan)
    return len(ctx.captured_queries), time.perf_counter() - start


def main() -> None:
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    for _ in range(50):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    base = (time.perf_counter() - start) / 50
    for size in [(2, 5, 4), (10, 100, 24)]:
        plan = bulk_plan(*size)
        for name, fn in [("dashboard", dashboard), ("pack", pack)]:
            queries, took = measure(fn, plan)
            print(
                f"{name:9} {size[0] * size[1]:>5} measures × {size[2]:>2} periods: "
                f"{queries} queries, {took * 1000:8.1f} ms, ratio {took / base:9.0f}"
            )


if __name__ == "__main__":
    main()
