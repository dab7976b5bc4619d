"""The rollup rules, as pure functions: averaging, half-up rounding, direction of travel.

The rule (../shared/DOMAIN.md, verified against the published Thurrock summary):
a priority's score for a period is the mean of its measures' ratings in that
period, "not rated" excluded; the overall score is the mean of the priority
scores. Both are rounded to one decimal half-up (2.25 → 2.3), never with
Python's round(), which rounds half to even.

Means are for scales whose numbers can be averaged (Scale.mean_is_meaningful,
on for Thurrock's 1-5). A word scale such as BRAG is summed up by the number of
measures at each word instead, highest level first ("6 Completed, 3 Green,
2 Amber"): its rollup has the counts and no score, so no page, export or
report can show a mean of words.
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


def level_counts(distribution: Mapping[str, int]) -> list[tuple[str, int]]:
    """(word, how many) for each level rated at least once, highest level first; `distribution` is
    {label: n} in the scale's order, lowest first (as PeriodRollup.distribution)."""
    return [(label, n) for label, n in reversed(list(distribution.items())) if n]


def counts_text(counts: Iterable[tuple[str, int]]) -> str:
    """ "6 Completed, 3 Green, 2 Amber" from level_counts' pairs; "" when nothing is rated."""
    return ", ".join(f"{n} {label}" for label, n in counts)


class Counted:
    """The count at each level of a `distribution` (level label → ratings), highest level first, and as words."""

    distribution: dict[str, int]

    @property
    def counts(self) -> list[tuple[str, int]]:
        return level_counts(self.distribution)

    @property
    def counts_text(self) -> str:
        """ "6 Completed, 3 Green, 2 Amber", highest level first."""
        return counts_text(self.counts)


@dataclass(frozen=True)
class PriorityScore(Counted):
    number: int
    title: str
    exact: Fraction | None
    rated: int
    measures: int
    distribution: dict[str, int] = field(default_factory=dict)
    averaged: bool = True  # the scale's mean_is_meaningful: False leaves the score out, the counts say it

    @property
    def score(self) -> Decimal | None:
        """The mean, half-up to one decimal; None when nothing is rated or the scale is not averaged."""
        return half_up(self.exact) if self.averaged else None

    @property
    def unrated(self) -> int:
        return self.measures - self.rated


@dataclass(frozen=True)
class PeriodRollup(Counted):
    label: str
    priorities: list[PriorityScore]
    distribution: dict[str, int]
    averaged: bool = True  # the scale's mean_is_meaningful: False leaves the overall out, the counts say it

    @property
    def exact_overall(self) -> Fraction | None:
        return mean(p.exact for p in self.priorities if p.exact is not None)

    @property
    def overall(self) -> Decimal | None:
        """The mean of the priority means, half-up; None when nothing is rated or the scale is not averaged."""
        return half_up(self.exact_overall) if self.averaged else None

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
    averaged: bool = True,
) -> PeriodRollup:
    """Roll one period up from counts.

    priorities: (number, title) in order; levels: the scale in order;
    counts: {(priority number, level value): number of measures rated so};
    measures: {priority number: number of measures}; averaged: the scale's
    mean_is_meaningful (False: counts at each word, no scores).
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
                averaged=averaged,
            )
        )
    return PeriodRollup(label=label, priorities=rows, distribution=total, averaged=averaged)


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
