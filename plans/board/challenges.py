"""Challenges the board should ask about, found from the ratings, dates and indicators.

Levels are read by their colour on the plan's scale: red and amber are the
lowest levels (delay), green is on track, blue and grey are complete. A
measure is flagged when:

- it is rated on track or better but a linked indicator is worsening
  (direction of travel, from its polarity) or behind the comparator average;
- it is past its due month, not complete, yet not rated at the lowest levels;
- it has not been updated (new rating or new update text) for two or more periods;
- its rating jumped by two or more levels into the period.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from plans.rollup import rules as rollup

LOWEST_COLOURS = {"red", "amber"}
KIND_ORDER = {"indicator": 0, "overdue": 1, "jump": 2, "stale": 3}
COMPLETE_COLOURS = {"blue", "grey"}


@dataclass(frozen=True)
class Challenge:
    measure: object
    kind: str  # indicator | overdue | stale | jump
    text: str


def at_lowest_levels(level) -> bool:
    return level.colour in LOWEST_COLOURS


def is_complete(level) -> bool:
    return level.colour in COMPLETE_COLOURS


def on_track_or_better(level) -> bool:
    return not at_lowest_levels(level)


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
    if rating is None or not on_track_or_better(rating.level):
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
                )
            )
    return found


def _last_update(state, measure, periods) -> int:
    """Index in `periods` of the last period with a new rating or a new update; -1 when never.

    From the database's answer when the state holds only some periods' ratings
    (plans.board.staleness); else walks back from the latest period to the first change.
    """
    if state.last_updates is not None:
        order = state.last_updates.get(measure.pk)
        return next((index for index, period in enumerate(periods) if period.order == order), -1)
    later, later_index = None, -1
    for index in range(len(periods) - 1, -1, -1):
        rating = state.rating(measure, periods[index])
        if rating is None:
            continue
        if later is not None and (
            later.level.value != rating.level.value or (later.update and later.update != rating.update)
        ):
            return later_index
        later, later_index = rating, index
    return later_index


def _dated_challenges(state, measure, periods, due_by) -> list[Challenge]:
    current = periods[-1]
    rating = state.rating(measure, current)
    found = []
    if due_by and measure.due_month and measure.due_month < due_by and rating:
        if not at_lowest_levels(rating.level) and not is_complete(rating.level):
            found.append(
                Challenge(
                    measure,
                    "overdue",
                    f"Due {measure.due_month:%b %Y} and not complete, yet rated {rating.level.label.lower()}.",
                )
            )
    last = _last_update(state, measure, periods)
    if len(periods) - 1 - last >= 2:
        since = f"stale since {periods[last].label}" if last >= 0 else "never rated"
        found.append(Challenge(measure, "stale", f"Not updated for {len(periods) - 1 - last} periods ({since})."))
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
    if state.last_updates is not None and state.updated_upto != current:
        raise ValueError(f"The state knows last updates up to {state.updated_upto}, not {current}.")
    found: list[Challenge] = []
    for measure in state.measures:
        if measure.removed:
            continue
        rating = state.rating(measure, current)
        found += _indicator_challenges(measure, rating, state.indicators.get(measure.pk, []))
        found += _dated_challenges(state, measure, periods, due_by)
    return sorted(found, key=lambda challenge: KIND_ORDER[challenge.kind])
