"""Plans that require sign-off: a lead's save is submitted; the owner approves it or returns it with a comment."""

import pytest
from django.urls import reverse

from plans.models import Comment, Rating
from tests.factories import rating_data


@pytest.fixture
def signoff_plan(thurrock):
    thurrock.requires_signoff = True
    thurrock.save()
    return thurrock


@pytest.fixture
def submitted(client, smurphy, signoff_plan, murphy_measure, open_period):
    client.force_login(smurphy)
    client.post(reverse("measure-rate", args=[murphy_measure.pk]), rating_data(signoff_plan, murphy_measure, 3))
    return Rating.objects.get(measure=murphy_measure, period=open_period)


def test_a_leads_save_is_submitted_and_shown_as_awaiting_sign_off(client, smurphy, submitted, murphy_measure):
    assert submitted.status == Rating.Status.SUBMITTED
    client.force_login(smurphy)
    response = client.get(reverse("measure-row", args=[murphy_measure.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Awaiting sign-off" in response


def test_an_owners_own_rating_needs_no_sign_off(client, owner, signoff_plan, murphy_measure, open_period):
    client.force_login(owner)
    client.post(reverse("measure-rate", args=[murphy_measure.pk]), rating_data(signoff_plan, murphy_measure, 3))
    assert Rating.objects.get(measure=murphy_measure, period=open_period).status == Rating.Status.APPROVED


def test_the_owner_approves_and_who_and_when_are_kept(client, owner, submitted, signoff_plan):
    client.force_login(owner)
    page = client.get(reverse("plan-signoff", args=[signoff_plan.slug])).content.decode()
    assert "Signs of Safety Model" in page
    response = client.post(reverse("rating-signoff", args=[submitted.pk]), {"decision": "approve"}, follow=True)
    assert "Approved: Signs of Safety" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Rating.Status.APPROVED
    last = submitted.history.first()
    assert (last.history_user, last.status) == (owner, "approved")
    assert last.prev_record.status == "submitted"


def test_returning_needs_a_comment_which_is_kept(client, owner, submitted, signoff_plan, murphy_measure):
    client.force_login(owner)
    response = client.post(reverse("rating-signoff", args=[submitted.pk]), {"decision": "return"}, follow=True)
    assert "Say why you are returning the rating" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Rating.Status.SUBMITTED
    client.post(reverse("rating-signoff", args=[submitted.pk]), {"decision": "return", "comment": "Add the audit."})
    submitted.refresh_from_db()
    assert submitted.status == Rating.Status.RETURNED
    comment = Comment.objects.get(measure=murphy_measure)
    assert (comment.kind, comment.text, comment.author) == ("returned", "Add the audit.", owner)
    page = client.get(reverse("measure-detail", args=[murphy_measure.pk])).content.decode()
    assert "Returned to the lead" in page
    assert "Add the audit." in page


def test_a_returned_rating_goes_back_to_submitted_when_the_lead_saves_again(
    client, owner, smurphy, submitted, signoff_plan, murphy_measure
):
    client.force_login(owner)
    client.post(reverse("rating-signoff", args=[submitted.pk]), {"decision": "return", "comment": "Evidence?"})
    murphy_measure.refresh_from_db()
    client.force_login(smurphy)
    client.post(reverse("measure-rate", args=[murphy_measure.pk]), rating_data(signoff_plan, murphy_measure, 3))
    submitted.refresh_from_db()
    assert submitted.status == Rating.Status.SUBMITTED


def test_a_rating_awaiting_sign_off_counts_in_the_rollup_only_once_approved(
    client, owner, smurphy, signoff_plan, murphy_measure, open_period
):
    from plans.rollup.plan import plan_rollup

    def priority_one():
        rollup = plan_rollup(signoff_plan, [open_period])[0]
        return rollup.priorities[0].rated, rollup.priorities[0].score

    rated_before, _ = priority_one()
    client.force_login(smurphy)
    client.post(reverse("measure-rate", args=[murphy_measure.pk]), rating_data(signoff_plan, murphy_measure, 3))
    assert priority_one()[0] == rated_before - 1
    rating = Rating.objects.get(measure=murphy_measure, period=open_period)
    client.force_login(owner)
    client.post(reverse("rating-signoff", args=[rating.pk]), {"decision": "approve"})
    assert priority_one()[0] == rated_before


def test_the_sign_off_page_counts_what_is_pending_for_the_board(client, board, submitted, signoff_plan):
    client.force_login(board)
    response = client.get(reverse("plan-signoff", args=[signoff_plan.slug]))
    assert response.context["submitted_count"] == 1
    assert "1 rating is awaiting sign-off" in response.content.decode()
