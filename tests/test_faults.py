"""Faults: a database failure mid-request gives a clean error page and leaves nothing half-written."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from plans.models import Measure, Rating
from tests.factories import build_plan


@pytest.fixture
def admin_client_no_raise(alice) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def measure_change_form(measure: Measure, new_text: str, new_level) -> dict:
    """The admin's change form for a measure, as the browser would post it, with its ratings inline."""
    ratings = list(measure.ratings.order_by("period__order"))
    data = {
        "action": measure.action_id,
        "order": measure.order,
        "text": new_text,
        "lead_text": measure.lead_text,
        "officer_text": "",
        "time_text": "",
        "due_month": "",
        "due_note": "",
        "progress_update": "",
        "version": measure.version,
        "ratings-TOTAL_FORMS": len(ratings),
        "ratings-INITIAL_FORMS": len(ratings),
        "ratings-MIN_NUM_FORMS": 0,
        "ratings-MAX_NUM_FORMS": 1000,
    }
    for index, rating in enumerate(ratings):
        data.update(
            {
                f"ratings-{index}-id": rating.pk,
                f"ratings-{index}-measure": measure.pk,
                f"ratings-{index}-period": rating.period_id,
                f"ratings-{index}-level": new_level.pk,
                f"ratings-{index}-status": rating.status,
                f"ratings-{index}-reason": "",
                f"ratings-{index}-update": "",
            }
        )
    return data


def test_the_admin_form_saves_a_measure_and_its_ratings_when_nothing_fails(admin_client_no_raise):
    plan = build_plan(1, 1, 2)
    measure = Measure.objects.of_plan(plan).get()
    top = plan.scale.levels.order_by("value").last()
    url = reverse("admin:plans_measure_change", args=[measure.pk])
    response = admin_client_no_raise.post(url, measure_change_form(measure, "Edited", top))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Measure.objects.get(pk=measure.pk).text == "Edited"
    assert set(Rating.objects.filter(measure=measure).values_list("level", flat=True)) == {top.pk}


def test_a_database_failure_part_way_through_a_save_gives_a_clean_error_page_and_changes_nothing(
    admin_client_no_raise,
):
    plan = build_plan(1, 1, 2)
    measure = Measure.objects.of_plan(plan).get()
    levels_before = list(Rating.objects.filter(measure=measure).values_list("level", flat=True))
    history_before = Measure.history.filter(id=measure.pk).count(), Rating.history.filter(measure=measure).count()
    top = plan.scale.levels.order_by("value").last()
    url = reverse("admin:plans_measure_change", args=[measure.pk])
    # The measure itself saves; then the database goes away while its ratings are written.
    with mock.patch.object(Rating, "save", side_effect=OperationalError("server closed the connection")):
        response = admin_client_no_raise.post(url, measure_change_form(measure, "Half-saved", top))
    assert response.status_code == 500
    text = response.content.decode()
    assert "Sorry, there is a problem with the service" in text
    assert "Nothing you were saving has been changed" in text
    assert "OperationalError" not in text
    assert "Traceback" not in text
    assert Measure.objects.get(pk=measure.pk).text != "Half-saved"
    assert list(Rating.objects.filter(measure=measure).values_list("level", flat=True)) == levels_before
    assert (
        Measure.history.filter(id=measure.pk).count(),
        Rating.history.filter(measure=measure).count(),
    ) == history_before


def test_a_database_that_is_unavailable_while_a_page_is_read_gives_the_clean_error_page(
    admin_client_no_raise, thurrock
):
    with mock.patch("plans.views.plan_rollup", side_effect=OperationalError("could not connect to server")):
        response = admin_client_no_raise.get(reverse("plan-detail", args=[thurrock.slug]))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "could not connect" not in response.content.decode()


def test_a_hidden_or_missing_plan_gets_a_friendly_not_found_page(client, bob):
    client.force_login(bob)
    response = client.get(reverse("plan-detail", args=["no-such-plan"]))
    assert response.status_code == 404
    assert "you may not have been given access to it" in response.content.decode()


def test_an_import_whose_database_fails_part_way_leaves_nothing_behind(thurrock, tmp_path, settings):
    """The new plan, its rows and their history are written in one transaction: a failure undoes them all."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    from plans.models import Plan
    from tests.spreadsheets.workbooks import council_workbook

    settings.VAR_DIR = tmp_path
    path = tmp_path / "council.xlsx"
    path.write_bytes(council_workbook(thurrock))
    counts = Measure.objects.count(), Rating.objects.count(), Measure.history.count(), Rating.history.count()
    # Priorities, outcomes, actions, measures and ratings are in; the database goes while the leads are linked.
    gone = OperationalError("server closed the connection")
    with mock.patch("plans.spreadsheets.bulk.create_links", side_effect=gone), pytest.raises(CommandError) as refused:
        call_command("import_plan", str(path), "--plan", "half", "--create", "--title", "Half", stdout=StringIO())
    assert "it was undone: nothing was changed" in str(refused.value)
    assert not Plan.objects.filter(slug="half").exists()
    assert (Measure.objects.count(), Rating.objects.count(), Measure.history.count(), Rating.history.count()) == counts


def test_a_web_import_whose_database_fails_part_way_gives_the_clean_page_and_changes_nothing(
    admin_client_no_raise, thurrock, tmp_path, settings
):
    from tests.spreadsheets.test_pages import upload
    from tests.test_audit_completeness import edited_export, murphy_measure

    settings.VAR_DIR = tmp_path
    measure = murphy_measure()
    before = list(measure.ratings.values_list("period_id", "level_id", "update")), measure.progress_update
    history = Measure.history.count(), Rating.history.count()
    url = reverse("plan-import", args=[thurrock.slug])
    preview = admin_client_no_raise.post(url, {"file": upload(edited_export())})
    assert preview.status_code == 200
    # The database goes while the changes are written (when the measure is saved).
    with mock.patch.object(Measure, "save", side_effect=OperationalError("server closed the connection")):
        response = admin_client_no_raise.post(url, {"apply": "1", "token": preview.context["token"]})
    assert response.status_code == 500
    assert "Nothing you were saving has been changed" in response.content.decode()
    measure.refresh_from_db()
    assert (list(measure.ratings.values_list("period_id", "level_id", "update")), measure.progress_update) == before
    assert (Measure.history.count(), Rating.history.count()) == history
