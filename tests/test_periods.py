"""Owners open, close and reopen reporting periods; one period is open at a time; every change is in the history."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans import permissions
from plans.models import Period, Rating


def post(client, plan, **data):
    return client.post(reverse("owner-periods", args=[plan.slug]), data, follow=True)


@pytest.fixture
def owner(client, thurrock):
    client.force_login(get_user_model().objects.get(username="owner"))
    return client


def statuses(plan) -> dict[str, str]:
    return dict(plan.periods.values_list("label", "status"))


def test_the_periods_page_lists_each_period_with_how_many_measures_are_rated(owner, thurrock):
    response = owner.get(reverse("owner-periods", args=[thurrock.slug]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "97 of 97" in text  # Initial and 01/18 are fully rated
    assert "0 of 97" in text  # 03/18 not started
    assert "Close 01/18" in text


def test_closing_the_open_period_makes_its_ratings_read_only(owner, thurrock):
    period = thurrock.periods.get(label="01/18")
    measure = Rating.objects.filter(period=period).first().measure
    owner_user = get_user_model().objects.get(username="owner")
    assert permissions.can_rate(owner_user, measure, period)
    response = post(owner, thurrock, action="close", period=period.pk)
    assert "01/18 is closed: its ratings are now read-only." in response.content.decode()
    period.refresh_from_db()
    assert period.status == Period.Status.CLOSED
    assert not permissions.can_rate(owner_user, measure, period)
    assert period.history.first().history_user == owner_user


def test_opening_the_next_period_opens_the_planned_one_with_no_ratings_and_keeps_the_previous(owner, thurrock):
    post(owner, thurrock, action="close", period=thurrock.periods.get(label="01/18").pk)
    response = post(owner, thurrock, action="open")
    assert "03/18 is open" in response.content.decode()
    assert statuses(thurrock) == {"Initial": "closed", "01/18": "closed", "03/18": "open", "05/18": "planned"}
    assert not Rating.objects.filter(period__label="03/18", period__plan=thurrock).exists()
    assert Rating.objects.filter(period__label="01/18", period__plan=thurrock).count() == 97
    page = owner.get(reverse("plan-detail", args=[thurrock.slug])).content.decode()
    assert "RAG 01/18" in page
    assert "RAG 03/18" in page


def test_a_second_period_cannot_be_opened_while_one_is_open(owner, thurrock):
    response = post(owner, thurrock, action="open")
    assert "Nothing was changed. 01/18 is still open" in response.content.decode()
    assert statuses(thurrock)["03/18"] == "planned"


def test_with_no_planned_period_left_the_owner_names_a_new_one(client, alice, small):
    client.force_login(alice)
    post(client, small.plan, action="close", period=small.p2.pk)
    response = post(client, small.plan, action="open", label="")
    assert "Label: give the new period a label" in response.content.decode()
    response = post(client, small.plan, action="open", label="P1")
    assert "already has a period called P1" in response.content.decode()
    post(client, small.plan, action="open", label="07/18")
    new = small.plan.periods.get(label="07/18")
    assert (new.order, new.status) == (3, Period.Status.OPEN)


def test_reopening_a_closed_period_needs_a_reason_which_the_history_keeps(owner, thurrock):
    initial = thurrock.periods.get(label="Initial")
    post(owner, thurrock, action="close", period=thurrock.periods.get(label="01/18").pk)
    response = post(owner, thurrock, action="reopen", period=initial.pk, reason="")
    assert response.status_code == 200
    assert "Why reopen it?: This field is required." in response.content.decode()
    initial.refresh_from_db()
    assert initial.status == Period.Status.CLOSED

    response = post(owner, thurrock, action="reopen", period=initial.pk, reason="Baseline typo in priority 3")
    assert "Initial is open again" in response.content.decode()
    initial.refresh_from_db()
    assert initial.status == Period.Status.OPEN
    latest = initial.history.first()
    assert latest.history_change_reason == "Reopened: Baseline typo in priority 3"
    assert latest.history_user.username == "owner"
    assert "Reopened: Baseline typo in priority 3" in response.content.decode()


def test_a_closed_period_cannot_be_reopened_while_another_is_open(owner, thurrock):
    initial = thurrock.periods.get(label="Initial")
    response = post(owner, thurrock, action="reopen", period=initial.pk, reason="fix")
    assert "01/18 is still open" in response.content.decode()
    initial.refresh_from_db()
    assert initial.status == Period.Status.CLOSED


@pytest.mark.parametrize("username", ["smurphy", "board"])
def test_only_owners_may_see_or_change_periods(client, thurrock, username):
    client.force_login(get_user_model().objects.get(username=username))
    url = reverse("owner-periods", args=[thurrock.slug])
    assert client.get(url).status_code == 403
    period = thurrock.periods.get(label="01/18")
    assert client.post(url, {"action": "close", "period": period.pk}).status_code == 403
    period.refresh_from_db()
    assert period.status == Period.Status.OPEN


def test_a_period_of_another_plan_cannot_be_closed_through_this_one(owner, thurrock, send_plan):
    other = send_plan.periods.get(status=Period.Status.OPEN)
    response = owner.post(reverse("owner-periods", args=[thurrock.slug]), {"action": "close", "period": other.pk})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Period.Status.OPEN
