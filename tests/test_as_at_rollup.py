"""The rollup as at a moment, read from history (plans.board.as_at): today's figures now, yesterday's for yesterday."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from plans.audit import acting_as
from plans.board.as_at import load_state_as_at
from plans.models import Plan, Rating
from plans.rollup.plan import plan_rollup
from tests.factories import MeasureFactory, build_plan


def plan_rollup_as_at(plan, when):
    return load_state_as_at(plan, when).rollups


def scores(rollups):
    return [(period.label, period.overall, [p.score for p in period.priorities], period.rated) for period in rollups]


def test_as_at_now_reproduces_the_live_rollup_of_the_demo_plan(thurrock):
    assert plan_rollup_as_at(thurrock, timezone.now()) == plan_rollup(thurrock)


def test_as_at_now_reproduces_the_live_rollup_of_a_generated_plan_with_re_ratings(db):
    call_command("generate_plan", "--measures", "60", "--periods", "5", "--history", "200", "--slug", "gen")
    plan = Plan.objects.select_related("scale").get(slug="gen")
    assert plan_rollup_as_at(plan, timezone.now()) == plan_rollup(plan)


def test_as_at_a_past_moment_gives_the_rollup_before_later_changes(alice):
    plan = build_plan(3, 4, 2)
    before = plan_rollup(plan)
    moment = timezone.now()
    levels = list(plan.scale.levels.all())
    with acting_as(alice):
        for rating in Rating.objects.of_plan(plan).filter(period__order=2)[:6]:
            rating.level = levels[-1]
            rating.save()
        Rating.objects.of_plan(plan).filter(period__order=1).first().delete()
        MeasureFactory(action=plan.priorities.first().outcomes.first().actions.first())
    after = plan_rollup(plan)
    assert scores(after) != scores(before)
    assert plan_rollup_as_at(plan, moment) == before
    assert plan_rollup_as_at(plan, timezone.now()) == after


def test_as_at_a_moment_before_the_plan_existed_nothing_is_rated(db):
    plan = build_plan(2, 3, 2)
    rollups = plan_rollup_as_at(plan, timezone.now() - timedelta(days=1))
    assert rollups == []  # the plan had no periods then, so nothing to rate
