"""Two people editing the same measure: the second save is refused with a conflict view, never lost."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from plans.models import Lead, Measure, Membership, Period, Rating
from tests.factories import LeadFactory, MeasureFactory, PeriodFactory, rating_data

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_save_based_on_an_old_version_is_refused_and_shows_both_versions(
    client, smurphy, owner, thurrock, murphy_measure, open_period
):
    stale = rating_data(thurrock, murphy_measure, 3, "Mine: training under way.")
    client.force_login(owner)
    client.post(
        reverse("measure-rate", args=[murphy_measure.pk]),
        rating_data(thurrock, murphy_measure, 4, "Theirs: model embedded."),
        **HTMX,
    )
    client.force_login(smurphy)
    response = client.post(reverse("measure-rate", args=[murphy_measure.pk]), stale, **HTMX)
    text = response.content.decode()
    assert "Someone else changed this measure while you were editing" in text
    assert "Pat Owner saved it" in text
    assert "Theirs: model embedded." in text
    assert "Mine: training under way." in text
    assert "Save mine over theirs" in text
    assert f'name="version" value="{murphy_measure.version + 1}"' in text
    rating = Rating.objects.get(measure=murphy_measure, period=open_period)
    assert (rating.level.value, rating.update) == (4, "Theirs: model embedded.")
    assert Measure.objects.get(pk=murphy_measure.pk).progress_update == "Theirs: model embedded."


def test_the_plain_form_answers_a_conflict_with_409_and_the_comparison(client, smurphy, thurrock, murphy_measure):
    client.force_login(smurphy)
    stale = rating_data(thurrock, murphy_measure, 3, "First.")
    url = reverse("measure-rate", args=[murphy_measure.pk])
    client.post(url, stale)
    response = client.post(url, {**stale, "update": "Second."})
    assert response.status_code == 409
    # The same user, from another tab: told so, not that "someone else" saved it.
    assert "Your earlier change (saved)" in response.content.decode()


def test_after_a_conflict_the_user_can_overwrite_deliberately(client, smurphy, thurrock, murphy_measure, open_period):
    client.force_login(smurphy)
    url = reverse("measure-rate", args=[murphy_measure.pk])
    stale = rating_data(thurrock, murphy_measure, 3, "Mine.")
    client.post(url, rating_data(thurrock, murphy_measure, 4, "Theirs."), **HTMX)
    conflict = client.post(url, stale, **HTMX)
    new_version = conflict.context["form"]["version"].value()
    client.post(url, {**stale, "version": new_version}, **HTMX)
    rating = Rating.objects.get(measure=murphy_measure, period=open_period)
    assert (rating.level.value, rating.update) == (3, "Mine.")
    # Both saves are in the history: nothing was lost silently.
    updates = [row.update for row in rating.history.order_by("history_date")]
    assert updates[-2:] == ["Theirs.", "Mine."]


def test_after_a_conflict_the_user_can_merge_the_two_updates(client, smurphy, thurrock, murphy_measure, open_period):
    client.force_login(smurphy)
    url = reverse("measure-rate", args=[murphy_measure.pk])
    stale = rating_data(thurrock, murphy_measure, 3, "Mine.")
    client.post(url, rating_data(thurrock, murphy_measure, 4, "Theirs."), **HTMX)
    version = client.post(url, stale, **HTMX).context["form"]["version"].value()
    client.post(url, {**stale, "update": "Theirs. Mine.", "version": version}, **HTMX)
    assert Rating.objects.get(measure=murphy_measure, period=open_period).update == "Theirs. Mine."


def concurrent_plan():
    """A committed plan with one measure led by four contributors, each with a login."""
    period = PeriodFactory(status=Period.Status.OPEN)
    measure = MeasureFactory(action__outcome__priority__plan=period.plan)
    users = []
    for n in range(4):
        user = get_user_model().objects.create_user(f"lead{n}", password="pw")
        Membership.objects.create(plan=period.plan, user=user, role=Membership.Role.CONTRIBUTOR)
        measure.leads.add(LeadFactory(plan=period.plan, user=user))
        users.append(user)
    return period, measure, users


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's in-memory test database cannot share rows between threads"
)
def test_concurrent_saves_on_postgresql_let_exactly_one_win_and_refuse_the_rest(transactional_db, monkeypatch):
    period, measure, users = concurrent_plan()
    levels = list(period.plan.scale.levels.all())
    original_save = Rating.save

    def slow_save(self, *args, **kwargs):
        # Widen the window between checking the version and writing, so an unlocked check would let all through.
        time.sleep(0.3)
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Rating, "save", slow_save)
    barrier = threading.Barrier(len(users))
    statuses: dict[str, str] = {}

    def save_as(user, index):
        from django.db import connections

        client = Client()
        client.force_login(user)
        data = {"level": str(levels[2].pk), "update": f"Update from {user.username}", "version": "1", "due_month": ""}
        barrier.wait()
        try:
            response = client.post(reverse("measure-rate", args=[measure.pk]), data, HTTP_HX_REQUEST="true")
            text = response.content.decode()
            statuses[user.username] = (
                "conflict" if "Someone else changed" in text else ("saved" if "Saved." in text else text)
            )
        except Exception as error:  # any failure is reported by the assertion below
            statuses[user.username] = f"error: {error!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save_as, args=(user, i)) for i, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses.values()) == ["conflict", "conflict", "conflict", "saved"], statuses
    measure.refresh_from_db()
    assert measure.version == 2
    winner = next(name for name, status in statuses.items() if status == "saved")
    assert measure.progress_update == f"Update from {winner}"
    assert Rating.history.filter(measure_id=measure.pk).count() == 1
    assert Lead.objects.filter(measures_led=measure).count() == 4
