"""Every page and the rollup use a fixed number of queries, on a small and a large generated plan.

Pages are listed by URL name; a page added to the project gets a line in PAGES
(and in bench/pages.py). Each pin is the page's real count, the same on both
sizes: a page whose count grows with the plan fails on the large one.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from plans.models import Measure, Membership, Plan
from plans.rollup.plan import plan_rollup

SMALL = {"measures": 20, "periods": 3, "history": 20, "plans": 2}
LARGE = {"measures": 250, "periods": 12, "history": 1000, "plans": 3}


@dataclass
class Scene:
    """The first generated plan, one of its measures, and its lead (a contributor whose Lead record is theirs)."""

    plan: Plan
    measure: Measure
    lead: object


@dataclass
class Page:
    most: int  # the page's queries, pinned
    arguments: object = None  # Scene → URL kwargs
    as_user: str = "owner"  # "owner" (alice, a staff superuser who owns the plans) or "lead"
    query: str = ""


def plan_slug(scene: Scene) -> dict:
    return {"slug": scene.plan.slug}


def api(dataset: str, fmt: str):
    return lambda scene: {"slug": scene.plan.slug, "dataset": dataset, "fmt": fmt}


# URL name (or name:variant) → how to reach it and its pinned query count.
PAGES = {
    "home": Page(5),
    "home:lead": Page(10, as_user="lead"),
    "plan-list": Page(4),
    "plan-detail": Page(18, plan_slug),
    "plan-detail:filtered": Page(17, plan_slug, query="q=measure&overdue=true&not_updated=true"),
    "my-measures": Page(9, as_user="lead"),
    "measure-detail": Page(13, lambda scene: {"pk": scene.measure.pk}),
    "measure-detail:lead": Page(14, lambda scene: {"pk": scene.measure.pk}, as_user="lead"),
    "measure-rate": Page(9, lambda scene: {"pk": scene.measure.pk}, as_user="lead"),
    "plan-signoff": Page(5, plan_slug),
    "portfolio": Page(14),
    "board-dashboard": Page(17, plan_slug),
    "board-pack": Page(24, plan_slug),
    "board-coverage": Page(18, plan_slug),
    "board-indicators": Page(7, lambda scene: {"slug": scene.plan.slug, "number": 1}),
    "board-plan-as-at": Page(12, plan_slug),
    "owner-periods": Page(8, plan_slug),
    "owner-missing-updates": Page(7, plan_slug),
    "owner-structure": Page(10, plan_slug),
    "api-plan-data:rollup.json": Page(9, api("rollup", "json")),
    "api-plan-data:measures.json": Page(7, api("measures", "json")),
    "api-plan-data:ratings.csv": Page(5, api("ratings", "csv")),
}


def generated(size: dict) -> Scene:
    call_command(
        "generate_plan",
        "--measures",
        size["measures"],
        "--periods",
        size["periods"],
        "--history",
        size["history"],
        "--plans",
        size["plans"],
        "--slug",
        "counted",
        "--user",
        "alice",
        stdout=open("/dev/null", "w"),
    )
    first = "counted-1" if size["plans"] > 1 else "counted"  # generate_plan numbers the slugs of several plans
    plan = Plan.objects.select_related("scale").get(slug=first)
    measure = Measure.objects.of_plan(plan).order_by("pk").first()
    lead = get_user_model().objects.create_user("counted-lead")
    their_lead = measure.leads.order_by("pk").first()
    their_lead.user = lead
    their_lead.save()
    for each in Plan.objects.filter(slug__startswith="counted"):
        Membership.objects.create(plan=each, user=lead, role=Membership.Role.CONTRIBUTOR)
    return Scene(plan=plan, measure=measure, lead=lead)


def url_of(key: str, scene: Scene) -> str:
    page = PAGES[key]
    url = reverse(key.split(":")[0], kwargs=page.arguments(scene) if page.arguments else None)
    return f"{url}?{page.query}" if page.query else url


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
@pytest.mark.parametrize("key", sorted(PAGES))
def test_the_page_query_count_does_not_grow_with_the_plan(client, alice, django_assert_max_num_queries, key, size):
    scene = generated(size)
    page = PAGES[key]
    client.force_login(scene.lead if page.as_user == "lead" else alice)
    with django_assert_max_num_queries(page.most):
        response = client.get(url_of(key, scene))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_the_rollup_of_a_generated_plan_takes_five_queries(alice, django_assert_num_queries, size):
    scene = generated(size)
    with django_assert_num_queries(5):
        rollups = plan_rollup(scene.plan)
    assert len(rollups) == size["periods"]
    assert rollups[-1].measures == size["measures"]


ACCEPTANCE = {"measures": 1000, "periods": 24, "history": 1000, "plans": 1}


@pytest.mark.parametrize("key", ["board-dashboard", "board-pack"])
def test_the_board_pages_of_a_plan_of_1000_measures_and_24_periods_keep_their_pinned_query_count(
    client, alice, django_assert_max_num_queries, key
):
    """Issue 5's acceptance: the dashboard and the pack cost the same queries at 1,000 measures × 24 periods."""
    scene = generated(ACCEPTANCE)
    assert Measure.objects.of_plan(scene.plan).count() == 1000
    assert scene.plan.periods.count() == 24
    client.force_login(alice)
    with django_assert_max_num_queries(PAGES[key].most):
        response = client.get(url_of(key, scene))
    assert response.status_code == 200
