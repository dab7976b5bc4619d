"""Every page, the rollups and the import preview take as many queries on a large plan as on a small one.

One home for the query-count pins. Each entry of PAGES (a request) or CALLS (a
rollup asked for directly) is counted on a small scene and again on a large
one, and the counts must be EQUAL: a page that queries once per priority,
period, measure, lead, indicator, recommendation, comment or publication
fails here, because the large scene has more of every one of them.

Each is counted three ways, because production takes a path the usual test
never sees: plans/rollup/cache.py caches whole-plan figures only outside a
transaction, and an ordinary test runs inside one. So these tests commit
(transactional_db) and count

  cold            outside any transaction, with an empty cache (the first request after a change),
  warm            the same again (the cached path most requests take),
  in transaction  inside transaction.atomic(), where nothing is cached (as inside a write).

`most` is a ceiling for all three; the equality is what catches growth. A page
added to the project gets a line in PAGES (and in bench/pages.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plans.audit import acting_as
from plans.board.as_at import load_state_as_at
from plans.board.snapshots import freeze
from plans.demo.synthetic import generate_plans
from plans.models import (
    Comment,
    Evidence,
    Indicator,
    IndicatorValue,
    Inspection,
    KeptCounts,
    Lead,
    Measure,
    Membership,
    Period,
    Plan,
    Rating,
    Recommendation,
)
from plans.publishing.services import publish
from plans.rollup.plan import plan_rollup
from plans.rollup.plans import plans_rollup
from plans.spreadsheets.exporter import export_plan
from tests.factories import rating_data
from tests.spreadsheets.test_round_trip import to_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def files_in_tmp(settings, tmp_path):
    """Uploaded workbooks awaiting their apply go under VAR_DIR."""
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path


@dataclass(frozen=True)
class Size:
    """How much of everything a scene has. Small has at least one of each thing a page may list."""

    plans: int
    measures: int
    periods: int
    history: int
    led: int  # measures the lead user leads
    indicators: int  # on priority 1, each with `months` values
    months: int
    answers: int  # actions answering the recommendation the evidence page shows
    recommendations: int
    notes: int  # comments and evidence links on the counted measure
    submitted: int  # ratings awaiting sign-off
    packs: int  # frozen packs, each published
    unrated: int  # measures not rated in the open period
    members: int  # viewers of the plan


# Three periods on the small scene: its headline (the last closed period, the open one being partly rated) has one
# before it to compare with, as on the large scene.
SMALL = Size(
    plans=2, measures=4, periods=3, history=5, led=2, indicators=1, months=2, answers=1, recommendations=2, notes=1,
    submitted=1, packs=1, unrated=1, members=1,
)  # fmt: skip
LARGE = Size(
    plans=3, measures=300, periods=12, history=1000, led=25, indicators=4, months=12, answers=6, recommendations=12,
    notes=6, submitted=10, packs=5, unrated=12, members=6,
)  # fmt: skip


@dataclass
class Scene:
    """The first plan of a size, the measure the pages show (led by `lead`), and what the pages need to reach."""

    plan: Plan
    plans: list[Plan]
    measure: Measure
    lead: object
    recommendation: Recommendation
    token: str
    clients: dict = field(default_factory=dict)


def build_scene(alice, lead_user, name: str, size: Size) -> Scene:
    plans = [
        result.plan
        for result in generate_plans(
            alice, name, measures=size.measures, periods=size.periods, history=size.history, plans=size.plans
        )
    ]
    with acting_as(alice):
        for plan in plans:
            Membership.objects.create(plan=plan, user=lead_user, role=Membership.Role.CONTRIBUTOR)
            for n in range(size.members):
                viewer = get_user_model().objects.create_user(f"{name}-{plan.pk}-viewer-{n}", first_name="Viewer")
                Membership.objects.create(plan=plan, user=viewer, role=Membership.Role.VIEWER)
        plan = plans[0]
        measures = list(Measure.objects.of_plan(plan).with_path())
        measure = measures[0]
        lead, _ = Lead.objects.get_or_create(plan=plan, user=lead_user, defaults={"name": "Counted lead"})
        for led in measures[: size.led]:
            led.leads.add(lead)
        open_period = plan.periods.get(status=Period.Status.OPEN)
        Rating.objects.filter(period=open_period, measure__in=[m.pk for m in measures[-size.unrated :]]).delete()
        for rating in Rating.objects.filter(period=open_period).exclude(measure=measure)[: size.submitted]:
            rating.status = Rating.Status.SUBMITTED
            rating.save()
        add_indicators(plan, measures, size)
        recommendation = add_recommendations(plan, measures, size, name)
        for n in range(size.notes):
            Comment.objects.create(measure=measure, period=open_period, author=lead_user, text=f"Note {n}")
            Evidence.objects.create(
                measure=measure, period=open_period, added_by=lead_user, title=f"Audit {n}", link="https://example.org"
            )
    token = add_publications(plan, alice, size)
    return Scene(plan, plans, measure, lead_user, recommendation, token)


def add_indicators(plan: Plan, measures: list[Measure], size: Size) -> None:
    priority = plan.priorities.get(number=1)
    for n in range(size.indicators):
        indicator = Indicator.objects.create(priority=priority, order=n, name=f"Indicator {n}", polarity="higher")
        for month in range(size.months):
            IndicatorValue.objects.create(indicator=indicator, month=date(2017, 1 + month % 12, 1), value=50 + month)
        for measure in measures[: size.led]:
            measure.indicators.add(indicator)


def add_recommendations(plan: Plan, measures: list[Measure], size: Size, name: str) -> Recommendation:
    inspection = Inspection.objects.create(key=f"counted-{name}", council="Anyshire", body="Ofsted", title="Review")
    plan.inspections.add(inspection)
    recommendations = [
        Recommendation.objects.create(inspection=inspection, number=n + 1, text=f"Recommendation {n + 1}.")
        for n in range(size.recommendations)
    ]
    actions = list({m.action_id: m.action for m in measures}.values())
    for action in actions[: size.answers]:
        action.recommendations.add(recommendations[0])
    for index, recommendation in enumerate(recommendations[1:]):
        actions[index % len(actions)].outcome.recommendations.add(recommendation)
    return recommendations[0]


def add_publications(plan: Plan, alice, size: Size) -> str:
    closed = list(plan.periods.filter(status=Period.Status.CLOSED).order_by("order"))
    tokens = []
    for n in range(size.packs):
        snapshot = freeze(closed[n % len(closed)])  # the pack as closing a period stores it, data for publishing too
        tokens.append(publish(snapshot, f"Committee {n}", alice).token)
    return tokens[0]


@dataclass
class Page:
    most: int  # the page's queries at most, on any path
    arguments: Callable[[Scene], dict] | None = None  # Scene → URL kwargs
    as_user: str = "owner"  # "owner" (alice, a staff superuser who owns the plans), "lead" or "anonymous"
    query: Callable[[Scene], dict] | None = None
    post: Callable[[Scene], dict] | None = None  # the data of a POST, read afresh before each count
    htmx: bool = False


def plan_slug(scene: Scene) -> dict:
    return {"slug": scene.plan.slug}


def the_measure(scene: Scene) -> dict:
    return {"pk": scene.measure.pk}


def api(dataset: str, fmt: str) -> Callable[[Scene], dict]:
    return lambda scene: {"slug": scene.plan.slug, "dataset": dataset, "fmt": fmt}


def structure_row(kind: str) -> Callable[[Scene], dict]:
    def arguments(scene: Scene) -> dict:
        row = {
            "priority": scene.measure.action.outcome.priority,
            "outcome": scene.measure.action.outcome,
            "action": scene.measure.action,
            "measure": scene.measure,
        }[kind]
        return {"slug": scene.plan.slug, "pk": row.pk}

    return arguments


def an_indicator(scene: Scene) -> dict:
    return {"slug": scene.plan.slug, "pk": Indicator.objects.filter(priority__plan=scene.plan).first().pk}


def every_filter(scene: Scene) -> dict:
    return {
        "q": "meet",
        "priority": scene.plan.priorities.get(number=1).pk,
        "lead": scene.measure.leads.first().pk,
        "level": scene.plan.scale.levels.get(value=3).pk,
        "period": scene.plan.periods.order_by("order").first().pk,
        "overdue": "on",
        "not_updated": "on",
    }


def a_rating(scene: Scene) -> dict:
    measure = Measure.objects.get(pk=scene.measure.pk)
    return rating_data(scene.plan, measure, 3, "Counted.")


def the_export(scene: Scene) -> dict:
    data = to_bytes(export_plan(scene.plan))
    return {"file": SimpleUploadedFile("counted.xlsx", data)}


def two_leads(scene: Scene) -> dict:
    """The merge's choice: the plan's first two leads (the duplicate leads some of the plan's measures)."""
    kept, duplicate = Lead.objects.filter(plan=scene.plan).order_by("pk").values_list("pk", flat=True)[:2]
    return {"kept": kept, "duplicate": duplicate}


# URL name (or name:variant) → how to reach it and its most queries. Where a page rolls periods up the most is
# its cold count (plans.rollup.cache): the data versions, the closed periods' kept counts looked for, on
# PostgreSQL whether a write is under way, and the counts kept.
PAGES = {
    "home": Page(5),
    "home:lead": Page(10, as_user="lead"),
    "plan-list": Page(4),
    "plan-detail": Page(20, plan_slug),
    "plan-detail:all-periods": Page(20, plan_slug, query=lambda scene: {"periods": "all"}),
    "plan-detail:filtered": Page(23, plan_slug, query=every_filter),
    "my-measures": Page(9, as_user="lead"),
    "measure-detail": Page(19, the_measure),  # + the recommendations it answers (5), its indicators (1)
    "measure-detail:lead": Page(20, the_measure, as_user="lead"),
    "measure-rate": Page(8, the_measure, as_user="lead"),
    "measure-rate:htmx": Page(8, the_measure, as_user="lead", htmx=True),
    "measure-rate:save": Page(
        25, the_measure, as_user="lead", post=a_rating, htmx=True
    ),  # history snapshots indicators; the saved row is brought up to date by one query, not reloaded
    "measure-row": Page(9, the_measure, as_user="lead", htmx=True),
    "plan-signoff": Page(5, plan_slug),
    "portfolio": Page(19),
    "portfolio:lead": Page(19, as_user="lead"),
    # +2: the headline period's rule (Plan.headline_period) reads ratings per period and the number of measures.
    "board-dashboard": Page(23, plan_slug),
    "board-dashboard:as-at": Page(14, plan_slug, query=lambda scene: {"as_at": timezone.localdate().isoformat()}),
    "board-pack": Page(33, plan_slug),
    "board-pack-xlsx": Page(32, plan_slug),
    "board-coverage": Page(24, plan_slug),  # +2, as the dashboard: the headline period
    "board-evidence": Page(16, lambda scene: {"slug": scene.plan.slug, "pk": scene.recommendation.pk}),  # + evidence
    "board-indicators": Page(10, lambda scene: {"slug": scene.plan.slug, "number": 1}),  # + measures evidenced
    "board-plan-as-at": Page(13, plan_slug),
    "owner-periods": Page(8, plan_slug),
    "owner-missing-updates": Page(7, plan_slug),
    "owner-structure": Page(10, plan_slug),
    "owner-leads": Page(7, plan_slug),
    "owner-lead-edit": Page(7, lambda scene: {"slug": scene.plan.slug, "pk": two_leads(scene)["kept"]}),
    "owner-lead-merge": Page(8, plan_slug, query=two_leads),
    "owner-new-plan": Page(4),
    "owner-new-plan-workbook": Page(4),
    "owner-settings": Page(7, plan_slug),
    "owner-reminder-preview": Page(8, plan_slug),
    "owner-priority-add": Page(5, plan_slug),  # the plan's last priority number, for the new one's default
    "owner-priority-edit": Page(5, structure_row("priority")),
    "owner-outcome-add": Page(6, plan_slug),
    "owner-outcome-edit": Page(8, structure_row("outcome")),
    "owner-action-add": Page(6, plan_slug),
    "owner-action-edit": Page(8, structure_row("action")),
    "owner-measure-add": Page(7, plan_slug),
    "owner-measure-edit": Page(10, structure_row("measure")),
    "owner-indicator-add": Page(9, plan_slug),
    "owner-indicator-edit": Page(12, an_indicator),
    "plan-export": Page(16, plan_slug),
    "plan-import": Page(4, plan_slug),
    "plan-import:preview": Page(10, plan_slug, post=the_export),
    "publications": Page(7, plan_slug),
    "publication": Page(1, lambda scene: {"token": scene.token}, as_user="anonymous"),
    "api-plan-data:rollup.json": Page(13, api("rollup", "json")),
    "api-plan-data:rollup.csv": Page(13, api("rollup", "csv")),
    "api-plan-data:measures.json": Page(7, api("measures", "json")),
    "api-plan-data:measures.csv": Page(7, api("measures", "csv")),
    "api-plan-data:ratings.json": Page(5, api("ratings", "json")),
    "api-plan-data:ratings.csv": Page(5, api("ratings", "csv")),
}


# What the pages build on, asked for directly: name → (most queries, Scene → the call, prepared).
def every_plan_rolled_up(scene: Scene) -> Callable[[], object]:
    plans = list(Plan.objects.select_related("scale"))  # read before counting
    return lambda: plans_rollup(plans)


CALLS: dict[str, tuple[int, Callable[[Scene], Callable[[], object]]]] = {
    "plan_rollup": (9, lambda scene: lambda: plan_rollup(scene.plan)),
    "plans_rollup of every plan": (9, every_plan_rolled_up),
    "load_state_as_at now": (10, lambda scene: lambda: load_state_as_at(scene.plan, timezone.now())),
}


def queries(action: Callable[[], object]) -> int:
    """How many statements `action` sends to the database.

    Counted by an execute wrapper rather than CaptureQueriesContext, whose log keeps only the last 9,000
    queries of the connection: a count taken after that many would read 0, and two zeros are equal.
    """
    count = 0

    def counted(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        action()
    return count


def four_ways(prepare: Callable[[], Callable[[], object]]) -> dict[str, int]:
    """The queries of the prepared action cold (nothing cached, nothing kept), warm, restarted (nothing cached;
    the closed periods' counts kept) and inside a transaction (rolled back: a POST leaves no trace).

    `prepare` runs before each count, uncounted: a POST's data is read afresh (a rating carries the
    measure's current version), so only the request itself is counted.
    """
    first = prepare()
    cache.clear()  # after preparing: an export made for the import preview rolls the plan up
    KeptCounts.objects.all().delete()  # cold: as the first count after the plan's structure changed
    counts = {"cold": queries(first), "warm": queries(prepare())}
    restarted = prepare()
    cache.clear()  # a restart, or the cache's entries expired: the closed periods' counts are read back
    counts["restarted"] = queries(restarted)
    with transaction.atomic():
        counts["in transaction"] = queries(prepare())
        transaction.set_rollback(True)
    return counts


def client_for(scene: Scene, alice, who: str) -> Client:
    if who not in scene.clients:
        client = Client()
        if who != "anonymous":
            client.force_login(alice if who == "owner" else scene.lead)
        scene.clients[who] = client
    return scene.clients[who]


def request(key: str, scene: Scene, alice) -> Callable[[], Callable[[], object]]:
    """Prepares the page's request (its URL, client and any POST data) and returns it, ready to send."""
    page = PAGES[key]
    url = reverse(key.split(":")[0], kwargs=page.arguments(scene) if page.arguments else None)
    client = client_for(scene, alice, page.as_user)
    headers = {"HTTP_HX_REQUEST": "true"} if page.htmx else {}

    def prepare() -> Callable[[], object]:
        if page.post:
            data = page.post(scene)
            return lambda: ok(key, client.post(url, data, **headers))
        query = page.query(scene) if page.query else {}
        return lambda: ok(key, client.get(url, query, **headers))

    return prepare


def ok(key: str, response):
    assert response.status_code == 200, (key, response.status_code, response.content.decode()[:500])
    if response.streaming:
        b"".join(response.streaming_content)  # a download reads its rows as it is sent: count those queries too
    return response


def count_everything(scene: Scene, alice) -> dict[str, dict[str, int]]:
    counts = {key: four_ways(request(key, scene, alice)) for key in PAGES}
    for name, (_most, call) in CALLS.items():
        counts[name] = four_ways(lambda call=call: call(scene))
    return counts


def most_of(key: str) -> int:
    return PAGES[key].most if key in PAGES else CALLS[key][0]


def test_no_page_or_rollup_takes_more_queries_on_a_large_plan_than_on_a_small_one(alice):
    lead_user = get_user_model().objects.create_user("counted-lead", first_name="Counted", last_name="Lead")
    small = count_everything(build_scene(alice, lead_user, "small", SMALL), alice)
    large = count_everything(build_scene(alice, lead_user, "large", LARGE), alice)

    assert all(count > 0 for counts in small.values() for count in counts.values())
    grows = {key: (small[key], large[key]) for key in small if small[key] != large[key]}
    assert grows == {}, "query counts that differ between the small and the large plan (small, large)"
    too_many = {key: counts for key, counts in large.items() if max(counts.values()) > most_of(key)}
    assert too_many == {}, "query counts above their pinned ceiling"
    # The rollup's own figure (README, docs/rollup): five queries however large the plan, when nothing is cached.
    assert small["plan_rollup"]["in transaction"] == 5
    assert large["plans_rollup of every plan"]["in transaction"] == 5


ACCEPTANCE = Size(
    plans=1, measures=1000, periods=24, history=1000, led=1, indicators=1, months=2, answers=1, recommendations=2,
    notes=1, submitted=1, packs=1, unrated=1, members=1,
)  # fmt: skip


def test_the_board_pages_of_a_plan_of_1000_measures_and_24_periods_take_what_they_take_on_a_small_one(alice):
    """Issue 5's acceptance: the dashboard and the pack cost the same queries at 1,000 measures × 24 periods."""
    lead_user = get_user_model().objects.create_user("counted-lead")
    small = build_scene(alice, lead_user, "small", SMALL)
    big = build_scene(alice, lead_user, "big", ACCEPTANCE)
    assert Measure.objects.of_plan(big.plan).count() == 1000
    assert big.plan.periods.count() == 24
    for key in ("board-dashboard", "board-pack"):
        assert four_ways(request(key, small, alice)) == four_ways(request(key, big, alice)), key
