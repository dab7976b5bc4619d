"""The board's earlier data addresses answer with the one data API (plans/api): the same figures, for readers only."""

import csv
import io
import json

from django.urls import reverse

from plans.models import Measure, Rating


def body(response) -> bytes:
    """The bytes of a response, read to the end when it is streamed (the measures and ratings are)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def followed(client, name, plan):
    response = client.get(reverse(name, args=[plan.slug]))
    assert response.status_code == 301
    return client.get(response["Location"])


def test_the_rollup_json_gives_the_figures_of_every_period(client, alice, thurrock):
    client.force_login(alice)
    data = followed(client, "board-data-rollup", thurrock).json()
    periods = {p["label"]: p for p in data["periods"]}
    assert periods["Initial"]["overall"] == "2.1"
    assert periods["01/18"]["overall"] == "2.6"
    assert [p["score"] for p in periods["01/18"]["priorities"]] == [
        "3.3",
        "2.3",
        "2.5",
        "3.0",
        "2.0",
        "2.5",
        "2.4",
        "2.9",
    ]


def test_the_measures_json_lists_every_measure_with_its_rating_in_each_period(client, alice, thurrock):
    client.force_login(alice)
    data = json.loads(body(followed(client, "board-data-measures", thurrock)))
    assert len(data["measures"]) == 97
    first = data["measures"][0]
    assert first["priority_number"] == 1
    assert {key for key in first if key.startswith("rating ")} == {
        "rating Initial",
        "rating 01/18",
        "rating 03/18",
        "rating 05/18",
    }
    assert first["rating 03/18"] is None
    assert (first["rating Initial"], first["rating 01/18"]) != (None, None)


def test_the_ratings_csv_has_one_row_per_rating_with_what_the_lead_wrote_and_defuses_formulas(client, alice, thurrock):
    measure = Measure.objects.of_plan(thurrock).first()
    rating = Rating.objects.filter(measure=measure).first()
    rating.reason = '=HYPERLINK("http://evil")'
    rating.save()
    client.force_login(alice)
    response = followed(client, "board-data-ratings", thurrock)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
    assert len(rows) == Rating.objects.filter(period__plan=thurrock).count()
    assert '\'=HYPERLINK("http://evil")' in [row["reason"] for row in rows]
    assert {"measure", "priority_number", "update"} <= set(rows[0])


def test_the_data_needs_a_login_and_a_role(client, bob, thurrock):
    assert followed(client, "board-data-rollup", thurrock).status_code == 401
    client.force_login(bob)
    assert followed(client, "board-data-rollup", thurrock).status_code == 404
