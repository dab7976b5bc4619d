"""The download link and the owner-only upload page, from the user's side."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Measure
from plans.spreadsheets.exporter import export_plan
from tests.spreadsheets.test_round_trip import column, find_row, to_bytes


def upload(data: bytes, name: str = "edited.xlsx"):
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_the_plan_page_offers_the_download_and_to_owners_the_import(client, thurrock, owner, board):
    client.force_login(board)
    page = client.get(reverse("plan-detail", args=[thurrock.slug])).content.decode()
    assert "Download as Excel" in page
    assert "Import from Excel" not in page
    client.force_login(owner)
    page = client.get(reverse("plan-detail", args=[thurrock.slug])).content.decode()
    assert "Import from Excel" in page


def test_a_reader_downloads_the_plan_as_a_workbook(client, thurrock, board):
    client.force_login(board)
    response = client.get(reverse("plan-export", args=[thurrock.slug]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="{thurrock.slug}-' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Priority 8" in book.sheetnames


def test_the_import_page_is_for_owners_only(client, thurrock, board):
    client.force_login(board)
    assert client.get(reverse("plan-import", args=[thurrock.slug])).status_code == 403
    client.logout()
    assert client.get(reverse("plan-import", args=[thurrock.slug])).status_code == 302


def test_an_owner_uploads_an_edited_export_sees_the_preview_and_applies_it(client, thurrock, owner):
    measure = Measure.objects.of_plan(thurrock).get(text="Senior Management structure established")
    book = openpyxl.load_workbook(io.BytesIO(to_bytes(export_plan(thurrock))))
    sheet = book["Priority 1"]
    sheet.cell(find_row(sheet, measure), column(sheet, "RAG 01/18")).value = 5
    client.force_login(owner)
    url = reverse("plan-import", args=[thurrock.slug])

    page = client.post(url, {"file": upload(to_bytes(book))})
    html = page.content.decode()
    assert "1 changed cells" in html
    assert "Apply these changes" in html
    assert measure.ratings.get(period__label="01/18").level.value == 4  # nothing saved yet

    response = client.post(url, {"apply": "1", "token": page.context["token"]}, follow=True)
    assert "Imported edited.xlsx" in response.content.decode()
    rating = measure.ratings.get(period__label="01/18")
    assert rating.level.value == 5
    assert rating.history.first().history_user == owner
    assert rating.history.first().history_change_reason == "Imported from edited.xlsx"


def test_a_bad_upload_shows_every_problem_and_changes_nothing(client, thurrock, owner):
    book = openpyxl.load_workbook(io.BytesIO(to_bytes(export_plan(thurrock))))
    sheet = book["Priority 2"]
    sheet.cell(4, column(sheet, "RAG 01/18")).value = "Gren"
    sheet.cell(5, column(sheet, "RAG 01/18")).value = "Purple"
    client.force_login(owner)
    html = client.post(reverse("plan-import", args=[thurrock.slug]), {"file": upload(to_bytes(book))}).content.decode()
    assert "There are problems with edited.xlsx" in html
    assert "Sheet &#x27;Priority 2&#x27;, row 4, column &#x27;RAG 01/18&#x27;: &#x27;Gren&#x27; is not a level" in html
    assert "&#x27;Purple&#x27; is not a level" in html
    assert "Apply these changes" not in html


def test_an_oversize_or_wrong_type_upload_is_refused(client, thurrock, owner, settings):
    client.force_login(owner)
    url = reverse("plan-import", args=[thurrock.slug])
    html = client.post(url, {"file": upload(b"%PDF-1.4 fake", "plan.xlsx")}).content.decode()
    assert "The file is a PDF, not a spreadsheet" in html
    settings.SPREADSHEET_MAX_UPLOAD_BYTES = 10
    html = client.post(url, {"file": upload(b"x" * 100)}).content.decode()
    assert "The file is 0.1 KB; the largest workbook accepted is 0.0 KB." in html


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path
