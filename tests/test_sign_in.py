"""Signing in: no public password reset, and lock-outs keyed on the client's own address.

Security review items 3 and 6 (docs/reliability.md).
"""

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse


@pytest.mark.parametrize(
    "path", ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/done/"]
)
def test_there_is_no_public_password_reset_page(client, bob, path):
    """Administrators reset passwords; an open reset form let anyone send ten reset emails in seconds."""
    bob.email = "bob@example.org"
    bob.save()
    assert client.get(path).status_code == 404
    assert client.post(path, {"email": "bob@example.org"}).status_code == 404
    assert mail.outbox == []
    with pytest.raises(NoReverseMatch):
        reverse("password_reset")


def test_a_signed_in_user_can_still_change_their_own_password(client, bob):
    client.force_login(bob)
    assert client.get(reverse("password_change")).status_code == 200
