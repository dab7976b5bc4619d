"""Signing in: no public password reset, and lock-outs keyed on the client's own address.

Security review items 3 and 6 (docs/reliability.md).
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.db import connection
from django.urls import NoReverseMatch, reverse

ROOT = Path(__file__).resolve().parent.parent


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


# Lock-outs (item 3). Behind PROXY_COUNT trusted proxies the client is the address the nearest of them
# appended to X-Forwarded-For; entries further left come from the client and could say anything.
@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "remote", "client"),
    [
        (0, "", "198.51.100.66", "198.51.100.66"),
        (0, "203.0.113.10", "198.51.100.66", "198.51.100.66"),  # no proxy: the header is the client's own words
        (1, "198.51.100.66", "127.0.0.1", "198.51.100.66"),
        (1, "203.0.113.10, 198.51.100.66", "127.0.0.1", "198.51.100.66"),  # a forged first entry is ignored
        (1, "", "127.0.0.1", "127.0.0.1"),  # nothing forwarded: the peer
        (1, "not-an-address", "127.0.0.1", "127.0.0.1"),
        (2, "198.51.100.66, 10.0.0.2", "127.0.0.1", "198.51.100.66"),  # a CDN, then the council's proxy
        (1, "2001:db8::7", "127.0.0.1", "2001:db8::7"),
    ],
)
def test_the_client_address_is_read_from_the_trusted_proxies_entry(
    rf, settings, proxies, forwarded_for, remote, client
):
    from tracker.login_throttle import client_address

    settings.PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    assert client_address(rf.post("/accounts/login/", REMOTE_ADDR=remote, **headers)) == client


def attempt(client, username, password, address):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=address,
    )


def test_one_address_spraying_every_username_is_locked_out_across_usernames(client, settings, bob):
    """Four tries for each of many usernames stays under the per-user limit; the per-address limit stops it."""
    settings.PROXY_COUNT = 1
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    failures = 0
    for n in range(limit // 4):
        for _ in range(4):
            failures += 1
            response = attempt(client, f"user{n}", "Spring2026!", "198.51.100.66")
            assert response.status_code == (429 if failures >= limit else 200), failures
    refused = attempt(client, "bob", "bob-password", "198.51.100.66")  # even the right password, from there
    assert refused.status_code == 429
    assert "from your network address" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert attempt(client, "bob", "bob-password", "203.0.113.10").status_code == 302  # another address is fine


class Visitor:
    """One browser at one client address, talking to gunicorn through a proxy that sets X-Forwarded-For."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookies = port, address, SimpleCookie()

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        headers = {"X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={morsel.value}" for key, morsel in self.cookies.items())
        body = urlencode(data) if data is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response.status, text

    def sign_in(self, username: str, password: str) -> int:
        _status, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        return self.request("POST", "/accounts/login/", data)[0]


def database_url(tmp_path) -> str:
    """The database gunicorn shares with this test: the test database, or an SQLite file (the in-memory one
    cannot be shared with another process)."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'sign-in.sqlite3'}"
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    """gunicorn (two workers) behind one proxy (PROXY_COUNT=1), with a createsuperuser-style user "board"."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(tmp_path),
        "PROXY_COUNT": "1",
        "VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SUPERUSER_PASSWORD": "board-password-2026",
    }
    manage = [sys.executable, "manage.py"]
    if connection.vendor == "sqlite":
        subprocess.run([*manage, "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    command = [*manage, "createsuperuser", "--noinput", "--username", "board", "--email", "board@example.org"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "tracker.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stderr=log.open("w"),
    )
    try:
        for _ in range(150):
            try:
                Visitor(port, "192.0.2.1").request("GET", "/accounts/login/")
                break
            except OSError:
                time.sleep(0.2)
        yield port, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_behind_the_proxy_a_lock_out_keeps_to_the_address_that_earned_it(gunicorn):
    """Six wrong passwords from one address; the right one from another signs in at once; the first stays refused.

    Keyed on the proxy's address (the finding), the whole council was locked out of `board`.
    """
    port, log = gunicorn
    attacker = Visitor(port, "198.51.100.66")
    answers = [attacker.sign_in("board", "wrong-password") for _ in range(6)]
    assert answers == [200, 200, 200, 200, 429, 429]

    member = Visitor(port, "203.0.113.10")
    assert member.sign_in("board", "board-password-2026") == 302
    status, page = member.request("GET", "/portfolio/")
    assert status == 200
    assert "Sign out" in page

    assert Visitor(port, "198.51.100.66").sign_in("board", "board-password-2026") == 429
    logged = log.read_text()
    assert "198.51.100.66" in logged  # axes logs the failures under the client's address, not the proxy's
    assert "127.0.0.1" not in "\n".join(line for line in logged.splitlines() if "AXES" in line)


def test_a_username_longer_than_any_account_is_refused_like_a_wrong_password_and_not_recorded(client, bob):
    """Axes stores usernames of at most 255 characters: a longer one was a 500 on PostgreSQL (review item 8)."""
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "x" * 5000, "password": "wrong"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert not AccessAttempt.objects.exists()
