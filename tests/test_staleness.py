"""The database's "last updated" and "latest rating" (plans/board/staleness.py) agree with the walk through every
rating in memory, and the portfolio counts as stale exactly the measures the dashboard challenges as stale."""

import random

import pytest

from plans.board import staleness
from plans.board.challenges import find_challenges
from plans.board.staleness import last_updates, stale_counts
from plans.board.state import load_state
from plans.models import Measure, Rating
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    OutcomeFactory,
    PeriodFactory,
    PlanFactory,
    PriorityFactory,
    build_plan,
)


def scrambled_plan(seed: int):
    """Ratings with repeats, gaps, unchanged and changed updates: every case the walk distinguishes."""
    plan = build_plan(2, 12, 7)
    levels = list(plan.scale.levels.all())
    chooser = random.Random(seed)
    for rating in Rating.objects.filter(period__plan=plan):
        roll = chooser.random()
        if roll < 0.15:
            rating.delete()
            continue
        rating.level = chooser.choice(levels[:2])
        rating.update = chooser.choice(["", "", "Same words", "New words"])
        rating.save()
    return plan


# How many recent periods settle measures, and how many unsettled ones are named before every one is walked.
WAYS = [(staleness.RECENT, staleness.MOST_NAMED), (1, staleness.MOST_NAMED), (2, 0), (7, 3)]
WAY_NAMES = ["as configured", "every measure named", "every measure walked", "a long recent window"]


@pytest.mark.parametrize(("recent", "most_named"), WAYS, ids=WAY_NAMES)
def test_the_last_update_from_the_database_is_the_walks_for_every_measure_and_period(
    db, monkeypatch, recent, most_named
):
    """Whether a measure settles from its recent ratings or its whole history is walked, the answer is the walk's."""
    monkeypatch.setattr(staleness, "RECENT", recent)
    monkeypatch.setattr(staleness, "MOST_NAMED", most_named)
    for seed in range(3):
        plan = scrambled_plan(seed)
        full = load_state(plan)
        for current in full.periods:
            windowed = load_state(plan, full.periods, rated=[current], upto=current)
            for measure in Measure.objects.of_plan(plan):
                where = (seed, current, measure.pk)
                assert windowed.last_updated(measure, current) == full.last_updated(measure, current), where
                assert windowed.latest_level(measure, current) == full.latest_level(measure, current), where


def test_the_dashboards_challenges_are_the_same_from_the_compared_periods_alone(db):
    plan = scrambled_plan(7)
    full = load_state(plan)
    current = full.periods[-1]
    windowed = load_state(plan, full.periods, rated=full.periods[-2:], upto=current)
    texts = [(c.measure.pk, c.kind, c.text) for c in find_challenges(full, current, None)]
    assert texts == [(c.measure.pk, c.kind, c.text) for c in find_challenges(windowed, current, None)]
    assert any(kind == "stale" for _pk, kind, _text in texts)


def test_a_measure_never_rated_has_no_last_update(db):
    plan = build_plan(1, 2, 3)
    Rating.objects.filter(measure=Measure.objects.of_plan(plan).first()).delete()
    assert len(last_updates(plan.periods.last())) == 1


@pytest.mark.parametrize(("recent", "most_named"), WAYS, ids=WAY_NAMES)
def test_the_portfolio_counts_as_stale_exactly_the_measures_the_dashboard_challenges(
    db, monkeypatch, recent, most_named
):
    """Counted from the recent periods where they decide it, walked back where not: the dashboard's count."""
    monkeypatch.setattr(staleness, "RECENT", recent)
    monkeypatch.setattr(staleness, "MOST_NAMED", most_named)
    for seed in range(3):
        plan = scrambled_plan(seed)
        full = load_state(plan)
        for index, current in enumerate(full.periods):
            previous = full.periods[index - 1] if index else None
            challenged = {c.measure.pk for c in find_challenges(full, current, None) if c.kind == "stale"}
            counted = stale_counts({plan.pk: current}, {plan.pk: previous}).get(plan.pk, 0)
            assert counted == len(challenged), (seed, current)
        assert challenged  # the scrambled ratings leave some measures stale in the last period


def test_the_last_update_follows_the_rule_on_a_plan_worked_out_by_hand(db):
    """Updated = first rated, or a level different from the previous rating, or new, non-empty update text."""
    plan = PlanFactory()
    p1, p2, p3, p4 = (PeriodFactory(plan=plan, order=n, label=f"P{n}") for n in range(1, 5))
    action = ActionFactory(outcome=OutcomeFactory(priority=PriorityFactory(plan=plan)))
    red, amber, green = (plan.scale.levels.get(value=value) for value in (1, 2, 3))

    def measure(*ratings):
        made = MeasureFactory(action=action)
        for period, level, update in ratings:
            Rating.objects.create(measure=made, period=period, level=level, update=update)
        return made

    same = measure((p1, red, ""), (p2, red, ""), (p3, red, ""), (p4, red, ""))
    moved = measure((p1, red, ""), (p2, amber, ""), (p3, amber, ""), (p4, amber, ""))
    noted = measure((p1, red, ""), (p2, red, "New words"), (p3, red, "New words"), (p4, red, ""))
    late = measure((p3, green, ""), (p4, green, ""))
    gap = measure((p1, red, ""), (p3, amber, ""))
    measure()  # never rated: absent

    assert last_updates(p4) == {same.pk: 1, moved.pk: 2, noted.pk: 2, late.pk: 3, gap.pk: 3}
    assert last_updates(p2) == {same.pk: 1, moved.pk: 2, noted.pk: 2, gap.pk: 1}
