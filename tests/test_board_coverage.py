"""Recommendations coverage and the evidence page an inspector reads."""

import pytest
from django.urls import reverse

from plans.audit import acting_as
from plans.models import Inspection, Measure, Rating, Recommendation


def coverage(client, plan, **params):
    return client.get(reverse("board-coverage", args=[plan.slug]), params)


def test_every_thurrock_recommendation_is_listed_with_its_answers_and_score(client, alice, thurrock):
    client.force_login(alice)
    response = coverage(client, thurrock)
    assert response.status_code == 200
    (ic,) = response.context["coverage"]
    assert [item.recommendation.number for item in ic.items] == list(range(1, 17))
    assert ic.unanswered == []
    first = ic.items[0]
    assert first.answered
    assert len(first.answers) == 4
    assert str(first.score) == "2.8"
    assert "Every recommendation is answered by at least one action." in response.content.decode()


def test_a_recommendation_no_action_answers_is_flagged_at_the_top(client, alice, thurrock):
    inspection = Inspection.objects.get(key="thurrock-2016")
    Recommendation.objects.create(inspection=inspection, number=17, text="Improve the sufficiency of placements.")
    client.force_login(alice)
    response = coverage(client, thurrock)
    text = response.content.decode()
    assert [item.recommendation.number for item in response.context["unanswered"]] == [17]
    assert "1 recommendation not answered by any action" in text
    assert text.index("not answered by any action") < text.index("<table")


def test_the_score_follows_the_chosen_period(client, alice, thurrock):
    client.force_login(alice)
    (ic,) = coverage(client, thurrock, period="Initial").context["coverage"]
    assert ic.items[0].score is not None
    (later,) = coverage(client, thurrock, period="03/18").context["coverage"]
    assert later.items[0].score is None
    assert later.items[0].rated == 0


def test_the_evidence_page_shows_rating_history_with_who_and_why(client, alice, thurrock):
    recommendation = Recommendation.objects.get(inspection__key="thurrock-2016", number=1)
    measure = (
        Measure.objects.filter(action__recommendations=recommendation).first()
        or Measure.objects.filter(action__outcome__recommendations=recommendation).first()
    )
    rating = Rating.objects.filter(measure=measure).order_by("-period__order").first()
    with acting_as(alice):
        rating.reason = "Audit found supervision timely in 9 of 10 files."
        rating.save()
    client.force_login(alice)
    response = client.get(reverse("board-evidence", args=[thurrock.slug, recommendation.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Recommendation 1: the evidence" in text
    assert "Audit found supervision timely in 9 of 10 files." in text
    assert "alice" in text
    assert len(response.context["items"]) == 4


def test_the_evidence_page_of_another_inspection_is_404(client, alice, thurrock):
    other = Recommendation.objects.exclude(inspection__key="thurrock-2016").first()
    client.force_login(alice)
    assert client.get(reverse("board-evidence", args=[thurrock.slug, other.pk])).status_code == 404


@pytest.mark.parametrize("plan_fixture", ["thurrock", "send_plan"])
def test_coverage_pages_open_for_both_demo_plans(client, alice, plan_fixture, request):
    plan = request.getfixturevalue(plan_fixture)
    client.force_login(alice)
    assert coverage(client, plan).status_code == 200
