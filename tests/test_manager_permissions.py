"""Who may do what on the service managers' endpoints: a matrix of users × actions, plus CSRF on htmx posts."""

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import Comment, Evidence, Measure, Period, Rating
from tests.factories import rating_data

# Expected status per user for S Murphy's measure. bob has no role in the plan (404: not revealed);
# janet is a contributor who leads other measures; board is a viewer.
MATRIX = {
    #               owner  smurphy janet board bob
    "view page": (200, 200, 200, 200, 404),
    "open form": (200, 200, 403, 403, 404),
    "save rating": (302, 302, 403, 403, 404),
    "comment": (302, 302, 403, 403, 404),
    "add evidence": (302, 302, 403, 403, 404),
}
USERS = ["owner", "smurphy", "janet", "board", "bob"]


def written(action, measure) -> tuple:
    """What each writing action changes: the measure's rating and version, its comments, its evidence."""
    if action == "save rating":
        current = Measure.objects.get(pk=measure.pk)
        rating = Rating.objects.filter(measure=measure, period__label="01/18").select_related("level").first()
        return current.version, rating.level.value, rating.update, Rating.history.filter(measure_id=measure.pk).count()
    if action == "comment":
        return tuple(Comment.objects.filter(measure=measure).values_list("text", "author__username"))
    if action == "add evidence":
        return tuple(Evidence.objects.filter(measure=measure).values_list("title", "link", "added_by__username"))
    return ()


def act(client, action, plan, measure):
    pk = measure.pk
    if action == "view page":
        return client.get(reverse("measure-detail", args=[pk]))
    if action == "open form":
        return client.get(reverse("measure-rate", args=[pk]))
    if action == "save rating":
        return client.post(reverse("measure-rate", args=[pk]), rating_data(plan, measure, 3))
    if action == "comment":
        return client.post(reverse("measure-comment", args=[pk]), {"text": "Looks right."})
    return client.post(reverse("measure-evidence", args=[pk]), {"title": "Audit", "link": "https://example.org/a"})


@pytest.mark.parametrize("action", list(MATRIX))
@pytest.mark.parametrize("who", USERS)
def test_each_user_may_do_only_what_their_role_allows_on_a_leads_measure(
    client, request, thurrock, murphy_measure, janet, bob, who, action
):
    client.force_login(request.getfixturevalue(who))
    before = written(action, murphy_measure)
    response = act(client, action, thurrock, murphy_measure)
    expected = MATRIX[action][USERS.index(who)]
    assert response.status_code == expected
    after = written(action, murphy_measure)
    if expected == 302:  # allowed: the write happened, in this user's name
        assert after != before, f"{who} was let through but nothing was written"
        if action == "save rating":
            assert Rating.history.filter(measure_id=murphy_measure.pk).first().history_user.username == who
        else:
            assert after[-1][-1] == who
    else:
        assert after == before, f"{who} was refused but something was written"


@pytest.mark.parametrize("action", list(MATRIX))
def test_anonymous_users_are_sent_to_sign_in(client, thurrock, murphy_measure, action):
    before = written(action, murphy_measure)
    response = act(client, action, thurrock, murphy_measure)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert written(action, murphy_measure) == before


def test_a_contributor_cannot_rate_another_leads_measure_by_guessing_its_id(
    client, janet, thurrock, murphy_measure, open_period
):
    client.force_login(janet)
    before = Rating.objects.get(measure=murphy_measure, period=open_period).level_id
    response = client.post(
        reverse("measure-rate", args=[murphy_measure.pk]),
        rating_data(thurrock, murphy_measure, 5),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 403
    assert Rating.objects.get(measure=murphy_measure, period=open_period).level_id == before
    assert not Comment.objects.filter(measure=murphy_measure).exists()


def test_a_contributor_rates_their_own_measure(client, janet, thurrock, janet_measure, open_period):
    client.force_login(janet)
    data = rating_data(thurrock, janet_measure, 3, "Janet's update.")
    response = client.post(reverse("measure-rate", args=[janet_measure.pk]), data)
    assert response.status_code == 302
    rating = Rating.objects.get(measure=janet_measure, period=open_period)
    assert (rating.level.value, rating.update) == (3, "Janet's update.")
    assert rating.history.first().history_user == janet


@pytest.mark.parametrize("who", ["owner", "smurphy"])
def test_a_closed_period_is_read_only_even_for_the_owner(client, request, thurrock, murphy_measure, open_period, who):
    open_period.status = Period.Status.CLOSED
    open_period.save()
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("measure-rate", args=[murphy_measure.pk])).status_code == 403
    before = written("save rating", murphy_measure)
    post = client.post(reverse("measure-rate", args=[murphy_measure.pk]), rating_data(thurrock, murphy_measure, 3))
    assert post.status_code == 403
    assert written("save rating", murphy_measure) == before
    page = client.get(reverse("measure-detail", args=[murphy_measure.pk])).content.decode()
    assert "No period is open for updates" in page


def test_a_removed_measure_cannot_be_rated_by_its_lead(client, smurphy, thurrock, murphy_measure):
    murphy_measure.removed = True
    murphy_measure.save()
    client.force_login(smurphy)
    assert client.get(reverse("measure-rate", args=[murphy_measure.pk])).status_code == 403
    before = written("save rating", murphy_measure)
    post = client.post(reverse("measure-rate", args=[murphy_measure.pk]), rating_data(thurrock, murphy_measure, 3))
    assert post.status_code == 403
    assert written("save rating", murphy_measure) == before


def test_an_unknown_measure_is_404(client, smurphy):
    client.force_login(smurphy)
    assert client.get(reverse("measure-rate", args=[999999])).status_code == 404


def test_htmx_posts_without_the_csrf_token_are_refused(smurphy, thurrock, murphy_measure, open_period):
    client = Client(enforce_csrf_checks=True)
    client.force_login(smurphy)
    url = reverse("measure-rate", args=[murphy_measure.pk])
    refused = client.post(url, rating_data(thurrock, murphy_measure, 3), HTTP_HX_REQUEST="true")
    assert refused.status_code == 403
    assert Rating.objects.get(measure=murphy_measure, period=open_period).level.value == 2
    form = client.get(url, HTTP_HX_REQUEST="true")
    token = form.context["csrf_token"]
    assert f'name="csrfmiddlewaretoken" value="{token}"' in form.content.decode()
    data = {**rating_data(thurrock, murphy_measure, 3), "csrfmiddlewaretoken": str(token)}
    accepted = client.post(url, data, HTTP_HX_REQUEST="true")
    assert accepted.status_code == 200
    assert Rating.objects.get(measure=murphy_measure, period=open_period).level.value == 3


def test_only_owners_sign_off_and_viewers_see_what_is_pending(
    client, smurphy, board, owner, thurrock, murphy_measure, open_period
):
    thurrock.requires_signoff = True
    thurrock.save()
    client.force_login(smurphy)
    client.post(reverse("measure-rate", args=[murphy_measure.pk]), rating_data(thurrock, murphy_measure, 3))
    rating = Rating.objects.get(measure=murphy_measure, period=open_period)
    assert rating.status == Rating.Status.SUBMITTED
    for user, expected in [(smurphy, 403), (board, 403)]:
        client.force_login(user)
        assert client.post(reverse("rating-signoff", args=[rating.pk]), {"decision": "approve"}).status_code == expected
        assert Rating.objects.get(pk=rating.pk).status == Rating.Status.SUBMITTED
    client.force_login(board)
    page = client.get(reverse("plan-signoff", args=[thurrock.slug])).content.decode()
    assert "Awaiting sign-off" in page
    assert "Return to lead" not in page
    client.force_login(owner)
    assert client.post(reverse("rating-signoff", args=[rating.pk]), {"decision": "approve"}).status_code == 302
    approved = Rating.objects.get(pk=rating.pk)
    assert approved.status == Rating.Status.APPROVED
    assert approved.history.first().history_user == owner


def test_an_htmx_save_refused_in_a_closed_period_answers_403_with_a_row_saying_why(
    client, smurphy, thurrock, murphy_measure, open_period
):
    client.force_login(smurphy)
    data = rating_data(thurrock, murphy_measure, 3)
    open_period.status = Period.Status.CLOSED
    open_period.save()
    before = written("save rating", murphy_measure)
    response = client.post(reverse("measure-rate", args=[murphy_measure.pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert written("save rating", murphy_measure) == before
    text = response.content.decode()
    assert text.lstrip().startswith(f'<tr id="measure-{murphy_measure.pk}"')
    assert "There is no period open for updates in this plan." in text
