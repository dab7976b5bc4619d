"""A lead rates a measure for the open period and writes the update: in place with htmx, or as a plain form."""

from datetime import date

from django.urls import reverse

from plans.models import Measure, Rating
from tests.factories import rating_data

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_htmx_form_row_shows_every_level_with_its_number_label_and_description(client, smurphy, murphy_measure):
    client.force_login(smurphy)
    response = client.get(reverse("measure-rate", args=[murphy_measure.pk]), **HTMX)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith("<tr")
    assert "<html" not in text
    for value, label in [(1, "Not started / significant delay"), (3, "On track"), (5, "Completed, can be removed")]:
        assert f'<span class="tag__value">{value}</span> {label}' in text
    assert "The action is on track to be completed by the agreed date" in text
    assert "Rating for 01/18" in text


def test_saving_in_place_writes_the_rating_and_update_and_returns_the_row(
    client, smurphy, thurrock, murphy_measure, open_period
):
    client.force_login(smurphy)
    data = rating_data(thurrock, murphy_measure, 3, "Training delivered to all teams.")
    response = client.post(reverse("measure-rate", args=[murphy_measure.pk]), data, **HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith(f'<tr id="measure-{murphy_measure.pk}"')
    assert "Saved." in text
    assert "Training delivered to all teams." in text
    rating = Rating.objects.get(measure=murphy_measure, period=open_period)
    assert (rating.level.value, rating.update, rating.status) == (3, "Training delivered to all teams.", "approved")
    measure = Measure.objects.get(pk=murphy_measure.pk)
    assert measure.progress_update == "Training delivered to all teams."
    assert measure.version == murphy_measure.version + 1
    last = rating.history.first()
    assert last.history_user == smurphy
    assert last.prev_record.level.value == 2


def test_without_javascript_the_plain_form_page_saves_and_redirects_with_a_banner(
    client, smurphy, thurrock, murphy_measure, open_period
):
    client.force_login(smurphy)
    page = client.get(reverse("measure-rate", args=[murphy_measure.pk]))
    assert "<html" in page.content.decode()
    assert "Save rating and update" in page.content.decode()
    response = client.post(
        reverse("measure-rate", args=[murphy_measure.pk]), rating_data(thurrock, murphy_measure, 3), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("my-measures")
    assert "Saved." in response.content.decode()
    assert Rating.objects.get(measure=murphy_measure, period=open_period).level.value == 3


def test_a_rating_at_the_two_lowest_levels_needs_a_reason(client, smurphy, thurrock, murphy_measure, open_period):
    client.force_login(smurphy)
    url = reverse("measure-rate", args=[murphy_measure.pk])
    printed = Rating.objects.get(measure=murphy_measure, period=open_period).update  # the 01/18 report's update
    for value in (1, 2):
        response = client.post(url, rating_data(thurrock, murphy_measure, value), **HTMX)
        text = response.content.decode()
        assert "There is a problem" in text
        assert f"Give a reason for rating it {value} " in text
    assert Rating.objects.get(measure=murphy_measure, period=open_period).update == printed  # nothing saved
    client.post(url, rating_data(thurrock, murphy_measure, 1, reason="Trainer left; re-procuring."), **HTMX)
    rating = Rating.objects.get(measure=murphy_measure, period=open_period)
    assert (rating.level.value, rating.reason) == (1, "Trainer left; re-procuring.")


def test_a_rating_of_three_needs_no_reason(client, smurphy, thurrock, murphy_measure, open_period):
    client.force_login(smurphy)
    client.post(reverse("measure-rate", args=[murphy_measure.pk]), rating_data(thurrock, murphy_measure, 3), **HTMX)
    assert Rating.objects.get(measure=murphy_measure, period=open_period).level.value == 3


def test_changing_the_due_month_needs_a_reason_and_the_original_stays_visible(
    client, smurphy, thurrock, murphy_measure
):
    client.force_login(smurphy)
    url = reverse("measure-rate", args=[murphy_measure.pk])
    response = client.post(url, rating_data(thurrock, murphy_measure, 3, due="2018-12"), **HTMX)
    assert "Give a reason for changing the due month." in response.content.decode()
    assert Measure.objects.get(pk=murphy_measure.pk).due_month == date(2018, 9, 1)
    response = client.post(
        url, rating_data(thurrock, murphy_measure, 3, due="2018-12", reason="Trainer delay."), **HTMX
    )
    text = response.content.decode()
    assert "Dec 2018" in text
    assert "originally Sep 2018" in text
    measure = Measure.objects.get(pk=murphy_measure.pk)
    assert measure.due_month == date(2018, 12, 1)
    assert measure.history.first().history_change_reason == "Due month changed: Trainer delay."
    page = client.get(reverse("measure-detail", args=[murphy_measure.pk])).content.decode()
    assert "originally September 2018" in page


def test_a_due_month_that_is_not_a_month_is_refused_by_name(client, smurphy, thurrock, murphy_measure):
    client.force_login(smurphy)
    data = rating_data(thurrock, murphy_measure, 3, due="next spring", reason="x")
    response = client.post(reverse("measure-rate", args=[murphy_measure.pk]), data, **HTMX)
    assert "Enter the due month as a year and month" in response.content.decode()
    assert Measure.objects.get(pk=murphy_measure.pk).version == murphy_measure.version


def test_a_missing_rating_or_update_is_named_and_nothing_changes(client, smurphy, thurrock, murphy_measure):
    client.force_login(smurphy)
    response = client.post(
        reverse("measure-rate", args=[murphy_measure.pk]), {"version": murphy_measure.version}, **HTMX
    )
    text = response.content.decode()
    assert "Choose a rating for this period." in text
    assert "Write a progress update." in text
    assert Measure.objects.get(pk=murphy_measure.pk).version == murphy_measure.version


def test_cancelling_an_edit_brings_back_the_row(client, smurphy, murphy_measure):
    client.force_login(smurphy)
    response = client.get(reverse("measure-row", args=[murphy_measure.pk]), **HTMX)
    assert response.content.decode().lstrip().startswith(f'<tr id="measure-{murphy_measure.pk}"')


def test_a_level_from_another_scale_is_refused(client, smurphy, send_plan, thurrock, murphy_measure, open_period):
    client.force_login(smurphy)
    data = rating_data(thurrock, murphy_measure, 3)
    data["level"] = str(send_plan.scale.levels.get(label="Completed").pk)
    response = client.post(reverse("measure-rate", args=[murphy_measure.pk]), data, **HTMX)
    assert "Select a valid choice" in response.content.decode()
    assert Rating.objects.get(measure=murphy_measure, period=open_period).level.value == 2  # as before
    assert Measure.objects.get(pk=murphy_measure.pk).version == murphy_measure.version
