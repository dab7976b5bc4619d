"""The board dashboard: the RAG summary as the board knows it, what moved, challenges, the heatmap."""

from datetime import date

import pytest
from django.urls import reverse

from plans.models import Indicator, IndicatorValue, Period, Rating
from tests.factories import ActionFactory, MeasureFactory, OutcomeFactory, PeriodFactory, PlanFactory, PriorityFactory


def dashboard(client, plan, **params):
    return client.get(reverse("board-dashboard", args=[plan.slug]), params)


def figures(comparison):
    rows = [(str(r["previous"]["score"]), str(r["current"]["score"])) for r in comparison.summary]
    overall = (str(comparison.overall["previous"]["score"]), str(comparison.overall["current"]["score"]))
    return rows, overall


def test_the_thurrock_dashboard_shows_the_computed_figures_for_initial_against_01_18(client, board, thurrock):
    client.force_login(board)
    response = dashboard(client, thurrock)
    assert response.status_code == 200
    c = response.context["c"]
    assert (c.previous.label, c.current.label) == ("Initial", "01/18")
    rows, overall = figures(c)
    assert rows == [
        ("2.8", "3.3"),
        ("1.7", "2.3"),
        ("2.0", "2.5"),
        ("2.0", "3.0"),
        ("2.0", "2.0"),
        ("1.5", "2.5"),
        ("2.3", "2.4"),
        ("2.6", "2.9"),
    ]
    assert overall == ("2.1", "2.6")


def test_published_figures_that_differ_from_the_rows_are_flagged(client, board, thurrock):
    client.force_login(board)
    response = dashboard(client, thurrock)
    c = response.context["c"]
    flagged = [
        (row["number"], when, str(row[when]["published"]))
        for row in c.summary
        for when in ("previous", "current")
        if row[when]["differs"]
    ]
    assert flagged == [(3, "previous", "1.5"), (4, "current", "2.9")]
    assert c.overall["previous"]["differs"]
    assert str(c.overall["previous"]["published"]) == "2.0"
    text = response.content.decode()
    assert "published 1.5" in text
    assert "published 2.9" in text
    assert "3 figures printed in the published summary differ" in text


def test_the_change_is_shown_with_an_arrow_and_words(client, board, thurrock):
    client.force_login(board)
    c = dashboard(client, thurrock).context["c"]
    assert c.summary[0]["change"]["arrow"] == "↑"
    assert c.summary[0]["change"]["words"] == "up 0.5"
    assert c.summary[4]["change"]["arrow"] == "→"
    assert c.summary[4]["change"]["words"] == "no change"
    assert c.overall["change"]["words"] == "up 0.5"


def test_the_distribution_counts_each_level_in_the_current_period(client, board, thurrock):
    client.force_login(board)
    c = dashboard(client, thurrock).context["c"]
    p4 = c.summary[3]
    assert p4["distribution"] == [1, 6, 15, 7, 0]
    assert sum(p4["distribution"]) == p4["rated"] == 29


def test_any_two_periods_can_be_compared(client, board, thurrock):
    client.force_login(board)
    c = dashboard(client, thurrock, previous="01/18", current="03/18").context["c"]
    assert (c.previous.label, c.current.label) == ("01/18", "03/18")
    rows, overall = figures(c)
    assert rows[0] == ("3.3", "None")
    assert c.summary[0]["change"]["words"] == "not comparable"
    assert len(c.not_rated) == 97


def test_an_unknown_period_is_named_in_a_message_and_the_defaults_kept(client, board, thurrock):
    client.force_login(board)
    response = dashboard(client, thurrock, current="13/99")
    assert response.status_code == 200
    assert "Current period: this plan has no period “13/99”." in response.content.decode()
    assert response.context["c"].current.label == "01/18"


def test_the_heatmap_has_every_period_and_an_accessible_trend_line(client, board, thurrock):
    client.force_login(board)
    response = dashboard(client, thurrock)
    heatmap = response.context["c"].heatmap
    assert [str(s) for s in heatmap[0]["scores"]] == ["2.8", "3.3", "None", "None"]
    trend = str(heatmap[0]["trend"])
    assert "<title>Priority 1 score by period</title>" in trend
    assert "Initial: 2.8; 01/18: 3.3; 03/18: not rated" in trend


# A small plan built for the rules: one priority, a scale of Red/Amber/Green/Blue, three periods.


@pytest.fixture
def small(db):
    plan = PlanFactory()
    periods = [PeriodFactory(plan=plan, order=i, label=f"0{i}/18", status=Period.Status.CLOSED) for i in (1, 3, 5)]
    periods[-1].status = Period.Status.OPEN
    periods[-1].save()
    action = ActionFactory(outcome=OutcomeFactory(priority=PriorityFactory(plan=plan, number=1)))
    levels = {lvl.label: lvl for lvl in plan.scale.levels.all()}

    def measure(text, ratings, **fields):
        m = MeasureFactory(action=action, text=text, **fields)
        for period, label in zip(periods, ratings, strict=True):
            if label:
                Rating.objects.create(measure=m, period=period, level=levels[label])
        return m

    return plan, periods, levels, measure


def comparison_for(client, alice, plan, **params):
    client.force_login(alice)
    return dashboard(client, plan, **params).context["c"]


def test_what_moved_lists_measures_up_and_down_between_the_two_periods(client, alice, small):
    plan, periods, levels, measure = small
    measure("Went up", ["Red", "Amber", "Green"])
    measure("Went down", ["Green", "Green", "Amber"])
    measure("Stayed", ["Amber", "Amber", "Amber"])
    c = comparison_for(client, alice, plan)
    assert [m.measure.text for m in c.moved_up] == ["Went up"]
    assert [m.measure.text for m in c.moved_down] == ["Went down"]


def test_not_rated_overdue_and_lowest_level_measures_are_listed(client, alice, small):
    plan, periods, levels, measure = small
    measure("Never rated", [None, None, None])
    measure("Late and red", ["Red", "Red", "Red"], due_month=date(2018, 2, 1))
    measure("Late but complete", ["Green", "Green", "Blue"], due_month=date(2018, 2, 1))
    measure("Due later", ["Amber", "Amber", "Amber"], due_month=date(2018, 9, 1))
    c = comparison_for(client, alice, plan, previous="03/18", current="05/18")  # open, partly rated: asked for
    assert [m.text for m in c.not_rated] == ["Never rated"]
    assert [m.text for m, _r in c.overdue] == ["Late and red"]
    assert [m.text for m, _r in c.lowest] == ["Late and red"]


def challenge_kinds(c):
    return sorted((ch.measure.text, ch.kind) for ch in c.challenges)


def test_a_jump_of_two_levels_in_one_period_is_a_challenge(client, alice, small):
    plan, periods, levels, measure = small
    measure("Leapt", ["Red", "Red", "Green"])
    measure("Stepped", ["Red", "Amber", "Green"])
    c = comparison_for(client, alice, plan)
    assert challenge_kinds(c) == [("Leapt", "jump")]
    assert "Jumped 2 levels in one period (1 in 03/18 → 3 in 05/18)." in [ch.text for ch in c.challenges]


def test_a_measure_past_due_but_rated_on_track_is_a_challenge(client, alice, small):
    plan, periods, levels, measure = small
    measure("Late yet green", ["Amber", "Green", "Green"], due_month=date(2018, 1, 1))
    measure("Late and amber", ["Red", "Amber", "Amber"], due_month=date(2018, 1, 1))
    c = comparison_for(client, alice, plan)
    assert challenge_kinds(c) == [("Late yet green", "overdue")]


def test_a_measure_not_updated_for_two_periods_is_stale_since_its_last_update(client, alice, small):
    plan, periods, levels, measure = small
    stale = measure("Same for ages", ["Amber", "Amber", "Amber"])
    measure("Never rated", [None, None, None])
    c = comparison_for(client, alice, plan, previous="03/18", current="05/18")  # open, partly rated: asked for
    assert challenge_kinds(c) == [("Never rated", "stale"), ("Same for ages", "stale")]
    assert "Not updated for 2 periods (stale since 01/18)." in [ch.text for ch in c.challenges]
    # A new update text counts as an update.
    rating = stale.ratings.get(period=periods[2])
    rating.update = "Audit booked for June."
    rating.save()
    assert challenge_kinds(comparison_for(client, alice, plan)) == [("Never rated", "stale")]


def test_on_track_with_a_worsening_or_lagging_indicator_is_a_challenge(client, alice, small):
    plan, periods, levels, measure = small
    m = measure("Green but", ["Amber", "Green", "Green"])
    red = measure("Red anyway", ["Amber", "Red", "Red"])
    priority = plan.priorities.get()
    worse = Indicator.objects.create(priority=priority, name="% seen in 15 days", polarity="higher")
    IndicatorValue.objects.create(indicator=worse, month=date(2017, 11, 1), value=90)
    IndicatorValue.objects.create(indicator=worse, month=date(2017, 12, 1), value=80)
    behind = Indicator.objects.create(priority=priority, name="Re-referrals", polarity="lower", comparator=20)
    IndicatorValue.objects.create(indicator=behind, month=date(2017, 12, 1), value=25)
    m.indicators.set([worse, behind])
    red.indicators.set([worse])
    c = comparison_for(client, alice, plan)
    texts = [ch.text for ch in c.challenges if ch.kind == "indicator"]
    assert texts == [
        "Rated green, but “% seen in 15 days” is worsening.",
        "Rated green, but “Re-referrals” is behind the statistical neighbour average (20.00).",
    ]


def test_the_dashboard_needs_a_role_in_the_plan(client, bob, thurrock):
    client.force_login(bob)
    assert dashboard(client, thurrock).status_code == 404


def test_a_plan_with_nothing_in_it_yet_still_opens(client, alice):
    plan = PlanFactory()
    client.force_login(alice)
    response = dashboard(client, plan)
    assert response.status_code == 200
    assert response.context["c"].summary == []
    assert client.get(reverse("board-coverage", args=[plan.slug])).status_code == 200
    assert client.get(reverse("board-pack", args=[plan.slug])).status_code == 404
    assert client.get(reverse("board-indicators-index", args=[plan.slug])).status_code == 404


def test_the_indicators_link_opens_the_first_prioritys_indicators(client, alice, thurrock):
    client.force_login(alice)
    response = client.get(reverse("board-indicators-index", args=[thurrock.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("board-indicators", args=[thurrock.slug, 1])


def test_long_lists_show_their_first_fifty_with_a_link_to_all_of_them(client, board, thurrock):
    """03/18 has no ratings yet: all 97 measures are "not rated"; the dashboard lists fifty and links to the rest."""
    client.force_login(board)
    response = dashboard(client, thurrock, previous="01/18", current="03/18")
    page = response.content.decode()
    section = page[page.index("Not rated in 03/18 (97)") :]
    section = section[: section.index("</ul>")]
    assert section.count("<li>") == 50
    assert "Showing 50 of 97." in page
    assert "?previous=01%2F18&amp;current=03%2F18&amp;full=1#moved" in page

    response = dashboard(client, thurrock, previous="01/18", current="03/18", full="1")
    page = response.content.decode()
    section = page[page.index("Not rated in 03/18 (97)") :]
    assert section[: section.index("</ul>")].count("<li>") == 97
    assert "Showing 50 of" not in page
    assert len(response.context["c"].not_rated) == 97


def test_the_pack_lists_every_measure_however_long_the_list(client, board, thurrock):
    client.force_login(board)
    page = client.get(reverse("board-pack", args=[thurrock.slug]), {"period": "03/18"}).content.decode()
    section = page[page.index("Not rated in 03/18 (97)") :]
    assert section[: section.index("</ul>")].count("<li>") == 97
    assert "Show all" not in page
