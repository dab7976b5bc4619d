"""The portfolio: every plan a user may see, each summed up in one row, in a fixed number of queries.

For each plan: its headline period (Plan.headline_period: the open one once
every measure is rated in it, else the last closed one with ratings) and its
overall score against the previous period's (on a word scale, the count at
each word instead: Scale.mean_is_meaningful), the trend of the overall score,
the share of measures rated, the open period's progress when it is not the
headline ("4 of 97 rated so far"), and three counts the board chases, each by
the rule every other page uses:

- overdue: MeasureQuerySet.overdue (due month passed, latest rating not complete);
- stale: plans.board.staleness.is_stale (not updated in the current period nor
  the one before it);
- awaiting sign-off: RatingQuerySet.awaiting_signoff.

Scores come from plans/rollup/plans.py, so the figures are the plan page's.
"""

import datetime
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from plans.board import staleness
from plans.models import Measure, Period, Plan, Rating
from plans.rollup import rules as rollup
from plans.rollup.cache import cached_per_plan
from plans.rollup.plans import PlanRollups, ScaleLevel, plans_rollup

TREND_PERIODS = 12  # the trend: a year of monthly periods up to the current one
MEASURE_PLAN = "action__outcome__priority__plan_id"


@dataclass(frozen=True)
class TrendPoint:
    label: str
    score: Decimal | None


@dataclass
class PlanSummary:
    """One row of the portfolio."""

    plan: Plan
    levels: list[ScaleLevel]
    current: Period | None = None
    previous: Period | None = None
    score: Decimal | None = None
    previous_score: Decimal | None = None
    trend: list[TrendPoint] = field(default_factory=list)
    rated: int = 0
    measures: int = 0
    overdue: int = 0
    stale: int = 0
    awaiting_signoff: int = 0
    averaged: bool = True  # the scale's mean_is_meaningful: else `counts` sum the period up, and no score
    counts: list[tuple[str, int]] = field(default_factory=list)
    previous_counts: list[tuple[str, int]] = field(default_factory=list)
    open_period: Period | None = None  # the period open for updates, when it is not the headline one
    open_rated: int = 0

    @property
    def partly_rated(self) -> bool:
        """The headline figure rests on some of the measures only: the page says "4 of 97 rated so far"."""
        return self.current is not None and self.rated < self.measures

    @property
    def change(self) -> Decimal | None:
        return rollup.change(self.previous_score, self.score)

    @property
    def change_size(self) -> Decimal | None:
        return None if self.change is None else abs(self.change)

    @property
    def direction(self) -> str | None:
        """ "up", "down", "same", or None when there is nothing to compare."""
        if self.change is None:
            return None
        return "up" if self.change > 0 else "down" if self.change < 0 else "same"

    @property
    def rated_share(self) -> int | None:
        """Whole per cent of the plan's measures rated in the current period."""
        if self.current is None or not self.measures:
            return None
        return round(100 * self.rated / self.measures)

    @property
    def owner_label(self) -> str:
        return owner_label(self.plan)

    @property
    def sparkline(self) -> "Sparkline":
        return sparkline(self.trend, max((level.value for level in self.levels), default=1))

    @property
    def current_level(self) -> ScaleLevel | None:
        """The scale level the score has reached (2.6 → level 2), for its colour."""
        if self.score is None:
            return None
        reached = [level for level in self.levels if level.value <= self.score]
        return reached[-1] if reached else None


def owner_label(plan: Plan) -> str:
    """Who owns the plan, as printed on it, else the owner's name on the tracker."""
    if plan.owner_name:
        return plan.owner_name
    if plan.owner is not None:
        return plan.owner.get_full_name() or plan.owner.get_username()
    return ""


def summarise(plans: Iterable[Plan], today: datetime.date) -> list[PlanSummary]:
    """A PlanSummary for each plan, in a fixed number of queries whatever the number of plans.

    The plans should come with select_related("owner") if owner_label is read.
    """
    plans = list(plans)
    all_rollups = plans_rollup(plans, recent=TREND_PERIODS)
    summaries = {plan.pk: _summary(plan, all_rollups[plan.pk]) for plan in plans}
    if not summaries:
        return []
    current = {pk: summary.current for pk, summary in summaries.items() if summary.current is not None}
    previous = {pk: summary.previous for pk, summary in summaries.items()}
    for pk, (overdue, stale) in chase_counts(current, previous, today).items():
        summaries[pk].overdue, summaries[pk].stale = overdue, stale
    for pk, n in signoff_counts(summaries).items():
        summaries[pk].awaiting_signoff = n
    return [summaries[plan.pk] for plan in plans]


def _summary(plan: Plan, data: PlanRollups) -> PlanSummary:
    summary = PlanSummary(plan=plan, levels=data.levels, averaged=data.averaged)
    rated = {period.pk: r.rated for period, r in zip(data.periods, data.rollups, strict=True)}
    measures = data.rollups[0].measures if data.rollups else 0
    current = plan.headline_period(data.periods, rated, measures)
    if current is None:
        return summary
    index = data.periods.index(current)
    # The trend runs up to the headline period: a partly rated open one is not yet a point of it.
    upto = slice(0, index + 1)
    summary.trend = [
        TrendPoint(period.label, r.overall) for period, r in zip(data.periods[upto], data.rollups[upto], strict=True)
    ]
    summary.current = data.periods[index]
    summary.score = data.rollups[index].overall
    summary.counts = data.rollups[index].counts
    summary.rated = data.rollups[index].rated
    summary.measures = data.rollups[index].measures
    if index > 0:
        summary.previous = data.periods[index - 1]
        summary.previous_score = data.rollups[index - 1].overall
        summary.previous_counts = data.rollups[index - 1].counts
    open_period = plan.open_period(data.periods)
    if open_period is not None and open_period != current:
        summary.open_period = open_period
        summary.open_rated = rated.get(open_period.pk, 0)
    return summary


def chase_counts(
    current: Mapping[int, Period], previous: Mapping[int, Period | None], today: datetime.date
) -> dict[int, tuple[int, int]]:
    """{plan id: (its overdue measures, its stale ones in its current period)}, by the rules every page uses
    (MeasureQuerySet.overdue, plans.board.staleness), in a fixed number of queries for the plans whose data
    changed since they were last counted, the cache for the rest (plans.rollup.cache: one read of the plans'
    versions for both counts)."""

    def count(ids: list[int]) -> dict[int, tuple[int, int]]:
        overdue = _overdue_counts(ids, today)
        stale = staleness.stale_counts({pk: current[pk] for pk in ids}, {pk: previous.get(pk) for pk in ids})
        return {pk: (overdue[pk], stale.get(pk, 0)) for pk in ids}

    def arguments(pk: int) -> tuple:
        return today, current[pk].pk, getattr(previous.get(pk), "pk", None)

    return cached_per_plan("chase_counts", list(current), count, arguments)


def _overdue_counts(plan_ids: list[int], today: datetime.date) -> dict[int, int]:
    rows = (
        Measure.objects.filter(**{f"{MEASURE_PLAN}__in": plan_ids})
        .overdue(on=today)
        .values(MEASURE_PLAN)
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row[MEASURE_PLAN]: row["n"] for row in rows}
    return {pk: counts.get(pk, 0) for pk in plan_ids}


def signoff_counts(plan_ids: Iterable[int]) -> dict[int, int]:
    """{plan id: ratings submitted by leads and awaiting the owner's sign-off}, in one query."""
    rows = (
        Rating.objects.filter(period__plan_id__in=list(plan_ids))
        .awaiting_signoff()
        .values("period__plan_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["period__plan_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Sparkline:
    """A small trend line: SVG geometry plus the words that say the same thing."""

    width: int
    height: int
    segments: list[str]  # polyline "x,y x,y" runs, broken where a period has no score
    dots: list[tuple[float, float]]
    text: str


def sparkline(trend: list[TrendPoint], top: int, width: int = 120, height: int = 36, pad: int = 5) -> Sparkline:
    """Lay the trend out between the whole levels around its scores (at most 1 to `top`), periods evenly spaced.

    Zooming to the whole levels either side makes a move of half a level
    visible, while a line within one band still reads as within one band.
    """
    scores = [float(p.score) for p in trend if p.score is not None]
    low = max(1, math.floor(min(scores, default=1)))
    high = min(max(top, low + 1), max(math.ceil(max(scores, default=top)), low + 1))
    step = (width - 2 * pad) / max(len(trend) - 1, 1)
    span = high - low
    segments, run, dots = [], [], []
    for i, point in enumerate(trend):
        if point.score is None:
            if run:
                segments.append(" ".join(run))
            run = []
            continue
        x = round(pad + i * step, 1)
        y = round(height - pad - (float(point.score) - low) / span * (height - 2 * pad), 1)
        run.append(f"{x},{y}")
        dots.append((x, y))
    if run:
        segments.append(" ".join(run))
    words = ", ".join(f"{p.label} {p.score if p.score is not None else 'not rated'}" for p in trend)
    return Sparkline(width, height, segments, dots, f"Overall score by period: {words}." if trend else "No periods.")


# Sorting and filtering the rows, as the page's GET parameters ask.

SORTS: dict[str, Callable[[PlanSummary], object]] = {
    "title": lambda s: s.plan.title.casefold(),
    "score": lambda s: s.score,
    "change": lambda s: s.change,
    "rated": lambda s: s.rated_share,
}


def sort_summaries(summaries: list[PlanSummary], sort: str) -> list[PlanSummary]:
    """Sorted by "title", "score", "change" or "rated"; a leading "-" sorts descending. Blanks go last."""
    descending = sort.startswith("-")
    key = SORTS.get(sort.lstrip("-"), SORTS["title"])
    present = [s for s in summaries if key(s) is not None]
    missing = [s for s in summaries if key(s) is None]
    return sorted(present, key=key, reverse=descending) + missing


@dataclass(frozen=True)
class Filters:
    owner: str = ""
    department: str = ""
    status: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "Filters":
        return cls(
            owner=query.get("owner", "").strip(),
            department=query.get("department", "").strip(),
            status=query.get("status", "").strip(),
        )

    def keeps(self, plan: Plan) -> bool:
        return (
            (not self.owner or owner_label(plan) == self.owner)
            and (not self.department or plan.department == self.department)
            and (not self.status or plan.status == self.status)
        )

    @property
    def active(self) -> bool:
        return bool(self.owner or self.department or self.status)


def filter_choices(plans: Iterable[Plan]) -> dict[str, list]:
    """The owners, departments and statuses that occur among the plans, for the filter form."""
    plans = list(plans)
    statuses = {plan.status for plan in plans}
    return {
        "owners": sorted({owner_label(plan) for plan in plans} - {""}, key=str.casefold),
        "departments": sorted({plan.department for plan in plans} - {""}, key=str.casefold),
        "statuses": [(value, label) for value, label in Plan.Status.choices if value in statuses],
    }
