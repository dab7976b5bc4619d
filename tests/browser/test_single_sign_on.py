"""Single sign-on in Chromium against a real OpenID Connect provider (panva/oidc-provider) started on 127.0.0.1.

The provider (tests/oidc/provider.mjs) is installed from the npm registry at
the version pinned in tests/oidc/package-lock.json the first time this runs.
The whole protocol is real: discovery, the authorisation redirect with state,
nonce and PKCE, the provider's own sign-in and consent pages, the code
exchanged for RS256-signed tokens checked against its JWKS, and userinfo.
"""

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from plans.models import Lead, Membership, Plan
from tests.browser.test_manager_pages import sign_in

pytestmark = pytest.mark.browser
PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def provider_installed():
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        message = "Node and npm are needed for the OIDC provider; make test installs them (bin/system-packages)."
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, check=True, timeout=300)
    return node


@pytest.fixture
def provider(provider_installed, demo_live, settings):
    """The provider on a free port, and the tracker configured (as by OIDC_* variables) to use it."""
    port = free_port()
    callback = f"{demo_live.url}/oidc/callback/"
    process = subprocess.Popen(
        [provider_installed, "provider.mjs", str(port), callback],
        cwd=PROVIDER_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        settings.OIDC_ENABLED = True
        settings.OIDC_ISSUER = f"http://127.0.0.1:{port}"
        settings.OIDC_RP_CLIENT_ID = "tracker"
        settings.OIDC_RP_CLIENT_SECRET = "tracker-secret"
        settings.OIDC_PROVIDER_NAME = "Thurrock Council account"
        yield settings.OIDC_ISSUER
    finally:
        process.terminate()
        process.wait(10)


def sign_in_with_provider(page, base: str, email: str):
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Sign in with Thurrock Council account").click()
    # The provider's own sign-in page and consent page.
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("any password: the development provider accepts it")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]", has_text="Continue").click()
    return page


def test_a_lead_with_no_login_signs_in_through_the_provider_and_sees_their_measures(page, demo_live, provider):
    lead = Lead.objects.get(name="Joe Tynan", user=None)
    lead.email = "Joe.Tynan@thurrock.example"
    lead.save()
    one_of_his = lead.measures_led.filter(removed=False).first()

    sign_in_with_provider(page, demo_live.url, "joe.tynan@thurrock.example")
    expect(page.get_by_role("heading", name="My measures")).to_be_visible()
    expect(page.locator(".header__nav")).to_contain_text("Joe Tynan")
    expect(page.get_by_text(one_of_his.text[:60]).first).to_be_visible()

    user = get_user_model().objects.get(email="joe.tynan@thurrock.example")
    lead.refresh_from_db()
    assert lead.user == user
    assert lead.history.first().history_user == user  # the link is recorded, by whom
    thurrock = Plan.objects.get(slug="thurrock-2017-19")
    assert Membership.objects.get(user=user, plan=thurrock).role == Membership.Role.CONTRIBUTOR
    assert not user.has_usable_password()


def test_an_existing_login_is_matched_by_email_and_local_sign_in_still_works(browser, page, demo_live, provider):
    get_user_model().objects.filter(username="board").update(email="board.member@thurrock.example")
    sign_in_with_provider(page, demo_live.url, "Board.Member@thurrock.example")
    expect(page.locator(".header__nav")).to_contain_text("Portfolio")
    assert get_user_model().objects.filter(email__iexact="board.member@thurrock.example").count() == 1
    session = page.context.cookies()
    assert any(cookie["name"] == "sessionid" for cookie in session)

    other = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    sign_in(other, demo_live.url, "owner")  # a local account beside single sign-on
    expect(other.get_by_role("button", name="Sign out")).to_be_visible()
    other.context.close()
