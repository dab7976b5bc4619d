"""Reminder digests as background jobs: an owner's "send now", the daily schedule, and real SMTP delivery."""

import socket
from datetime import datetime
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from plans.models import Period, ReminderRun
from plans.owner.reminder_jobs import next_reminder_time, schedule_next_reminders, send_scheduled_reminders
from tests.conftest import run_worker
from tests.factories import build_plan
from tracker.environment import email_settings


def missing(small):
    return reverse("owner-missing-updates", args=[small.plan.slug])


def test_send_now_queues_this_plans_digests_for_a_worker(client, alice, small, queued_tasks):
    other = build_plan(1, 1, 1)  # Amy owes an update here too, but "send now" is for this plan only
    measure = other.priorities.get().outcomes.get().actions.get().measures.get()
    measure.ratings.all().delete()
    measure.leads.add(small.amy)
    client.force_login(alice)
    response = client.post(missing(small), follow=True)
    assert "Reminders are on their way to 1 lead: each gets one email listing what they owe." in (
        response.content.decode()
    )
    assert mail.outbox == []  # queued, not sent on the request
    run_worker()
    assert [m.to for m in mail.outbox] == [["amy@example.org"]]
    assert mail.outbox[0].subject == "Reminder: 1 success measure to update"
    assert other.title not in mail.outbox[0].body
    assert "http://testserver/plans/small/?lead=" in mail.outbox[0].body


def test_send_now_with_nobody_to_email_says_so(client, alice, small):
    small.amy.email = ""
    small.amy.save()
    client.force_login(alice)
    response = client.post(missing(small), follow=True)
    assert "Nothing was sent: no lead who owes an update has an email address." in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("username", ["smurphy", "board"])
def test_only_owners_can_send_now(client, thurrock, username, django_user_model):
    client.force_login(django_user_model.objects.get(username=username))
    assert client.post(reverse("owner-missing-updates", args=[thurrock.slug])).status_code == 403
    assert mail.outbox == []


def test_the_page_says_when_the_next_digests_go_out(client, alice, small, settings):
    settings.REMINDER_TIME = "07:30"
    client.force_login(alice)
    text = client.get(missing(small)).content.decode()
    assert "at 07:30." in text  # "… next on Monday 7 December at 07:30."
    assert "Send reminders now" in text


def test_the_next_reminder_time_is_the_next_working_day_at_the_set_hour(settings):
    settings.REMINDER_TIME = "07:00"
    settings.REMINDER_DAYS = ["mon", "tue", "wed", "thu", "fri"]
    london = timezone.get_current_timezone()
    friday_noon = datetime(2026, 12, 4, 12, 0, tzinfo=london)
    assert next_reminder_time(friday_noon) == datetime(2026, 12, 7, 7, 0, tzinfo=london)  # Monday
    monday_early = datetime(2026, 12, 7, 6, 59, tzinfo=london)
    assert next_reminder_time(monday_early) == datetime(2026, 12, 7, 7, 0, tzinfo=london)


def test_the_worker_schedules_one_daily_run_and_a_day_is_sent_once(small, queued_tasks):
    from django_tasks_db.models import DBTaskResult

    assert schedule_next_reminders() is not None
    assert schedule_next_reminders() is None  # already queued
    scheduled = DBTaskResult.objects.get(task_path=send_scheduled_reminders.module_path)
    assert scheduled.run_after == next_reminder_time()

    # the demo plans' leads have addresses too: only the small plan's period is left open here
    Period.objects.exclude(plan=small.plan).filter(status=Period.Status.OPEN).update(status=Period.Status.CLOSED)
    day = timezone.localdate().isoformat()
    assert send_scheduled_reminders.call(day) == 1
    assert send_scheduled_reminders.call(day) == 0  # a second worker's run the same day sends nothing
    assert [m.to for m in mail.outbox] == [["amy@example.org"]]
    assert ReminderRun.objects.get().sent == 1


class Inbox:
    """A real SMTP server (aiosmtpd) on a free local port that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def test_a_reminder_digest_is_delivered_to_a_real_smtp_server(client, alice, small, settings, smtp_server):
    port, inbox = smtp_server
    for name, value in email_settings({"EMAIL_URL": f"smtp://127.0.0.1:{port}?timeout=5"}).items():
        setattr(settings, name, value)
    settings.DEFAULT_FROM_EMAIL = "plans@council.example"
    client.force_login(alice)
    client.post(missing(small))  # send now; the immediate job backend sends it at once
    assert len(inbox.messages) == 1
    sender, recipients, content = inbox.messages[0]
    assert (sender, recipients) == ("plans@council.example", ["amy@example.org"])
    message = message_from_bytes(content, policy=policy.default)
    assert message["Subject"] == "Reminder: 1 success measure to update"
    body = message.get_content()
    assert "Dear Amy Lead," in body
    assert "Priority 1: Vacancy rate below 10% (due Jan 2020)" in body
