"""`manage.py generate_plan`: synthetic plans of a chosen size, every row with history naming its user."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.urls import reverse

from plans.models import Action, Lead, Measure, Outcome, Period, Plan, Priority, Rating


def generate(*args) -> str:
    out = StringIO()
    call_command("generate_plan", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def small_plan(db) -> Plan:
    generate("--measures", "40", "--periods", "6", "--history", "30", "--slug", "small")
    return Plan.objects.get(slug="small")


def test_it_makes_a_plan_with_the_measures_periods_and_ratings_asked_for(small_plan):
    assert Measure.objects.of_plan(small_plan).count() == 40
    assert list(small_plan.periods.values_list("order", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert list(small_plan.periods.values_list("status", flat=True)) == ["closed"] * 5 + ["open"]
    assert small_plan.priorities.count() == 8
    ratings = Rating.objects.of_plan(small_plan).count()
    # Nearly every measure is rated in every period; a few are left unrated, as in real plans.
    assert 40 * 6 * 0.9 <= ratings <= 40 * 6


def test_every_measure_has_a_lead_linked_and_written(small_plan):
    measures = Measure.objects.of_plan(small_plan).prefetch_related("leads")
    assert all([lead.name for lead in m.leads.all()] == [m.lead_text] for m in measures)


def test_every_row_it_writes_has_history_naming_the_system_user(small_plan):
    for model in (Plan, Period, Priority, Outcome, Action, Measure, Rating, Lead):
        history = model.history.model.objects
        assert history.exists(), model
        assert not history.filter(history_user__isnull=True).exists(), model
        assert set(history.filter(history_user__isnull=False).values_list("history_user__username", flat=True)) >= {
            "system"
        }
    rating_ids = Rating.objects.of_plan(small_plan).values_list("id", flat=True)
    created = Rating.history.filter(id__in=rating_ids, history_type="+").count()
    revised = Rating.history.filter(id__in=rating_ids, history_type="~").count()
    assert created == len(rating_ids)
    assert revised == 30
    lead_links = apps.get_model("plans", "HistoricalMeasure_leads").objects.filter(
        measure__action__outcome__priority__plan=small_plan
    )
    assert (
        lead_links.count()
        == Measure.leads.through.objects.filter(measure__action__outcome__priority__plan=small_plan).count()
    )


def test_each_rating_is_at_its_latest_history_row_and_history_is_dated_in_the_past(small_plan):
    ratings = Rating.objects.of_plan(small_plan)
    latest = Rating.history.filter(id__in=ratings.values("id")).values("id").annotate(last=Max("history_id"))
    level_at_last = dict(
        Rating.history.filter(history_id__in=[row["last"] for row in latest]).values_list("id", "level_id")
    )
    assert dict(ratings.values_list("id", "level_id")) == level_at_last
    first = small_plan.periods.first()
    assert (
        Rating.history.filter(period_id=first.pk, history_type="+")
        .aggregate(Max("history_date"))["history_date__max"]
        .date()
        < first.ends
    )


def test_several_plans_get_numbered_slugs_and_each_its_own_leads(db):
    output = generate("--measures", "10", "--periods", "2", "--plans", "3", "--slug", "county")
    assert set(Plan.objects.filter(slug__startswith="county-").values_list("slug", flat=True)) == {
        "county-1",
        "county-2",
        "county-3",
    }
    assert "created county-3: 10 measures" in output
    for plan in Plan.objects.filter(slug__startswith="county-"):  # leads belong to one plan
        assert Lead.objects.filter(plan=plan, name__startswith="Synthetic lead").count() == 3


def test_a_generated_plan_page_opens_for_the_acting_user(client, alice):
    generate("--measures", "12", "--periods", "3", "--slug", "mine", "--user", "alice")
    client.force_login(alice)
    response = client.get(reverse("plan-detail", args=["mine"]))
    assert response.status_code == 200
    assert "Workforce" in response.content.decode()


def test_it_refuses_a_slug_that_is_taken_and_changes_nothing(small_plan):
    before = Measure.objects.count()
    with pytest.raises(CommandError, match="--slug: a plan already has the slug small"):
        generate("--measures", "5", "--slug", "small")
    assert Measure.objects.count() == before


@pytest.mark.parametrize(("option", "value"), [("--measures", "0"), ("--periods", "0"), ("--history", "-1")])
def test_it_refuses_a_size_that_makes_no_sense_naming_the_option(db, option, value):
    with pytest.raises(CommandError, match=option):
        generate(option, value)
    assert not Plan.objects.filter(slug="synthetic").exists()
