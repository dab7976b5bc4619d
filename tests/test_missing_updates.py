"""Who has not rated their measures in the open period: the owners' page and the daily reminder emails."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from plans.models import Lead, Measure, Period, Rating
from tests.factories import build_plan


@pytest.fixture
def only_small_open(small):
    """The demo plans' leads have addresses: these tests watch the small plan's reminders alone."""
    Period.objects.exclude(plan=small.plan).filter(status=Period.Status.OPEN).update(status=Period.Status.CLOSED)
    return small


def reminders(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_the_page_groups_unrated_measures_by_lead_leaving_out_rated_complete_and_removed(client, alice, small):
    client.force_login(alice)
    response = client.get(reverse("owner-missing-updates", args=[small.plan.slug]))
    groups = [(g.lead.name if g.lead else None, [m.text for m in g.measures]) for g in response.context["groups"]]
    assert groups == [("Amy Lead", [small.late.text]), (None, [small.nobody.text])]
    text = response.content.decode()
    assert "<strong>2</strong> measures not yet rated in P2, across 2 leads" in text
    assert "amy@example.org" in text
    assert "No email address: no reminder" in text
    assert f"?lead={small.amy.pk}&amp;not_updated=on#measures" in text


def test_with_no_open_period_nothing_is_missing(client, alice, small):
    small.p2.status = Period.Status.CLOSED
    small.p2.save()
    client.force_login(alice)
    response = client.get(reverse("owner-missing-updates", args=[small.plan.slug]))
    assert response.context["groups"] == []
    assert "No period is open" in response.content.decode()


def test_after_opening_a_new_period_every_lead_of_the_demo_plan_is_missing(client, thurrock):
    client.force_login(get_user_model().objects.get(username="owner"))
    url = reverse("owner-periods", args=[thurrock.slug])
    client.post(url, {"action": "close", "period": thurrock.periods.get(label="01/18").pk})
    client.post(url, {"action": "open"})
    response = client.get(reverse("owner-missing-updates", args=[thurrock.slug]))
    murphy = next(g for g in response.context["groups"] if g.lead and g.lead.name == "Sheila Murphy")
    hers = Measure.objects.of_plan(thurrock).filter(leads=murphy.lead, removed=False)
    hers_complete = hers.filter(ratings__period__label="01/18", ratings__level__value__gte=4)
    assert len(murphy.measures) == hers.count() - hers_complete.count() > 0
    # Measures rated complete (4 or 5) in 01/18 are not chased.
    complete = Rating.objects.filter(period__plan=thurrock, period__label="01/18", level__value__gte=4).count()
    assert response.context["outstanding"] == 97 - complete


@pytest.mark.parametrize("username", ["smurphy", "board"])
def test_only_owners_see_missing_updates(client, thurrock, username):
    client.force_login(get_user_model().objects.get(username=username))
    assert client.get(reverse("owner-missing-updates", args=[thurrock.slug])).status_code == 403


def test_each_lead_with_an_address_gets_one_digest_of_what_they_owe(small, only_small_open):
    user = get_user_model().objects.create_user("ben", email="ben@example.org")
    Lead.objects.filter(pk=small.ben.pk).update(user=user)
    small.done.ratings.all().delete()  # Ben's measure is no longer complete, so it is outstanding
    output = reminders()
    assert sorted(m.to[0] for m in mail.outbox) == ["amy@example.org", "ben@example.org"]
    amy = next(m for m in mail.outbox if m.to == ["amy@example.org"])
    assert amy.subject == "Reminder: 1 success measure to update"
    assert "Small plan, period P2" in amy.body
    assert "Priority 1: Vacancy rate below 10% (due Jan 2020)" in amy.body
    assert small.on_time.text not in amy.body  # rated in P2
    ben = next(m for m in mail.outbox if m.to == ["ben@example.org"])
    assert small.done.text in ben.body
    assert small.gone.text not in ben.body  # removed
    assert "(no lead named): 1 outstanding, no email address: not reminded" in output
    assert "Sent 2 reminder(s)." in output


def test_completed_removed_and_rated_measures_are_not_chased(small, only_small_open):
    reminders()
    bodies = "\n".join(m.body for m in mail.outbox)
    assert [m.to for m in mail.outbox] == [["amy@example.org"]]
    for measure in (small.done, small.gone, small.on_time):
        assert measure.text not in bodies


def test_a_person_leading_in_two_plans_gets_one_email_and_another_plans_lead_gets_nothing(small, only_small_open):
    other = build_plan(1, 1, 1)
    measure = other.priorities.get().outcomes.get().actions.get().measures.get()
    measure.ratings.all().delete()
    amy_there = Lead.objects.create(plan=other, name="Amy Lead", email="AMY@example.org")
    measure.leads.add(amy_there)
    measure.leads.add(small.ben)  # a lead of the small plan, attached behind the door's back: not chased here
    Lead.objects.filter(pk=small.ben.pk).update(email="ben@example.org")
    reminders()
    assert [m.to[0].casefold() for m in mail.outbox] == ["amy@example.org"]  # one address, whatever its case
    assert "Reminder: 2 success measures to update" == mail.outbox[0].subject
    assert other.title in mail.outbox[0].body
    assert "Small plan" in mail.outbox[0].body


def test_no_reminders_when_no_period_is_open(small, only_small_open):
    small.p2.status = Period.Status.CLOSED
    small.p2.save()
    output = reminders()
    assert mail.outbox == []
    assert "Sent 0 reminder(s)." in output


def test_a_dry_run_lists_who_would_be_emailed_and_sends_nothing(small, only_small_open):
    output = reminders("--dry-run")
    assert mail.outbox == []
    assert "Amy Lead <amy@example.org>: 1 outstanding" in output
    assert "Dry run: 1 reminder(s) would be sent; nothing sent." in output


def test_the_email_links_to_the_lead_s_filtered_plan_when_given_the_site_address(small):
    reminders("--base-url", "https://plans.example.org/")
    assert f"https://plans.example.org/plans/small/?lead={small.amy.pk}&not_updated=on" in mail.outbox[0].body
