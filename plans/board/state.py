"""The board's view of a plan: two periods compared, the heatmap, trends and what moved.

`load_state` reads everything the dashboard and the board pack need in a fixed
number of queries; `plans.board.as_at.load_state_as_at` builds the same shape from
the history tables. `compare` turns a state into the figures the board reads.
The scores come from plans.rollup.plan (the rule lives in plans.rollup.rules).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.db.models import Prefetch
from django.utils import timezone

from plans.board import charts
from plans.board.challenges import Challenge, find_challenges
from plans.board.staleness import Latest, last_update_in_memory, latest_in
from plans.cells import parse_due_month
from plans.models import Indicator, IndicatorValue, Level, Measure, Period, Plan, Rating
from plans.rollup import rules as rollup
from plans.rollup.plan import plan_rollup, published_figures


@dataclass
class PlanState:
    """A plan's periods, measures and ratings, now or as at a past moment."""

    plan: Plan
    periods: list[Period]
    levels: list[Level]
    measures: list[Measure]  # each with .action.outcome.priority loaded
    ratings: dict[tuple[int, int], "RatingRow | Rating"]  # (measure id, period id) → rating, with .level
    rollups: list[rollup.PeriodRollup]
    published: dict[tuple[int, int | None], Decimal]  # (period id, priority number or None) → printed score
    indicators: dict[int, list[Indicator]] = field(default_factory=dict)  # measure id → linked indicators
    as_at: object = None  # a datetime when the state is from history
    all_periods: list[Period] = field(default_factory=list)  # when `periods` is a window of them
    # When only some periods' ratings were read: {measure id: when it was last updated, and its latest rating, up
    # to `latest_upto`} from plans.board.staleness (the challenges cannot walk back through ratings not read).
    latest: "dict[int, Latest] | None" = None
    latest_upto: Period | None = None

    def rating(self, measure: Measure, period: Period | None) -> Rating | None:
        return None if period is None else self.ratings.get((measure.pk, period.pk))

    def latest_level(self, measure: Measure, period: Period) -> Level | None:
        """The level of the measure's latest rating up to `period` (the one the overdue rule reads)."""
        if self.latest is not None:
            self._check_latest(period)
            found = self.latest.get(measure.pk)
            return None if found is None else self.level_by_id[found.level_id]
        for earlier in reversed(self.periods[: self.periods.index(period) + 1]):
            if rating := self.rating(measure, earlier):
                return rating.level
        return None

    def last_updated(self, measure: Measure, period: Period) -> int | None:
        """The order of the last period up to `period` in which the measure was updated (None: never rated)."""
        if self.latest is not None:
            self._check_latest(period)
            found = self.latest.get(measure.pk)
            return None if found is None else found.updated
        upto = self.periods[: self.periods.index(period) + 1]
        return last_update_in_memory([self.rating(measure, p) for p in upto], [p.order for p in upto])

    @cached_property
    def level_by_id(self) -> dict[int, Level]:
        return {level.pk: level for level in self.levels}

    def _check_latest(self, period: Period) -> None:
        if self.latest_upto != period:
            raise ValueError(f"The state knows the latest ratings up to {self.latest_upto}, not {period}.")

    def period(self, label: str | None) -> Period | None:
        return period_labelled(self.periods, label)


def period_labelled(periods: list[Period], label: str | None) -> Period | None:
    """The period with this label (as in ?period=01/18), or None."""
    return next((p for p in periods if p.label == label), None)


class RatingRow(NamedTuple):
    """The part of a Rating the board reads; far cheaper than model instances (or dataclasses) for 36,000 ratings."""

    measure_id: int
    period_id: int
    level: Level
    reason: str
    update: str
    status: str

    @property
    def level_id(self) -> int:
        return self.level.pk


def linked_indicators(as_at: datetime | None = None, **measure_filter) -> dict[int, list[Indicator]]:
    """{measure id: its indicators, values in month order}, in two queries.

    With `as_at`, each indicator's values are those recorded by then (from the
    values' history, still two queries): a value entered or corrected later
    does not show in a view of the plan as it stood.
    """
    links = (
        Measure.indicators.through.objects.filter(**{f"measure__{k}": v for k, v in measure_filter.items()})
        .select_related("indicator__priority")  # the priority: an indicator's page is its priority's
        .order_by("indicator__priority__number", "indicator__order", "indicator_id")  # the same on every database
    )
    if as_at is None:
        links = links.prefetch_related(Prefetch("indicator__values", queryset=IndicatorValue.objects.order_by("month")))
    found: dict[int, list[Indicator]] = {}
    for link in links:
        found.setdefault(link.measure_id, []).append(link.indicator)
    if as_at is not None:
        _values_as_at([indicator for indicators in found.values() for indicator in indicators], as_at)
    return found


def _values_as_at(indicators: list[Indicator], when: datetime) -> None:
    """Give each indicator the values it had at `when`, as if prefetched (one query on the history table).

    An indicator linked to several measures comes once per link, each its own instance: every one gets
    the values, or reading them would cost a query per link.
    """
    values: dict[int, list[IndicatorValue]] = {indicator.pk: [] for indicator in indicators}
    records = (
        IndicatorValue.history.filter(history_date__lte=when, indicator_id__in=list(values))
        .latest_of_each()
        .as_instances()
    )
    for value in sorted(records, key=lambda v: v.month):
        values[value.indicator_id].append(value)
    for indicator in indicators:
        indicator._prefetched_objects_cache = {"values": values[indicator.pk]}


def load_state(
    plan: Plan,
    periods: list[Period] | None = None,
    rated: Iterable[Period | None] | None = None,
    upto: Period | None = None,
    rollups: list[rollup.PeriodRollup] | None = None,
) -> PlanState:
    """The plan as it stands now: a constant number of queries whatever its size.

    `periods`: the plan's periods if the caller has read them already. `rated`:
    read only these periods' ratings (the dashboard compares two periods, the
    pack shows six; a 36-period plan has six times more), None for every
    period. With `rated`, `upto` is the period whose challenges will be asked
    for: when each measure was last updated up to it comes from the database.
    `rollups`: the plan_rollup of `periods` if the caller has it.
    """
    periods = list(plan.periods.all()) if periods is None else periods
    levels = list(plan.scale.levels.all())
    by_level = {level.pk: level for level in levels}
    measures = list(Measure.objects.of_plan(plan).with_path())
    if rated is None:
        rows = Rating.objects.of_plan(plan)
    else:
        rows = Rating.objects.filter(period_id__in={period.pk for period in rated if period is not None})
    rows = rows.order_by().values_list("measure_id", "period_id", "level_id", "reason", "update", "status")
    ratings = {
        (measure_id, period_id): RatingRow(measure_id, period_id, by_level[level_id], reason, update, status)
        for measure_id, period_id, level_id, reason, update, status in rows
    }
    return PlanState(
        plan=plan,
        periods=periods,
        levels=levels,
        measures=measures,
        ratings=ratings,
        rollups=plan_rollup(plan, periods) if rollups is None else rollups,
        published=published_figures(plan),
        indicators=linked_indicators(action__outcome__priority__plan=plan),
        latest=latest_in([upto]) if rated is not None and upto is not None else None,
        latest_upto=upto if rated is not None else None,
    )


def compared_periods(plan: Plan, periods: list[Period], previous: Period | None, current: Period | None):
    """The periods whose ratings two compared periods need: both, and the one before `current` (big jumps)."""
    return [previous, current, plan.previous_period(current, periods)]


def default_periods(plan: Plan, periods: list[Period]) -> tuple[Period | None, Period | None]:
    """The period pages show by default (Plan.current_period) and the one before it."""
    current = plan.current_period(periods)
    return plan.previous_period(current, periods), current


def headline_periods(
    plan: Plan, periods: list[Period], state: "PlanState | None" = None, rollups: "list | None" = None
) -> tuple[Period | None, Period | None]:
    """The period the board's pages default to (Plan.headline_period) and the one before it.

    What was rated in each period comes from the rollups: a state's (as at a past moment), those given, else
    the plan's (plan_rollup, counted once per period until its ratings change) — never a count of every
    rating of the plan on each request.
    """
    if state is not None:
        rollups = state.rollups
    elif rollups is None:
        rollups = plan_rollup(plan, periods)
    rated = measures = None
    if rollups:
        rated = {p.pk: r.rated for p, r in zip(periods if state is None else state.periods, rollups, strict=True)}
        measures = rollups[0].measures
    current = plan.headline_period(periods, rated, measures)
    return plan.previous_period(current, periods), current


def reference_month(period: Period) -> date:
    """The month a period stands for: its end date, a month in its label ("01/18"), else this month."""
    if period.ends:
        return period.ends.replace(day=1)
    parsed = parse_due_month(period.label).month
    return parsed or timezone.localdate().replace(day=1)


def change_words(previous: Decimal | None, current: Decimal | None) -> dict:
    """The change in a score as an arrow and words (never the arrow alone)."""
    delta = rollup.change(previous, current)
    if delta is None:
        return {"delta": None, "arrow": "–", "words": "not comparable", "direction": "none"}
    if delta > 0:
        return {"delta": delta, "arrow": "↑", "words": f"up {delta}", "direction": "up"}
    if delta < 0:
        return {"delta": delta, "arrow": "↓", "words": f"down {-delta}", "direction": "down"}
    return {"delta": delta, "arrow": "→", "words": "no change", "direction": "same"}


@dataclass
class Movement:
    measure: Measure
    before: Rating | None
    after: Rating | None

    @property
    def direction(self) -> str:
        return "up" if self.after.level.value > self.before.level.value else "down"

    @property
    def steps(self) -> int:
        return abs(self.after.level.value - self.before.level.value)


@dataclass
class Comparison:
    state: PlanState
    previous: Period | None
    current: Period | None
    summary: list[dict]
    overall: dict
    heatmap: list[dict]
    distribution_labels: list[Level]
    moved_up: list[Movement]
    moved_down: list[Movement]
    overdue: list[tuple[Measure, Rating | None]]
    not_rated: list[Measure]
    lowest: list[tuple[Measure, Rating]]
    challenges: list[Challenge]
    differences: int
    rated: int = 0
    measures: int = 0

    @property
    def partly_rated(self) -> bool:
        """The current period's figures rest on some of the measures only: pages say "4 of 97 rated so far"."""
        return self.current is not None and self.rated < self.measures

    @property
    def averaged(self) -> bool:
        """The plan's scale is summed up by means (Scale.mean_is_meaningful), else by the count at each word."""
        return not self.state.rollups or self.state.rollups[0].averaged


def _scored(state: PlanState, period: Period | None, number: int | None):
    if period is None:
        return None, None
    index = state.periods.index(period)
    period_rollup = state.rollups[index]
    if number is None:
        score = period_rollup.overall
    else:
        score = next(p.score for p in period_rollup.priorities if p.number == number)
    published = state.published.get((period.pk, number))
    return score, published


def _counts(state: PlanState, period: Period | None, number: int | None) -> list[tuple[str, int]]:
    """(word, how many) for a priority, or the plan (number None), highest level first: what a word scale shows."""
    if period is None:
        return []
    period_rollup = state.rollups[state.periods.index(period)]
    if number is None:
        return period_rollup.counts
    return next(p.counts for p in period_rollup.priorities if p.number == number)


def _cell(state, period, number) -> dict:
    score, published = _scored(state, period, number)
    return {
        "score": score,
        "published": published,
        "differs": published is not None and published != score,
        "counts": _counts(state, period, number),
    }


def summary_rows(state: PlanState, previous: Period | None, current: Period | None) -> list[dict]:
    """One row per priority: previous, current, the change, and the current distribution of levels."""
    if not state.rollups:
        return []
    rows = []
    current_rollup = state.rollups[state.periods.index(current)] if current else None
    for index, priority in enumerate(state.rollups[0].priorities):
        before, after = _cell(state, previous, priority.number), _cell(state, current, priority.number)
        in_current = current_rollup.priorities[index] if current_rollup else None
        rows.append(
            {
                "number": priority.number,
                "title": priority.title,
                "previous": before,
                "current": after,
                "change": change_words(before["score"], after["score"]),
                "distribution": list(in_current.distribution.values()) if in_current else [],
                "rated": in_current.rated if in_current else 0,
                "measures": in_current.measures if in_current else 0,
            }
        )
    return rows


def heatmap_rows(state: PlanState) -> list[dict]:
    """Priorities × every period, with a trend line per priority."""
    if not state.rollups:
        return []
    low = min((lvl.value for lvl in state.levels), default=1)
    high = max((lvl.value for lvl in state.levels), default=5)
    rows = []
    for index, priority in enumerate(state.rollups[0].priorities):
        points = [(p.label, r.priorities[index].score) for p, r in zip(state.periods, state.rollups, strict=True)]
        rows.append(
            {
                "number": priority.number,
                "title": priority.title,
                "scores": [score for _label, score in points],
                "trend": charts.trend_svg(f"Priority {priority.number} score by period", points, low, high),
            }
        )
    return rows


def compare(state: PlanState, previous: Period | None, current: Period | None) -> Comparison:
    """Everything the dashboard shows for two periods of a plan."""
    moved_up, moved_down, overdue, not_rated, lowest = [], [], [], [], []
    bottom = min((lvl.value for lvl in state.levels), default=1)
    due_by = reference_month(current) if current else None
    for measure in state.measures:
        if measure.removed:
            continue
        before, after = state.rating(measure, previous), state.rating(measure, current)
        if before and after and before.level.value != after.level.value:
            movement = Movement(measure, before, after)
            (moved_up if movement.direction == "up" else moved_down).append(movement)
        if current is None:
            continue
        if after is None:
            not_rated.append(measure)
        elif after.level.value == bottom:
            lowest.append((measure, after))
        if due_by and measure.is_overdue(state.latest_level(measure, current), on=due_by):
            overdue.append((measure, after))
    summary = summary_rows(state, previous, current)
    overall = {"previous": _cell(state, previous, None), "current": _cell(state, current, None)}
    overall["change"] = change_words(overall["previous"]["score"], overall["current"]["score"])
    differences = sum(row[when]["differs"] for row in [*summary, overall] for when in ("previous", "current"))
    return Comparison(
        state=state,
        previous=previous,
        current=current,
        summary=summary,
        overall=overall,
        heatmap=heatmap_rows(state),
        distribution_labels=state.levels,
        moved_up=sorted(moved_up, key=lambda m: -m.steps),
        moved_down=sorted(moved_down, key=lambda m: -m.steps),
        overdue=overdue,
        not_rated=not_rated,
        lowest=lowest,
        challenges=find_challenges(state, current, due_by),
        differences=differences,
        rated=sum(row["rated"] for row in summary),
        measures=sum(row["measures"] for row in summary),
    )
