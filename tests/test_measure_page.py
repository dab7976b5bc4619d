"""A measure's page: its facts, ratings by period, evidence, comments and the full timeline."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Comment, Evidence
from plans.models.manager import EVIDENCE_MAX_BYTES
from tests.factories import rating_data


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_page_lists_the_measures_facts_and_its_ratings_by_period(client, board, murphy_measure):
    client.force_login(board)
    text = client.get(reverse("measure-detail", args=[murphy_measure.pk])).content.decode()
    for fact in ["Outcome", "Action", "Lead", "Responsible officer", "Joe Tynan", "September 2018", "“Sep-18”"]:
        assert fact in text
    assert "Ratings by period" in text
    assert "Add a comment" not in text  # viewers read only
    assert "Update the rating" not in text


def test_the_timeline_shows_each_rating_change_with_who_when_and_old_to_new(client, smurphy, thurrock, murphy_measure):
    client.force_login(smurphy)
    client.post(
        reverse("measure-rate", args=[murphy_measure.pk]),
        rating_data(thurrock, murphy_measure, 1, "Paused.", reason="Trainer left."),
    )
    response = client.get(reverse("measure-detail", args=[murphy_measure.pk]))
    newest = response.context["timeline"][0]
    assert (newest.title, newest.who) == ("Rating for 01/18 changed", "Sheila Murphy")
    changes = {change.label: (change.old, change.new) for change in newest.changes}
    assert changes["Rating"] == ("2 Started, some delay", "1 Not started / significant delay")
    assert changes["Reason"] == ("—", "Trainer left.")
    text = response.content.decode()
    assert "<del>2 Started, some delay</del> → <ins>1 Not started / significant delay</ins>" in text
    assert any(event.title == "Measure recorded" for event in response.context["timeline"])


def test_a_lead_adds_a_comment_and_it_appears_in_the_timeline(client, smurphy, murphy_measure):
    client.force_login(smurphy)
    response = client.post(
        reverse("measure-comment", args=[murphy_measure.pk]), {"text": "Training booked."}, follow=True
    )
    assert "Comment added." in response.content.decode()
    comment = Comment.objects.get(measure=murphy_measure)
    assert (comment.author, comment.text) == (smurphy, "Training booked.")
    assert comment.history.first().history_user == smurphy
    assert any(event.note == "Training booked." for event in response.context["timeline"])


def test_an_empty_comment_is_refused_by_name(client, smurphy, murphy_measure):
    client.force_login(smurphy)
    response = client.post(reverse("measure-comment", args=[murphy_measure.pk]), {"text": ""}, follow=True)
    assert "Comment not saved. Add a comment: Write a comment." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_lead_attaches_a_file_as_evidence_and_only_plan_readers_can_download_it(
    client, smurphy, bob, board, murphy_measure, media
):
    client.force_login(smurphy)
    upload = SimpleUploadedFile("audit.pdf", b"%PDF-1.4 audit", content_type="application/pdf")
    client.post(reverse("measure-evidence", args=[murphy_measure.pk]), {"title": "Case audit", "file": upload})
    evidence = Evidence.objects.get(measure=murphy_measure)
    assert (evidence.title, evidence.period.label, evidence.added_by) == ("Case audit", "01/18", smurphy)
    assert (media / evidence.file.name).exists()
    client.force_login(board)
    download = client.get(reverse("evidence-file", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 audit"
    client.force_login(bob)
    assert client.get(reverse("evidence-file", args=[evidence.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("macro.exe", 10, "File extension “exe” is not allowed"),
        ("huge.pdf", EVIDENCE_MAX_BYTES + 1, "evidence files can be at most 5.0\xa0MB"),
    ],
)
def test_evidence_of_the_wrong_type_or_too_large_is_refused_by_name(
    client, smurphy, murphy_measure, media, name, size, message
):
    client.force_login(smurphy)
    upload = SimpleUploadedFile(name, b"x" * size)
    response = client.post(
        reverse("measure-evidence", args=[murphy_measure.pk]), {"title": "Thing", "file": upload}, follow=True
    )
    text = response.content.decode()
    assert "Evidence not saved. File:" in text
    assert message in text
    assert not Evidence.objects.exists()


def test_evidence_needs_a_file_or_a_link(client, smurphy, murphy_measure):
    client.force_login(smurphy)
    response = client.post(reverse("measure-evidence", args=[murphy_measure.pk]), {"title": "Thing"}, follow=True)
    assert "Attach a file or give a link." in response.content.decode()


def test_a_link_is_evidence_too(client, smurphy, murphy_measure):
    client.force_login(smurphy)
    client.post(
        reverse("measure-evidence", args=[murphy_measure.pk]),
        {"title": "Board minutes", "link": "https://example.org/m"},
    )
    page = client.get(reverse("measure-detail", args=[murphy_measure.pk])).content.decode()
    assert 'href="https://example.org/m"' in page
    assert "Evidence added" in page
