"""Starting a new plan from an inspection report's pasted recommendations."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans import permissions
from plans.models import Inspection, Plan

SOUTH_GLOS = (Path(__file__).parent / "data" / "recommendations" / "south-gloucestershire-2017.txt").read_text()


def form(**overrides) -> dict:
    data = {
        "council": "South Gloucestershire Council",
        "body": "Ofsted",
        "inspection_title": "Inspection of services for children in need of help and protection",
        "published": "13/02/2017",
        "judgement": "Inadequate",
        "recommendations_text": SOUTH_GLOS,
        "title": "Children's Services Improvement Plan 2017-19",
        "slug": "",
        "organisation": "South Gloucestershire Council",
        "scale": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def owner(client, thurrock):
    user = get_user_model().objects.get(username="owner")
    client.force_login(user)
    return client


def test_pasted_recommendations_become_an_inspection_and_a_plan_owned_by_its_creator(owner, thurrock):
    response = owner.post(reverse("owner-new-plan"), form(scale=thurrock.scale_id), follow=True)
    text = response.content.decode()
    assert "started from 22 recommendations" in text
    plan = Plan.objects.get(slug="childrens-services-improvement-plan-2017-19")
    assert plan.owner.username == "owner"
    assert plan.scale == thurrock.scale
    inspection = plan.inspections.get()
    assert inspection.council == "South Gloucestershire Council"
    assert str(inspection.published) == "2017-02-13"
    assert inspection.recommendations.count() == 22
    assert inspection.recommendations.get(number=22).text.startswith("Implement caseload management guidance")
    assert plan.history.first().history_user.username == "owner"
    # The new plan's recommendations are ready to link from its actions.
    assert response.redirect_chain[-1][0] == reverse("owner-structure", args=[plan.slug])
    add_action = owner.get(reverse("owner-action-add", args=[plan.slug])).content.decode()
    assert "South Gloucestershire Council 22: Implement caseload" in add_action


def test_text_without_numbered_recommendations_is_refused_with_the_field_named(owner, thurrock):
    before = Inspection.objects.count()
    response = owner.post(
        reverse("owner-new-plan"), form(scale=thurrock.scale_id, recommendations_text="Please improve.")
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "Recommendations: No numbered recommendations found" in text
    assert Inspection.objects.count() == before


def test_a_plan_address_already_taken_is_refused(owner, thurrock):
    response = owner.post(reverse("owner-new-plan"), form(scale=thurrock.scale_id, slug=thurrock.slug))
    assert f"A plan called &quot;{thurrock.slug}&quot; already exists" in response.content.decode()


@pytest.mark.parametrize("username", ["smurphy", "board"])
def test_contributors_and_viewers_cannot_start_a_plan(client, thurrock, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    assert not permissions.can_start_plan(user)
    assert client.get(reverse("owner-new-plan")).status_code == 403
    plans, inspections = Plan.objects.count(), Inspection.objects.count()
    assert client.post(reverse("owner-new-plan"), form(scale=thurrock.scale_id)).status_code == 403
    assert (Plan.objects.count(), Inspection.objects.count()) == (plans, inspections)
    assert "Start a plan from an inspection" not in client.get(reverse("home")).content.decode()
