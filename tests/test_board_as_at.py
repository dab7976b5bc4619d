"""The dashboard as the plan stood on a past date, read from the history tables."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.board.as_at import end_of_day, load_state_as_at
from plans.board.state import load_state
from plans.models import Action, Indicator, IndicatorValue, Measure, Outcome, Period, Plan, Priority, Rating
from tests.factories import build_plan

HISTORY = [Plan, Period, Priority, Outcome, Action, Measure, Rating]


def backdate(when: datetime) -> None:
    """Pretend every change recorded so far was made at `when` (tests only)."""
    for model in HISTORY:
        for record in model.history.all():
            record.history_date = when
            record.save()


@pytest.fixture
def plan_last_winter(db):
    plan = build_plan(priorities=2, measures_per_priority=3, periods=2)
    backdate(timezone.make_aware(datetime(2018, 1, 15, 12)))
    return plan


def test_as_at_shows_the_ratings_and_scores_before_a_later_change(client, alice, plan_last_winter):
    plan = plan_last_winter
    client.force_login(alice)
    url = reverse("board-dashboard", args=[plan.slug])
    before = client.get(url, {"current": "P2"}).context["c"]
    rating = Rating.objects.filter(period__plan=plan, period__order=2).select_related("level").first()
    rating.level = plan.scale.levels.get(value=4 if rating.level.value != 4 else 1)
    rating.save()

    today = client.get(url, {"current": "P2"}).context["c"]
    response = client.get(url, {"current": "P2", "as_at": "2018-02-01"})
    then = response.context["c"]
    assert today.summary[0]["current"]["score"] != before.summary[0]["current"]["score"]
    assert then.summary[0]["current"]["score"] == before.summary[0]["current"]["score"]
    assert then.overall["current"]["score"] == before.overall["current"]["score"]
    text = response.content.decode()
    assert "As at 1 February 2018:" in text
    assert "Back to today’s view" in text


def test_as_at_leaves_out_measures_added_later_and_shows_text_as_it_was(client, alice, plan_last_winter):
    plan = plan_last_winter
    measure = Measure.objects.of_plan(plan).first()
    old_text = measure.text
    measure.text = "Reworded in March"
    measure.save()
    Measure.objects.create(action=measure.action, text="Added in March")
    client.force_login(alice)
    then = client.get(reverse("board-dashboard", args=[plan.slug]), {"as_at": "2018-02-01"}).context["c"]
    texts = [m.text for m in then.state.measures]
    assert old_text in texts
    assert "Reworded in March" not in texts
    assert "Added in March" not in texts
    assert then.summary[0]["measures"] == 3


def test_as_at_before_the_plan_existed_shows_an_empty_plan(client, alice, plan_last_winter):
    client.force_login(alice)
    response = client.get(reverse("board-dashboard", args=[plan_last_winter.slug]), {"as_at": "2017-06-01"})
    assert response.status_code == 200
    assert response.context["c"].state.periods == []


def test_a_bad_as_at_date_is_named_and_today_is_shown(client, alice, plan_last_winter):
    client.force_login(alice)
    response = client.get(reverse("board-dashboard", args=[plan_last_winter.slug]), {"as_at": "last tuesday"})
    assert response.status_code == 200
    assert "As at: “last tuesday” is not a date" in response.content.decode()
    assert response.context["as_at"] is None


def test_the_plan_page_as_at_a_date_shows_the_rows_and_rollup_as_they_were(client, alice, plan_last_winter):
    plan = plan_last_winter
    measure = Measure.objects.of_plan(plan).first()
    old_text = measure.text
    measure.text = "Reworded in March"
    measure.save()
    client.force_login(alice)
    response = client.get(reverse("board-plan-as-at", args=[plan.slug]), {"as_at": "2018-02-01"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "As at 1 February 2018:" in text
    assert old_text in text
    assert "Reworded in March" not in text
    today = client.get(reverse("plan-detail", args=[plan.slug])).context
    then = response.context
    assert [c["score"] for c in then["overall"]] == [c["score"] for c in today["overall"]]
    assert len(then["priorities"]) == 2


def test_as_at_shows_indicator_values_as_recorded_by_the_date(alice, plan_last_winter):
    plan = plan_last_winter
    measure = Measure.objects.of_plan(plan).order_by("pk").first()
    indicator = Indicator.objects.create(priority=measure.action.outcome.priority, name="% Assessments in 45 days")
    measure.indicators.add(indicator)
    december = IndicatorValue.objects.create(indicator=indicator, month=datetime(2017, 12, 1).date(), value=61)
    for record in IndicatorValue.history.all():
        record.history_date = timezone.make_aware(datetime(2018, 1, 15, 12))
        record.save()
    december.value = 58  # corrected after the date
    december.save()
    IndicatorValue.objects.create(indicator=indicator, month=datetime(2018, 1, 1).date(), value=70)  # entered later

    then = load_state_as_at(plan, end_of_day(datetime(2018, 2, 1).date()))
    [as_then] = then.indicators[measure.pk]
    assert [(v.month.month, v.value) for v in as_then.values.all()] == [(12, Decimal("61.00"))]
    [now] = load_state(plan).indicators[measure.pk]
    assert [(v.month.month, v.value) for v in now.values.all()] == [(12, Decimal("58.00")), (1, Decimal("70.00"))]
