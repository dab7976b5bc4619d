"""Headlines you can trust: the period pages default to, "x of y rated so far", score colours, word scales.

Expected figures come from the fixtures (../shared/DOMAIN.md): Thurrock's overall 2.1 (Initial) and 2.6 (01/18)
from its 97 rows, and the SEND plan's 17/01/18 update, "6 Completed, 3 Green, 2 Amber" of its 11 rated rows
(13 measures: two action paragraphs were printed without a rating of their own).
"""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils.html import escape
from docx import Document
from openpyxl import load_workbook

from plans.models import Measure, Period, Rating
from plans.rollup import rules
from plans.spreadsheets.exporter import export_plan

SEND_COUNTS = "6 Completed, 3 Green, 2 Amber"
SEND_WORDS = ["6 Completed", "3 Green", "2 Amber"]


@pytest.fixture
def march_open(thurrock):
    """The demo a month on: 01/18 closed, 03/18 open, and 4 of its 97 measures rated so far (all at 4)."""
    thurrock.periods.filter(label="01/18").update(status=Period.Status.CLOSED)
    march = thurrock.periods.get(label="03/18")
    march.status = Period.Status.OPEN
    march.save()
    completed = thurrock.scale.levels.get(value=4)
    for measure in Measure.objects.of_plan(thurrock).order_by("pk")[:4]:
        Rating.objects.create(measure=measure, period=march, level=completed)
    return march


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def portfolio_cell(html: str, title: str) -> str:
    """The portfolio row of the plan titled `title`."""
    return next(r for r in html.split("<tr>") if escape(title) in r)


# The period headlines default to (Plan.headline_period).


def test_the_portfolio_shows_the_last_closed_period_not_4_ratings_of_an_open_one(client, board, thurrock, march_open):
    client.force_login(board)
    response = client.get(reverse("portfolio"))
    (row,) = [r for r in response.context["rows"] if r.plan == thurrock]
    assert (row.current.label, str(row.score), str(row.previous_score)) == ("01/18", "2.6", "2.1")
    assert (row.open_period.label, row.open_rated, row.measures) == ("03/18", 4, 97)
    html = portfolio_cell(text(response), thurrock.title)
    assert "from 2.1" in html
    assert "03/18 (open): 4 of 97 rated so far" in html


def test_the_dashboard_and_coverage_default_to_the_latest_rated_period_and_say_how_much_of_an_open_one_is_in(
    client, board, thurrock, march_open
):
    client.force_login(board)
    dashboard = client.get(reverse("board-dashboard", args=[thurrock.slug]))
    c = dashboard.context["c"]
    assert (c.previous.label, c.current.label) == ("Initial", "01/18")
    assert (str(c.overall["previous"]["score"]), str(c.overall["current"]["score"])) == ("2.1", "2.6")
    assert "rated so far" not in text(dashboard)

    asked = client.get(reverse("board-dashboard", args=[thurrock.slug]), {"previous": "01/18", "current": "03/18"})
    assert "03/18: 4 of 97 rated so far." in text(asked)

    coverage = client.get(reverse("board-coverage", args=[thurrock.slug]))
    assert coverage.context["period"].label == "01/18"
    asked = client.get(reverse("board-coverage", args=[thurrock.slug]), {"period": "03/18"})
    assert "03/18: 4 of 97 rated so far." in text(asked)


def test_an_open_period_every_measure_is_rated_in_is_the_headline(client, board, thurrock):
    """The demo as loaded: 01/18 open with all 97 rated."""
    assert thurrock.headline_period().label == "01/18"
    client.force_login(board)
    c = client.get(reverse("board-dashboard", args=[thurrock.slug])).context["c"]
    assert (c.previous.label, c.current.label, c.partly_rated) == ("Initial", "01/18", False)


def test_a_plan_whose_only_period_is_open_and_partly_rated_shows_it_and_says_so(client, board, send_plan):
    client.force_login(board)
    response = client.get(reverse("portfolio"))
    (row,) = [r for r in response.context["rows"] if r.plan == send_plan]
    assert (row.current.label, row.rated, row.measures) == ("17/01/18", 11, 13)
    assert "11 of 13 rated so far" in portfolio_cell(text(response), send_plan.title)


# The portfolio's score cell carries its level's colour.


def test_the_portfolio_score_cell_carries_the_colour_of_the_level_it_has_reached(client, board, thurrock):
    client.force_login(board)
    html = portfolio_cell(text(client.get(reverse("portfolio"))), thurrock.title)
    # 2.6 has reached level 2, "Started, some delay": amber on the Thurrock scale (fixtures/scales.yaml).
    assert '<span class="score score--amber">2.6</span>' in html


# A word scale is counted, never averaged (Scale.mean_is_meaningful).


def test_the_scales_say_whether_a_mean_means_anything(thurrock, send_plan):
    assert thurrock.scale.mean_is_meaningful is True
    assert send_plan.scale.mean_is_meaningful is False


def assert_counts_and_no_mean(html: str) -> None:
    for words in SEND_WORDS:
        assert words in html
    # The mean of the SEND ratings (Completed 4, Green 3, Amber 2) would be 3.4 overall: never shown.
    assert not re.search(r"score--\w+\">\d\.\d<", html)
    assert "3.4" not in html


def test_the_send_plan_page_leads_with_the_count_at_each_word(client, board, send_plan):
    client.force_login(board)
    html = text(client.get(reverse("plan-detail", args=[send_plan.slug])))
    assert_counts_and_no_mean(html)
    assert "not averaged" in html


def test_the_send_dashboard_leads_with_the_count_at_each_word(client, board, send_plan):
    client.force_login(board)
    response = client.get(reverse("board-dashboard", args=[send_plan.slug]))
    c = response.context["c"]
    assert c.overall["current"]["score"] is None
    assert c.overall["current"]["counts"] == [("Completed", 6), ("Green", 3), ("Amber", 2)]
    assert_counts_and_no_mean(text(response))
    assert "11 of 13 rated so far" in text(response)


def test_the_send_portfolio_row_leads_with_the_count_at_each_word(client, board, send_plan):
    client.force_login(board)
    html = portfolio_cell(text(client.get(reverse("portfolio"))), send_plan.title)
    assert_counts_and_no_mean(html)
    assert "Rated in words" in html


def test_the_send_board_pack_leads_with_the_count_at_each_word(client, board, send_plan):
    client.force_login(board)
    html = text(client.get(reverse("board-pack", args=[send_plan.slug])))
    assert_counts_and_no_mean(html)
    assert "Measures at each rating" in html


def test_the_send_committee_report_leads_with_the_count_at_each_word(client, board, send_plan):
    client.force_login(board)
    response = client.get(reverse("board-report-docx", args=[send_plan.slug]))
    document = Document(BytesIO(response.content))
    words = " ".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert SEND_COUNTS in words
    assert "overall score" not in words.casefold()
    assert "3.4" not in words


def test_the_send_rollup_api_and_exports_give_counts_and_no_mean(client, board, send_plan):
    client.force_login(board)
    data = client.get(reverse("api-plan-data", args=[send_plan.slug, "rollup", "json"])).json()
    assert data["mean_is_meaningful"] is False
    (period,) = data["periods"]
    assert (period["overall"], period["counts"]) == (None, SEND_COUNTS)
    assert {p["score"] for p in period["priorities"]} == {None}
    assert period["distribution"] == {"Red": 0, "Amber": 2, "Green": 3, "Completed": 6}

    response = client.get(reverse("board-pack-xlsx", args=[send_plan.slug]))
    cover = dict(load_workbook(BytesIO(response.content))["Cover"].iter_rows(values_only=True))
    assert cover["Measures at each rating in 17/01/18"] == SEND_COUNTS
    assert "Overall score" not in cover

    stream = BytesIO()
    export_plan(send_plan).save(stream)
    summary = [row for row in load_workbook(stream)["Summary"].iter_rows(values_only=True) if row[0] == "Overall"]
    assert summary == [("Overall", SEND_COUNTS)]


def test_thurrock_is_still_averaged_everywhere(client, board, thurrock):
    client.force_login(board)
    data = client.get(reverse("api-plan-data", args=[thurrock.slug, "rollup", "json"])).json()
    assert data["mean_is_meaningful"] is True
    assert [p["overall"] for p in data["periods"]] == ["2.1", "2.6", None, None]
    assert [p["score"] for p in data["periods"][1]["priorities"]] == [
        "3.3", "2.3", "2.5", "3.0", "2.0", "2.5", "2.4", "2.9",
    ]  # fmt: skip
    html = text(client.get(reverse("plan-detail", args=[thurrock.slug])))
    assert "Mean rating of each priority" in html
    assert '<span class="score score--amber">2.6</span>' in html


def test_the_rollup_of_a_word_scale_has_counts_at_each_word_and_no_score():
    """SEND's 17/01/18 from the seed (DOMAIN.md): 6 Completed, 3 Green, 2 Amber, over 11 recommendations."""
    levels = [rules.Level(1, "Red"), rules.Level(2, "Amber"), rules.Level(3, "Green"), rules.Level(4, "Completed")]
    counts = {(1, 4): 6, (1, 3): 3, (1, 2): 2}
    words = rules.period_rollup("17/01/18", [(1, "All")], levels, counts, {1: 13}, averaged=False)
    assert (words.overall, words.priorities[0].score) == (None, None)
    assert words.counts == [("Completed", 6), ("Green", 3), ("Amber", 2)]
    assert words.counts_text == SEND_COUNTS
    # The same counts on a scale whose mean is meaningful: (24 + 9 + 4) / 11 = 3.36 → 3.4.
    numbers = rules.period_rollup("17/01/18", [(1, "All")], levels, counts, {1: 13})
    assert (str(numbers.overall), numbers.counts_text) == ("3.4", SEND_COUNTS)
