"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

They run last (see tests/conftest.py), because a live-server test commits its
data and empties the database afterwards.
"""

import os
import shutil
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from plans.audit import acting_as
from plans.demo.loader import DEMO_PASSWORD
from plans.models import BoardPackSnapshot, Period, Plan
from plans.publishing.services import publish

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: make test installs it (bin/system-packages).")
        pytest.skip(f"Chromium not found at {CHROMIUM}; make test installs it (bin/system-packages)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def demo_live(transactional_db, live_server):
    """The live server with the demo plans committed in its database."""
    if not Plan.objects.filter(slug="thurrock-2017-19").exists():
        call_command("load_demo", "--quiet-users", stdout=StringIO())
    return live_server


@pytest.fixture
def published(demo_live):
    """The Thurrock pack for 01/18, frozen and published, so that crawls reach the public page too."""
    owner = get_user_model().objects.get(username="owner")
    period = Period.objects.get(plan__slug="thurrock-2017-19", label="01/18")
    with acting_as(owner):
        period.status = Period.Status.CLOSED
        period.save()
    return publish(BoardPackSnapshot.objects.get(period=period), "Public", owner)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def signed_in(page, demo_live):
    """A page signed in as the demo plan owner."""

    def sign_in(username: str = "owner"):
        page.goto(f"{demo_live.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        return page

    return sign_in
