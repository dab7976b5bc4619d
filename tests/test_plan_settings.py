"""A plan's settings page: members and roles, sign-off, reminders; owners only, every change in the history."""

from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans import permissions
from plans.models import Membership, Plan, Rating


def settings_url(plan) -> str:
    return reverse("owner-settings", args=[plan.slug])


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def carol(db):
    """A user with a login who has no role in the demo plans yet."""
    return get_user_model().objects.create_user(
        "carol", email="Carol.Jones@example.org", password="carol-password", first_name="Carol", last_name="Jones"
    )


def text_of(response) -> str:
    return unescape(response.content.decode())


def roles(plan) -> dict[str, str]:
    return dict(Membership.objects.filter(plan=plan).values_list("user__username", "role"))


def test_the_page_lists_the_demo_plans_members_with_their_roles(owner_client, thurrock):
    response = owner_client.get(settings_url(thurrock))
    assert response.status_code == 200
    listed = [(m.user.username, m.role, m.accountable) for m in response.context["members"]]
    assert listed == [("owner", "owner", True), ("board", "viewer", False), ("smurphy", "contributor", False)]
    text = text_of(response)
    assert "/admin/" not in text.split('<main id="main"', 1)[1]  # nothing on the page sends an owner to the admin
    assert 'href="/plans/thurrock-2017-19/publications/"' in text


@pytest.mark.parametrize("username", ["smurphy", "board"])
def test_contributors_and_viewers_may_neither_see_nor_change_the_settings(client, thurrock, username, carol):
    client.force_login(get_user_model().objects.get(username=username))
    assert client.get(settings_url(thurrock)).status_code == 403
    response = client.post(settings_url(thurrock), {"action": "add", "user": "carol", "role": "owner"})
    assert response.status_code == 403
    assert "carol" not in roles(thurrock)


def test_an_owner_adds_an_existing_user_by_email_and_the_history_names_the_owner(owner_client, owner, thurrock, carol):
    response = owner_client.post(
        settings_url(thurrock), {"action": "add", "user": "carol.jones@EXAMPLE.org", "role": "contributor"}, follow=True
    )
    assert "Carol Jones is now contributor of this plan." in text_of(response)
    assert roles(thurrock)["carol"] == "contributor"
    row = Membership.history.filter(user=carol, plan=thurrock).get()
    assert (row.history_type, row.history_user, row.history_source) == ("+", owner, "web")
    assert permissions.can_view(get_user_model().objects.get(pk=carol.pk), thurrock)


def test_an_unknown_user_is_refused_with_the_field_named_and_nothing_written(owner_client, thurrock):
    before = Membership.history.count()
    response = owner_client.post(settings_url(thurrock), {"action": "add", "user": "nobody", "role": "viewer"})
    assert response.status_code == 400
    text = text_of(response)
    assert "Username or email: nobody with a login is called “nobody”" in text
    assert Membership.history.count() == before


def test_adding_someone_twice_or_with_no_role_is_refused(owner_client, thurrock):
    again = owner_client.post(settings_url(thurrock), {"action": "add", "user": "smurphy", "role": "viewer"})
    assert again.status_code == 400
    assert "Sheila Murphy is already a member of this plan." in again.content.decode()
    no_role = owner_client.post(settings_url(thurrock), {"action": "add", "user": "smurphy", "role": "boss"})
    assert no_role.status_code == 400
    assert "Choose viewer, contributor or owner." in no_role.content.decode()
    assert roles(thurrock)["smurphy"] == "contributor"


def test_an_owner_changes_a_role_and_removes_a_member_each_kept_in_the_history(owner_client, owner, thurrock, smurphy):
    owner_client.post(settings_url(thurrock), {"action": "role", "member": smurphy.pk, "role": "viewer"})
    assert roles(thurrock)["smurphy"] == "viewer"
    response = owner_client.post(settings_url(thurrock), {"action": "remove", "member": smurphy.pk}, follow=True)
    assert "Sheila Murphy no longer has access to this plan." in text_of(response)
    assert "smurphy" not in roles(thurrock)
    changes = Membership.history.filter(user=smurphy, plan=thurrock).order_by("history_date")
    assert [(h.history_type, h.role) for h in changes][-2:] == [("~", "viewer"), ("-", "viewer")]
    assert {h.history_user for h in changes.filter(history_type__in="~-")} == {owner}
    client = owner_client.__class__()
    client.force_login(smurphy)
    assert client.get(reverse("plan-detail", args=[thurrock.slug])).status_code == 404


def test_the_last_owner_can_be_neither_removed_nor_demoted(owner_client, owner, thurrock):
    before = (Plan.history.count(), Membership.history.count())
    removed = owner_client.post(settings_url(thurrock), {"action": "remove", "member": owner.pk})
    demoted = owner_client.post(settings_url(thurrock), {"action": "role", "member": owner.pk, "role": "viewer"})
    for response in (removed, demoted):
        assert response.status_code == 400
        assert "Pat Owner is the plan's only owner: make someone else an owner first" in text_of(response)
    assert Plan.objects.get(pk=thurrock.pk).owner == owner
    assert (Plan.history.count(), Membership.history.count()) == before


def test_with_a_second_owner_the_accountable_owner_can_step_down(owner_client, owner, thurrock, carol, client):
    owner_client.post(settings_url(thurrock), {"action": "add", "user": "carol", "role": "owner"})
    response = owner_client.post(settings_url(thurrock), {"action": "role", "member": owner.pk, "role": "viewer"})
    assert response.status_code == 302
    plan = Plan.objects.get(pk=thurrock.pk)
    assert plan.owner is None
    assert roles(thurrock) == {"board": "viewer", "smurphy": "contributor", "carol": "owner", "owner": "viewer"}
    assert Plan.history.filter(id=thurrock.pk).latest("history_date").history_user == owner
    # Carol is now the only owner: she cannot leave the plan without one.
    client.force_login(carol)
    refused = client.post(settings_url(thurrock), {"action": "remove", "member": carol.pk})
    assert refused.status_code == 400
    assert "Carol Jones is the plan's only owner" in text_of(refused)


def test_sign_off_and_reminders_are_saved_with_history(owner_client, owner, thurrock):
    response = owner_client.post(
        settings_url(thurrock),
        {"action": "settings", "requires_signoff": "on", "reminders_enabled": "on", "reminder_weekday": "2"},
        follow=True,
    )
    assert "Saved: sign-off is now required; reminder day changed." in text_of(response)
    plan = Plan.objects.get(pk=thurrock.pk)
    assert (plan.requires_signoff, plan.reminders_enabled, plan.reminder_weekday) == (True, True, 2)
    latest = Plan.history.filter(id=plan.pk).latest("history_date")
    assert (latest.history_user, latest.requires_signoff, latest.reminder_weekday) == (owner, True, 2)
    assert "Each Wednesday" in text_of(response)


def test_sign_off_cannot_be_switched_off_while_ratings_wait_for_it(owner_client, thurrock, murphy_measure, open_period):
    Plan.objects.filter(pk=thurrock.pk).update(requires_signoff=True)
    Rating.objects.filter(measure=murphy_measure, period=open_period).update(status=Rating.Status.SUBMITTED)
    response = owner_client.post(settings_url(thurrock), {"action": "settings", "reminders_enabled": "on"})
    assert response.status_code == 400
    assert "1 rating still waits for your decision" in text_of(response)
    assert Plan.objects.get(pk=thurrock.pk).requires_signoff is True


def test_an_unknown_reminder_day_is_refused(owner_client, thurrock):
    response = owner_client.post(settings_url(thurrock), {"action": "settings", "reminder_weekday": "6"})
    assert response.status_code == 400
    assert "Choose every working day or one day of the week." in text_of(response)
    assert Plan.objects.get(pk=thurrock.pk).reminder_weekday is None
