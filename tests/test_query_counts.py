"""Every page and the rollup use a fixed number of queries, on a small and a large generated plan.

Pages are listed by URL name; a page added to the project gets a line in PAGES.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from plans.models import Plan
from plans.plan_rollup import plan_rollup

SMALL = {"measures": 20, "periods": 3, "history": 20, "plans": 2}
LARGE = {"measures": 250, "periods": 12, "history": 1000, "plans": 3}

# URL name → (URL arguments from the plan, most queries allowed).
PAGES = {
    "home": (lambda plan: [], 8),
    "plan-detail": (lambda plan: [plan.slug], 14),
}


def generated(size: dict) -> Plan:
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
    return Plan.objects.select_related("scale").get(slug="counted-1")


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_page_query_count_does_not_grow_with_the_plan(client, alice, django_assert_max_num_queries, name, size):
    plan = generated(size)
    arguments, most = PAGES[name]
    client.force_login(alice)
    with django_assert_max_num_queries(most):
        response = client.get(reverse(name, args=arguments(plan)))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_the_rollup_of_a_generated_plan_takes_five_queries(alice, django_assert_num_queries, size):
    plan = generated(size)
    with django_assert_num_queries(5):
        rollups = plan_rollup(plan)
    assert len(rollups) == size["periods"]
    assert rollups[-1].measures == size["measures"]
