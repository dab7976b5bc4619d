"""A workbook above the background threshold is checked and applied by a worker, the page showing its progress."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import ImportJob, Measure
from plans.spreadsheets.exporter import export_plan
from tests.conftest import run_worker
from tests.spreadsheets.test_pages import upload
from tests.spreadsheets.test_round_trip import column, find_row, to_bytes


@pytest.fixture
def owner(db):
    return get_user_model().objects.get(username="owner")


@pytest.fixture
def big(settings, tmp_path):
    """Every workbook counts as large (Thurrock's export is about 60 KB); stored files go to a scratch folder."""
    settings.SPREADSHEET_BACKGROUND_BYTES = 1000
    settings.MEDIA_ROOT = tmp_path


def edited_export(thurrock, measure, value) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(to_bytes(export_plan(thurrock))))
    sheet = book["Priority 1"]
    sheet.cell(find_row(sheet, measure), column(sheet, "RAG 01/18")).value = value
    return to_bytes(book)


def test_a_large_import_is_checked_and_applied_by_a_worker_with_progress_shown(
    client, thurrock, owner, big, queued_tasks
):
    measure = Measure.objects.of_plan(thurrock).get(text="Senior Management structure established")
    client.force_login(owner)
    response = client.post(
        reverse("plan-import", args=[thurrock.slug]), {"file": upload(edited_export(thurrock, measure, 5))}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plan-import-job", args=[thurrock.slug, job.token])

    page = client.get(response["Location"]).content.decode()
    assert "Step 1 of 3: Reading and checking the workbook." in page
    assert 'hx-trigger="every 2s"' in page
    assert "Apply these changes" not in page

    run_worker()
    page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "Step 2 of 3: Checked: waiting for you to apply it." in page
    assert "1 changed cells" in page
    assert "Apply these changes" in page
    assert "hx-trigger" not in page  # nothing left to poll for
    assert measure.ratings.get(period__label="01/18").level.value == 4  # nothing saved before Apply

    applying = client.post(response["Location"], {"apply": "1"}, follow=True).content.decode()
    assert "Step 3 of 3: Saving the changes." in applying
    assert measure.ratings.get(period__label="01/18").level.value == 4
    assert client.post(response["Location"], {"apply": "1"}, follow=True).status_code == 200  # a second press
    run_worker()
    done = client.get(response["Location"]).content.decode()
    assert "<strong>edited.xlsx</strong>: imported 0 new priorities, 0 new rows, 1 changed cells" in done
    rating = measure.ratings.get(period__label="01/18")
    assert rating.level.value == 5
    assert rating.history.first().history_user == owner
    assert rating.history.first().history_change_reason == "Imported from edited.xlsx"
    assert rating.history.count() == 2  # applied once, however often Apply was pressed


def test_a_large_bad_workbook_is_refused_by_the_worker_with_every_problem_and_nothing_changed(
    client, thurrock, owner, big
):
    measure = Measure.objects.of_plan(thurrock).get(text="Senior Management structure established")
    client.force_login(owner)
    response = client.post(
        reverse("plan-import", args=[thurrock.slug]),
        {"file": upload(edited_export(thurrock, measure, "Purple"))},
        follow=True,
    )
    page = response.content.decode()
    assert "There is a problem with edited.xlsx" in page
    assert "&#x27;Purple&#x27; is not a level" in page
    assert "Apply these changes" not in page
    assert measure.ratings.get(period__label="01/18").level.value == 4


def test_another_plans_owner_cannot_see_an_import_job(client, thurrock, owner, big):
    measure = Measure.objects.of_plan(thurrock).get(text="Senior Management structure established")
    client.force_login(owner)
    client.post(reverse("plan-import", args=[thurrock.slug]), {"file": upload(edited_export(thurrock, measure, 5))})
    job = ImportJob.objects.get()
    client.force_login(get_user_model().objects.get(username="board"))
    assert client.get(reverse("plan-import-job", args=[thurrock.slug, job.token])).status_code == 403
    assert client.post(reverse("plan-import-job", args=[thurrock.slug, job.token]), {"apply": "1"}).status_code == 403
