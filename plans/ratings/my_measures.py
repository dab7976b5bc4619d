"""A lead's measures, as rows: this period's rating, the previous one, due month, last update.

Everything comes in a fixed number of queries whatever the number of plans or
measures: the measures with their path and plan, the plans' periods and
levels, the ratings, and the first recorded due month of each measure.
"""

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.db.models import Prefetch

from plans.models import Level, Measure, Period, Plan, Priority, Rating
from plans.models.querysets import PATH_ORDER
from plans.permissions import visible_plans


@dataclass
class MeasureRow:
    measure: Measure
    plan: Plan
    period: Period | None
    previous: Period | None
    current: Rating | None
    previous_rating: Rating | None
    original_due: date | None
    overdue: bool
    late: bool = False  # still owed after the open period's deadline (Measure.is_late)
    can_rate: bool = False

    @property
    def due_moved(self) -> bool:
        return self.original_due is not None and self.original_due != self.measure.due_month

    @property
    def last_rating(self) -> Rating | None:
        ratings = [r for r in (self.current, self.previous_rating) if r is not None]
        return max(ratings, key=lambda r: r.updated) if ratings else None


def measures_with_context(all_ratings: bool = True):
    """Measures with plan, periods, levels, leads and (unless told not to) every rating prefetched, a query each.

    A list of measures needs only each one's current and previous rating:
    `build_rows` reads those alone when `all_ratings` is False (36 periods
    of ratings for 800 measures would be 28,800 rows to read and discard).
    """
    plan_path = "action__outcome__priority__plan"
    # Each prefetch sorts by what its readers need and no more: the models' default orderings would
    # join up to five tables per query to sort rows that are then looked up by id or period.
    prefetches = [
        Prefetch(f"{plan_path}__periods", queryset=Period.objects.order_by("order")),
        Prefetch(f"{plan_path}__scale__levels", queryset=Level.objects.order_by("value")),
        "leads",
    ]
    if all_ratings:
        prefetches.append(Prefetch("ratings", queryset=Rating.objects.select_related("level").order_by()))
    measures = Measure.objects.with_path().with_overdue().select_related(f"{plan_path}__scale")
    return measures.prefetch_related(*prefetches)


def ratings_by_measure(measures: list[Measure], period_ids: set[int]) -> dict[int, dict[int, Rating]]:
    """{measure id: {period id: rating}}: the prefetched ratings, or those of `period_ids` in one query."""
    if all("ratings" in getattr(m, "_prefetched_objects_cache", {}) for m in measures):
        return {m.pk: {rating.period_id: rating for rating in m.ratings.all()} for m in measures}
    found: dict[int, dict[int, Rating]] = {m.pk: {} for m in measures}
    ratings = Rating.objects.filter(measure_id__in=list(found), period_id__in=period_ids).select_related("level")
    for rating in ratings:
        found[rating.measure_id][rating.period_id] = rating
    return found


def original_due_months(measure_ids) -> dict[int, date | None]:
    """Each measure's due month as first recorded, from its history (one query)."""
    first: dict[int, date | None] = {}
    rows = (
        Measure.history.filter(id__in=list(measure_ids))
        .order_by("id", "history_date", "history_id")
        .values_list("id", "due_month")
    )
    for measure_id, due_month in rows:
        first.setdefault(measure_id, due_month)
    return first


def shown_periods(plan: Plan) -> tuple[Period | None, Period | None]:
    """The periods a row shows: the open one (None if none is) and the one before it (else the last)."""
    periods = list(plan.periods.all())
    period = plan.open_period(periods)
    return period, plan.previous_period(period, periods) if period else (periods[-1] if periods else None)


def after_save(measure: Measure, saved: Measure, rating: Rating) -> None:
    """Bring a measure from `measures_with_context` up to date with a rating just saved, in one query.

    `saved` is the measure as the write door left it (its version, update and
    due month); the rating takes its period's place among the prefetched
    ones; the latest colour and "overdue" are read again by their one rule
    (MeasureQuerySet.with_overdue) rather than reloading the whole measure.
    """
    for name in ("version", "progress_update", "due_month", "due_note"):
        setattr(measure, name, getattr(saved, name))
    ratings = [r for r in measure.ratings.all() if r.period_id != rating.period_id] + [rating]
    measure._prefetched_objects_cache["ratings"] = ratings
    flags = Measure.objects.filter(pk=measure.pk).with_overdue().values("latest_colour", "is_overdue").get()
    measure.latest_colour, measure.is_overdue = flags["latest_colour"], flags["is_overdue"]


def build_rows(measures) -> list[MeasureRow]:
    """Rows for measures from `measures_with_context` (which marks each overdue by MeasureQuerySet.overdue's rule)."""
    measures = list(measures)
    originals = original_due_months(m.pk for m in measures)
    shown: dict[int, tuple[Period | None, Period | None]] = {}  # plan id → (open period, the one before)
    for measure in measures:
        plan = measure.action.outcome.priority.plan
        if plan.pk not in shown:
            shown[plan.pk] = shown_periods(plan)
    ratings = ratings_by_measure(measures, {p.pk for pair in shown.values() for p in pair if p is not None})
    rows = []
    for measure in measures:
        plan = measure.action.outcome.priority.plan
        period, previous = shown[plan.pk]
        by_period = ratings[measure.pk]
        current = by_period.get(period.pk) if period else None
        previous_rating = by_period.get(previous.pk) if previous else None
        rows.append(
            MeasureRow(
                measure=measure,
                plan=plan,
                period=period,
                previous=previous,
                current=current,
                previous_rating=previous_rating,
                original_due=originals.get(measure.pk, measure.due_month),
                overdue=bool(measure.is_overdue),
                late=measure.is_late(period, current is not None, measure.latest_colour),
            )
        )
    return rows


def led_by(user):
    """The measures whose Lead record is the user's, in plans the user may read, plan by plan."""
    return (
        measures_with_context(all_ratings=False)
        .filter(leads__user=user, removed=False, action__outcome__priority__plan__in=visible_plans(user))
        .order_by("action__outcome__priority__plan__title", "action__outcome__priority__plan_id", *PATH_ORDER)
    )


def leads_open_measures(user) -> bool:
    """Does the user lead any measure in a plan with an open period? (Then home is My measures.)"""
    if not user.is_authenticated:
        return False
    return Measure.objects.filter(
        leads__user=user, removed=False, action__outcome__priority__plan__periods__status=Period.Status.OPEN
    ).exists()


def grouped(rows: list[MeasureRow]) -> list[tuple[Plan, list[tuple[Priority, list[MeasureRow]]]]]:
    """[(plan, [(priority, rows)])] in the rows' order."""
    result = []
    for plan, plan_rows in groupby(rows, key=lambda row: row.plan):
        by_priority = [
            (priority, list(priority_rows))
            for priority, priority_rows in groupby(plan_rows, key=lambda row: row.measure.action.outcome.priority)
        ]
        result.append((plan, by_priority))
    return result
