"""Signed-in pages and exports are never kept by a browser's or a proxy's cache (security review, item 11).

A shared computer's back button, or a caching proxy in a council's network,
must not hand one user's plan, workbook or board pack to the next person.
Every URL of the authorisation matrix that a signed-in owner can GET is
checked, so a page added later is covered by its line there.
"""

import base64

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.test_authorisation_matrix import MATRIX, client_as, scene, url_for  # noqa: F401 (scene is a fixture)

SIGNED_IN_PAGES = sorted(
    name for (name, method), statuses in MATRIX.items() if method == "GET" and statuses["owner"] < 400
)


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_a_signed_in_page_or_export_is_private_and_not_stored(scene, name):  # noqa: F811
    response = client_as("owner", scene).get(url_for(name, scene))
    assert response.status_code in (200, 301, 302), name
    assert {"private", "no-store"} <= directives(response), (name, response.get("Cache-Control"))


def test_the_api_read_with_basic_credentials_is_private_and_not_stored(client, db):
    get_user_model().objects.create_user("reader", password="reader-password", is_superuser=True)
    credentials = base64.b64encode(b"reader:reader-password").decode()
    response = client.get(
        reverse("api-plan-data", args=["thurrock-2017-19", "rollup", "csv"]), HTTP_AUTHORIZATION=f"Basic {credentials}"
    )
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_a_published_pack_read_without_signing_in_keeps_its_own_header(client, scene):  # noqa: F811
    published = client.get(url_for("publication", scene))
    assert directives(published) == {"no-cache"}
