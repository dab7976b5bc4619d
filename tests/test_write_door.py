"""The write door, from each way in: the rating form, its htmx variant, the admin, the owner's structure pages
and sign-off. Each refuses a closed period (writing nothing, saying why), applies the reason rule, turns a
change made since the page was opened into a conflict, and writes history naming the user and the source.

The import and the import_plan command are in tests/spreadsheets/test_import_door.py.

The demo Development Plan: Initial is closed, 01/18 open. "Signs of Safety Model is in place…" is S Murphy's
measure (Priority 1), rated 2 in both; "Senior Management structure established" is rated 4 in both.
"""

import threading
import time
from datetime import date
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, connections
from django.urls import reverse

from plans.audit import WEB, Actor
from plans.models import Comment, Measure, Period, Plan, Rating
from plans.ratings.services import RatingChange, Refused, save_rating
from tests.factories import MeasureFactory, PeriodFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def owner(db):
    return get_user_model().objects.get(username="owner")


@pytest.fixture
def smurphy(db):
    return get_user_model().objects.get(username="smurphy")


@pytest.fixture
def sos(thurrock) -> Measure:
    return Measure.objects.get(text__startswith="Signs of Safety Model is in place", leads__name="Sheila Murphy")


@pytest.fixture
def initial(thurrock) -> Period:
    return thurrock.periods.get(label="Initial")


@pytest.fixture
def current(thurrock) -> Period:
    return thurrock.periods.get(label="01/18")


def level(plan, value):
    return plan.scale.levels.get(value=value)


def rating_form(plan, measure, value, update, *, reason="", version=None, due=None) -> dict:
    """What the rating form posts; the due month is the measure's own unless given."""
    if due is None:
        due = measure.due_month.strftime("%Y-%m") if measure.due_month else ""
    return {
        "level": str(level(plan, value).pk),
        "update": update,
        "reason": reason,
        "due_month": due,
        "version": str(measure.version if version is None else version),
    }


def rating_of(measure, period) -> Rating | None:
    return Rating.objects.filter(measure=measure, period=period).select_related("level").first()


def stale_open(period: Period):
    """The period as a page read it a moment before the owner closed it: the page still thinks it open."""
    seen = Period.objects.get(pk=period.pk)
    seen.status = Period.Status.OPEN
    return mock.patch.object(Plan, "open_period", return_value=seen)


def close(period: Period) -> None:
    period.status = Period.Status.CLOSED
    period.save()


def history_rows(model) -> int:
    return model.history.count()


# --- The rating form (plain POST) and its htmx variant ----------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain form", "htmx"])
def test_a_rating_posted_after_its_period_closed_is_refused_and_nothing_is_written(
    client, smurphy, thurrock, sos, current, headers
):
    client.force_login(smurphy)
    before = (rating_of(sos, current).level.value, sos.version, history_rows(Rating), history_rows(Measure))
    data = rating_form(thurrock, sos, 3, "Written before the close.")
    close(current)
    with stale_open(current):  # the page was opened, and the view read the period, before it closed
        response = client.post(reverse("measure-rate", args=[sos.pk]), data, **headers)
    assert "Period 01/18 is closed; reopen it first." in response.content.decode()
    sos.refresh_from_db()
    after = (rating_of(sos, current).level.value, sos.version, history_rows(Rating), history_rows(Measure))
    assert after == before


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain form", "htmx"])
def test_a_rating_at_a_lowest_level_needs_a_reason(client, smurphy, thurrock, sos, current, headers):
    client.force_login(smurphy)
    url = reverse("measure-rate", args=[sos.pk])
    response = client.post(url, rating_form(thurrock, sos, 1, "Stalled."), **headers)
    assert "Give a reason for rating it 1 Not started / significant delay." in response.content.decode()
    assert rating_of(sos, current).level.value == 2
    client.post(url, rating_form(thurrock, sos, 1, "Stalled.", reason="Trainer left in December."), **headers)
    rating = rating_of(sos, current)
    assert (rating.level.value, rating.reason) == (1, "Trainer left in December.")


def test_the_door_itself_refuses_a_missing_reason_whoever_calls_it(thurrock, smurphy, sos, current):
    change = RatingChange(level=level(thurrock, 1), update="Stalled.", reason="", due_month=sos.due_month, version=1)
    sos.version = 1
    sos.save()
    with pytest.raises(Refused, match="Give a reason for rating it 1"):
        save_rating(sos, current, change, by=Actor(smurphy, WEB))
    moved = RatingChange(level=level(thurrock, 3), update="Later.", reason="", due_month=date(2019, 3, 1), version=1)
    with pytest.raises(Refused, match="Give a reason for changing the due month"):
        save_rating(sos, current, moved, by=Actor(smurphy, WEB))
    assert rating_of(sos, current).level.value == 2


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain form", "htmx"])
def test_a_save_based_on_an_old_version_is_a_conflict_and_overwrites_nothing(
    client, smurphy, owner, thurrock, sos, current, headers
):
    opened = rating_form(thurrock, sos, 3, "Mine: training under way.")
    client.force_login(owner)
    client.post(reverse("measure-rate", args=[sos.pk]), rating_form(thurrock, sos, 4, "Theirs: embedded."))
    client.force_login(smurphy)
    response = client.post(reverse("measure-rate", args=[sos.pk]), opened, **headers)
    assert response.status_code == (200 if headers else 409)
    text = response.content.decode()
    assert "Someone else changed this measure while you were editing" in text
    assert "Pat Owner saved it" in text
    assert "Mine: training under way." in text  # offered to merge
    rating = rating_of(sos, current)
    assert (rating.level.value, rating.update) == (4, "Theirs: embedded.")


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain form", "htmx"])
def test_a_saved_rating_has_one_history_row_naming_the_lead_and_the_web(client, smurphy, thurrock, sos, headers):
    client.force_login(smurphy)
    before = history_rows(Rating)
    client.post(reverse("measure-rate", args=[sos.pk]), rating_form(thurrock, sos, 3, "On track."), **headers)
    assert history_rows(Rating) == before + 1
    row = Rating.history.filter(measure_id=sos.pk).latest("history_id")
    assert (row.history_user, row.history_source, row.level.value) == (smurphy, "web", 3)
    page = client.get(reverse("measure-detail", args=[sos.pk])).content.decode()
    assert "by Sheila Murphy" in page
    assert "via web" in page  # the timeline says where each change came from


# --- The admin ------------------------------------------------------------------------------------------


def admin_data(client, url) -> dict:
    """The admin change form's current values, as the browser would post them back."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    return data


def test_an_admin_change_of_a_rating_in_a_closed_period_is_refused_with_a_message(
    client, alice, thurrock, sos, initial
):
    client.force_login(alice)
    rating = rating_of(sos, initial)
    url = reverse("admin:plans_rating_change", args=[rating.pk])
    data = admin_data(client, url)
    before = history_rows(Rating)
    response = client.post(url, {**data, "level": level(thurrock, 4).pk})
    assert response.status_code == 200
    assert "Period Initial is closed; reopen it first." in response.content.decode()
    assert rating_of(sos, initial).level.value == 2
    assert history_rows(Rating) == before


def test_an_admin_delete_of_a_rating_in_a_closed_period_is_refused_with_a_message(
    client, alice, thurrock, sos, initial
):
    client.force_login(alice)
    rating = rating_of(sos, initial)
    response = client.post(reverse("admin:plans_rating_delete", args=[rating.pk]), {"post": "yes"}, follow=True)
    assert "Nothing was deleted. Period Initial is closed; reopen it first." in response.content.decode()
    assert Rating.objects.filter(pk=rating.pk).exists()


def test_an_admin_rating_at_a_lowest_level_needs_a_reason(client, alice, thurrock, sos, current):
    client.force_login(alice)
    url = reverse("admin:plans_rating_change", args=[rating_of(sos, current).pk])
    data = admin_data(client, url)
    response = client.post(url, {**data, "level": level(thurrock, 1).pk, "reason": ""})
    assert "Give a reason for rating it 1 Not started / significant delay." in response.content.decode()
    assert rating_of(sos, current).level.value == 2


def test_an_admin_page_opened_before_someone_else_saved_is_a_conflict(client, alice, smurphy, thurrock, sos, current):
    client.force_login(alice)
    url = reverse("admin:plans_rating_change", args=[rating_of(sos, current).pk])
    opened = admin_data(client, url)
    save_rating(
        sos,
        current,
        RatingChange(level(thurrock, 3), "Lead's save.", "", sos.due_month, sos.version),
        by=Actor(smurphy, WEB),
    )
    response = client.post(url, {**opened, "level": level(thurrock, 4).pk}, follow=True)
    assert "Nothing was saved. Someone else changed this measure while you were editing it" in (
        response.content.decode()
    )
    rating = rating_of(sos, current)
    assert (rating.level.value, rating.update) == (3, "Lead's save.")


def test_an_admin_change_is_one_history_row_naming_the_user_and_the_admin(client, alice, thurrock, sos, current):
    client.force_login(alice)
    url = reverse("admin:plans_rating_change", args=[rating_of(sos, current).pk])
    before_version = sos.version
    response = client.post(url, {**admin_data(client, url), "level": level(thurrock, 3).pk})
    assert response.status_code == 302
    row = Rating.history.filter(measure_id=sos.pk).latest("history_id")
    assert (row.history_user, row.history_source, row.level.value) == (alice, "admin", 3)
    sos.refresh_from_db()
    assert sos.version == before_version + 1


def test_an_admin_measure_change_moving_its_due_month_needs_a_reason(client, alice, sos):
    client.force_login(alice)
    url = reverse("admin:plans_measure_change", args=[sos.pk])
    data = {**admin_data(client, url), "due_month": "2019-03-01", "ratings-TOTAL_FORMS": "0"}
    data.update({"ratings-INITIAL_FORMS": "0", "ratings-MIN_NUM_FORMS": "0", "ratings-MAX_NUM_FORMS": "1000"})
    response = client.post(url, {**data, "reason": ""})
    assert "Give a reason for changing the due month." in response.content.decode()
    assert Measure.objects.get(pk=sos.pk).due_month == date(2018, 9, 1)
    response = client.post(url, {**data, "reason": "Rescheduled by the board."})
    assert response.status_code == 302
    row = sos.history.latest("history_id")
    assert (row.due_month, row.history_change_reason, row.history_source) == (
        date(2019, 3, 1),
        "Rescheduled by the board.",
        "admin",
    )


def test_deleting_a_measure_with_closed_periods_ratings_in_the_admin_is_refused(client, alice, sos):
    client.force_login(alice)
    response = client.post(reverse("admin:plans_measure_delete", args=[sos.pk]), {"post": "yes"}, follow=True)
    assert "Nothing was deleted. This measure holds 1 rating of closed periods" in response.content.decode()
    assert Measure.objects.filter(pk=sos.pk).exists()


# --- The owner's structure pages ----------------------------------------------------------------------


def measure_form(measure, **changes) -> dict:
    data = {
        "action": measure.action_id,
        "text": measure.text,
        "leads": [lead.pk for lead in measure.leads.all()],
        "officer_text": measure.officer_text,
        "time_text": measure.time_text,
        "order": measure.order,
        "version": measure.version,
    }
    return {**data, **changes}


def test_an_owner_moving_a_due_month_must_say_why_and_the_reason_is_kept(client, owner, thurrock, sos):
    client.force_login(owner)
    url = reverse("owner-measure-edit", args=[thurrock.slug, sos.pk])
    response = client.post(url, measure_form(sos, time_text="Mar 19"))
    assert "Give a reason for changing the due month." in response.content.decode()
    assert Measure.objects.get(pk=sos.pk).due_month == date(2018, 9, 1)
    client.post(url, measure_form(sos, time_text="Mar 19", reason="Training budget moved to 2019."))
    row = sos.history.latest("history_id")
    assert (row.due_month, row.history_change_reason) == (date(2019, 3, 1), "Training budget moved to 2019.")
    assert (row.history_user, row.history_source) == (owner, "web")


def test_an_owners_measure_form_opened_before_a_leads_save_is_a_conflict(
    client, owner, smurphy, thurrock, sos, current
):
    client.force_login(owner)
    opened = measure_form(sos, text="Signs of Safety embedded")
    save_rating(
        sos,
        current,
        RatingChange(level(thurrock, 3), "Lead's update.", "", sos.due_month, sos.version),
        by=Actor(smurphy, WEB),
    )
    response = client.post(reverse("owner-measure-edit", args=[thurrock.slug, sos.pk]), opened)
    assert "Someone else changed this measure while you were editing it" in response.content.decode()
    sos.refresh_from_db()
    assert (sos.text.startswith("Signs of Safety Model is in place"), sos.progress_update) == (True, "Lead's update.")


# --- Sign-off -------------------------------------------------------------------------------------------


@pytest.fixture
def submitted(client, smurphy, thurrock, sos, current):
    thurrock.requires_signoff = True
    thurrock.save()
    client.force_login(smurphy)
    client.post(reverse("measure-rate", args=[sos.pk]), rating_form(thurrock, sos, 3, "Ready for sign-off."))
    rating = rating_of(sos, current)
    assert rating.status == Rating.Status.SUBMITTED
    return rating


def test_sign_off_and_its_comment_are_one_transaction(client, owner, submitted, sos):
    client.force_login(owner)
    with (
        mock.patch.object(Comment, "save", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        client.post(reverse("rating-signoff", args=[submitted.pk]), {"decision": "return", "comment": "Evidence?"})
    submitted.refresh_from_db()
    assert submitted.status == Rating.Status.SUBMITTED  # the comment failed, so the decision was not kept either
    assert not Comment.objects.filter(measure=sos).exists()


def test_sign_off_is_refused_once_the_period_has_closed(client, owner, submitted, current):
    close(current)
    client.force_login(owner)
    response = client.post(reverse("rating-signoff", args=[submitted.pk]), {"decision": "approve"}, follow=True)
    assert "Nothing was changed. Period 01/18 is closed; reopen it first." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Rating.Status.SUBMITTED


def test_an_approval_writes_the_rating_and_its_comment_naming_the_owner_and_the_web(client, owner, submitted, sos):
    client.force_login(owner)
    client.post(reverse("rating-signoff", args=[submitted.pk]), {"decision": "approve"})
    row = submitted.history.latest("history_id")
    assert (row.status, row.history_user, row.history_source) == ("approved", owner, "web")
    comment = Comment.objects.get(measure=sos)
    assert (comment.kind, comment.author) == ("approved", owner)
    assert comment.history.get().history_source == "web"


# --- Closing a period while a rating is being saved in it (PostgreSQL) ------------------------------------


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's in-memory test database cannot share rows between threads"
)
def test_closing_a_period_waits_for_a_rating_save_already_under_way_in_it(transactional_db, monkeypatch):
    """The save reads the period's status share-locked, so the UPDATE closing it queues behind the save: when
    the close is through, the rating is already committed. Without the lock the close would go through while
    the save is still open, and the rating land in a closed period after it."""
    period = PeriodFactory(status=Period.Status.OPEN)
    measure = MeasureFactory(action__outcome__priority__plan=period.plan)
    user = get_user_model().objects.create_user("rater", password="pw")
    third = period.plan.scale.levels.get(value=3)
    inside, seen = threading.Event(), {}
    original_save = Rating.save

    def save_slowly(self, *args, **kwargs):
        inside.set()
        time.sleep(0.5)  # the close is tried while this save's transaction is open
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Rating, "save", save_slowly)

    def rate():
        try:
            change = RatingChange(third, "Saved as it closed.", "", measure.due_month, measure.version)
            read = Period.objects.select_related("plan__scale").get(pk=period.pk)
            save_rating(measure, read, change, by=Actor(user, WEB))
        finally:
            connections.close_all()

    def close_it():
        try:
            inside.wait(10)
            Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)  # what closing it writes
            seen["rating when closed"] = Rating.objects.filter(measure=measure).exists()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=rate), threading.Thread(target=close_it)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert seen == {"rating when closed": True}
    assert Period.objects.get(pk=period.pk).status == Period.Status.CLOSED
    assert Rating.objects.get(measure=measure).level == third
