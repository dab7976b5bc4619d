"""Owners define indicators on the web and link them to the measures they evidence, with history; others cannot."""

from decimal import Decimal

import pytest
from django.urls import reverse

from plans.audit import Actor
from plans.models import Indicator, Measure
from plans.owner.indicators import save_indicator
from plans.ratings.services import Refused


def url(name, plan, *args):
    return reverse(name, args=[plan.slug, *args])


@pytest.fixture
def pep_measures(thurrock):
    """Two rows of priority 4 that the PEP indicators evidence (fixtures/thurrock-2017-19/priority-4.yaml)."""
    current = Measure.objects.get(text__startswith="95% of eligible looked-after children have a current personal")
    audited = Measure.objects.get(text__startswith="PEPs are audited")
    return current, audited


def form_data(priority, **overrides):
    data = {
        "priority": priority.pk,
        "name": "PEPs reviewed in 20 school days",
        "polarity": "higher",
        "unit": "percent",
        "baseline": "81.5",
        "baseline_label": "2016/17",
        "comparator": "84",
        "target": "95",
        "ytd": "",
        "notes": "From the Virtual School's tracker",
    }
    data.update(overrides)
    return data


def test_an_owner_adds_an_indicator_linked_to_the_measures_it_evidences(client, owner, thurrock, pep_measures):
    current, audited = pep_measures
    priority = thurrock.priorities.get(number=4)
    client.force_login(owner)

    form = client.get(url("owner-indicator-add", thurrock) + "?priority=4").content.decode()
    assert "hold Ctrl" not in form
    assert 'type="checkbox" name="measures"' in form

    data = form_data(priority, measures=[current.pk, audited.pk])
    response = client.post(url("owner-indicator-add", thurrock), data, follow=True)

    page = response.content.decode()
    assert "Indicator added: PEPs reviewed in 20 school days, evidencing 2 measures." in page
    indicator = Indicator.objects.get(name="PEPs reviewed in 20 school days")
    assert response.redirect_chain[-1][0].endswith(
        reverse("board-indicators", args=[thurrock.slug, 4]) + f"#indicator-{indicator.pk}"
    )
    assert (indicator.priority, indicator.polarity, indicator.unit) == (priority, "higher", "percent")
    assert list(priority.indicators.all())[-1] == indicator  # after the priority's five printed indicators
    assert (indicator.baseline, indicator.baseline_label, indicator.comparator, indicator.target) == (
        Decimal("81.5"),
        "2016/17",
        Decimal("84"),
        Decimal("95"),
    )
    assert set(indicator.measures.all()) == {current, audited}
    # The board's indicators page names the measures it evidences, each a link to its page.
    assert f'href="{reverse("measure-detail", args=[current.pk])}"' in page
    created = indicator.history.get()
    assert (created.history_type, created.history_user, created.history_source) == ("+", owner, "web")
    linked = current.history.first()
    assert (linked.history_type, linked.history_user, linked.history_source) == ("~", owner, "web")
    assert indicator.pk in [row.indicator_id for row in linked.indicators.all()]


def test_an_owner_edits_an_indicator_and_changes_its_measures(client, owner, thurrock, pep_measures):
    current, audited = pep_measures
    peps = Indicator.objects.get(name="PEPs up to date", priority__plan=thurrock)
    assert list(peps.measures.all()) == [current]  # as the demo links it
    client.force_login(owner)

    edit = client.get(url("owner-indicator-edit", thurrock, peps.pk)).content.decode()
    assert f'value="{current.pk}" id="measure-{current.pk}" checked' in edit

    data = form_data(peps.priority, name="PEPs up to date", polarity="lower", measures=[audited.pk])
    response = client.post(url("owner-indicator-edit", thurrock, peps.pk), data, follow=True)

    assert "Indicator saved: PEPs up to date, evidencing 1 measure." in response.content.decode()
    peps.refresh_from_db()
    assert peps.polarity == "lower"
    assert list(peps.measures.all()) == [audited]
    assert [row.polarity for row in peps.history.all()[:2]] == ["lower", "higher"]
    unlinked = current.history.first()
    assert (unlinked.history_type, unlinked.history_user) == ("~", owner)
    assert peps.pk not in [row.indicator_id for row in unlinked.indicators.all()]
    assert peps.pk in [row.indicator_id for row in audited.history.first().indicators.all()]


@pytest.mark.parametrize("who", ["smurphy", "board"])
def test_contributors_and_viewers_cannot_define_indicators(client, who, request, thurrock, pep_measures):
    client.force_login(request.getfixturevalue(who))
    peps = Indicator.objects.get(name="PEPs up to date", priority__plan=thurrock)
    data = form_data(peps.priority, name="Renamed", measures=[])

    assert client.get(url("owner-indicator-add", thurrock)).status_code == 403
    assert client.post(url("owner-indicator-add", thurrock), data).status_code == 403
    assert client.post(url("owner-indicator-edit", thurrock, peps.pk), data).status_code == 403

    peps.refresh_from_db()
    assert peps.name == "PEPs up to date"
    assert peps.measures.count() == 1
    assert not Indicator.objects.filter(name="Renamed").exists()
    page = client.get(reverse("board-indicators", args=[thurrock.slug, 5])).content.decode()
    assert "Edit this indicator" not in page
    assert "Add an indicator" not in page


def test_someone_without_a_role_in_the_plan_is_not_told_it_exists(client, bob, thurrock):
    client.force_login(bob)
    assert client.get(url("owner-indicator-add", thurrock)).status_code == 404


def test_a_bad_figure_is_named_and_nothing_is_saved(client, owner, thurrock):
    client.force_login(owner)
    priority = thurrock.priorities.get(number=4)
    before = Indicator.objects.count()

    response = client.post(url("owner-indicator-add", thurrock), form_data(priority, baseline="lots", polarity="up"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Baseline: Enter a number." in page
    assert "Polarity: Select a valid choice." in page
    assert Indicator.objects.count() == before


def test_a_measure_of_another_plan_is_refused_by_name(client, owner, thurrock, send_plan):
    client.force_login(owner)
    other = Measure.objects.of_plan(send_plan).first()
    peps = Indicator.objects.get(name="PEPs up to date", priority__plan=thurrock)

    data = form_data(peps.priority, name="PEPs up to date", measures=[other.pk])
    response = client.post(url("owner-indicator-edit", thurrock, peps.pk), data)

    assert "Measures it evidences: Select a valid choice." in response.content.decode()
    assert peps.measures.count() == 1
    assert not other.indicators.exists()


def test_the_write_door_refuses_another_plans_measure_and_writes_nothing(owner, thurrock, send_plan):
    peps = Indicator.objects.get(name="PEPs up to date", priority__plan=thurrock)
    other = Measure.objects.of_plan(send_plan).first()
    peps.name = "Changed"
    rows = peps.history.count()

    with pytest.raises(Refused, match="Measures it evidences"):
        save_indicator(peps, measures=[other], by=Actor(owner, "web"))

    peps.refresh_from_db()
    assert peps.name == "PEPs up to date"
    assert peps.history.count() == rows
    assert not other.indicators.exists()


def test_a_link_to_a_measure_taken_out_of_the_plan_is_kept(owner, thurrock, pep_measures):
    current, audited = pep_measures
    peps = Indicator.objects.get(name="PEPs up to date", priority__plan=thurrock)
    Measure.objects.filter(pk=current.pk).update(removed=True)
    shown = Measure.objects.of_plan(thurrock).filter(removed=False)

    save_indicator(peps, measures=[audited], among=shown, by=Actor(owner, "web"))

    assert set(peps.measures.all()) == {current, audited}
