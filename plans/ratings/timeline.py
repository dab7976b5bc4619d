"""A measure's timeline from simple-history: every rating, update and change, who, when, old → new.

Diffs are computed in Python over the fields people care about, from history
rows fetched in one query per model, so the timeline costs a fixed number of
queries however long it is.
"""

from dataclasses import dataclass, field
from datetime import datetime

from plans.models import Comment, Evidence, Measure, Rating

MEASURE_FIELDS = {
    "text": "Success measure",
    "lead_text": "Lead",
    "time_text": "Time",
    "due_month": "Due month",
    "progress_update": "Progress update",
    "removed": "Removed from the plan",
}
RATING_FIELDS = {"level_id": "Rating", "update": "Update", "reason": "Reason", "status": "Status"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Event:
    when: datetime
    who: str
    title: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""
    kind: str = "change"
    source: str = ""  # where a recorded change came from: "web", "admin", "import of plan.xlsx"…


def _name(user) -> str:
    if user is None:
        return "unknown"
    return user.get_full_name() or user.username


def _show(field_name: str, value, levels: dict, statuses: dict) -> str:
    if value in (None, ""):
        return "—"
    if field_name == "level_id":
        return str(levels.get(value, value))
    if field_name == "status":
        return statuses.get(value, value)
    if field_name == "due_month":
        return value.strftime("%b %Y")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _diffs(rows, fields: dict, levels: dict, statuses: dict):
    """(row, [Change]) for each history row, against the previous row of the same object."""
    last: dict[int, object] = {}
    for row in rows:
        before = last.get(row.id)
        changes = []
        for name, label in fields.items():
            new = getattr(row, name)
            old = getattr(before, name) if before is not None else None
            if before is None and new in (None, "", False):
                continue
            if before is None or old != new:
                changes.append(Change(label, _show(name, old, levels, statuses), _show(name, new, levels, statuses)))
        last[row.id] = row
        yield row, before, changes


def _shown_with_rating(change: Change, row, rating_rows) -> bool:
    """A progress update copied from a rating saved at the same moment is shown once, with the rating."""
    if change.label != MEASURE_FIELDS["progress_update"]:
        return False
    return any(
        rating.history_user_id == row.history_user_id
        and abs((rating.history_date - row.history_date).total_seconds()) < 60
        and (rating.update or "—") == change.new
        for rating in rating_rows
    )


def measure_timeline(measure: Measure, levels, periods) -> list[Event]:
    """Every recorded change to the measure, its ratings, comments and evidence, newest first."""
    level_names = {level.pk: f"{level.value} {level.label}" for level in levels}
    period_labels = {period.pk: period.label for period in periods}
    statuses = dict(Rating.Status.choices)
    events = []
    rating_rows = list(
        Rating.history.filter(measure_id=measure.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for row, before, changes in _diffs(rating_rows, RATING_FIELDS, level_names, statuses):
        period = period_labels.get(row.period_id, "?")
        if row.history_type == "-":
            title = f"Rating for {period} deleted"
        else:
            title = f"Rating for {period} {'set' if before is None else 'changed'}"
        if before is None:  # a new rating is approved unless sign-off says otherwise: only say so then
            changes = [c for c in changes if not (c.label == "Status" and c.new == statuses[Rating.Status.APPROVED])]
        if changes or row.history_type == "-":
            events.append(
                Event(
                    row.history_date, _name(row.history_user), title, changes, kind="rating", source=row.history_source
                )
            )
    measure_rows = measure.history.select_related("history_user").order_by("history_date", "history_id")
    for row, before, changes in _diffs(measure_rows, MEASURE_FIELDS, level_names, statuses):
        if before is None:
            events.append(
                Event(
                    row.history_date,
                    _name(row.history_user),
                    "Measure recorded",
                    kind="created",
                    source=row.history_source,
                )
            )
            continue
        changes = [change for change in changes if not _shown_with_rating(change, row, rating_rows)]
        if changes:
            events.append(
                Event(
                    row.history_date,
                    _name(row.history_user),
                    "Measure changed",
                    changes,
                    row.history_change_reason,
                    source=row.history_source,
                )
            )
    for comment in Comment.objects.filter(measure=measure).select_related("author"):
        events.append(
            Event(comment.created, _name(comment.author), comment.get_kind_display(), note=comment.text, kind="comment")
        )
    for item in Evidence.objects.filter(measure=measure).select_related("added_by"):
        events.append(Event(item.created, _name(item.added_by), "Evidence added", note=item.title, kind="evidence"))
    events.sort(key=lambda event: event.when, reverse=True)
    return events


@dataclass
class LastChange:
    who: object  # the user, or None
    when: datetime | None
    source: str


def last_change(measure: Measure) -> LastChange:
    """Who last changed the measure or one of its ratings, when and through what (for the conflict view)."""
    rows = [
        model.objects.filter(**{key: measure.pk}).select_related("history_user").order_by("-history_date").first()
        for model, key in ((Measure.history.model, "id"), (Rating.history.model, "measure_id"))
    ]
    rows = [row for row in rows if row is not None]
    if not rows:
        return LastChange(None, None, "")
    latest = max(rows, key=lambda row: row.history_date)
    return LastChange(latest.history_user, latest.history_date, latest.history_source)
