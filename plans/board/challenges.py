"""Challenges the board should ask about, found from the ratings, dates and indicators.

Levels are read by their colour on the plan's scale (Level.signals_delay:
red and amber; Level.is_complete: blue and grey). A measure is flagged when:

- it is rated on track or better but a linked indicator is worsening
  (direction of travel, from its polarity) or behind the comparator average;
- it is overdue (MeasureQuerySet.overdue's rule, as at the period), yet rated
  neither at a level of delay nor complete;
- it is stale (plans.board.staleness.is_stale: not updated — no new rating
  level, no new update text — in this period nor the one before);
- its rating jumped by two or more levels into the period.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from plans.board.staleness import is_stale, periods_without_update
from plans.rollup import rules as rollup

KIND_ORDER = {"indicator": 0, "overdue": 1, "jump": 2, "stale": 3}


@dataclass(frozen=True)
class Challenge:
    measure: object
    kind: str  # indicator | overdue | stale | jump
    text: str
    indicator: object = None  # the indicator an "indicator" challenge names (its page is linked beside it)


def higher_is_better(indicator) -> bool | None:
    return {"higher": True, "lower": False}.get(indicator.polarity)


def latest_two(indicator) -> tuple[Decimal | None, Decimal | None, date | None]:
    """The previous and latest monthly values and the latest month (values are prefetched in month order)."""
    values = list(indicator.values.all())
    if not values:
        return None, None, None
    previous = values[-2].value if len(values) > 1 else None
    return previous, values[-1].value, values[-1].month


def indicator_direction(indicator) -> str:
    previous, latest, _month = latest_two(indicator)
    return rollup.direction(previous, latest, higher_is_better(indicator))


def behind_comparator(indicator) -> bool:
    _previous, latest, _month = latest_two(indicator)
    better = higher_is_better(indicator)
    if latest is None or indicator.comparator is None or better is None:
        return False
    return latest < indicator.comparator if better else latest > indicator.comparator


def _indicator_challenges(measure, rating, indicators) -> list[Challenge]:
    if rating is None or rating.level.signals_delay:
        return []
    found = []
    for indicator in indicators:
        reasons = []
        if indicator_direction(indicator) == "worsening":
            reasons.append("is worsening")
        if behind_comparator(indicator):
            reasons.append(f"is behind the statistical neighbour average ({indicator.comparator})")
        if reasons:
            found.append(
                Challenge(
                    measure,
                    "indicator",
                    f"Rated {rating.level.label.lower()}, but “{indicator.name}” {' and '.join(reasons)}.",
                    indicator,
                )
            )
    return found


def _dated_challenges(state, measure, periods, due_by) -> list[Challenge]:
    current = periods[-1]
    rating = state.rating(measure, current)
    found = []
    if due_by and rating and measure.is_overdue(rating.level, on=due_by):
        if not rating.level.signals_delay:
            found.append(
                Challenge(
                    measure,
                    "overdue",
                    f"Due {measure.due_month:%b %Y} and not complete, yet rated {rating.level.label.lower()}.",
                )
            )
    last = state.last_updated(measure, current)
    if is_stale(last, periods[-2] if len(periods) > 1 else None):
        since = next((f"stale since {p.label}" for p in periods if p.order == last), "never rated")
        missed = periods_without_update(last, periods)
        found.append(Challenge(measure, "stale", f"Not updated for {missed} periods ({since})."))
    before = state.rating(measure, periods[-2]) if len(periods) > 1 else None
    if before and rating and abs(rating.level.value - before.level.value) >= 2:
        found.append(
            Challenge(
                measure,
                "jump",
                f"Jumped {abs(rating.level.value - before.level.value)} levels in one period "
                f"({before.level.value} in {periods[-2].label} → {rating.level.value} in {current.label}).",
            )
        )
    return found


def find_challenges(state, current, due_by: date | None) -> list[Challenge]:
    """Every challenge in the period `current` (a plans.board.state.PlanState gives the data)."""
    if current is None:
        return []
    periods = state.periods[: state.periods.index(current) + 1]
    found: list[Challenge] = []
    for measure in state.measures:
        if measure.removed:
            continue
        rating = state.rating(measure, current)
        found += _indicator_challenges(measure, rating, state.indicators.get(measure.pk, []))
        found += _dated_challenges(state, measure, periods, due_by)
    return sorted(found, key=lambda challenge: KIND_ORDER[challenge.kind])
