"""A new plan from a workbook on the web: upload, the import's preview, then the plan, owned by the uploader."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Measure, Membership, Plan, Priority
from plans.rollup.plan import plan_rollup
from plans.spreadsheets.exporter import export_plan
from tests.spreadsheets.test_round_trip import to_bytes

URL = "/plans/new/workbook/"
COUNCIL_WORKBOOK = Path(__file__).parent / "data" / "workbooks" / "libreoffice-action-plan.xlsx"


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def upload(data: bytes, name: str = "thurrock.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def test_the_new_plan_page_offers_to_start_from_a_workbook(owner_client):
    assert reverse("owner-new-plan-workbook") == URL
    page = owner_client.get(reverse("owner-new-plan")).content.decode()
    assert f'href="{URL}"' in page


def test_an_owner_previews_then_creates_a_plan_from_a_workbook_and_owns_it(owner_client, owner, thurrock):
    data = to_bytes(export_plan(thurrock))
    form = {"title": "Copy of the Development Plan", "slug": "", "organisation": "Thurrock Council", "scale": ""}
    preview = owner_client.post(URL, {**form, "file": upload(data)})
    assert preview.status_code == 200
    text = text_of(preview)
    assert "Preview of thurrock.xlsx" in text
    assert "New rows (97)" in text
    assert "Create Copy of the Development Plan" in text
    assert not Plan.objects.filter(slug="copy-of-the-development-plan").exists()  # nothing yet

    created = owner_client.post(URL, {"apply": "1", "token": preview.context["token"]}, follow=True)
    plan = Plan.objects.get(slug="copy-of-the-development-plan")
    assert created.redirect_chain[-1][0] == reverse("plan-detail", args=[plan.slug])
    assert "Copy of the Development Plan created from thurrock.xlsx" in text_of(created)
    assert (plan.owner, plan.organisation, plan.scale_id) == (owner, "Thurrock Council", thurrock.scale_id)
    assert Priority.objects.filter(plan=plan).count() == 8
    assert Measure.objects.of_plan(plan).count() == 97
    overall = {r.label: str(r.overall) for r in plan_rollup(plan)}
    assert overall["01/18"] == "2.6"  # the figure the rows give (docs/model.md)
    row = Plan.history.filter(id=plan.pk).earliest("history_date")
    assert (row.history_user, row.history_source) == (owner, "import of thurrock.xlsx")


def test_a_councils_own_workbook_becomes_a_plan(owner_client, owner, thurrock):
    form = {"title": "Action plan", "slug": "action-plan", "organisation": "Anytown", "scale": thurrock.scale_id}
    preview = owner_client.post(URL, {**form, "file": upload(COUNCIL_WORKBOOK.read_bytes(), "council.xlsx")})
    assert preview.status_code == 200, text_of(preview)[:2000]
    owner_client.post(URL, {"apply": "1", "token": preview.context["token"]})
    plan = Plan.objects.get(slug="action-plan")
    assert plan.owner == owner
    assert Measure.objects.of_plan(plan).count() == len(preview.context["preview"].new_rows) > 0


def test_a_file_that_is_not_a_workbook_is_refused_and_nothing_is_created(owner_client):
    form = {"title": "Broken", "organisation": "Anytown"}
    response = owner_client.post(URL, {**form, "file": upload(b"not a workbook", "plan.xlsx")})
    assert response.status_code == 400
    assert "There is a problem with plan.xlsx" in text_of(response)
    assert "Nothing has been created." in text_of(response)
    assert not Plan.objects.filter(slug="broken").exists()


def test_missing_fields_and_a_taken_address_are_named(owner_client, thurrock):
    response = owner_client.post(URL, {"title": "", "slug": thurrock.slug, "organisation": ""})
    assert response.status_code == 400
    text = text_of(response)
    assert "Workbook: Choose a workbook (.xlsx, .xls or .ods) to upload." in text
    assert "Organisation: This field is required." in text
    assert f'A plan called "{thurrock.slug}" already exists: choose another short name.' in text


def test_an_expired_upload_creates_nothing(owner_client):
    response = owner_client.post(URL, {"apply": "1", "token": "forged"}, follow=True)
    assert "That upload has expired: upload the workbook again." in text_of(response)
    assert Plan.objects.count() == 2  # the demo plans only


@pytest.mark.parametrize("username", ["smurphy", "board"])
def test_contributors_and_viewers_cannot_start_a_plan_from_a_workbook(client, thurrock, username):
    client.force_login(get_user_model().objects.get(username=username))
    assert client.get(URL).status_code == 403
    assert not Membership.objects.filter(role="owner", user__username=username).exists()
