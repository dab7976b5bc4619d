"""A lead rates a measure for the open period: the rules and the one safe way to save it.

The save is optimistic: the form carries the Measure.version it was based on,
and `save_rating` locks the measure row (SELECT … FOR UPDATE inside a
transaction), compares versions and only then writes, bumping the version.
Two people saving the same measure at once are serialised by the row lock; the
second finds the version moved on and gets a `Conflict` carrying what the
first one wrote, so no update is ever lost silently.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from plans.models import Level, Measure, Period, Plan, Rating

COMPLETE_COLOURS = {"blue", "grey"}


@dataclass(frozen=True)
class RatingChange:
    """What a lead submitted: the level, their update, a reason, the due month and the version they saw."""

    level: Level
    update: str
    reason: str
    due_month: date | None
    version: int


@dataclass
class SaveResult:
    measure: Measure
    rating: Rating
    due_changed: bool


class Conflict(Exception):
    """The measure changed since the form was loaded; carries its state now."""

    def __init__(self, measure: Measure, rating: Rating | None):
        super().__init__(f"Measure {measure.pk} is at version {measure.version}.")
        self.measure = measure
        self.rating = rating


def open_period(periods: Sequence[Period]) -> Period | None:
    """The period open for updates (the latest, if a plan has several open), from an ordered list."""
    open_ones = [period for period in periods if period.status == Period.Status.OPEN]
    return open_ones[-1] if open_ones else None


def previous_period(periods: Sequence[Period], period: Period | None) -> Period | None:
    """The period just before `period` in the plan's order."""
    if period is None:
        return None
    earlier = [p for p in periods if p.order < period.order]
    return earlier[-1] if earlier else None


def needs_reason_levels(levels: Iterable[Level]) -> set[int]:
    """Ids of the scale's two lowest levels: a rating there must say why."""
    return {level.pk for level in sorted(levels, key=lambda level: level.value)[:2]}


def is_complete(level: Level | None) -> bool:
    """Completed levels (blue, grey) are never overdue and need no chasing."""
    return level is not None and level.colour in COMPLETE_COLOURS


def is_overdue(due_month: date | None, level: Level | None, today: date) -> bool:
    return due_month is not None and due_month < today.replace(day=1) and not is_complete(level)


def initial_status(plan: Plan, by_owner: bool) -> str:
    """With sign-off, a lead's rating waits for the owner; an owner's own rating stands."""
    if plan.requires_signoff and not by_owner:
        return Rating.Status.SUBMITTED
    return Rating.Status.APPROVED


def save_rating(measure: Measure, period: Period, change: RatingChange, *, by_owner: bool = False) -> SaveResult:
    """Write the rating and update for `period` if the measure is still at `change.version`.

    Raises Conflict (nothing written) if someone saved the measure since.
    History rows get the acting user from the request (or `acting_as`).
    """
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        rating = Rating.objects.filter(measure=locked, period=period).select_related("level").first()
        if locked.version != change.version:
            raise Conflict(locked, rating)
        if rating is None:
            rating = Rating(measure=locked, period=period)
        rating.level = change.level
        rating.update = change.update
        rating.reason = change.reason
        rating.status = initial_status(period.plan, by_owner)
        rating._change_reason = change.reason
        rating.save()
        due_changed = change.due_month != locked.due_month
        locked.progress_update = change.update
        if due_changed:
            locked._change_reason = f"Due month changed: {change.reason}"
            locked.due_month = change.due_month
        locked.version += 1
        locked.save()
    return SaveResult(measure=locked, rating=rating, due_changed=due_changed)


def sign_off(rating: Rating, *, approve: bool, comment: str = "") -> Rating:
    """The owner approves a submitted rating or returns it to the lead (bumping the measure's version)."""
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=rating.measure_id)
        rating = Rating.objects.select_for_update().get(pk=rating.pk)
        rating.status = Rating.Status.APPROVED if approve else Rating.Status.RETURNED
        rating._change_reason = comment or ("Approved" if approve else "Returned")
        rating.save()
        locked.version += 1
        locked.save()
    return rating
