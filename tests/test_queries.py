"""Rollups and pages use a fixed number of queries, however large the plan."""

import pytest
from django.urls import reverse

from plans.rollup.plan import plan_rollup
from tests.factories import build_plan


@pytest.mark.parametrize(("priorities", "measures", "periods"), [(2, 3, 2), (6, 20, 8)])
def test_a_plan_rollup_takes_five_queries_whatever_its_size(
    db, django_assert_num_queries, priorities, measures, periods
):
    plan = build_plan(priorities, measures, periods)
    with django_assert_num_queries(5):
        rollups = plan_rollup(plan)
    assert len(rollups) == periods
    assert all(period.rated == priorities * measures for period in rollups)


def test_the_demo_plan_rollup_takes_five_queries(thurrock, django_assert_num_queries):
    with django_assert_num_queries(5):
        plan_rollup(thurrock)


@pytest.mark.parametrize("size", [(2, 3, 2), (5, 15, 6)])
def test_the_plan_page_query_count_does_not_grow_with_the_plan(client, alice, django_assert_max_num_queries, size):
    plan = build_plan(*size)
    client.force_login(alice)
    with django_assert_max_num_queries(18):  # 12 + the five lists of the filter form + the page count
        response = client.get(reverse("plan-detail", args=[plan.slug]))
    assert response.status_code == 200
