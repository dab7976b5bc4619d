"""A plan's leads: the owner's leads page (edit, aliases, merge), leads kept to their plan, names resolved by alias."""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from plans.audit import WEB, Actor
from plans.models import Lead, Measure, Membership, Rating
from plans.owner.leads import leads_named
from plans.owner.structure import save_measure
from plans.ratings.services import Refused
from tests.factories import PlanFactory, build_plan, rating_data

migration = __import__("plans.migrations.0010_lead_plan", fromlist=["leads_to_plans"])


@pytest.fixture
def small_owner(small):
    """Olive, owner of the small plan and of nothing else."""
    olive = get_user_model().objects.create_user("olive", password="olive-password", first_name="Olive")
    Membership.objects.create(plan=small.plan, user=olive, role=Membership.Role.OWNER)
    return olive


@pytest.fixture
def ben_user(small):
    """Ben's login: a contributor of the small plan, linked to the "Ben Lead" record."""
    user = get_user_model().objects.create_user("ben", password="ben-password", email="ben@example.org")
    Membership.objects.create(plan=small.plan, user=user, role=Membership.Role.CONTRIBUTOR)
    Lead.objects.filter(pk=small.ben.pk).update(user=user)
    return user


def leads_url(plan, name="owner-leads", *args):
    return reverse(name, args=[plan.slug, *args])


def merge(client, small, *, confirm=True):
    data = {"kept": small.amy.pk, "duplicate": small.ben.pk}
    if confirm:
        data["confirm"] = "yes"
    return client.post(leads_url(small.plan, "owner-lead-merge"), data, follow=True)


# --- The leads page -------------------------------------------------------------------------------------


def test_the_leads_page_lists_the_plans_leads_with_what_each_leads(client, owner, thurrock):
    client.force_login(owner)
    response = client.get(leads_url(thurrock))
    assert response.status_code == 200
    leads = {lead.name: lead for lead in response.context["leads"]}
    assert len(leads) == 23  # fixtures/thurrock-2017-19/plan.yaml lists 23
    murphy = leads["Sheila Murphy"]
    assert (murphy.led, murphy.overseen, murphy.aliases) == (12, 1, ["S Murphy"])
    assert (leads["Neale Laurie"].led, leads["Neale Laurie"].overseen) == (5, 14)
    text = response.content.decode()
    assert "Also written: S Murphy" in text
    assert "sheila.murphy@example.org" in text
    assert "Malcolm W Taylor" not in text  # the SEND plan's lead


@pytest.mark.parametrize("username", ["smurphy", "board"])
def test_only_the_plans_owners_open_its_leads_pages(client, thurrock, username):
    client.force_login(get_user_model().objects.get(username=username))
    assert client.get(leads_url(thurrock)).status_code == 403


def test_an_owner_edits_a_lead_and_the_history_names_her(client, small, small_owner, ben_user):
    client.force_login(small_owner)
    data = {
        "name": "Amy Lead",
        "role": "Head of Workforce",
        "email": "amy.lead@example.org",
        "user": ben_user.pk,
        "aliases_text": "A Lead\n  amy  lead \nA Lead",
    }
    Lead.objects.filter(pk=small.ben.pk).update(user=None)
    response = client.post(leads_url(small.plan, "owner-lead-edit", small.amy.pk), data, follow=True)
    assert "Lead saved: Amy Lead." in response.content.decode()
    amy = Lead.objects.get(pk=small.amy.pk)
    assert (amy.role, amy.email, amy.user, amy.aliases) == (
        "Head of Workforce",
        "amy.lead@example.org",
        ben_user,
        ["A Lead"],
    )
    row = amy.history.first()
    assert (row.history_type, row.history_user, row.history_source) == ("~", small_owner, WEB)


def test_an_alias_that_is_another_leads_name_is_refused_naming_the_field(client, small, small_owner):
    client.force_login(small_owner)
    data = {"name": "Amy Lead", "role": "", "email": "", "aliases_text": "ben lead"}
    response = client.post(leads_url(small.plan, "owner-lead-edit", small.amy.pk), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Other spellings: “ben lead” is already a name of Ben Lead" in text
    assert Lead.objects.get(pk=small.amy.pk).aliases == []


def test_a_lead_can_only_be_linked_to_a_member_of_the_plan(client, small, small_owner, bob):
    client.force_login(small_owner)
    data = {"name": "Amy Lead", "role": "", "email": "", "user": bob.pk, "aliases_text": ""}
    response = client.post(leads_url(small.plan, "owner-lead-edit", small.amy.pk), data)
    assert "Their login: Select a valid choice" in response.content.decode()
    assert Lead.objects.get(pk=small.amy.pk).user is None


# --- Merging ---------------------------------------------------------------------------------------------


def test_the_merge_is_shown_first_and_nothing_changes_until_confirmed(client, small, small_owner):
    client.force_login(small_owner)
    response = client.get(leads_url(small.plan, "owner-lead-merge"), {"kept": small.amy.pk, "duplicate": small.ben.pk})
    text = response.content.decode()
    assert "Merge Ben Lead into Amy Lead?" in text
    assert "2 led" in text  # Ben leads "Induction programme running" and the removed "Agency staff halved"
    assert small.done.text in text
    merge(client, small, confirm=False)
    assert Lead.objects.filter(pk=small.ben.pk).exists()
    assert list(small.done.leads.all()) == [small.ben]


def test_merging_moves_the_measures_records_the_alias_and_keeps_history(client, small, small_owner):
    client.force_login(small_owner)
    response = merge(client, small)
    assert "Ben Lead merged into Amy Lead: “Ben Lead” is now another spelling of it." in response.content.decode()
    amy = Lead.objects.get(pk=small.amy.pk)
    assert amy.aliases == ["Ben Lead"]
    assert sorted(m.text for m in amy.measures_led.all()) == sorted(
        m.text for m in (small.late, small.on_time, small.done, small.gone)
    )
    assert not Lead.objects.filter(pk=small.ben.pk).exists()
    gone = Lead.history.filter(id=small.ben.pk).first()
    assert (gone.history_type, gone.history_user, gone.history_source) == ("-", small_owner, WEB)
    assert gone.history_change_reason == "Merged Ben Lead into Amy Lead"
    kept = amy.history.first()
    assert (kept.history_type, kept.aliases, kept.history_user) == ("~", ["Ben Lead"], small_owner)
    done = small.done.history.first()
    assert [link.lead_id for link in done.leads.all()] == [amy.pk]
    assert done.history_user == small_owner


def test_after_a_merge_the_linked_login_rates_the_moved_measures(client, small, small_owner, ben_user):
    # Ben's login was linked to the duplicate; the kept lead had none, so it takes his: he can still rate his rows,
    # and now Amy's too (one person, two spellings).
    client.force_login(ben_user)
    assert client.get(reverse("measure-rate", args=[small.late.pk])).status_code == 403
    client.force_login(small_owner)
    merge(client, small)
    assert Lead.objects.get(pk=small.amy.pk).user == ben_user
    client.force_login(ben_user)
    assert client.get(reverse("measure-rate", args=[small.late.pk])).status_code == 200
    response = client.post(reverse("measure-rate", args=[small.late.pk]), rating_data(small.plan, small.late, 3))
    assert response.status_code == 302
    assert Rating.objects.get(measure=small.late, period=small.p2).level.value == 3


def test_two_leads_linked_to_different_logins_are_not_merged(client, small, small_owner, ben_user):
    other = get_user_model().objects.create_user("amy", password="amy-password")
    Membership.objects.create(plan=small.plan, user=other, role=Membership.Role.CONTRIBUTOR)
    Lead.objects.filter(pk=small.amy.pk).update(user=other)
    client.force_login(small_owner)
    response = merge(client, small)
    assert "Amy Lead and Ben Lead are linked to two different logins: unlink one of them first." in (
        response.content.decode()
    )
    assert Lead.objects.filter(pk=small.ben.pk).exists()
    assert list(small.done.leads.all()) == [small.ben]


# --- Each plan its own leads ------------------------------------------------------------------------------


def test_the_owner_of_another_plan_cannot_see_or_change_this_plans_leads(client, small, small_owner, thurrock):
    murphy = Lead.objects.get(plan=thurrock, name="Sheila Murphy")
    client.force_login(small_owner)
    assert client.get(leads_url(thurrock)).status_code == 404  # not her plan: not even revealed
    assert client.get(leads_url(small.plan, "owner-lead-edit", murphy.pk)).status_code == 404
    response = client.get(leads_url(small.plan))
    assert [lead.name for lead in response.context["leads"]] == ["Amy Lead", "Ben Lead"]
    assert f'value="{murphy.pk}"' not in response.content.decode()
    response = client.get(leads_url(small.plan, "owner-lead-merge"), {"kept": small.amy.pk, "duplicate": murphy.pk})
    assert "Select a valid choice" in response.content.decode()
    assert Lead.objects.filter(pk=murphy.pk).exists()


def test_the_measure_form_offers_and_accepts_only_the_plans_leads(client, small, small_owner, thurrock):
    murphy = Lead.objects.get(plan=thurrock, name="Sheila Murphy")
    client.force_login(small_owner)
    url = reverse("owner-measure-edit", args=[small.plan.slug, small.late.pk])
    form = client.get(url).context["form"]
    assert sorted(lead.name for lead in form.fields["leads"].queryset) == ["Amy Lead", "Ben Lead"]
    data = {
        "action": small.late.action_id,
        "text": small.late.text,
        "leads": [murphy.pk],
        "new_leads": "",
        "officer_text": "",
        "time_text": "",
        "reason": "Moved",
        "order": 0,
        "version": small.late.version,
    }
    response = client.post(url, data)
    assert "Leads: Select a valid choice" in response.content.decode()
    assert list(small.late.leads.all()) == [small.amy]


def test_the_write_door_refuses_another_plans_lead_whoever_calls_it(small, thurrock, owner):
    murphy = Lead.objects.get(plan=thurrock, name="Sheila Murphy")
    with pytest.raises(Refused, match="a lead of another plan cannot be attached"):
        save_measure(small.late, version=None, links={"leads": [murphy]}, by=Actor(owner, WEB))
    assert list(small.late.leads.all()) == [small.amy]


def test_a_typed_name_is_resolved_through_the_plans_aliases_and_new_ones_join_the_plan(client, small, small_owner):
    Lead.objects.filter(pk=small.amy.pk).update(aliases=["A Lead"])
    client.force_login(small_owner)
    data = {
        "action": small.on_time.action_id,
        "text": "Ten apprenticeships taken up",
        "new_leads": "a lead / Priya Newcomer",
        "officer_text": "",
        "time_text": "Sept 2018",
        "order": 0,
    }
    client.post(reverse("owner-measure-add", args=[small.plan.slug]), data)
    measure = Measure.objects.get(text="Ten apprenticeships taken up")
    assert sorted(lead.name for lead in measure.leads.all()) == ["Amy Lead", "Priya Newcomer"]
    assert Lead.objects.get(name="Priya Newcomer").plan == small.plan


def test_a_name_known_in_another_plan_is_a_new_lead_of_this_one(small, thurrock, owner):
    with Actor(owner, WEB).recording():
        (found,) = leads_named(small.plan, "S Murphy")
    assert found.plan == small.plan
    assert found.name == "S Murphy"
    assert Lead.objects.filter(name="Sheila Murphy").get().plan == thurrock


# --- The demo: smurphy -------------------------------------------------------------------------------------


def test_smurphy_can_rate_all_twelve_of_her_measures(client, smurphy, thurrock, open_period):
    client.force_login(smurphy)
    hers = list(Measure.objects.of_plan(thurrock).filter(leads__user=smurphy))
    assert len(hers) == 12
    for measure in hers:
        assert client.get(reverse("measure-rate", args=[measure.pk])).status_code == 200, measure.lead_text
    # Priority 8's cells say "Sheila Murphy", the others "S Murphy": she rates one of each.
    for lead_text in ("S Murphy", "Sheila Murphy"):
        measure = next(m for m in hers if m.lead_text == lead_text)
        data = rating_data(thurrock, measure, 3, update="Checked with the team.")
        response = client.post(reverse("measure-rate", args=[measure.pk]), data)
        assert response.status_code == 302, lead_text
        rating = Rating.objects.get(measure=measure, period=open_period)
        assert (rating.level.value, rating.update) == (3, "Checked with the team.")
        assert rating.history.first().history_user == smurphy


# --- The migration: leads to their plans --------------------------------------------------------------


def test_the_migration_splits_a_lead_used_by_two_plans_into_one_each(db):
    first, second = build_plan(1, 1, 1), build_plan(1, 1, 1)
    first_measure, second_measure = (Measure.objects.of_plan(plan).get() for plan in (first, second))
    shared = Lead.objects.create(plan=first, name="Shared Lead", email="shared@example.org")
    first_measure.leads.add(shared)
    second_measure.officers.add(shared)
    unused = Lead.objects.create(plan=PlanFactory(), name="Named nowhere")
    editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
    migration.leads_to_plans(apps, editor)
    assert list(first_measure.leads.all()) == [shared]
    (copy,) = second_measure.officers.all()
    assert (copy.plan, copy.name, copy.email) == (second, "Shared Lead", "shared@example.org")
    assert copy.pk != shared.pk
    # (in the migration, the one history row of the copy; here the live model's signal writes one too)
    assert copy.history.filter(history_change_reason=f"Split from lead {shared.pk}: leads belong to one plan").exists()
    assert not Lead.objects.filter(pk=unused.pk).exists()
