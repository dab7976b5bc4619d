"""Reporting periods' life: planned → open → closed, and reopened by an owner with a reason.

At most one period of a plan is open at a time: leads rate in it, and a
closed period's ratings are read-only (plans/permissions.can_rate). Every
change goes through `save()`, so history records who did it, and a
reopening carries its reason as the history row's change reason.
"""

from datetime import date

from django.db import transaction
from django.db.models import Max

from plans.audit import Actor
from plans.models import Period, Plan
from plans.rollup.warming import warm_after_commit


class PeriodError(ValueError):
    """The change is not allowed; the message says why, in the owner's words."""


def next_planned(periods: list[Period]) -> Period | None:
    """The planned period that opening "the next period" would open, if the plan has one."""
    last_started = max((p.order for p in periods if p.status != Period.Status.PLANNED), default=0)
    return next((p for p in periods if p.status == Period.Status.PLANNED and p.order > last_started), None)


def _locked_periods(plan: Plan) -> list[Period]:
    # Lock the plan row so two owners opening periods at once queue instead of both succeeding.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    return list(plan.periods.all())


def _refuse_if_open(periods: list[Period], except_period: Period | None = None) -> None:
    for period in periods:
        if period.status == Period.Status.OPEN and period.pk != getattr(except_period, "pk", None):
            raise PeriodError(f"{period.label} is still open: close it before opening another period.")


def open_next_period(plan: Plan, label: str = "", deadline: date | None = None) -> Period:
    """Open the plan's next planned period, or a new one called `label` after the last.

    Ratings start empty (a period has none until leads rate); earlier periods
    and their ratings stay as they are. A `deadline` given is the day updates
    are due (a planned period keeps its own when none is given).
    """
    label = " ".join((label or "").split())
    with transaction.atomic():
        warm_after_commit()  # a period's status is part of every period's cached counts' version
        periods = _locked_periods(plan)
        _refuse_if_open(periods)
        planned = next_planned(periods)
        if planned is not None and (not label or label == planned.label):
            planned.status = Period.Status.OPEN
            planned.deadline = deadline or planned.deadline
            planned.save()
            return planned
        if not label:
            raise PeriodError("Label: give the new period a label, e.g. 07/18.")
        if any(p.label == label for p in periods):
            raise PeriodError(f"Label: the plan already has a period called {label}.")
        order = (plan.periods.aggregate(Max("order"))["order__max"] or 0) + 1
        return Period.objects.create(plan=plan, label=label, order=order, status=Period.Status.OPEN, deadline=deadline)


def close_period(period: Period) -> Period:
    if period.status != Period.Status.OPEN:
        raise PeriodError(f"{period.label} is not open, so it cannot be closed.")
    with transaction.atomic():
        period.status = Period.Status.CLOSED
        period.save()
        warm_after_commit()
    return period


def reopen_period(period: Period, reason: str) -> Period:
    """Open a closed period again (owners only; the views check), recording why."""
    reason = (reason or "").strip()
    if not reason:
        raise PeriodError("Reason: say why the period is being reopened; it is kept in the history.")
    if not period.is_closed:
        raise PeriodError(f"{period.label} is not closed, so it cannot be reopened.")
    with transaction.atomic():
        _refuse_if_open(_locked_periods(period.plan), except_period=period)
        period.status = Period.Status.OPEN
        period._change_reason = f"Reopened: {reason}"
        period.save()
        warm_after_commit()
    return period


def set_deadline(period: Period, deadline: date | None, *, by: Actor) -> Period:
    """Set (or clear) the day the period's updates are due; a closed period's deadline is its record, kept."""
    if period.is_closed:
        raise PeriodError(f"Deadline: {period.label} is closed; reopen it to change its deadline.")
    with transaction.atomic(), by.recording():
        period.deadline = deadline
        period.save(update_fields=["deadline"])
    return period
