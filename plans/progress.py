"""Where a measure stands: complete, overdue, not yet updated in the open period.

"Complete" follows the scale: a measure whose latest rating is at a level
coloured blue or grey (Thurrock's 4 and 5, BRAG's "Completed") is done, so it
is neither overdue nor chased for an update. Each rule is a queryset filter,
so pages and the reminder command ask the database, not a Python loop.
"""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from plans.models import Period, Rating

COMPLETE_COLOURS = ("blue", "grey")


def this_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today.replace(day=1)


def open_period(periods: list[Period]) -> Period | None:
    """The period open for updates (there is at most one)."""
    return next((period for period in periods if period.status == Period.Status.OPEN), None)


def current_period(periods: list[Period]) -> Period | None:
    """The period a page shows by default: the open one, else the last closed one, else the first."""
    started = [period for period in periods if period.status != Period.Status.PLANNED]
    return open_period(periods) or (started[-1] if started else (periods[0] if periods else None))


def with_latest_colour(measures: QuerySet) -> QuerySet:
    return measures.annotate(latest_colour=Rating.objects.latest_per_measure("level__colour"))


def not_complete(measures: QuerySet) -> QuerySet:
    """Measures whose latest rating is not at a complete level (or that are not rated at all)."""
    annotated = with_latest_colour(measures)
    # Spelled out: exclude() alone would drop the never-rated ones, whose latest colour is NULL.
    return annotated.filter(Q(latest_colour__isnull=True) | ~Q(latest_colour__in=COMPLETE_COLOURS))


def overdue(measures: QuerySet, today: date | None = None) -> QuerySet:
    """Still in the plan, due in a month that has passed, and not complete."""
    return not_complete(measures.filter(removed=False, due_month__lt=this_month(today)))


def not_rated_in(measures: QuerySet, period: Period) -> QuerySet:
    return measures.exclude(Exists(Rating.objects.filter(measure=OuterRef("pk"), period=period)))


def outstanding(measures: QuerySet, period: Period) -> QuerySet:
    """What a lead still owes for an open period: in the plan, not complete, not rated in it."""
    if period.status != Period.Status.OPEN:
        return measures.none()
    return not_complete(not_rated_in(measures.filter(removed=False), period))
