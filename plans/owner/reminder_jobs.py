"""Reminder digests as background jobs: each working day at REMINDER_TIME, and an owner's "send now".

The daily run is a task that, when it runs, schedules the next one
(`schedule_next_reminders`, also called when a worker starts). However many
workers run on however many hosts, one ReminderRun row per day means a
day's digests go out once.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from plans.models import Plan, ReminderRun
from plans.owner.reminders import reminder_digests, send_digests

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def next_reminder_time(after: datetime | None = None) -> datetime:
    """The next working day's REMINDER_TIME (local time) strictly after `after` (default: now)."""
    after = timezone.localtime(after or timezone.now())
    hours, minutes = (int(part) for part in settings.REMINDER_TIME.split(":"))
    days = {DAYS.index(day.strip().lower()[:3]) for day in settings.REMINDER_DAYS} or set(range(5))
    day = after.date()
    for _ in range(8):
        moment = timezone.make_aware(datetime.combine(day, time(hours, minutes)))
        if moment > after and day.weekday() in days:
            return moment
        day += timedelta(days=1)
    raise ValueError("REMINDER_DAYS names no day of the week.")


def next_plan_reminder(plan: Plan) -> datetime | None:
    """When the plan's leads are next sent the scheduled digest (None: reminders are off)."""
    if not plan.reminders_enabled:
        return None
    moment = next_reminder_time()
    for _ in range(14):
        if plan.reminds_on(timezone.localdate(moment)):
            return moment
        moment = next_reminder_time(moment)
    return None  # REMINDER_DAYS leaves out the plan's day


def schedule_next_reminders() -> datetime | None:
    """Queue the next daily run unless one is queued already (only where jobs wait for a worker)."""
    backend = send_scheduled_reminders.get_backend()
    if not backend.supports_defer:
        return None
    from django_tasks_db.models import DBTaskResult

    pending = DBTaskResult.objects.filter(task_path=send_scheduled_reminders.module_path, status="READY")
    if pending.exists():
        return None
    when = next_reminder_time()
    send_scheduled_reminders.using(run_after=when).enqueue(timezone.localdate(when).isoformat())
    return when


@task()
def send_scheduled_reminders(day: str) -> int:
    """The day's digests to every lead who owes an update, once per day however many workers run."""
    schedule_next_reminders()
    try:
        with transaction.atomic():
            run = ReminderRun.objects.create(day=date.fromisoformat(day))
            digests, _ = reminder_digests(scheduled_on=run.day)
            run.sent = send_digests(digests, settings.SITE_URL)
            run.save(update_fields=["sent", "finished"])
    except IntegrityError:  # another worker has sent this day's
        return 0
    return run.sent


@task()
def send_plan_reminders(plan_id: int, base_url: str = "") -> int:
    """An owner's "send now": the digests of one plan's leads who owe an update in its open period."""
    plan = Plan.objects.get(pk=plan_id)
    digests, _ = reminder_digests(plan=plan)
    return send_digests(digests, base_url or settings.SITE_URL)
