"""An owner publishes a frozen pack, a member of the public reads it without signing in, the owner withdraws it."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from plans.audit import acting_as
from plans.models import Period, Publication

pytestmark = pytest.mark.browser

PLAN = "/plans/thurrock-2017-19"
AUDIENCE = "Children's Services Overview and Scrutiny Committee"


@pytest.fixture
def frozen_pack(demo_live):
    """Close 01/18 so that its board pack is frozen."""
    period = Period.objects.get(plan__slug="thurrock-2017-19", label="01/18")
    with acting_as(get_user_model().objects.get(username="owner")):
        period.status = Period.Status.CLOSED
        period.save()
    return period


def test_an_owner_publishes_the_public_reads_it_and_the_owner_withdraws_it(signed_in, demo_live, frozen_pack, browser):
    page = signed_in("owner")
    page.goto(f"{demo_live.url}{PLAN}/board/")
    page.get_by_role("link", name="Publish a frozen pack for a committee or the public").click()
    expect(page.get_by_role("heading", name="Publishing board packs")).to_be_visible()
    page.get_by_label("Published for").fill(AUDIENCE)
    page.get_by_role("button", name="Publish 01/18 v1").click()
    expect(page.get_by_role("status")).to_contain_text(f"Published 01/18 (version 1) for {AUDIENCE}.")
    address = page.get_by_role("link", name="Public page").get_attribute("href")

    public = browser.new_context().new_page()  # nobody signed in
    response = public.goto(demo_live.url + address)
    assert response.status == 200
    expect(public.get_by_role("heading", name=f"Published for {AUDIENCE}")).to_be_visible()
    expect(public.locator(".publication-banner dd").first).to_have_text("01/18")
    expect(public.get_by_role("heading", name="Priority 1: Recruiting, retaining and developing")).to_be_visible()
    body = public.locator("body").inner_text()
    for name in ["Janet Simon", "Joe Tynan", "S Murphy", "Clare Moore"]:
        assert name not in body
    expect(public.get_by_role("link", name="Download this report as a PDF")).to_be_visible()
    assert public.goto(f"{demo_live.url}{PLAN}/").url.startswith(f"{demo_live.url}/accounts/login/")

    page.get_by_role("button", name=f"Withdraw 01/18 for {AUDIENCE}").click()
    expect(page.get_by_role("status")).to_contain_text("Withdrawn: 01/18")
    expect(page.locator("table").last).to_contain_text("Withdrawn")
    assert public.goto(demo_live.url + address).status == 404
    publication = Publication.objects.get()
    assert publication.withdrawn_by.username == "owner"
    public.context.close()


def test_an_empty_audience_is_refused_with_an_error_summary(signed_in, demo_live, frozen_pack):
    page = signed_in("owner")
    page.goto(f"{demo_live.url}{PLAN}/publications/")
    page.get_by_label("Published for").fill("   ")  # the browser's own check refuses an empty box
    page.get_by_role("button", name="Publish 01/18 v1").click()
    expect(page.get_by_role("alert")).to_contain_text("Say who it is published for")
    assert not Publication.objects.exists()
