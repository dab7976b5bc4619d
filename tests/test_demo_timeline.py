"""The demo's history tells the 2017-18 story, and the board can look at the plan as at any moment."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.audit import acting_as, history_dated
from plans.board.forms import AsAt, AsAtForm
from plans.demo.loader import FIXTURES, read_plan
from plans.models import Measure, Period, Priority

# DOMAIN.md: the RAG summary the rows give for Initial and for 01/18.
INITIAL = ["2.8", "1.7", "2.0", "2.0", "2.0", "1.5", "2.3", "2.6"]
JANUARY = ["3.3", "2.3", "2.5", "3.0", "2.0", "2.5", "2.4", "2.9"]


def fixture_ratings(column: int) -> list[int | None]:
    """Each measure's printed rating in one RAG column of the transcribed plan, in printed order (0 = not rated)."""
    plan = read_plan(FIXTURES / "thurrock-2017-19")
    values = [
        (m.get("ratings") or [0, 0, 0, 0])[column]
        for priority in plan["priorities"]
        for outcome in priority.get("outcomes", [])
        for action in outcome["actions"]
        for m in action["measures"]
    ]
    return [int(v) or None for v in values]


def scores(summary, when: str) -> list[str | None]:
    return [None if row[when]["score"] is None else str(row[when]["score"]) for row in summary]


@pytest.fixture
def board_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="board"))
    return client


def test_the_periods_carry_the_dates_the_seed_gives(thurrock):
    periods = {p.label: (p.starts, p.ends) for p in thurrock.periods.all()}
    assert periods["Initial"] == (date(2017, 7, 1), date(2017, 7, 31))
    assert periods["01/18"] == (date(2017, 8, 1), date(2018, 1, 31))
    assert periods["05/18"] == (date(2018, 4, 1), date(2018, 5, 31))


def test_as_at_1_december_2017_the_dashboard_shows_the_initial_ratings_only(board_client, thurrock):
    # By default the headline period as it stood: Initial, the last closed period with ratings (01/18, open, had
    # none yet), so the board reads 2.1 rather than an empty period.
    default = board_client.get(reverse("board-dashboard", args=[thurrock.slug]), {"as_at": "2017-12-01"})
    c = default.context["c"]
    assert (c.previous, c.current.label, c.rated) == (None, "Initial", 97)
    assert scores(c.summary, "current") == INITIAL
    asked = {"as_at": "2017-12-01", "previous": "Initial", "current": "01/18"}
    response = board_client.get(reverse("board-dashboard", args=[thurrock.slug]), asked)
    c = response.context["c"]
    assert (c.previous.label, c.current.label) == ("Initial", "01/18")
    assert scores(c.summary, "previous") == INITIAL
    assert c.overall["previous"]["score"] is not None
    assert str(c.overall["previous"]["score"]) == "2.1"
    assert scores(c.summary, "current") == [None] * 8
    assert c.rated == 0
    assert len(c.not_rated) == 97
    assert "As at 1 December 2017:" in response.content.decode()


def test_as_at_1_december_2017_the_plan_page_has_no_january_ratings_or_updates(board_client, thurrock):
    response = board_client.get(reverse("board-plan-as-at", args=[thurrock.slug]), {"as_at": "2017-12-01"})
    rows = [row for _priority, rows in response.context["priorities"] for row in rows]
    assert len(rows) == 97
    labels = [p.label for p in response.context["periods"]]
    initial, january = labels.index("Initial"), labels.index("01/18")
    # Each row holds the level of each shown period's rating (None: not rated then).
    assert [r["levels"][initial].value if r["levels"][initial] else None for r in rows] == fixture_ratings(0)
    assert all(r["levels"][january] is None for r in rows)
    assert not any(r["measure"].progress_update for r in rows)  # the printed updates were written in January 2018


def test_as_at_the_end_of_january_2018_the_plan_page_reproduces_the_01_18_column(board_client, thurrock):
    response = board_client.get(reverse("board-plan-as-at", args=[thurrock.slug]), {"as_at": "2018-01-31"})
    context = response.context
    labels = [p.label for p in context["periods"]]
    january = labels.index("01/18")
    rows = [row for _priority, rows in context["priorities"] for row in rows]
    assert [r["levels"][january].value if r["levels"][january] else None for r in rows] == fixture_ratings(1)
    assert [str(row["scores"][january]["score"]) for row in context["summary"]] == JANUARY
    assert str(context["overall"][january]["score"]) == "2.6"
    first = rows[0]["measure"]
    assert (first.text, first.progress_update) == (
        "Senior Management structure established",
        "Costed structure in place.",
    )


def test_as_at_a_moment_in_the_day_the_01_18_board_is_before_or_after_its_records(board_client, thurrock):
    """The 01/18 ratings are recorded at noon on 24 January 2018 (the fixture's date; the seed gives no time)."""
    url = reverse("board-dashboard", args=[thurrock.slug])
    # Before noon 01/18 has nothing rated, so it is asked for (the default headline is Initial then).
    before = board_client.get(url, {"as_at": "2018-01-24T11:59", "current": "01/18"})
    after = board_client.get(url, {"as_at": "2018-01-24", "time": "12:30"})
    assert scores(before.context["c"].summary, "current") == [None] * 8
    assert after.context["c"].current.label == "01/18"  # every measure rated by then: the headline
    assert scores(after.context["c"].summary, "current") == JANUARY
    text = after.content.decode()
    assert "As at 24 January 2018, 12:30:" in text
    assert "as the plan stood at 12:30 that day" in text
    assert 'href="/plans/thurrock-2017-19/board/as-at/?as_at=2018-01-24T12%3A30"' in text
    assert 'value="12:30"' in text  # the time input keeps the moment
    end_of_day = board_client.get(url, {"as_at": "2018-01-24"}).content.decode()
    assert "as the plan stood at the end of that day" in end_of_day


def test_a_measures_timeline_tells_the_2017_18_story(board_client, thurrock):
    measure = Measure.objects.of_plan(thurrock).get(text="Senior Management structure established")
    events = board_client.get(reverse("measure-detail", args=[measure.pk])).context["timeline"]
    days = sorted({timezone.localtime(e.when).date() for e in events})
    assert days == [date(2017, 7, 11), date(2018, 1, 24)]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"as_at": "last tuesday"}, "As at: “last tuesday” is not a date"),
        ({"as_at": "²"}, "As at: “²” is not a date"),
        ({"as_at": "2018-02-30"}, "As at: “2018-02-30” is not a date"),
        ({"as_at": "2018-01-31T25:00"}, "As at: “2018-01-31T25:00” is not a date"),
        ({"as_at": "2018-01-31", "time": "half past"}, "As at, time: “half past” is not a time of day"),
        ({"as_at": "2018-01-31\x00"}, "As at: Null characters are not allowed."),
        ({"time": "10:30"}, "As at: give a date as well as a time"),
        ({"as_at": "2999-01-01"}, "As at: the date must be today or earlier"),
        ({"as_at": "2018-01-31" * 5}, "As at: Ensure this value has at most 40 characters"),
    ],
)
@pytest.mark.parametrize("page", ["board-dashboard", "board-plan-as-at"])
def test_a_bad_as_at_is_named_and_the_page_still_answers(board_client, thurrock, params, message, page):
    response = board_client.get(reverse(page, args=[thurrock.slug]), params)
    assert response.status_code == 200
    assert message in [str(m) for m in response.context["messages"]][0]


def test_a_moment_still_to_come_is_refused(monkeypatch):
    now = timezone.make_aware(datetime(2018, 3, 1, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert AsAtForm({"as_at": "2018-03-01", "time": "09:00"}).chosen() == AsAt(date(2018, 3, 1), time(9, 0))
    later = AsAtForm({"as_at": "2018-03-01T11:00"})
    assert later.chosen() is None
    assert later.messages() == ["As at, time: that moment is still to come; choose a time before now"]
    assert AsAtForm({"as_at": "2018-03-02"}).messages() == ["As at: the date must be today or earlier"]
    assert AsAtForm({"as_at": "2018-03-01"}).chosen().moment == timezone.make_aware(
        datetime(2018, 3, 1, 23, 59, 59, 999999)
    )
    assert AsAtForm({}).chosen() is None
    assert AsAtForm({}).messages() == []


def test_history_written_inside_history_dated_keeps_its_order_at_that_date(thurrock):
    when = timezone.make_aware(datetime(2017, 9, 1, 9, 0))
    priority = Priority.objects.get(plan=thurrock, number=5)
    with history_dated(when):
        priority.title = "Voice of the child"
        priority.save()
        priority.title = "Voice and experience of the child"
        priority.save()
    first, second = priority.history.filter(history_date__gte=when).order_by("history_date")
    assert first.history_date.date() == second.history_date.date() == date(2017, 9, 1)
    assert first.history_date < second.history_date
    latest = Priority.history.filter(id=priority.pk, history_date__lte=when.replace(hour=23)).latest_of_each()
    assert [row.title for row in latest] == ["Voice and experience of the child"]
    priority.save()
    assert priority.history.first().history_date.date() == timezone.localdate()  # outside the block: now


def test_closing_a_period_today_is_dated_today(alice, thurrock):
    january = thurrock.periods.get(label="01/18")
    with acting_as(alice):
        january.status = Period.Status.CLOSED
        january.save()
    assert january.history.first().history_date.date() == timezone.localdate()
