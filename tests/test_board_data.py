"""Read-only JSON and CSV for a council's BI tool: rollups, measures and ratings, for signed-in readers only."""

import csv
import io

from django.urls import reverse

from plans.models import Measure, Rating


def test_the_rollup_json_gives_the_figures_of_every_period(client, alice, thurrock):
    client.force_login(alice)
    data = client.get(reverse("board-data-rollup", args=[thurrock.slug])).json()
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


def test_the_measures_json_lists_every_measure_with_its_ratings(client, alice, thurrock):
    client.force_login(alice)
    data = client.get(reverse("board-data-measures", args=[thurrock.slug])).json()
    assert len(data["measures"]) == 97
    first = data["measures"][0]
    assert first["priority"] == 1
    assert set(first["ratings"]) == {"Initial", "01/18", "03/18", "05/18"}
    assert first["ratings"]["03/18"] is None


def test_the_ratings_csv_has_one_row_per_rating_and_defuses_formulas(client, alice, thurrock):
    measure = Measure.objects.of_plan(thurrock).first()
    rating = Rating.objects.filter(measure=measure).first()
    rating.reason = '=HYPERLINK("http://evil")'
    rating.save()
    client.force_login(alice)
    response = client.get(reverse("board-data-ratings", args=[thurrock.slug]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == Rating.objects.filter(period__plan=thurrock).count()
    assert '\'=HYPERLINK("http://evil")' in [row["reason"] for row in rows]


def test_the_data_needs_a_login_and_a_role(client, bob, thurrock):
    url = reverse("board-data-rollup", args=[thurrock.slug])
    assert client.get(url).status_code == 302
    client.force_login(bob)
    assert client.get(url).status_code == 404
