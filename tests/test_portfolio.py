"""The portfolio: every plan a user may read, with its score, change, trend and the counts the board chases."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import Measure, Period, Plan, Rating
from plans.portfolio import summary as portfolio
from plans.rollup.plan import plan_rollup
from plans.rollup.plans import plans_rollup
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    OutcomeFactory,
    PeriodFactory,
    PlanFactory,
    PriorityFactory,
    build_plan,
)

TODAY = datetime.date(2026, 11, 24)


def text_of(html: str) -> str:
    """The page's text with tags dropped and white space squeezed, as a reader sees it."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_thurrock_plan_shows_2_6_up_from_2_1(client, board, thurrock):
    client.force_login(board)
    response = client.get(reverse("portfolio"))
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.plan == thurrock)
    assert (str(row.score), str(row.previous_score), row.direction, str(row.change)) == ("2.6", "2.1", "up", "0.5")
    assert row.current.label == "01/18"
    assert row.previous.label == "Initial"
    text = text_of(response.content.decode())
    assert "2.6 ↑ up from 2.1" in text
    assert "Up 0.5 since Initial" in text
    assert "Overall score by period: Initial 2.1, 01/18 2.6." in response.content.decode()


def test_the_rated_share_meter_is_an_svg_bar_as_wide_as_the_share(client, board, thurrock, send_plan):
    """No style= attribute (the Content-Security-Policy forbids inline styles): the rect's width is the share."""
    client.force_login(board)
    text = client.get(reverse("portfolio")).content.decode()
    assert '<rect class="meter__bar" width="85" height="1"/>' in text
    assert '<rect class="meter__bar" width="100" height="1"/>' in text
    assert " style=" not in text


def test_it_lists_the_demo_plans_with_their_open_period_and_rated_share(client, board, thurrock, send_plan):
    client.force_login(board)
    rows = {row.plan.slug: row for row in client.get(reverse("portfolio")).context["rows"]}
    assert set(rows) == {thurrock.slug, send_plan.slug}
    assert (rows[thurrock.slug].rated, rows[thurrock.slug].measures, rows[thurrock.slug].rated_share) == (97, 97, 100)
    send = rows[send_plan.slug]
    assert (send.current.label, send.rated, send.measures, send.rated_share) == ("17/01/18", 11, 13, 85)
    assert send.previous is None
    assert send.change is None


def test_a_user_sees_only_the_plans_they_may_read(client, bob, thurrock):
    own = PlanFactory(title="Bob's own plan", owner=bob)
    client.force_login(bob)
    response = client.get(reverse("portfolio"))
    assert [row.plan for row in response.context["rows"]] == [own]
    assert thurrock.title not in response.content.decode()


def test_the_portfolio_needs_a_login(client):
    response = client.get(reverse("portfolio"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_plan_with_no_periods_is_listed_without_a_score(client, bob):
    PlanFactory(title="Brand new plan", owner=bob)
    client.force_login(bob)
    response = client.get(reverse("portfolio"))
    (row,) = response.context["rows"]
    assert row.current is None
    assert row.score is None
    assert row.rated_share is None
    assert "No open period and nothing rated yet" in response.content.decode()


@pytest.fixture
def chased_plan(bob):
    """A plan whose counts are known: periods P1, P2 closed and P3 open; scale Red/Amber/Green/Blue (Blue complete)."""
    plan = PlanFactory(title="Chased plan", owner=bob)
    p1, p2 = (PeriodFactory(plan=plan, order=i, label=f"P{i}", status=Period.Status.CLOSED) for i in (1, 2))
    p3 = PeriodFactory(plan=plan, order=3, label="P3", status=Period.Status.OPEN)
    red, amber, green, blue = plan.scale.levels.all()
    action = ActionFactory(outcome=OutcomeFactory(priority=PriorityFactory(plan=plan, number=1)))
    past, future = datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)

    def measure(text, due=None, removed=False, ratings=()):
        m = MeasureFactory(action=action, text=text, due_month=due, removed=removed)
        for period, level, *status in ratings:
            Rating.objects.create(measure=m, period=period, level=level, status=(status or ["approved"])[0])
        return m

    measure("done on time", past, ratings=[(p2, green), (p3, blue)])
    measure("late, on track", past, ratings=[(p3, green)])  # overdue
    measure("late, never rated", past)  # overdue and stale
    measure("due this month", future, ratings=[(p3, red)])
    measure("late but removed", past, removed=True)
    measure("rated long ago", ratings=[(p1, amber)])  # stale
    measure("rated last period", ratings=[(p2, amber, Rating.Status.SUBMITTED)])  # awaiting sign-off
    return plan


def test_it_counts_overdue_stale_and_awaiting_signoff_measures(chased_plan):
    """P3 is open with 3 of 7 rated: the headline is P2, the last closed period with ratings."""
    (row,) = portfolio.summarise([chased_plan], TODAY)
    assert row.current.label == "P2"
    assert row.previous.label == "P1"
    # Stale as at P2: never rated by P2 ("late, on track", "late, never rated", "due this month"); "rated long
    # ago" was updated in P1, the period before. Overdue is today's; one Amber awaits sign-off.
    assert (row.overdue, row.stale, row.awaiting_signoff) == (2, 3, 1)
    assert (row.rated, row.measures) == (1, 7)  # the Amber awaiting sign-off does not count until approved
    # P2: Green 3 → 3.0; P1: Amber 2 → 2.0.
    assert (str(row.score), str(row.previous_score), row.direction) == ("3.0", "2.0", "up")
    assert (row.open_period.label, row.open_rated) == ("P3", 3)


def test_the_open_period_is_the_headline_once_every_measure_is_rated_in_it(chased_plan):
    open_period = chased_plan.periods.get(label="P3")
    level = chased_plan.scale.levels.get(value=3)
    for measure in Measure.objects.of_plan(chased_plan).exclude(ratings__period=open_period):
        Rating.objects.create(measure=measure, period=open_period, level=level)
    (row,) = portfolio.summarise([chased_plan], TODAY)
    assert (row.current.label, row.previous.label, row.open_period) == ("P3", "P2", None)
    assert (row.rated, row.measures) == (7, 7)
    # P3: Blue 4, five Green 3, Red 1 → 20/7 = 2.857 → 2.9; P2: Green 3 → 3.0.
    assert (str(row.score), str(row.previous_score), row.direction) == ("2.9", "3.0", "down")


def test_without_an_open_period_the_latest_period_with_ratings_is_current(chased_plan):
    chased_plan.periods.filter(label="P3").update(status=Period.Status.CLOSED)
    PeriodFactory(plan=chased_plan, order=4, label="P4", status=Period.Status.PLANNED)
    (row,) = portfolio.summarise([chased_plan], TODAY)
    assert row.current.label == "P3"
    assert [point.label for point in row.trend] == ["P1", "P2", "P3"]


def test_the_trend_line_says_in_words_what_it_draws():
    trend = [portfolio.TrendPoint("Initial", None), portfolio.TrendPoint("01/18", None)]
    assert portfolio.sparkline(trend, 5).segments == []
    from decimal import Decimal

    trend = [
        portfolio.TrendPoint("A", Decimal("2.1")),
        portfolio.TrendPoint("B", None),
        portfolio.TrendPoint("C", Decimal("2.6")),
    ]
    line = portfolio.sparkline(trend, 5)
    assert line.text == "Overall score by period: A 2.1, B not rated, C 2.6."
    assert len(line.segments) == 2  # broken where B has no score
    (_, low_y), (_, high_y) = line.dots
    assert high_y < low_y  # a higher score is drawn higher up


def test_the_multi_plan_rollup_gives_each_plan_its_own_rollup(thurrock, send_plan, db):
    together = plans_rollup([thurrock, send_plan])
    for plan in (thurrock, send_plan):
        alone = plan_rollup(plan)
        assert together[plan.pk].rollups == alone
    assert [str(r.overall) for r in together[thurrock.pk].rollups[:2]] == ["2.1", "2.6"]


def test_a_long_plans_trend_is_its_last_twelve_periods_to_the_current_one(db):
    plan = build_plan(1, 2, 15)
    plan.periods.filter(order__lte=13).update(status=Period.Status.CLOSED)
    plan.periods.filter(order=14).update(status=Period.Status.OPEN)
    plan.periods.filter(order=15).update(status=Period.Status.PLANNED)
    (row,) = portfolio.summarise([plan], TODAY)
    assert row.current.label == "P14"
    assert [point.label for point in row.trend] == [f"P{n}" for n in range(3, 15)]
    # build_plan rates measure i in period p (from 0) at level (i + p) % 4 + 1: P13 gives 1 and 2, P14 2 and 3.
    assert (row.previous.label, row.previous_score, row.score) == ("P13", Decimal("1.5"), Decimal("2.5"))
    windowed = plans_rollup([plan], recent=12)[plan.pk]
    assert windowed.rollups == plan_rollup(plan)[2:14]


def test_it_filters_by_owner_department_and_status(client, alice):
    PlanFactory(title="Youth justice plan", department="Youth Offending", owner_name="Y Lead")
    PlanFactory(title="Closed plan", department="Youth Offending", status=Plan.Status.CLOSED)
    client.force_login(alice)

    def titles(**query):
        return [row.plan.title for row in client.get(reverse("portfolio"), query).context["rows"]]

    assert titles(department="Youth Offending") == ["Closed plan", "Youth justice plan"]
    assert titles(owner="Y Lead") == ["Youth justice plan"]
    assert titles(status="closed") == ["Closed plan"]
    assert titles(department="Youth Offending", status="active") == ["Youth justice plan"]
    response = client.get(reverse("portfolio"), {"department": "Nowhere"})
    assert "No plans match these filters" in response.content.decode()
    choices = response.context["choices"]
    assert "Youth Offending" in choices["departments"]
    assert "Y Lead" in choices["owners"]


def test_it_sorts_by_title_score_change_and_rated_share(client, alice, thurrock, send_plan):
    unrated = PlanFactory(title="A plan with nothing rated")
    PeriodFactory(plan=unrated, order=1, label="P1")
    client.force_login(alice)

    def slugs(sort):
        return [row.plan.slug for row in client.get(reverse("portfolio"), {"sort": sort}).context["rows"]]

    assert slugs("title") == [unrated.slug, thurrock.slug, send_plan.slug]
    assert slugs("-title") == [send_plan.slug, thurrock.slug, unrated.slug]
    # Thurrock 2.6, then no score in title order: nothing rated, and SEND, rated in words (counts, not a mean).
    assert slugs("-score") == [thurrock.slug, unrated.slug, send_plan.slug]
    assert slugs("score") == [thurrock.slug, unrated.slug, send_plan.slug]
    assert slugs("-change")[0] == thurrock.slug  # the only plan with a change
    assert slugs("-rated") == [thurrock.slug, send_plan.slug, unrated.slug]  # 100%, 85%, 0%
    assert slugs("nonsense") == slugs("title")


def test_the_sorted_column_is_marked_for_screen_readers_and_keeps_the_filters(client, alice):
    client.force_login(alice)
    html = client.get(reverse("portfolio"), {"sort": "-score", "department": "Children's Services"}).content.decode()
    assert 'aria-sort="descending"><a href="?sort=score&amp;department=Children%27s+Services">Overall score' in html


def test_a_board_member_lands_on_the_portfolio(client, board):
    client.force_login(board)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio")


def test_owners_and_leads_still_land_on_the_plan_list(client, db):
    for username in ("owner", "smurphy"):
        client.force_login(get_user_model().objects.get(username=username))
        response = client.get(reverse("home"))
        assert response.status_code == 200
        assert f'href="{reverse("portfolio")}"' in response.content.decode()


def test_the_portfolio_and_the_dashboard_count_the_same_measures_not_updated(client, board, thurrock):
    """With 03/18 open and nothing rated in it, both default to 01/18, the latest closed period with ratings, and
    count the same measures not updated there (a repeated Initial level with no new words)."""
    thurrock.periods.filter(label="01/18").update(status=Period.Status.CLOSED)
    thurrock.periods.filter(label="03/18").update(status=Period.Status.OPEN)
    client.force_login(board)
    dashboard = client.get(reverse("board-dashboard", args=[thurrock.slug])).context["c"]
    assert dashboard.current.label == "01/18"
    stale = [ch for ch in dashboard.challenges if ch.kind == "stale"]
    (row,) = [r for r in client.get(reverse("portfolio")).context["rows"] if r.plan == thurrock]
    assert row.current.label == "01/18"
    assert row.stale == len(stale)
