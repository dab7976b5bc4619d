"""Read-only JSON and CSV for a council's BI tools: a plan's rollup, measures and ratings."""

import base64
import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from plans.demo.loader import DEMO_PASSWORD
from plans.models import Measure, Rating
from tests.factories import build_plan


def url(plan, dataset, fmt):
    return reverse("api-plan-data", kwargs={"slug": plan.slug, "dataset": dataset, "fmt": fmt})


def basic(username, password):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def body(response) -> bytes:
    """The response's bytes, read to the end if it is streamed (the downloads are)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows_of(response):
    return list(csv.DictReader(io.StringIO(body(response).decode())))


def data_of(response):
    return json.loads(body(response))


def test_the_rollup_json_is_what_the_rollup_command_prints(client, board, thurrock):
    client.force_login(board)
    response = client.get(url(thurrock, "rollup", "json"))
    out = io.StringIO()
    call_command("rollup", thurrock.slug, "--json", stdout=out)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == json.loads(out.getvalue())
    assert [p["overall"] for p in response.json()["periods"][:2]] == ["2.1", "2.6"]


def test_the_rollup_csv_has_a_row_per_period_and_priority_and_an_overall_row(client, board, thurrock):
    client.force_login(board)
    response = client.get(url(thurrock, "rollup", "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="thurrock-2017-19-rollup.csv"' in response["Content-Disposition"]
    rows = rows_of(response)
    assert len(rows) == 4 * 9  # four periods × (eight priorities + overall)
    current = [row for row in rows if row["period"] == "01/18"]
    assert [row["score"] for row in current] == ["3.3", "2.3", "2.5", "3.0", "2.0", "2.5", "2.4", "2.9", "2.6"]
    overall = current[-1]
    assert (overall["priority"], overall["priority_number"], overall["rated"], overall["measures"]) == (
        "Overall",
        "",
        "97",
        "97",
    )
    levels = [column for column in rows[0] if column.startswith("level ")]
    assert levels[0] == "level Not started / significant delay"
    assert sum(int(overall[column]) for column in levels) == 97
    unrated = [row for row in rows if row["period"] == "05/18"][-1]
    assert (unrated["score"], unrated["rated"]) == ("", "0")


def test_measures_come_one_row_each_with_their_place_in_the_plan(client, board, thurrock):
    client.force_login(board)
    data = data_of(client.get(url(thurrock, "measures", "json")))
    assert data["plan"] == thurrock.slug
    assert len(data["measures"]) == 97
    first = data["measures"][0]
    assert first["measure"] == "Senior Management structure established"
    assert (first["priority_number"], first["lead"], first["time"], first["due_month"]) == (
        1,
        "S Murphy",
        "Jan-18",
        "2018-01-01",
    )
    assert first["removed"] is False
    assert first["progress_update"] == "Costed structure in place."
    assert first["outcome"].startswith("Ofsted recco14")
    rows = rows_of(client.get(url(thurrock, "measures", "csv")))
    assert len(rows) == 97
    assert rows[0]["measure_id"] == str(first["measure_id"])
    assert rows[0]["due_month"] == "2018-01-01"


def test_ratings_come_one_row_each_with_period_level_and_status(client, board, thurrock):
    client.force_login(board)
    data = data_of(client.get(url(thurrock, "ratings", "json")))["ratings"]
    assert len(data) == Rating.objects.filter(period__plan=thurrock).count()
    first_measure = Measure.objects.of_plan(thurrock).with_path().first()
    mine = [row for row in data if row["measure_id"] == first_measure.pk]
    assert [(r["period"], r["level_value"], r["level_label"], r["status"]) for r in mine] == [
        ("Initial", 4, "Completed, being monitored", "approved"),
        ("01/18", 4, "Completed, being monitored", "approved"),
    ]
    assert mine[0]["updated"][:4].isdigit()
    rows = rows_of(client.get(url(thurrock, "ratings", "csv")))
    assert len(rows) == len(data)
    assert list(rows[0]) == [
        "rating_id",
        "measure_id",
        "priority_number",
        "measure",
        "period",
        "period_order",
        "level_value",
        "level_label",
        "status",
        "reason",
        "update",
        "updated",
    ]


def test_csv_cells_that_look_like_formulas_are_escaped(client, alice):
    plan = build_plan(1, 1, 1)
    measure = Measure.objects.get(action__outcome__priority__plan=plan)
    measure.progress_update = '=HYPERLINK("http://evil.example","Click")'
    measure.lead_text = "@Lead"
    measure.save()
    client.force_login(alice)
    (row,) = rows_of(client.get(url(plan, "measures", "csv")))
    assert row["progress_update"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["lead"] == "'@Lead"
    assert data_of(client.get(url(plan, "measures", "json")))["measures"][0]["lead"] == "@Lead"  # JSON is not escaped


@pytest.mark.parametrize("dataset", ["rollup", "measures", "ratings"])
def test_a_plan_the_user_cannot_read_answers_404(client, bob, thurrock, dataset):
    client.force_login(bob)
    assert client.get(url(thurrock, dataset, "json")).status_code == 404
    assert client.get(url(thurrock, dataset, "csv")).status_code == 404


def test_an_unknown_plan_answers_404(client, alice):
    client.force_login(alice)
    assert client.get("/api/plans/no-such-plan/rollup.json").status_code == 404


def test_without_credentials_the_api_answers_401_with_a_basic_challenge(client, thurrock):
    response = client.get(url(thurrock, "rollup", "json"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="Plan tracker API"')
    assert "Authentication required" in response.json()["error"]


def test_http_basic_credentials_of_a_user_work_without_starting_a_session(client, board, thurrock):
    response = client.get(url(thurrock, "rollup", "csv"), **basic("board", DEMO_PASSWORD))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert client.get(url(thurrock, "rollup", "csv")).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        basic("board", "wrong-password"),
        basic("nobody", DEMO_PASSWORD),
        {"HTTP_AUTHORIZATION": "Basic not-base64!"},
        {"HTTP_AUTHORIZATION": "Bearer abc"},
    ],
)
def test_bad_credentials_answer_401(client, board, thurrock, header):
    assert client.get(url(thurrock, "ratings", "json"), **header).status_code == 401


def test_basic_credentials_of_a_user_without_a_role_in_the_plan_answer_404(client, bob, thurrock):
    assert client.get(url(thurrock, "ratings", "json"), **basic("bob", "bob-password")).status_code == 404


def test_the_api_is_read_only(client, alice, thurrock):
    client.force_login(alice)
    assert client.post(url(thurrock, "ratings", "json")).status_code == 405


def test_every_text_in_the_ratings_csv_that_looks_like_a_formula_is_escaped_and_the_rest_is_as_in_the_json(
    client, alice
):
    """The ratings CSV writes each measure's, period's and level's cells once and reuses them on every row:
    each must still arrive escaped and quoted as the JSON's value would be, row by row."""
    plan = build_plan(1, 2, 2)
    first, second = Measure.objects.of_plan(plan).order_by("pk")
    Measure.objects.filter(pk=first.pk).update(text='=HYPERLINK("http://evil.example","Click")')
    Measure.objects.filter(pk=second.pk).update(text='Visits, calls and "checks"\nweekly')
    plan.periods.filter(order=1).update(label="-1 month")
    plan.scale.levels.filter(value=1).update(label="@Red")
    Rating.objects.of_plan(plan).filter(measure=first).update(reason="+44 1375 652652", update="\tLate, again")
    Rating.objects.of_plan(plan).filter(measure=second).update(update='Said "fine", then\r\nnot')
    client.force_login(alice)
    records = data_of(client.get(url(plan, "ratings", "json")))["ratings"]
    rows = rows_of(client.get(url(plan, "ratings", "csv")))
    assert len(rows) == len(records) == 4

    def as_csv(value):
        text = "" if value is None else str(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    assert rows == [{column: as_csv(value) for column, value in record.items()} for record in records]
    assert {row["measure"] for row in rows} == {
        '\'=HYPERLINK("http://evil.example","Click")',
        'Visits, calls and "checks"\nweekly',
    }
    assert {row["period"] for row in rows} == {"'-1 month", "P2"}
    assert "'@Red" in {row["level_label"] for row in rows}
    assert {row["update"] for row in rows} == {"'\tLate, again", 'Said "fine", then\r\nnot'}
