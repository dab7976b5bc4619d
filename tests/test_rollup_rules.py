"""The pure rollup rules: half-up rounding, means that ignore "not rated", direction of travel."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.rollup import rules as rollup


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(9, 4), "2.3"),  # 2.25: Python's round() would give 2.2
        (Fraction(13, 4), "3.3"),  # 3.25: round() gives 3.2
        (Fraction(86, 29), "3.0"),  # Thurrock P4 01/18: 2.9655…
        (Fraction(57, 29), "2.0"),
        (Fraction(12, 7), "1.7"),
        (Fraction(16, 7), "2.3"),
        (Fraction(11, 4), "2.8"),  # 2.75
        (Fraction(1, 20), "0.1"),
        (3, "3.0"),
    ],
)
def test_it_rounds_to_one_decimal_half_up(value, expected):
    assert rollup.half_up(value) == Decimal(expected)


def test_it_leaves_nothing_to_round_as_none():
    assert rollup.half_up(None) is None
    assert rollup.mean([]) is None
    assert rollup.mean_of_counts({1: 0, 2: 0}) is None


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=200))
def test_the_mean_of_counts_equals_the_mean_of_the_ratings(ratings):
    counts = {value: ratings.count(value) for value in set(ratings)}
    assert rollup.mean_of_counts(counts) == Fraction(sum(ratings), len(ratings))


@given(st.integers(min_value=0, max_value=10_000))
def test_halves_always_round_up(tenths_times_ten):
    # x.x5 exactly, e.g. 2.25, always rounds away from zero.
    value = Fraction(tenths_times_ten * 10 + 5, 100)
    assert rollup.half_up(value) == Decimal(tenths_times_ten + 1) / 10


def test_a_period_rollup_ignores_unrated_measures_and_averages_priority_means():
    levels = [rollup.Level(1, "Red"), rollup.Level(2, "Amber"), rollup.Level(3, "Green")]
    result = rollup.period_rollup(
        "01/18",
        priorities=[(1, "Workforce"), (2, "Early help"), (3, "Unrated")],
        levels=levels,
        counts={(1, 3): 3, (1, 2): 1, (2, 1): 1},  # P1: 3,3,3,2 → 2.75; P2: 1 → 1.0
        measures={1: 5, 2: 1, 3: 2},
    )
    first, second, third = result.priorities
    assert (first.score, first.rated, first.measures, first.unrated) == (Decimal("2.8"), 4, 5, 1)
    assert second.score == Decimal("1.0")
    assert third.score is None
    # Overall is the mean of priority means (2.75 + 1.0) / 2 = 1.875, not of all rows (2.4).
    assert result.overall == Decimal("1.9")
    assert result.distribution == {"Red": 1, "Amber": 1, "Green": 3}
    assert result.label == "01/18"


@pytest.mark.parametrize(
    ("previous", "latest", "higher_is_better", "expected"),
    [
        (90, 95, True, "improving"),
        (90, 95, False, "worsening"),
        (95, 90, False, "improving"),
        (95, 95, True, "no change"),
        (None, 95, True, "unknown"),
        (90, 95, None, "unknown"),
    ],
)
def test_direction_of_travel_follows_polarity(previous, latest, higher_is_better, expected):
    assert rollup.direction(previous, latest, higher_is_better) == expected


def test_change_between_periods():
    assert rollup.change(Decimal("2.0"), Decimal("2.6")) == Decimal("0.6")
    assert rollup.change(None, Decimal("2.6")) is None


@pytest.mark.parametrize(
    ("score", "reached"),
    [("2.6", 2), ("3.0", 3), ("2.9", 2), ("1.5", 1), ("5.0", 5), ("0.5", None), (None, None)],
)
def test_a_score_takes_the_level_it_has_reached(score, reached):
    """The published summary's 2.6 reads as level 2 (started, some delay); 3.0 has reached on track."""
    assert rollup.level_reached(None if score is None else Decimal(score), [1, 2, 3, 4, 5]) == reached
