"""Benchmark: each page's response time against a trivial Django view, in the same run.

Generates synthetic plans (manage.py generate_plan) in a scratch database, then
serves every page in PAGES through Django's test Client, signed in, with all the
middleware, and prints per page: the median and best time in ms, the ratio of the
median to the trivial view's median (a signed-in view that returns "ok"), and
the number of queries.

    python bench/pages.py                       # default size: runs in about a minute
    python bench/pages.py --full                # 10 plans × 1,000 measures × 36 periods, 200,000 re-rating rows
    python bench/pages.py --plans 4 --measures 500 --periods 24 --history 40000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/pages.py
    python bench/pages.py --full --reuse --pages plan-detail portfolio   # some pages only (before/after pairs)

With DATABASE_URL set the plans go into a scratch database named test_<name>,
created and dropped by the run; without it, into a scratch SQLite file (WAL,
as in production). To add a page, add one line to PAGES: its URL name, how to
fill its URL arguments from the scene, and who reads it.
"""

import argparse
import importlib
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
# Production settings (DEBUG off: cached templates, no query log), served over plain HTTP by the test client.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
SCRATCH = Path(tempfile.gettempdir()) / "bench-pages.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SCRATCH}")

# Django set up as a server process is: tracker/wsgi.py (which then freezes what start-up loaded, gc.freeze).
importlib.import_module("tracker.wsgi")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, path, reverse  # noqa: E402

BUDGET_MS = 200
STATIC_PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"


@dataclass
class Scene:
    """What the pages' URL arguments are taken from: the first generated plan and its parts."""

    plan: object
    measure: object
    period: object
    users: dict = field(default_factory=dict)


@dataclass
class Page:
    arguments: object = None  # Scene → URL kwargs
    as_user: str = "owner"  # a key of Scene.users


def plan_slug(scene: Scene) -> dict:
    return {"slug": scene.plan.slug}


def measure_pk(scene: Scene) -> dict:
    return {"pk": scene.measure.pk}


def api(dataset: str, fmt: str):
    return lambda scene: {"slug": scene.plan.slug, "dataset": dataset, "fmt": fmt}


# URL name (or name:variant) → how to reach it. A page added to the project gets a line here
# and in tests/test_query_counts.py.
PAGES = {
    "home": Page(),
    "home:lead": Page(as_user="lead"),
    "plan-list": Page(),
    "plan-detail": Page(arguments=plan_slug),
    "my-measures": Page(as_user="lead"),
    "measure-detail": Page(arguments=measure_pk),
    "measure-rate": Page(arguments=measure_pk, as_user="lead"),
    "plan-signoff": Page(arguments=plan_slug),
    "portfolio": Page(),
    "board-dashboard": Page(arguments=plan_slug),
    "board-pack": Page(arguments=plan_slug),
    "board-coverage": Page(arguments=plan_slug),
    "board-indicators": Page(arguments=lambda scene: {"slug": scene.plan.slug, "number": 1}),
    "board-plan-as-at": Page(arguments=plan_slug),
    "owner-periods": Page(arguments=plan_slug),
    "owner-missing-updates": Page(arguments=plan_slug),
    "owner-structure": Page(arguments=plan_slug),
    "owner-leads": Page(arguments=plan_slug),
    "owner-indicator-add": Page(arguments=plan_slug),
    "api-plan-data:rollup.json": Page(arguments=api("rollup", "json")),
    "api-plan-data:measures.json": Page(arguments=api("measures", "json")),
    "api-plan-data:ratings.csv": Page(arguments=api("ratings", "csv")),
}


def trivial(request):
    return HttpResponse("ok")


def add_trivial_view() -> None:
    from tracker import urls

    urls.urlpatterns.append(path("bench/trivial/", trivial, name="bench-trivial"))
    clear_url_caches()


def scratch_database(reuse: bool) -> None:
    """The run's database: test_<name> on PostgreSQL, a scratch file on SQLite; --reuse keeps either one."""
    if connection.vendor == "sqlite" and reuse and SCRATCH.exists():
        call_command("migrate", verbosity=0)  # what the code has added since the plans were made
        return
    if connection.vendor == "sqlite":
        SCRATCH.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{SCRATCH}{suffix}").unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=reuse)


def drop_scratch_database(old_name: str) -> None:
    if connection.vendor != "sqlite":
        connection.creation.destroy_test_db(old_name, verbosity=0)


def build_scene(args) -> Scene:
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.filter(username="bench-owner").first()
    if owner and args.reuse:
        print("reusing the plans generated by the last run")
        return scene_of(owner)
    owner = get_user_model().objects.create_superuser("bench-owner", "bench@example.org", None)
    per_plan = args.history // args.plans
    started = time.perf_counter()
    call_command(
        "generate_plan",
        measures=args.measures,
        periods=args.periods,
        history=per_plan,
        plans=args.plans,
        slug="bench",
        user="bench-owner",
    )
    print(f"generated in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        # Statistics for the planner, as autovacuum (PostgreSQL) or `ANALYZE` in operations would have them by now;
        # just after a bulk load the planner knows nothing of the tables' sizes.
        cursor.execute("ANALYZE")
    return scene_of(owner)


def scene_of(owner) -> Scene:
    """The first plan, its first measure, and "lead": a contributor of every plan, leading that measure."""
    from django.contrib.auth import get_user_model

    from plans.audit import acting_as
    from plans.models import Measure, Membership, Plan

    plan = Plan.objects.order_by("slug").first()
    measure = Measure.objects.of_plan(plan).order_by("pk").first()
    lead, created = get_user_model().objects.get_or_create(username="bench-lead")
    if created:
        with acting_as(owner):
            record = measure.leads.order_by("pk").first()
            record.user = lead
            record.save()
            for each in Plan.objects.all():
                Membership.objects.get_or_create(plan=each, user=lead, defaults={"role": Membership.Role.CONTRIBUTOR})
    return Scene(plan=plan, measure=measure, period=plan.periods.last(), users={"owner": owner, "lead": lead})


def get(client: Client, url: str):
    """The response, read to its end: a streamed download does its work as it is sent."""
    response = client.get(url)
    if response.streaming:
        for _piece in response.streaming_content:
            pass
    return response


def forget_everything() -> None:
    """The cache emptied and the closed periods' kept counts deleted: as after the plans' structure changed."""
    from django.core.cache import cache

    from plans.models import KeptCounts

    cache.clear()
    KeptCounts.objects.all().delete()


def measure_page(client: Client, url: str, repeat: int, save_a_rating) -> tuple[list[float], list[float], int, int]:
    """Timings with the aggregates cached (nothing changed between requests); medians of requests just
    after a rating was saved, with an empty cache and with nothing kept either (plans.rollup.cache); the
    status; the queries."""
    from django.core.cache import cache

    start = time.perf_counter()
    response = get(client, url)  # warms caches and connections
    if time.perf_counter() - start > 1:
        repeat = min(repeat, 3)  # a slow page: fewer runs, the median is still clear
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = get(client, url)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    count = len(queries)  # before the next request: each one empties the connection's query log
    after_changes = []
    for change in (save_a_rating, cache.clear, forget_everything):
        times = []
        for _ in range(3):
            change()
            start = time.perf_counter()
            get(client, url)
            times.append((time.perf_counter() - start) * 1000)
        after_changes.append(statistics.median(times))
    return timings, after_changes, response.status_code, count


def database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("show server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def history_rows() -> int:
    from plans.models import Rating

    return Rating.history.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=3)
    parser.add_argument("--measures", type=int, default=300)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--history", type=int, default=6000, help="re-rating history rows, in total")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--full", action="store_true", help="10 plans × 1,000 measures × 36 periods, 200,000 rows")
    parser.add_argument("--reuse", action="store_true", help="reuse the plans of the last --reuse run (and keep them)")
    parser.add_argument("--pages", nargs="+", metavar="NAME", help="time only these keys of PAGES (default: all)")
    args = parser.parse_args()
    if args.full:
        args.plans, args.measures, args.periods, args.history = 10, 1000, 36, 200_000
    # The hashed-file manifest needs collectstatic; the bench serves the plain files instead.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_PLAIN}}

    old_name = connection.settings_dict["NAME"]
    scratch_database(args.reuse)
    try:
        add_trivial_view()
        scene = build_scene(args)
        report(args, scene)
    finally:
        if not args.reuse:
            drop_scratch_database(old_name)


def report(args, scene: Scene) -> None:
    print(
        f"{database_version()}; {args.plans} plans × {args.measures} measures × {args.periods} periods; "
        f"{history_rows():,} rating history rows; median of {args.repeat}"
    )
    clients = {}
    for key, user in scene.users.items():
        clients[key] = Client()
        clients[key].force_login(user)
    from plans.models import Rating

    rating = Rating.objects.filter(period=scene.period).order_by("pk").first()  # saved again and again: history rows
    base, _, _, base_queries = measure_page(clients["owner"], reverse("bench-trivial"), args.repeat, rating.save)
    base_median = statistics.median(base)
    print(
        "After a rating: median of 3 requests, each just after a rating of the first plan's current period was saved."
        "\nEmpty cache: the same, each after emptying the cache (a restart, or its entries expired); the closed"
        " periods' counts are read back from the database."
        "\nFirst count: each after emptying the cache and deleting the kept counts too, as the first count after"
        " the structure changed (one that commits has them counted again at once: plans/rollup/warming.py)."
    )
    print(
        f"{'page':<28} {'median ms':>10} {'best ms':>8} {'ratio':>7} {'queries':>8} {'after a rating':>15}"
        f" {'empty cache':>12} {'first count':>12}"
    )
    print(f"{'(trivial view)':<28} {base_median:>10.2f} {min(base):>8.2f} {1:>7.1f} {base_queries:>8}")
    for name, page in PAGES.items():
        if args.pages and name not in args.pages:
            continue
        url = reverse(name.split(":")[0], kwargs=page.arguments(scene) if page.arguments else None)
        timings, (after_rating, empty, first), status, queries = measure_page(
            clients[page.as_user], url, args.repeat, rating.save
        )
        median = statistics.median(timings)
        flag = "" if status == 200 else f"  status {status}!"
        flag += f"  over {BUDGET_MS} ms" if median > BUDGET_MS else ""
        print(
            f"{name:<28} {median:>10.2f} {min(timings):>8.2f} {median / base_median:>7.1f} {queries:>8}"
            f" {after_rating:>15.2f} {empty:>12.2f} {first:>12.2f}{flag}"
        )


if __name__ == "__main__":
    main()
