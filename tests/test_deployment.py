"""Production settings: the deploy checks pass, pages carry the security headers, sign-in is throttled."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent


def production_env(**extra) -> dict:
    # As on a server: none of the test run's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="example.org", **extra)
    return env


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_production_settings_pass_the_deploy_checks_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_production_settings_refuse_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_serves_hashed_compressed_static_files_through_whitenoise():
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    result = manage("shell", "--no-imports", "-c", code, env=production_env())
    assert result.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage", result.stderr
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


def test_pages_carry_a_content_security_policy_that_allows_only_this_site(client, db):  # sign-in reads the demo users
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_the_templates_have_no_inline_scripts_styles_or_event_handlers():
    """The policy forbids them, so a page that used one would break in the browser."""
    import re

    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", r"<style", r"\sstyle=", r"\son[a-z]+="):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []


def test_pages_carry_the_secure_headers(client, db):  # sign-in reads the demo users
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_signed_in_session_ends_after_a_working_day_or_when_the_browser_closes(client, bob):
    signed_in_at = timezone.now()
    response = client.post(reverse("login"), {"username": "bob", "password": "bob-password"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert not cookie["max-age"]  # a browser-session cookie: closing the browser ends it
    session = Session.objects.get(session_key=cookie.value)
    lasts = session.expire_date - signed_in_at
    assert timedelta(hours=8) <= lasts < timedelta(hours=8, minutes=1)


def test_password_validators_refuse_a_short_common_password(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        validate_password("qwerty")
    assert "too short" in " ".join(refused.value.messages)
    assert "too common" in " ".join(refused.value.messages)


def sign_in(client, password):
    return client.post(reverse("login"), {"username": "bob", "password": password})


FAILURES_BEFORE_LOCKOUT = 5  # README: "locked out after 5 failures"


def test_sign_in_locks_out_after_repeated_failures_with_a_clear_message(client, bob):
    for _ in range(FAILURES_BEFORE_LOCKOUT - 1):
        response = sign_in(client, "wrong")
        assert response.status_code == 200
        assert "did not match" in response.content.decode()
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "Try again in 15 minutes" in locked.content.decode()
    # Even the right password is refused until the cool-off ends.
    again = sign_in(client, "bob-password")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_before_the_limit_resets_the_count(client, bob):
    for _ in range(FAILURES_BEFORE_LOCKOUT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, "bob-password").status_code == 302
    client.logout()
    for _ in range(FAILURES_BEFORE_LOCKOUT - 1):
        assert sign_in(client, "wrong").status_code == 200


def test_failures_for_one_user_do_not_lock_out_another(client, bob, alice):
    for _ in range(FAILURES_BEFORE_LOCKOUT):
        sign_in(client, "wrong")
    response = client.post(reverse("login"), {"username": "alice", "password": "alice-password"})
    assert response.status_code == 302
