"""Every change to plan data records who made it and when, from the admin and from commands."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from plans.audit import acting_as
from plans.models import Measure, Plan, Rating


def test_the_demo_load_is_recorded_as_the_system_account(thurrock):
    measure = Measure.objects.of_plan(thurrock).first()
    record = measure.history.earliest()
    assert record.history_type == "+"
    assert record.history_user.username == "system"


def test_a_change_in_the_admin_is_in_its_history_with_the_user(client, alice, thurrock):
    client.force_login(alice)
    measure = Measure.objects.of_plan(thurrock).get(text="Senior Management structure established")
    url = reverse("admin:plans_measure_change", args=[measure.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "action": measure.action_id,
            "text": measure.text,
            "progress_update": "Structure agreed by Cabinet in March.",
            "leads": [lead.pk for lead in measure.leads.all()],
            "officers": [],
            "recommendations": [],
            "indicators": [],
            "ratings-TOTAL_FORMS": "0",
            "ratings-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    latest = measure.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == alice
    assert latest.progress_update == "Structure agreed by Cabinet in March."
    assert latest.prev_record.progress_update == "Costed structure in place."


def test_the_admin_history_page_lists_the_change(client, alice, thurrock):
    client.force_login(alice)
    with acting_as(alice):
        plan = Plan.objects.get(pk=thurrock.pk)
        plan.governance = "Overseen by the Development and Performance Board."
        plan.save()
    response = client.get(reverse("admin:plans_plan_history", args=[thurrock.pk]))
    assert response.status_code == 200
    assert "alice" in response.content.decode()


def test_changes_made_acting_as_a_user_record_that_user(alice, thurrock):
    rating = Rating.objects.filter(period__plan=thurrock, period__label="01/18").select_related("level").first()
    higher = thurrock.scale.levels.get(value=min(rating.level.value + 1, 5))
    with acting_as(alice):
        rating.level = higher
        rating.reason = "Evidence reviewed at board."
        rating.save()
    latest = rating.history.latest()
    assert (latest.history_user, latest.level_id, latest.reason) == (alice, higher.pk, "Evidence reviewed at board.")


def test_load_demo_records_the_user_given(db):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("loader")
    Plan.objects.filter(slug="thurrock-send-2018").delete()
    call_command("load_demo", "--user", "loader", "--quiet-users", stdout=StringIO())
    send = Plan.objects.get(slug="thurrock-send-2018")
    assert send.history.earliest().history_user.username == "loader"


def test_commands_refuse_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match='--user: there is no user "nobody"'):
        call_command("load_demo", "--user", "nobody", stdout=StringIO())
