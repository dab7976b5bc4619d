"""Query logic for plans: rollups as database aggregates, measures with their path."""

from django.db import models
from django.db.models import Count, OuterRef, Subquery


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
    def of_plan(self, plan) -> "MeasureQuerySet":
        return self.filter(action__outcome__priority__plan=plan)

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
    def of_plan(self, plan) -> "RatingQuerySet":
        return self.filter(period__plan=plan)

    def latest_per_measure(self, field: str) -> Subquery:
        """`field` of the measure's latest rating (the last period it was rated in), to annotate measures with."""
        return Subquery(self.filter(measure=OuterRef("pk")).order_by("-period__order").values(field)[:1])

    def counted(self) -> "RatingQuerySet":
        """The ratings a rollup counts: approved ones (a rating awaiting sign-off counts once approved)."""
        return self.filter(status="approved")

    def level_counts(self) -> dict[tuple[int, int, int], int]:
        """{(period id, priority number, level value): number of ratings}, in one grouped query.

        Everything a rollup needs (means, distributions, rated counts) follows
        exactly from these counts, so the database does the work however large
        the plan is.
        """
        rows = self.values("period_id", "measure__action__outcome__priority__number", "level__value").annotate(
            n=Count("id")
        )
        return {
            (row["period_id"], row["measure__action__outcome__priority__number"], row["level__value"]): row["n"]
            for row in rows.order_by()
        }
