"""Filtering a plan's measures: every filter in the URL, a count of what is shown, a fixed number of queries."""

import re

import pytest
from django.urls import reverse


def shown(client, plan, **params) -> list[str]:
    response = client.get(reverse("plan-detail", args=[plan.slug]), params)
    assert response.status_code == 200
    return sorted(row["measure"].text for _, rows in response.context["priorities"] for row in rows)


@pytest.fixture
def owner_client(client, alice):
    client.force_login(alice)
    return client


def test_without_filters_every_current_measure_is_shown_and_removed_ones_are_not(owner_client, small):
    assert shown(owner_client, small.plan) == sorted(
        [small.late.text, small.done.text, small.on_time.text, small.nobody.text]
    )


def test_it_filters_by_priority_and_by_lead(owner_client, small):
    priority = small.plan.priorities.get(number=2)
    assert shown(owner_client, small.plan, priority=priority.pk) == sorted([small.on_time.text, small.nobody.text])
    assert shown(owner_client, small.plan, lead=small.amy.pk) == sorted([small.late.text, small.on_time.text])


def test_it_filters_by_rating_in_the_current_or_a_chosen_period(owner_client, small):
    levels = {level.value: level for level in small.plan.scale.levels.all()}
    assert shown(owner_client, small.plan, level=levels[3].pk) == [small.on_time.text]  # P2, the open period
    assert shown(owner_client, small.plan, level=levels[4].pk, period=small.p1.pk) == [small.done.text]
    assert shown(owner_client, small.plan, level=levels[4].pk) == []


def test_overdue_means_due_month_passed_and_not_complete(owner_client, small):
    assert shown(owner_client, small.plan, overdue="on") == [small.late.text]


def test_not_yet_updated_means_no_rating_in_the_open_period(owner_client, small):
    assert shown(owner_client, small.plan, not_updated="on") == sorted(
        [small.late.text, small.done.text, small.nobody.text]
    )


def test_it_filters_by_linked_recommendation_and_by_removed(owner_client, small):
    assert shown(owner_client, small.plan, recommendation=small.rec7.pk) == sorted(
        [small.on_time.text, small.nobody.text]
    )
    assert shown(owner_client, small.plan, removed="removed") == [small.gone.text]
    assert len(shown(owner_client, small.plan, removed="all")) == 5


def test_search_looks_in_outcomes_actions_measures_and_updates(owner_client, small):
    assert shown(owner_client, small.plan, q="vacancy") == [small.late.text]
    assert shown(owner_client, small.plan, q="recruit carers") == sorted([small.on_time.text, small.nobody.text])
    assert shown(owner_client, small.plan, q="caseloads") == [small.on_time.text]
    assert shown(owner_client, small.plan, q="audit booked") == [small.on_time.text]


def test_filters_combine_and_the_page_says_how_many_it_shows(owner_client, small):
    url = reverse("plan-detail", args=[small.plan.slug])
    response = owner_client.get(url, {"lead": small.amy.pk, "overdue": "on"})
    text = response.content.decode()
    assert "Showing <strong>1</strong> of 4 measures" in text
    assert "Clear filters" in text
    # The form keeps the choices, so the URL is the bookmark.
    assert f'<option value="{small.amy.pk}" selected>' in text
    assert re.search(r'<input type="checkbox" name="overdue"[^>]* checked', text)


def test_a_bad_filter_value_is_named_in_an_error_summary_not_a_crash(owner_client, small):
    response = owner_client.get(reverse("plan-detail", args=[small.plan.slug]), {"priority": "999999"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "Priority: Select a valid choice" in text


def test_the_demo_plan_filters_to_s_murphys_measures(owner_client, thurrock):
    from plans.models import Lead, Measure

    murphy = Lead.objects.get(plan=thurrock, name="Sheila Murphy")
    texts = shown(owner_client, thurrock, lead=murphy.pk)
    assert len(texts) == Measure.objects.of_plan(thurrock).filter(leads=murphy).count() > 5
