"""The write door for ratings: every change of a measure's ratings, update or due month goes through here.

Whatever starts it (the rating form and its htmx variant, an import's apply,
the admin, sign-off), a change is made by one of `save_rating`,
`edit_measure` or `sign_off`, each one transaction that

- refuses a period that is not open (`Period.is_editable`: a closed period is
  read-only, a planned one has not started), reading the period's status as
  committed and share-locking it (PostgreSQL) so that closing it waits;
- locks the measure row (SELECT … FOR UPDATE) and compares its version with
  the version the change was based on: a change made since is a `Conflict`
  carrying the measure as it is now, never overwritten;
- applies the reason rule (a rating at one of `Scale.levels_needing_reason()`,
  or a moved due month, must say why): `Refused` otherwise;
- sets the sign-off state (in a plan with sign-off a lead's rating is
  submitted; an owner's stands);
- bumps the measure's version, and writes one history row per changed record
  naming the `Actor`'s user and source.

Nothing is written when it raises. The plan's structure has its door in
plans/owner/structure.py.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import F

from plans import permissions
from plans.audit import Actor, is_system_user
from plans.cells import parse_due_month
from plans.models import Comment, Level, Measure, Period, Plan, Rating
from plans.permissions import Someone


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


class Refused(Exception):
    """The door will not make the change; nothing was written. `message` says why, `field` names the field."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def initial_status(plan: Plan, by_owner: bool) -> str:
    """With sign-off, a lead's rating waits for the owner; an owner's own rating stands."""
    if plan.requires_signoff and not by_owner:
        return Rating.Status.SUBMITTED
    return Rating.Status.APPROVED


def signs_off(user: Someone | None, plan: Plan) -> bool:
    """Does `user`'s rating stand without sign-off? The plan's owners' do, and commands' system account's."""
    return is_system_user(user) or (user is not None and permissions.can_manage(user, plan))


# --- The rules the door applies, in words a person can act on -------------------------------------


def period_refusal(period: Period) -> str | None:
    """Why ratings in `period` cannot change now ("period Initial is closed; reopen it first"), or None."""
    if period.is_editable:
        return None
    if period.is_closed:
        return f"period {period.label} is closed; reopen it first"
    return f"period {period.label} has not started (it is planned); open it first"


def reason_refusal(level: Level | None, reason: str, low_levels: set[int], *, due_moved: bool = False) -> str | None:
    """The reason rule: a rating at one of the scale's lowest levels, or a moved due month, must say why."""
    if reason.strip():
        return None
    if level is not None and level.pk in low_levels:
        return f"Give a reason for rating it {level.value} {level.label}."
    if due_moved:
        return "Give a reason for changing the due month."
    return None


def sentence(text: str) -> str:
    """ "period Initial is closed; reopen it first" → "Period Initial is closed; reopen it first." """
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


# --- Locks ------------------------------------------------------------------------------------------


def read_period_statuses(periods: Iterable[Period]) -> None:
    """Each period's status as committed now, into the instances; on PostgreSQL share-locked until the
    transaction ends, so that closing a period waits for the saves already under way in it (and any save
    after the close finds it closed). SQLite serialises writing transactions whole, so it needs no lock."""
    by_pk = {period.pk: period for period in periods if period.pk is not None}
    if not by_pk:
        return
    table = connection.ops.quote_name(Period._meta.db_table)
    placeholders = ", ".join(["%s"] * len(by_pk))
    sql = f"SELECT id, status FROM {table} WHERE id IN ({placeholders})"  # noqa: S608 - no user input
    if connection.vendor == "postgresql":
        sql += " FOR SHARE"
    with connection.cursor() as cursor:
        cursor.execute(sql, list(by_pk))
        for pk, status in cursor.fetchall():
            by_pk[pk].status = status


def _refuse_closed(periods: Iterable[Period]) -> None:
    for period in periods:
        if refusal := period_refusal(period):
            raise Refused(sentence(refusal), field="period")


def _locked(measure: Measure, version: int | None) -> Measure:
    """The measure's row, locked until the transaction ends; a Conflict if it moved on from `version`."""
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    if version is not None and locked.version != version:
        raise Conflict(locked, None)
    return locked


# --- The rating form --------------------------------------------------------------------------------


def save_rating(measure: Measure, period: Period, change: RatingChange, *, by: Actor) -> SaveResult:
    """Write the rating and update for `period` if the measure is still at `change.version`.

    Raises Refused (period not open, reason missing) or Conflict (someone saved the measure since);
    either way nothing is written.
    """
    plan = period.plan
    low_levels = plan.scale.levels_needing_reason()
    stands = signs_off(by.user, plan)
    with transaction.atomic(), by.recording():
        read_period_statuses([period])
        _refuse_closed([period])
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        rating = Rating.objects.filter(measure=locked, period=period).select_related("level").order_by().first()
        if locked.version != change.version:
            raise Conflict(locked, rating)
        due_changed = change.due_month != locked.due_month
        if refusal := reason_refusal(change.level, change.reason, low_levels, due_moved=due_changed):
            raise Refused(refusal, field="reason")
        if rating is None:
            rating = Rating(measure=locked, period=period)
        rating.level = change.level
        rating.update = change.update
        rating.reason = change.reason
        rating.status = initial_status(plan, stands)
        rating._change_reason = change.reason
        rating.save()
        locked.progress_update = change.update
        if due_changed:
            locked._change_reason = f"Due month changed: {change.reason}"
            locked.due_month = change.due_month
        locked.version += 1
        locked.save()
    return SaveResult(measure=locked, rating=rating, due_changed=due_changed)


# --- Imports and the admin --------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingEdit:
    """One period's rating of a measure as it should become; a `level` of None clears it (not rated)."""

    period: Period
    level: Level | None
    update: str | None = None  # None: left as it is
    status: str | None = None  # None: as sign-off decides for whoever makes the change


# Measure fields an edit may set; the due month is read from the Time text unless given itself.
EDITABLE_FIELDS = {"text", "lead_text", "officer_text", "time_text", "due_month", "progress_update"}


@dataclass
class MeasureEdit:
    """Changes to one measure and its ratings, based on the version of it its author read.

    `version` None skips the version check (an admin adding a rating reads no earlier state).
    `reason` is why (needed for a lowest level or a moved due month), kept on the ratings it sets;
    `note` is the history's change reason when no reason is given ("Imported from plan.xlsx").
    """

    version: int | None
    fields: dict[str, object] = field(default_factory=dict)
    ratings: list[RatingEdit] = field(default_factory=list)
    reason: str = ""
    note: str = ""
    leads: list | None = None  # the Lead records of a changed lead_text
    officers: list | None = None  # … and of a changed officer_text


def edit_measure(measure: Measure, edit: MeasureEdit, *, by: Actor) -> Measure:
    """Apply `edit` to the measure (its fields, and ratings in open periods), all or nothing; the measure now.

    Raises Refused or Conflict, having written nothing.
    """
    unknown = set(edit.fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not a field the door edits: {', '.join(sorted(unknown))}")
    plan = edit.ratings[0].period.plan if edit.ratings else None
    low_levels = plan.scale.levels_needing_reason() if plan else set()
    stands = signs_off(by.user, plan) if plan else True
    with transaction.atomic(), by.recording():
        periods = [rating.period for rating in edit.ratings]
        read_period_statuses(periods)
        _refuse_closed(periods)
        locked = _locked(measure, edit.version)
        fields = dict(edit.fields)
        if "time_text" in fields and "due_month" not in fields:
            due = parse_due_month(fields["time_text"])
            fields["due_month"], fields["due_note"] = due.month, due.note
        due_moved = "due_month" in fields and fields["due_month"] != locked.due_month
        for rating_edit in edit.ratings:
            if refusal := reason_refusal(rating_edit.level, edit.reason, low_levels):
                raise Refused(refusal, field="reason")
        if refusal := reason_refusal(None, edit.reason, set(), due_moved=due_moved):
            raise Refused(refusal, field="reason")
        changed_ratings = _write_ratings(locked, edit, stands)
        _write_fields(locked, fields, edit, changed_ratings)
    return locked


def _write_ratings(locked: Measure, edit: MeasureEdit, stands: bool) -> bool:
    """Set, change or clear the edit's ratings; whether any changed."""
    existing = {
        r.period_id: r for r in Rating.objects.filter(measure=locked, period__in=[e.period for e in edit.ratings])
    }
    changed = False
    for rating_edit in edit.ratings:
        plan = rating_edit.period.plan
        rating = existing.get(rating_edit.period.pk)
        if rating_edit.level is None:
            if rating is not None:
                rating._change_reason = edit.reason or edit.note
                rating.delete()
                changed = True
            continue
        if rating is None:
            rating = Rating(measure=locked, period=rating_edit.period)
        rating.level = rating_edit.level
        if edit.reason:
            rating.reason = edit.reason
        if rating_edit.update is not None:
            rating.update = rating_edit.update
        rating.status = rating_edit.status or initial_status(plan, stands)
        rating._change_reason = edit.reason or edit.note
        rating.save()
        changed = True
    return changed


def _write_fields(locked: Measure, fields: dict[str, object], edit: MeasureEdit, changed_ratings: bool) -> None:
    """The measure's own fields (a history row), or only its version when just its ratings changed (none)."""
    fields = {name: value for name, value in fields.items() if getattr(locked, name) != value}
    if not fields:
        if changed_ratings:
            Measure.objects.filter(pk=locked.pk).update(version=F("version") + 1)
            locked.version += 1
        return
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked._change_reason = edit.reason or edit.note
    locked.save()
    if "lead_text" in fields and edit.leads is not None:
        locked.leads.set(edit.leads)
    if "officer_text" in fields and edit.officers is not None:
        locked.officers.set(edit.officers)


# --- Sign-off -----------------------------------------------------------------------------------------


def sign_off(rating: Rating, *, approve: bool, comment: str = "", by: Actor) -> Rating:
    """The owner approves a submitted rating or returns it to the lead, with the comment, in one transaction.

    Refused when the rating's period is no longer open or the rating is no longer awaiting sign-off.
    """
    with transaction.atomic(), by.recording():
        period = rating.period
        read_period_statuses([period])
        _refuse_closed([period])
        locked = Measure.objects.select_for_update().get(pk=rating.measure_id)
        rating = Rating.objects.select_for_update().select_related("level", "period").get(pk=rating.pk)
        if rating.status != Rating.Status.SUBMITTED:
            raise Refused(f"This rating is no longer awaiting sign-off ({rating.get_status_display().lower()}).")
        rating.status = Rating.Status.APPROVED if approve else Rating.Status.RETURNED
        rating._change_reason = comment or ("Approved" if approve else "Returned")
        rating.save()
        Comment.objects.create(
            measure=locked,
            period=rating.period,
            author=by.user,  # type: ignore[misc]  # the project's user model is auth.User
            kind=Comment.Kind.APPROVED if approve else Comment.Kind.RETURNED,
            text=comment or f"Approved the rating {rating.level} for {rating.period}.",
        )
        Measure.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    return rating
