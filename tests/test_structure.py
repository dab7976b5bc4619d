"""Owners edit the plan's structure on the web: priorities, outcomes, actions, measures, leads and links."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import Action, Lead, Measure, Outcome, Priority


@pytest.fixture
def owner(client, alice):
    client.force_login(alice)
    return client


def url(name, plan, *args):
    return reverse(name, args=[plan.slug, *args])


def test_an_owner_adds_a_priority_outcome_action_and_measure(owner, alice, small):
    plan = small.plan
    response = owner.post(url("owner-priority-add", plan), {"number": 3, "title": "Care leavers"}, follow=True)
    assert "Priority added: 3. Care leavers" in response.content.decode()
    priority = plan.priorities.get(number=3)

    owner.post(
        url("owner-outcome-add", plan),
        {"priority": priority.pk, "statement": "Care leavers are in work or learning", "order": 0},
    )
    outcome = Outcome.objects.get(priority=priority)
    owner.post(
        url("owner-action-add", plan),
        {"outcome": outcome.pk, "text": "Offer apprenticeships", "order": 0, "recommendations": [small.rec7.pk]},
    )
    action = Action.objects.get(outcome=outcome)
    assert list(action.recommendations.all()) == [small.rec7]

    response = owner.post(
        url("owner-measure-add", plan),
        {
            "action": action.pk,
            "text": "Ten apprenticeships taken up",
            "leads": [small.amy.pk],
            "new_leads": "J Cooke / Head of Service CP",
            "officer_text": "S Murphy",
            "time_text": "Sept 2018",
            "order": 0,
        },
        follow=True,
    )
    assert "Measure added: Ten apprenticeships taken up" in response.content.decode()
    measure = Measure.objects.get(action=action)
    assert sorted(lead.name for lead in measure.leads.all()) == ["Amy Lead", "Head of Service CP", "J Cooke"]
    assert measure.lead_text == "Amy Lead / J Cooke / Head of Service CP"
    assert [lead.name for lead in measure.officers.all()] == ["S Murphy"]
    assert measure.due_month == date(2018, 9, 1)
    assert measure.history.first().history_user == alice
    assert priority.history.first().history_user == alice


def test_editing_a_measure_shows_the_due_month_read_from_its_time(owner, small):
    response = owner.get(url("owner-measure-edit", small.plan, small.late.pk))
    text = response.content.decode()
    assert response.status_code == 200
    assert f'type="checkbox" name="leads" value="{small.amy.pk}"' in text  # tick boxes, not a "hold Ctrl" list
    assert re.search(rf'value="{small.amy.pk}"[^>]*checked', text)
    owner.post(
        url("owner-measure-edit", small.plan, small.late.pk),
        {
            "action": small.late.action_id,
            "text": small.late.text,
            "leads": [small.amy.pk],
            "time_text": "Ongoing",
            "reason": "Now reviewed every quarter.",
        },
    )
    small.late.refresh_from_db()
    assert (small.late.due_month, small.late.due_note) == (None, "recurring or ongoing, no single due date")
    text = owner.get(url("owner-measure-edit", small.plan, small.late.pk)).content.decode()
    assert "none (recurring or ongoing, no single due date)" in text


def test_a_typed_lead_that_already_exists_is_reused_not_duplicated(owner, small):
    owner.post(
        url("owner-measure-edit", small.plan, small.late.pk),
        {"action": small.late.action_id, "text": small.late.text, "new_leads": "amy lead"},
    )
    assert Lead.objects.filter(name__iexact="amy lead").count() == 1
    assert [lead.pk for lead in small.late.leads.all()] == [small.amy.pk]


def test_a_measure_is_marked_removed_never_deleted(owner, small):
    owner.post(
        url("owner-measure-edit", small.plan, small.late.pk),
        {
            "action": small.late.action_id,
            "text": small.late.text,
            "leads": [small.amy.pk],
            "time_text": "Jan 2020",  # its due month, unchanged
            "removed": "on",
        },
    )
    small.late.refresh_from_db()
    assert small.late.removed
    assert small.late.ratings.count() == 1  # its history and ratings stay
    assert [h.removed for h in small.late.history.all()[:2]] == [True, False]


def test_a_form_with_errors_lists_them_in_an_error_summary_and_changes_nothing(owner, small):
    response = owner.post(url("owner-priority-add", small.plan), {"number": 1, "title": ""})
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "Priority 1 already exists in this plan" in text
    assert 'href="#id_title"' in text
    assert small.plan.priorities.count() == 2


def test_rows_of_another_plan_cannot_be_edited_through_this_one(owner, small, thurrock):
    other = Measure.objects.of_plan(thurrock).first()
    assert owner.get(url("owner-measure-edit", small.plan, other.pk)).status_code == 404
    response = owner.post(
        url("owner-measure-add", small.plan), {"action": other.action_id, "text": "Sneaky", "order": 0}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Measure.objects.filter(text="Sneaky").exists()


@pytest.mark.parametrize("username", ["smurphy", "board"])
def test_only_owners_may_edit_the_structure(client, thurrock, username):
    client.force_login(get_user_model().objects.get(username=username))
    priority = thurrock.priorities.get(number=1)
    assert client.get(url("owner-structure", thurrock)).status_code == 403
    response = client.post(url("owner-priority-edit", thurrock, priority.pk), {"number": 1, "title": "Hacked"})
    assert response.status_code == 403
    assert Priority.objects.get(pk=priority.pk).title != "Hacked"


def test_the_plan_page_offers_owners_an_edit_link_per_measure(owner, small):
    text = owner.get(reverse("plan-detail", args=[small.plan.slug])).content.decode()
    assert url("owner-measure-edit", small.plan, small.late.pk) in text
