"""Query logic for plans: rollups as database aggregates, measures with their path, and the rules
that pick measures out — not complete, overdue, not rated in a period, outstanding — each defined here once.

"Complete" follows the scale (plans.models.scale.COMPLETE_COLOURS): a measure
whose latest rating is at a blue or grey level is done, so it is neither
overdue nor chased for an update. "Latest" is the rating of the last period it
was rated in, up to a given period when a page looks at one (the board reads
the plan as it stood in that period).
"""

from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from plans.models.scale import COMPLETE_COLOURS

# The latest rating is not at a complete level, or there is none (a never-rated measure's colour is "").
NOT_COMPLETE = ~Q(latest_colour__in=COMPLETE_COLOURS)

if TYPE_CHECKING:
    from plans.models import Period, Plan


def month_of(day: date | None = None) -> date:
    """The first day of `day`'s month (today's by default): due months are compared month by month."""
    return (day or timezone.localdate()).replace(day=1)


class PlanQuerySet(models.QuerySet):
    def with_scale(self) -> "PlanQuerySet":
        return self.select_related("scale").prefetch_related("scale__levels")


# Measures in the order the plan prints them: priority, outcome, action, then the row.
PATH_ORDER = (
    "action__outcome__priority__number",
    "action__outcome__order",
    "action__outcome_id",
    "action__order",
    "action_id",
    "order",
    "id",
)


class MeasureQuerySet(models.QuerySet):
    def of_plan(self, plan: "Plan") -> "MeasureQuerySet":
        return self.filter(action__outcome__priority__plan=plan)

    def in_plan(self) -> "MeasureQuerySet":
        """Still in the plan: removed measures are kept with their history but no longer rated or chased."""
        return self.filter(removed=False)

    def with_latest_colour(self, upto: "Period | None" = None) -> "MeasureQuerySet":
        """Annotated with `latest_colour`: the colour of the measure's latest rating (up to the period `upto`),
        "" when it has none."""
        from plans.models import Rating

        latest = Rating.objects.latest_per_measure("level__colour", upto=upto)
        return self.annotate(latest_colour=Coalesce(latest, Value("")))

    def not_complete(self, upto: "Period | None" = None) -> "MeasureQuerySet":
        """Measures whose latest rating (up to `upto`) is not at a complete level, or that were never rated."""
        return self.with_latest_colour(upto).filter(NOT_COMPLETE)

    def with_overdue(self, on: date | None = None, upto: "Period | None" = None) -> "MeasureQuerySet":
        """Annotated with `is_overdue`: the rule of .overdue() as a column, for pages that badge each row."""
        condition = Q(removed=False, due_month__lt=month_of(on)) & NOT_COMPLETE
        return self.with_latest_colour(upto).annotate(is_overdue=ExpressionWrapper(condition, BooleanField()))

    def overdue(self, on: date | None = None, upto: "Period | None" = None) -> "MeasureQuerySet":
        """Still in the plan, due in a month before `on`'s month (today's), and not complete (as at `upto`).

        The one definition of "overdue": the plan page's badge and filter, My
        measures, the portfolio's count and the board all ask it (the board as
        at the period it shows); Measure.is_overdue is the same rule in memory.
        """
        return self.with_overdue(on, upto).filter(is_overdue=True)

    def not_rated_in(self, period: "Period") -> "MeasureQuerySet":
        """Measures with no rating in `period`."""
        from plans.models import Rating

        return self.exclude(Exists(Rating.objects.filter(measure=OuterRef("pk"), period=period)))

    def outstanding(self, period: "Period | None") -> "MeasureQuerySet":
        """What leads still owe for a period open for updates: in the plan, not complete, not rated in it."""
        if period is None or not period.is_editable:
            return self.none()
        return self.in_plan().not_rated_in(period).not_complete()

    def late(self, period: "Period | None", on: date | None = None) -> "MeasureQuerySet":
        """Late: still outstanding in the open `period` after its deadline (Period.deadline_passed, as at `on`).

        The one definition of "late": the missing-updates page and My measures
        ask it; Measure.is_late is the same rule in memory.
        """
        if period is None or not period.deadline_passed(on):
            return self.none()
        return self.outstanding(period)

    def with_path(self) -> "MeasureQuerySet":
        """Measures with their action, outcome and priority fetched in the same query."""
        return self.select_related("action__outcome__priority").order_by(*PATH_ORDER)

    def counts_by_priority(self) -> dict[int, int]:
        """{priority number: number of measures}, in one query (for a queryset of one plan's measures)."""
        return {number: n for counts in self.counts_by_plan_and_priority().values() for number, n in counts.items()}

    def counts_by_plan_and_priority(self) -> dict[int, dict[int, int]]:
        """{plan id: {priority number: number of measures}}, in one grouped query for any number of plans."""
        counts: dict[int, dict[int, int]] = {}
        rows = (
            self.values_list("action__outcome__priority__plan_id", "action__outcome__priority__number")
            .annotate(n=Count("id"))
            .order_by()
        )
        for plan_id, number, n in rows:
            counts.setdefault(plan_id, {})[number] = n
        return counts


class RatingQuerySet(models.QuerySet):
    def of_plan(self, plan: "Plan") -> "RatingQuerySet":
        return self.filter(period__plan=plan)

    def latest_per_measure(self, field: str, upto: "Period | None" = None) -> Subquery:
        """`field` of the measure's latest rating (the last period it was rated in, up to the period `upto`
        when given), to annotate measures with. The one "latest rating of a measure"."""
        # The database walks the measure's own plan's periods newest first and looks each one's rating up by
        # (measure, period) in a scalar subquery, stopping at the first period that has one. Written as a join
        # of ratings and periods, PostgreSQL read all of the measure's ratings for every period it tried
        # (13 µs a measure, not 6); sorting them all took 90 µs.
        from plans.models import Period

        in_period = self.filter(measure=OuterRef(OuterRef("pk")), period=OuterRef("pk")).order_by()
        periods = Period.objects.filter(plan_id=OuterRef("action__outcome__priority__plan_id"))
        if upto is not None:
            periods = periods.filter(plan_id=upto.plan_id, order__lte=upto.order)
        rated = periods.annotate(rating_id=Subquery(in_period.values("pk")[:1])).filter(rating_id__isnull=False)
        return Subquery(rated.order_by("-order").values(latest=Subquery(in_period.values(field)[:1]))[:1])

    def awaiting_signoff(self) -> "RatingQuerySet":
        """Ratings a lead submitted that the plan's owner has not yet approved or returned."""
        return self.filter(status="submitted")

    def counted(self) -> "RatingQuerySet":
        """The ratings a rollup counts: approved ones (a rating awaiting sign-off counts once approved)."""
        return self.filter(status="approved")

    def counts_by_period(self) -> dict[int, int]:
        """{period id: number of ratings}, in one grouped query (periods without ratings left out)."""
        return dict(self.order_by().values_list("period_id").annotate(n=Count("id")).values_list("period_id", "n"))

    def level_counts(self) -> dict[tuple[int, int, int], int]:
        """{(period id, priority id, level id): number of ratings}, in one grouped query.

        Everything a rollup needs (means, distributions, rated counts) follows
        exactly from these counts, so the database does the work however large
        the plan is. Grouped by ids, not by the priority's number and the level's
        value: the callers have the priorities and levels already, and the joins
        to them cost a fifth of the count on PostgreSQL.
        """
        rows = self.values_list("period_id", "measure__action__outcome__priority_id", "level_id").annotate(
            n=Count("id")
        )
        return {(period_id, priority_id, level_id): n for period_id, priority_id, level_id, n in rows.order_by()}
