"""Malformed query parameters and form fields get a 4xx or the page with a message, never a 500.

Security review item 8: `?version=²` on the board pack (a superscript two
passes str.isdigit() and then fails int()), `period=²`, `snapshot=²`, a NUL
byte in a text field (PostgreSQL cannot store one), and a 990-word search.
Every URL of the authorisation matrix that an owner can GET is asked with
every parameter any view reads set to each hostile value; every form post
with each field set to one.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from plans.audit import acting_as
from plans.models import BoardPackSnapshot, Comment, Period, Publication, Rating
from tests.test_authorisation_matrix import MATRIX, client_as, scene, url_for  # noqa: F401 (scene is a fixture)

HOSTILE = {
    "superscript two": "²",
    "Arabic-Indic three": "\u0663",
    "NUL byte": "a\x00b",
    "negative": "-1",
    "huge number": "9" * 40,
    "long text": "x" * 5000,
    "many words": " ".join(["word"] * 990),
    "not a date": "2018-02-30",
    "surrogate-like": "\udcff".encode("utf-8", "surrogatepass").decode("latin-1"),
}

# Every query parameter a view reads (grep request.GET, the filters and forms): a new one belongs here.
PARAMETERS = [
    "as_at",
    "previous",
    "current",
    "full",
    "period",
    "periods",
    "version",
    "page",
    "q",
    "priority",
    "lead",
    "level",
    "recommendation",
    "overdue",
    "not_updated",
    "removed",
    "sort",
    "owner",
    "department",
    "status",
    "next",
    "sheets",
    "outcome",
    "action",
]

READABLE = sorted(name for (name, method), statuses in MATRIX.items() if method == "GET" and statuses["owner"] < 400)


@pytest.mark.parametrize("name", READABLE)
def test_every_page_answers_hostile_query_parameters_without_an_error(scene, name):  # noqa: F811
    client = client_as("owner", scene)
    url = url_for(name, scene)
    for label, value in HOSTILE.items():
        response = client.get(url, dict.fromkeys(PARAMETERS, value))
        assert response.status_code < 500, (name, label)
        for parameter in ("period", "version", "q", "as_at", "page"):
            response = client.get(url, {parameter: value})
            assert response.status_code < 500, (name, parameter, label)


@pytest.fixture
def owner(db):
    return get_user_model().objects.get(username="owner")


@pytest.fixture
def frozen(thurrock, owner):
    with acting_as(owner):
        period = thurrock.periods.get(label="01/18")
        period.status = Period.Status.CLOSED
        period.save()
    return BoardPackSnapshot.objects.get(period=period)


@pytest.mark.parametrize("value", ["²", "\u0663", "0", "-1", "9" * 40])
def test_the_board_pack_refuses_a_version_that_is_not_a_whole_number_with_a_message(client, owner, frozen, value):
    client.force_login(owner)
    for name in ("board-pack", "board-pack-pdf", "board-pack-xlsx"):
        response = client.get(reverse(name, args=["thurrock-2017-19"]), {"period": "01/18", "version": value})
        assert response.status_code in (400, 404), (name, value)
        if response.status_code == 400:
            assert "Version" in response.content.decode()


def test_a_period_or_snapshot_named_by_a_superscript_is_refused_with_a_message(client, owner, frozen):
    client.force_login(owner)
    slug = "thurrock-2017-19"
    response = client.post(reverse("owner-periods", args=[slug]), {"action": "close", "period": "²"}, follow=True)
    assert response.status_code == 200
    assert "Nothing was changed. Choose a period." in response.content.decode()
    response = client.post(reverse("publications", args=[slug]), {"snapshot": "²"})
    assert response.status_code == 400
    assert "Choose which frozen board pack to publish." in response.content.decode()


def test_a_nul_byte_in_the_publishing_forms_is_refused_and_nothing_is_saved(client, owner, frozen, thurrock):
    """The review found "other names" saved without is_valid(); that field is gone (free text is no longer
    published, see docs/publishing.md) and both remaining forms are validated."""
    client.force_login(owner)
    url = reverse("publications", args=[thurrock.slug])
    response = client.post(url, {"snapshot": frozen.pk, f"pack-{frozen.pk}-audience": "Pub\x00lic"})
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()
    response = client.post(url, {"form": "settings", "redact_names": "o\x00n"})
    assert response.status_code in (302, 400)
    assert not Publication.objects.exists()


def test_a_nul_byte_in_a_sign_off_comment_is_refused_and_nothing_is_saved(client, owner, thurrock):
    rating = Rating.objects.filter(measure__action__outcome__priority__plan=thurrock).first()
    rating.status = Rating.Status.SUBMITTED
    rating.save()
    client.force_login(owner)
    response = client.post(
        reverse("rating-signoff", args=[rating.pk]), {"decision": "return", "comment": "See\x00 me"}, follow=True
    )
    assert response.status_code < 500
    rating.refresh_from_db()
    assert rating.status == Rating.Status.SUBMITTED
    assert not Comment.objects.filter(measure=rating.measure).exists()


def test_a_search_of_990_words_is_refused_with_a_message_naming_the_field(client, owner, thurrock):
    client.force_login(owner)
    response = client.get(reverse("plan-detail", args=[thurrock.slug]), {"q": " ".join(["review"] * 990)})
    assert response.status_code == 200  # the page, with the error summary (as for any refused filter)
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Search: Use 20 words or fewer." in text


def test_a_search_of_200_characters_or_more_is_refused(client, owner, thurrock):
    client.force_login(owner)
    response = client.get(reverse("plan-detail", args=[thurrock.slug]), {"q": "a" * 201})
    assert response.status_code == 200
    assert "Search: Use 200 characters or fewer." in response.content.decode()


def test_a_search_within_the_bounds_still_finds_measures(client, owner, thurrock):
    client.force_login(owner)
    response = client.get(reverse("plan-detail", args=[thurrock.slug]), {"q": "Senior Management structure"})
    assert response.status_code == 200
    assert "Senior Management structure established" in response.content.decode()


def test_anonymous_hostile_input_on_the_sign_in_page_is_harmless(db):
    client = Client()
    for value in HOSTILE.values():
        assert client.post(reverse("login"), {"username": value, "password": value}).status_code < 500


@pytest.mark.parametrize(("cell", "number"), [("3. Workforce", 3), ("²", None), ("\u0663. Early help", 3)])
def test_a_priority_cell_of_a_superscript_is_no_number_rather_than_an_error(cell, number):
    from plans.spreadsheets.importer import ImportPlanner

    assert ImportPlanner.priority_cell(cell, "Title")[0] == number


def test_a_refused_query_parameter_is_the_400_page_with_its_message_in_development_too(client, owner, frozen, settings):
    settings.DEBUG = True  # `make run`: Django would show its technical page for a BadRequest
    client.force_login(owner)
    response = client.get(reverse("board-pack", args=["thurrock-2017-19"]), {"period": "01/18", "version": "²"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem with the address" in text
    assert "Version: enter a whole number, such as 2." in text
