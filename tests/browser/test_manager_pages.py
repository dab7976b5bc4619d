"""Service managers in a real browser: rate in place with htmx, see a conflict, be refused another's measure."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from plans.demo.loader import DEMO_PASSWORD
from plans.models import Lead, Measure, Membership, Plan, Rating

pytestmark = pytest.mark.browser
SIGNS_OF_SAFETY = "Signs of Safety Model is in place"


def sign_in(page, base, username, password=DEMO_PASSWORD):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    return page


def measure_row(page):
    return page.locator("tr.measure-row", has_text=SIGNS_OF_SAFETY)


def open_inline_form(page):
    row = measure_row(page)
    row.get_by_role("link", name=re.compile("^Update")).click()
    form_row = page.locator("tr.measure-row--editing", has_text=SIGNS_OF_SAFETY)
    expect(form_row.get_by_role("group", name="Rating for 01/18")).to_be_visible()
    return form_row


def test_a_lead_signs_in_and_rates_a_measure_in_place(signed_in, demo_live):
    page = signed_in("smurphy")
    expect(page.get_by_role("heading", name="My measures")).to_be_visible()
    url = page.url
    form_row = open_inline_form(page)
    expect(page).to_have_url(url)  # htmx swapped the row; no page load
    form_row.get_by_label(re.compile("^3 On track")).check()
    form_row.get_by_label("Progress update").fill("All teams trained; audits show the model in use.")
    form_row.get_by_role("button", name="Save rating and update").click()
    row = measure_row(page)
    expect(row.get_by_role("status")).to_have_text("Saved.")
    expect(row).to_contain_text("3 On track")
    expect(row).to_contain_text("All teams trained")
    expect(page).to_have_url(url)
    measure = Measure.objects.get(text__startswith=SIGNS_OF_SAFETY, leads__name="Sheila Murphy")
    assert measure.ratings.get(period__label="01/18").level.value == 3
    assert measure.progress_update == "All teams trained; audits show the model in use."


def test_two_browsers_editing_the_same_measure_get_a_conflict_view(browser, signed_in, demo_live):
    first = signed_in("smurphy")
    other_context = browser.new_context(viewport={"width": 1400, "height": 900})
    second = sign_in(other_context.new_page(), demo_live.url, "owner")
    second.goto(f"{demo_live.url}/my-measures/")
    measure = Measure.objects.get(text__startswith=SIGNS_OF_SAFETY, leads__name="Sheila Murphy")
    # The owner leads nothing, so opens the plain form page for the measure.
    second.goto(f"{demo_live.url}/measures/{measure.pk}/rate/")
    first_form = open_inline_form(first)

    second.get_by_label(re.compile("^4 Completed, being monitored")).check()
    second.get_by_label("Progress update").fill("Owner: signed off as embedded.")
    second.get_by_role("button", name="Save rating and update").click()
    expect(second.get_by_role("status").first).to_contain_text("Saved.")

    first_form.get_by_label(re.compile("^3 On track")).check()
    first_form.get_by_label("Progress update").fill("Lead: training under way.")
    first_form.get_by_role("button", name="Save rating and update").click()
    conflict = first.get_by_role("alert").filter(has_text="Someone else changed this measure")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Pat Owner saved it")
    expect(conflict).to_contain_text("Owner: signed off as embedded.")
    expect(conflict).to_contain_text("Lead: training under way.")
    assert Rating.objects.get(measure=measure, period__label="01/18").level.value == 4
    first.screenshot(path="/tmp/manager-conflict-test.png")

    first.get_by_role("button", name="Save mine over theirs").click()
    expect(measure_row(first).get_by_role("status")).to_have_text("Saved.")
    assert Rating.objects.get(measure=measure, period__label="01/18").level.value == 3
    other_context.close()


def test_a_contributor_is_refused_another_leads_measure(page, demo_live):
    plan = Plan.objects.get(slug="thurrock-2017-19")
    janet = get_user_model().objects.create_user("janet", password="janet-password-1")
    Membership.objects.create(plan=plan, user=janet, role=Membership.Role.CONTRIBUTOR)
    lead = Lead.objects.get(name="Janet Simon")
    lead.user = janet
    lead.save()
    sign_in(page, demo_live.url, "janet", "janet-password-1")
    expect(page.get_by_role("heading", name="My measures")).to_be_visible()
    expect(page.locator("tr.measure-row", has_text=SIGNS_OF_SAFETY)).to_have_count(0)
    measure = Measure.objects.get(text__startswith=SIGNS_OF_SAFETY, leads__name="Sheila Murphy")
    response = page.goto(f"{demo_live.url}/measures/{measure.pk}/rate/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot do this")).to_be_visible()
