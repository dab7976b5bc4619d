"""A plan and its tree: Plan → Priority → Outcome → Action → Measure, rated per Period."""

from collections.abc import Collection, Mapping
from datetime import date

from django.conf import settings
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from plans.models.history import HistorySource, MeasureHistory
from plans.models.inspection import Inspection, Recommendation
from plans.models.querysets import MeasureQuerySet, PlanQuerySet, RatingQuerySet, month_of
from plans.models.scale import COMPLETE_COLOURS, Level, Scale

# Monday is 0, as date.weekday() counts.
WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday")]


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    organisation = models.CharField(max_length=200, help_text="Shown in the page header.")
    department = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_plans"
    )
    owner_name = models.CharField(max_length=200, blank=True, help_text="The accountable officer, as printed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="plans")
    inspections = models.ManyToManyField(
        Inspection, blank=True, related_name="plans", help_text="The inspections whose recommendations it answers."
    )
    requires_signoff = models.BooleanField(
        default=False, help_text="Leads' updates are submitted and count once the owner approves them."
    )
    reminders_enabled = models.BooleanField(
        "email reminders", default=True, help_text="Leads who owe an update get the reminder digest."
    )
    reminder_weekday = models.PositiveSmallIntegerField(
        "reminder day",
        null=True,
        blank=True,
        choices=WEEKDAYS,
        help_text="The day of the week this plan's leads are reminded; blank: every working day.",
    )
    introduction = models.TextField(blank=True)
    governance = models.TextField(blank=True, help_text="Who oversees the plan and how often.")

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistorySource], m2m_fields=[inspections])

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    # The plan's periods in their order; pass a list already read to save the query (a page reads them once).

    def open_period(self, periods: "list[Period] | None" = None) -> "Period | None":
        """The period open for updates (at most one is; the last if ever several)."""
        open_ones = [p for p in self._periods(periods) if p.status == Period.Status.OPEN]
        return open_ones[-1] if open_ones else None

    def current_period(self, periods: "list[Period] | None" = None) -> "Period | None":
        """The period pages show by default: the open one, else the last closed one, else the first."""
        periods = self._periods(periods)
        started = [p for p in periods if p.status != Period.Status.PLANNED]
        return self.open_period(periods) or (started[-1] if started else (periods[0] if periods else None))

    def headline_period(
        self,
        periods: "list[Period] | None" = None,
        rated: "Mapping[int, int] | None" = None,
        measures: int | None = None,
    ) -> "Period | None":
        """The period headline figures default to (portfolio, dashboard, coverage): the open period once every
        measure is rated in it; else the latest closed period in which any measure is rated; else current_period.

        A partly rated open period is never the default headline (4 ratings of 97 are not the plan's score): a
        page showing it says "4 of 97 rated so far". `rated` ({period id: ratings the rollup counts}) and
        `measures` (the plan's measures, as the rollup counts them): pass them if already read (two queries).
        """
        periods = self._periods(periods)
        if rated is None:
            rated = Rating.objects.of_plan(self).counted().counts_by_period()
        if measures is None:
            measures = Measure.objects.of_plan(self).count()
        open_period = self.open_period(periods)
        if open_period is not None and measures and rated.get(open_period.pk, 0) >= measures:
            return open_period
        closed = [p for p in periods if p.is_closed and rated.get(p.pk)]
        return closed[-1] if closed else self.current_period(periods)

    def previous_period(self, period: "Period | None", periods: "list[Period] | None" = None) -> "Period | None":
        """The period just before `period` in the plan's order."""
        if period is None:
            return None
        earlier = [p for p in self._periods(periods) if p.order < period.order]
        return earlier[-1] if earlier else None

    def _periods(self, periods: "list[Period] | None") -> "list[Period]":
        return sorted(self.periods.all() if periods is None else periods, key=lambda p: p.order)

    def reminds_on(self, day: date) -> bool:
        """Are this plan's leads sent the scheduled reminder digest on `day`? (An owner's "send now" always is.)"""
        return self.reminders_enabled and (self.reminder_weekday is None or self.reminder_weekday == day.weekday())


class Period(models.Model):
    """A reporting period: the plan's ratings "as at" one board meeting."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        OPEN = "open", "Open for updates"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    label = models.CharField(max_length=40, help_text='As printed in the RAG column, e.g. "Initial" or "01/18".')
    order = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    starts = models.DateField(null=True, blank=True)
    ends = models.DateField(null=True, blank=True)
    deadline = models.DateField(
        null=True, blank=True, help_text="The day leads' updates are due; after it an update not given is late."
    )

    history = HistoricalRecords(bases=[HistorySource])
    _change_reason: str  # set before save() for simple-history to record why (e.g. "Reopened: …")

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="period_label_unique_in_plan"),
            models.UniqueConstraint(fields=["plan", "order"], name="period_order_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_editable(self) -> bool:
        """Ratings can be set only in the open period: a closed one is read-only, a planned one not yet started."""
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        """Closed: its ratings are the record of it and no longer change (until it is reopened)."""
        return self.status == self.Status.CLOSED

    def deadline_passed(self, on: date | None = None) -> bool:
        """Is the period open for updates with its deadline before `on` (today)? Then an update not given is late
        (MeasureQuerySet.late, Measure.is_late)."""
        return self.is_editable and self.deadline is not None and self.deadline < (on or timezone.localdate())


class Priority(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        ordering = ["plan", "number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="priority_number_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Outcome(models.Model):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="outcomes")
    order = models.PositiveIntegerField(default=0)
    statement = models.TextField()
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="outcomes")

    history = HistoricalRecords(bases=[HistorySource], m2m_fields=[recommendations])

    class Meta:
        ordering = ["priority", "order", "id"]

    def __str__(self) -> str:
        return self.statement[:80]


class Action(models.Model):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField()
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="actions")

    history = HistoricalRecords(bases=[HistorySource], m2m_fields=[recommendations])

    class Meta:
        ordering = ["outcome", "order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Lead(models.Model):
    """A person or role named in a plan's Lead or Responsible Officer cells; many have no login.

    Leads belong to one plan: its owner sees and attaches only those, and the
    reminder digest writes only to them. `aliases` are the other spellings the
    plan's cells use for the same person ("S Murphy" for Sheila Murphy); the
    import and the demo loader resolve a cell through names and aliases alike
    (plans/owner/leads.py).
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="leads")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lead_records",
        help_text="The login of this person: they may rate the measures they lead.",
    )
    aliases = models.JSONField(
        default=list, blank=True, help_text='Other spellings of the name in the plan\'s cells, e.g. "S Murphy".'
    )

    history = HistoricalRecords(bases=[HistorySource])
    _change_reason: str  # set before save() or delete() for simple-history to record why

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="lead_name_unique_in_plan")]

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    """A success measure: one row of the plan's table, and the thing that is rated."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField("success measure")
    lead_text = models.CharField("lead (as written)", max_length=300, blank=True)
    officer_text = models.CharField("responsible officer (as written)", max_length=300, blank=True)
    leads = models.ManyToManyField(Lead, blank=True, related_name="measures_led")
    officers = models.ManyToManyField(Lead, blank=True, related_name="measures_overseen")
    time_text = models.CharField("time (as written)", max_length=100, blank=True)
    due_month = models.DateField(
        null=True, blank=True, help_text="First day of the due month, when the Time text can be read."
    )
    due_note = models.CharField(
        max_length=200, blank=True, help_text="Why no due month could be read from the Time text."
    )
    progress_update = models.TextField(blank=True)
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="measures")
    indicators = models.ManyToManyField("plans.Indicator", blank=True, related_name="measures")
    removed = models.BooleanField(
        default=False, help_text="Taken out of the plan; kept, with its history, but no longer rated or chased."
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up on every saved change; a save based on an older version is a conflict."
    )

    objects = MeasureQuerySet.as_manager()
    # `version` is the lock's counter, not plan data: a change of a rating alone moves it without a history row.
    history = HistoricalRecords(bases=[MeasureHistory], m2m_fields=[leads, officers, recommendations, indicators])
    _change_reason: str  # set before save() for simple-history to record why

    class Meta:
        ordering = ["action", "order", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    # What the cached counts (plans.rollup.cache) read of a measure: where it sits, whether removed, when due.
    COUNTED_FIELDS = ("action_id", "removed", "due_month")

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[object]) -> "Measure":
        measure = super().from_db(db, field_names, values)
        measure._counted_as_read = measure._counted()
        return measure

    def _counted(self) -> tuple | None:
        """The COUNTED_FIELDS' values, None when one was not read (a deferred field)."""
        values = self.__dict__
        if any(name not in values for name in self.COUNTED_FIELDS):
            return None
        return tuple(values[name] for name in self.COUNTED_FIELDS)

    def counts_unchanged(self) -> bool:
        """Does saving it now leave the COUNTED_FIELDS as they were read (or last saved)? Not for a new measure."""
        read = getattr(self, "_counted_as_read", None)
        return read is not None and read == self._counted()

    def counted_as_saved(self) -> None:
        """What counts_unchanged compares with from now: the values just saved."""
        self._counted_as_read = self._counted()

    def is_overdue(self, latest_level: Level | None, on: date | None = None) -> bool:
        """MeasureQuerySet.overdue's rule for one measure whose latest rating's level is already read."""
        due = self.due_month is not None and self.due_month < month_of(on)
        return due and not self.removed and not (latest_level is not None and latest_level.is_complete)

    def is_late(self, period: "Period | None", rated: bool, latest_colour: str, on: date | None = None) -> bool:
        """MeasureQuerySet.late's rule for one measure: `rated` in the open `period`, its latest rating's colour read.

        Late: still owed (in the plan, not complete, not rated in the open period) after the period's deadline.
        """
        owed = not rated and not self.removed and latest_colour not in COMPLETE_COLOURS
        return period is not None and owed and period.deadline_passed(on)


@receiver(pre_create_historical_record)
def _mark_counts_unchanged(sender: type, instance: object, history_instance: object, **kwargs: object) -> None:
    """A measure's history row of a change that left its COUNTED_FIELDS alone says so (MeasureHistory)."""
    if isinstance(instance, Measure):
        history_instance.counts_unchanged = (  # type: ignore[attr-defined]
            history_instance.history_type == "~" and instance.counts_unchanged()  # type: ignore[attr-defined]
        )
        instance.counted_as_saved()


class Rating(models.Model):
    """One measure's level in one period. No row means "not rated"."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="ratings")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="ratings")

    class Status(models.TextChoices):
        APPROVED = "approved", "Approved"
        SUBMITTED = "submitted", "Awaiting sign-off"
        RETURNED = "returned", "Returned to the lead"

    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="ratings")
    reason = models.TextField(blank=True, help_text="Why the rating is what it is (required at the lowest levels).")
    update = models.TextField("progress update", blank=True, help_text="The lead's update for this period.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPROVED)
    updated = models.DateTimeField(auto_now=True)

    objects = RatingQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistorySource])
    _change_reason: str  # set before save() for simple-history to record why

    class Meta:
        ordering = ["period", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="rating_one_per_measure_and_period"),
        ]
        indexes = [
            # The few ratings awaiting sign-off, found without reading the many approved ones (portfolio, home).
            models.Index(fields=["period"], condition=models.Q(status="submitted"), name="rating_awaiting_signoff"),
        ]

    def __str__(self) -> str:
        return f"{self.level} in {self.period}"


class PublishedScore(models.Model):
    """A rollup figure as the council printed it, kept beside the computed one to flag differences."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="published_scores")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="published_scores")
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.CASCADE, help_text="Blank for the overall score."
    )
    score = models.DecimalField(max_digits=3, decimal_places=1)
    source = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        ordering = ["plan", "period", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "priority"],
                condition=models.Q(priority__isnull=False),
                name="published_score_unique_per_priority",
            ),
            models.UniqueConstraint(
                fields=["period"], condition=models.Q(priority__isnull=True), name="published_score_unique_overall"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} published for {self.priority or 'overall'} in {self.period}"
