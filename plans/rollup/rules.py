"""The rollup rules, as pure functions: averaging, half-up rounding, direction of travel.

The rule (../shared/DOMAIN.md, verified against the published Thurrock summary):
a priority's score for a period is the mean of its measures' ratings in that
period, "not rated" excluded; the overall score is the mean of the priority
scores. Both are rounded to one decimal half-up (2.25 → 2.3), never with
Python's round(), which rounds half to even.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

ONE_DECIMAL = Decimal("0.1")


def half_up(value: Fraction | Decimal | int | None) -> Decimal | None:
    """Round to one decimal place, halves away from zero; None stays None."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        # Decimal division to 28 digits, then a single rounding step: exact for any
        # mean of small integers (no binary floating point on the way).
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def mean(values: Iterable[int | Fraction]) -> Fraction | None:
    """The exact mean, or None when there is nothing to average."""
    items = list(values)
    if not items:
        return None
    return Fraction(sum(items, Fraction(0)), len(items))


def mean_of_counts(counts: Mapping[int, int]) -> Fraction | None:
    """The exact mean of ratings given as {level value: how many measures}."""
    total = sum(counts.values())
    if not total:
        return None
    return Fraction(sum(value * n for value, n in counts.items()), total)


@dataclass(frozen=True)
class PriorityScore:
    number: int
    title: str
    exact: Fraction | None
    rated: int
    measures: int
    distribution: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> Decimal | None:
        return half_up(self.exact)

    @property
    def unrated(self) -> int:
        return self.measures - self.rated


@dataclass(frozen=True)
class PeriodRollup:
    label: str
    priorities: list[PriorityScore]
    distribution: dict[str, int]

    @property
    def exact_overall(self) -> Fraction | None:
        return mean(p.exact for p in self.priorities if p.exact is not None)

    @property
    def overall(self) -> Decimal | None:
        return half_up(self.exact_overall)

    @property
    def rated(self) -> int:
        return sum(p.rated for p in self.priorities)

    @property
    def measures(self) -> int:
        return sum(p.measures for p in self.priorities)


@dataclass(frozen=True)
class Level:
    """The part of a scale level the rollup needs."""

    value: int
    label: str


def period_rollup(
    label: str,
    priorities: Sequence[tuple[int, str]],
    levels: Sequence[Level],
    counts: Mapping[tuple[int, int], int],
    measures: Mapping[int, int],
) -> PeriodRollup:
    """Roll one period up from counts.

    priorities: (number, title) in order; levels: the scale in order;
    counts: {(priority number, level value): number of measures rated so};
    measures: {priority number: number of measures}.
    """
    rows = []
    total: dict[str, int] = {level.label: 0 for level in levels}
    for number, title in priorities:
        by_value = {level.value: counts.get((number, level.value), 0) for level in levels}
        distribution = {level.label: by_value[level.value] for level in levels}
        for level_label, n in distribution.items():
            total[level_label] += n
        rows.append(
            PriorityScore(
                number=number,
                title=title,
                exact=mean_of_counts(by_value),
                rated=sum(by_value.values()),
                measures=measures.get(number, 0),
                distribution=distribution,
            )
        )
    return PeriodRollup(label=label, priorities=rows, distribution=total)


def level_reached(score: Decimal | None, values: Iterable[int]) -> int | None:
    """The value of the highest level a score has reached (2.6 → 2, 3.0 → 3): a score takes that level's
    colour and word wherever it is shown. None for no score, or one below every level."""
    if score is None:
        return None
    reached = [value for value in values if value <= score]
    return max(reached) if reached else None


def change(previous: Decimal | None, current: Decimal | None) -> Decimal | None:
    """How far a score moved between two periods; None when either is missing."""
    if previous is None or current is None:
        return None
    return current - previous


def direction(previous: Decimal | float | None, latest: Decimal | float | None, higher_is_better: bool | None) -> str:
    """Direction of travel of an indicator: "improving", "worsening", "no change" or "unknown"."""
    if previous is None or latest is None or higher_is_better is None:
        return "unknown"
    if latest == previous:
        return "no change"
    went_up = latest > previous
    return "improving" if went_up == higher_is_better else "worsening"
