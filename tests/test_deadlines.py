"""Period deadlines and "late": set on the periods page, shown on Missing updates and on a lead's My measures;
"send reminders now" previews each email before it is queued; scheduled reminders follow the plan's settings."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from plans.models import Lead, Measure, Membership, Period, Plan, Rating
from plans.owner.reminders import reminder_digests
from tests.conftest import run_worker


def text_of(response) -> str:
    """The page's words, tags left out."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split()).replace(" .", ".")


@pytest.fixture
def amy_user(small):
    """Amy Lead's login: a contributor of the small plan."""
    user = get_user_model().objects.create_user("amy", password="amy-password", first_name="Amy")
    Membership.objects.create(plan=small.plan, user=user, role=Membership.Role.CONTRIBUTOR)
    Lead.objects.filter(pk=small.amy.pk).update(user=user)
    return user


def set_deadline(client, period, value):
    url = reverse("owner-periods", args=[period.plan.slug])
    return client.post(url, {"action": "deadline", "period": period.pk, f"period-{period.pk}-deadline": value})


def test_an_owner_sets_a_deadline_on_the_periods_page_with_history(client, alice, small):
    client.force_login(alice)
    response = set_deadline(client, small.p2, "31/01/2018")
    assert response.status_code == 302
    assert Period.objects.get(pk=small.p2.pk).deadline == date(2018, 1, 31)
    row = Period.history.filter(id=small.p2.pk).latest("history_date")
    assert (row.deadline, row.history_user, row.history_source) == (date(2018, 1, 31), alice, "web")
    page = client.get(reverse("owner-periods", args=[small.plan.slug])).content.decode()
    assert 'value="31/01/2018"' in page  # shown as it is typed, the same in every browser
    assert "Deadline passed" in page


def test_a_date_that_is_not_a_date_is_refused_with_the_field_named(client, alice, small):
    client.force_login(alice)
    response = set_deadline(client, small.p2, "31/02/2018")
    assert response.status_code == 200  # the page again, with the error beside the field
    assert "Deadline for updates: Enter a real date, for example 31/01/2018." in text_of(response)
    assert Period.objects.get(pk=small.p2.pk).deadline is None


def test_a_closed_periods_deadline_is_kept_as_it_was(client, alice, small):
    client.force_login(alice)
    response = client.post(
        reverse("owner-periods", args=[small.plan.slug]),
        {"action": "deadline", "period": small.p1.pk, f"period-{small.p1.pk}-deadline": "2018-01-31"},
        follow=True,
    )
    assert "Nothing was changed. Deadline: P1 is closed; reopen it to change its deadline." in text_of(response)
    assert Period.objects.get(pk=small.p1.pk).deadline is None


def test_opening_a_period_can_give_its_deadline(client, alice, small):
    client.force_login(alice)
    url = reverse("owner-periods", args=[small.plan.slug])
    client.post(url, {"action": "close", "period": small.p2.pk})
    response = client.post(url, {"action": "open", "label": "P3", "deadline": "2018-03-30"}, follow=True)
    assert "P3 is open: leads can now rate their measures. Updates are due by 30 March 2018." in text_of(response)
    assert Period.objects.get(plan=small.plan, label="P3").deadline == date(2018, 3, 30)


def test_late_is_what_is_still_owed_after_the_deadline_and_nothing_before_it(small):
    owed = {small.late.pk, small.nobody.pk}  # the fixture's outstanding measures in P2
    yesterday, today = timezone.localdate() - timedelta(days=1), timezone.localdate()
    assert set(Measure.objects.of_plan(small.plan).late(small.p2).values_list("pk", flat=True)) == set()
    small.p2.deadline = today
    assert not small.p2.deadline_passed()  # due today: not late yet
    small.p2.deadline = yesterday
    assert set(Measure.objects.of_plan(small.plan).late(small.p2).values_list("pk", flat=True)) == owed
    small.p1.deadline = yesterday  # a closed period's deadline makes nothing late: its ratings are read-only
    assert not small.p1.deadline_passed()


def test_missing_updates_shows_the_late_ones_after_the_deadline(client, alice, small):
    Period.objects.filter(pk=small.p2.pk).update(deadline=date(2020, 2, 14))
    client.force_login(alice)
    response = client.get(reverse("owner-missing-updates", args=[small.plan.slug]))
    assert "Late: updates for P2 were due by 14 February 2020; 2 measures are still not rated." in text_of(response)
    # Each of the two groups (Amy Lead's, no lead named) and each of their measures says so.
    assert response.content.decode().count('<strong class="late">Late</strong>') == 4


def test_before_the_deadline_missing_updates_says_when_they_are_due(client, alice, small):
    Period.objects.filter(pk=small.p2.pk).update(deadline=date(2099, 1, 31))
    client.force_login(alice)
    text = text_of(client.get(reverse("owner-missing-updates", args=[small.plan.slug])))
    assert "Updates for P2 are due by 31 January 2099" in text
    assert "Late" not in text


def test_a_leads_late_update_shows_on_my_measures(client, small, amy_user):
    Period.objects.filter(pk=small.p2.pk).update(deadline=date(2020, 2, 14))
    client.force_login(amy_user)
    response = client.get(reverse("my-measures"))
    text = text_of(response)
    late = [row.measure.text for row in response.context["page"] if row.late]
    assert late == ["Vacancy rate below 10%"]  # her other measure is rated in P2
    assert "1 late" in text
    assert "due by 14 February 2020" in text
    # Rated now, it is no longer late.
    Rating.objects.create(measure=small.late, period=small.p2, level=small.plan.scale.levels.get(value=2))
    response = client.get(reverse("my-measures"))
    assert [row.measure.text for row in response.context["page"] if row.late] == []


def test_the_send_now_preview_shows_each_email_and_sends_nothing_until_confirmed(client, alice, small, queued_tasks):
    client.force_login(alice)
    missing = text_of(client.get(reverse("owner-missing-updates", args=[small.plan.slug])))
    preview_url = reverse("owner-reminder-preview", args=[small.plan.slug])
    assert "Send reminders now" in missing
    assert "manage.py" not in missing
    assert "docs/" not in missing
    preview = client.get(preview_url)
    text = text_of(preview)
    assert "amy@example.org" in text
    assert "Reminder: 1 success measure to update" in text
    assert "Priority 1: " in text
    assert "Vacancy rate below 10%" in text
    assert "Measures with no lead named: 1 measure" in text  # nobody to email for the unled one
    assert "Send 1 email" in text
    run_worker()
    assert mail.outbox == []  # the preview sends nothing
    confirmed = client.post(reverse("owner-missing-updates", args=[small.plan.slug]), follow=True)
    assert "Reminders are on their way to 1 lead" in text_of(confirmed)
    run_worker()
    assert [m.to for m in mail.outbox] == [["amy@example.org"]]


@pytest.mark.parametrize("username", ["smurphy", "board"])
def test_only_owners_see_the_send_now_preview(client, thurrock, username):
    client.force_login(get_user_model().objects.get(username=username))
    assert client.get(reverse("owner-reminder-preview", args=[thurrock.slug])).status_code == 403


def test_scheduled_reminders_follow_the_plans_settings(small):
    def emailed(digests) -> list[str]:
        """The addresses reminded of this plan's measures (other plans in the database have their own leads)."""
        return [d.email for d in digests if any(plan == small.plan for plan, _period, _measure in d.items)]

    monday, wednesday = date(2026, 12, 7), date(2026, 12, 9)
    assert emailed(reminder_digests(scheduled_on=monday)[0]) == ["amy@example.org"]
    Plan.objects.filter(pk=small.plan.pk).update(reminder_weekday=2)  # Wednesdays only
    assert emailed(reminder_digests(scheduled_on=monday)[0]) == []
    assert emailed(reminder_digests(scheduled_on=wednesday)[0]) == ["amy@example.org"]
    Plan.objects.filter(pk=small.plan.pk).update(reminders_enabled=False)
    assert emailed(reminder_digests(scheduled_on=wednesday)[0]) == []
    assert [d.email for d in reminder_digests(plan=small.plan)[0]] == ["amy@example.org"]  # send now still can
