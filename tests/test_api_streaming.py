"""The whole-plan downloads are streamed, and stream the same bytes as the whole-file responses before them.

tests/data/api/ holds what /api/plans/<slug>/{measures,ratings}.{csv,json} answered for the demo plans before
the downloads were streamed, with what changes from one database load to the next made neutral: ids become
their rank (1 for the lowest id in the column) and the `updated` time of the load a placeholder.
"""

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plans.api import datasets
from plans.api.csv_safety import ROWS_PER_CHUNK
from plans.models import Rating
from tests.factories import build_plan

EXPECTED = Path(__file__).parent / "data" / "api"
ID_COLUMNS = ("rating_id", "measure_id", "priority_id", "outcome_id", "action_id")
UPDATED = "<updated>"


def ranks(values) -> dict[str, str]:
    return {value: str(n) for n, value in enumerate(sorted(set(values), key=int), start=1)}


def neutral_csv(text: str) -> str:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    for column in ID_COLUMNS:
        if column in header:
            at = header.index(column)
            rank = ranks(row[at] for row in rows[1:])
            for row in rows[1:]:
                row[at] = rank[row[at]]
    if "updated" in header:
        at = header.index("updated")
        for row in rows[1:]:
            row[at] = UPDATED
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def neutral_json(text: str) -> str:
    """The same text, ids ranked and the load time replaced, by pattern so that the layout itself is compared."""
    for column in ID_COLUMNS:
        pattern = re.compile(rf'"{column}": (\d+)')
        rank = ranks(pattern.findall(text))
        text = pattern.sub(lambda match, column=column, rank=rank: f'"{column}": {rank[match[1]]}', text)
    return re.sub(r'"updated": "[^"]+"', f'"updated": "{UPDATED}"', text)


def neutral(text: str, fmt: str) -> str:
    return neutral_csv(text) if fmt == "csv" else neutral_json(text)


def download(client, plan, dataset: str, fmt: str):
    return client.get(reverse("api-plan-data", kwargs={"slug": plan.slug, "dataset": dataset, "fmt": fmt}))


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("dataset", ["measures", "ratings"])
@pytest.mark.parametrize("which", ["thurrock", "send_plan"])
def test_a_download_is_streamed_with_the_bytes_it_had_before(client, board, request, which, dataset, fmt):
    plan = request.getfixturevalue(which)
    client.force_login(board)
    response = download(client, plan, dataset, fmt)
    assert response.status_code == 200
    assert response.streaming
    pieces = list(response.streaming_content)
    expected = (EXPECTED / f"{plan.slug}-{dataset}.{fmt}").read_bytes().decode()
    assert neutral(b"".join(pieces).decode(), fmt) == expected


def test_the_thurrock_ratings_csv_has_a_row_for_each_of_its_194_ratings(client, board, thurrock):
    client.force_login(board)
    text = b"".join(download(client, thurrock, "ratings", "csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 194  # 97 measures rated in Initial and in 01/18; 03/18 and 05/18 not yet
    assert {row["period"] for row in rows} == {"Initial", "01/18"}


def test_a_long_download_comes_in_pieces_of_a_few_hundred_rows(client, alice):
    plan = build_plan(priorities=2, measures_per_priority=130, periods=4)  # 1,040 ratings
    assert Rating.objects.of_plan(plan).count() == 1040 > 2 * ROWS_PER_CHUNK
    client.force_login(alice)
    pieces = list(download(client, plan, "ratings", "csv").streaming_content)
    lines = [piece.count(b"\r\n") for piece in pieces]
    assert sum(lines) == 1 + 1040  # the header and every rating, once
    assert len(pieces) == 3
    assert max(lines) <= ROWS_PER_CHUNK + 1
    json_pieces = list(download(client, plan, "ratings", "json").streaming_content)
    assert len(json_pieces) == 4  # the head, two pieces of 500 ratings, the last 40 and the tail


def test_the_measures_rows_are_an_iterator_read_as_the_response_is_sent(thurrock):
    table = datasets.measures(thurrock)
    assert not isinstance(table.rows, list)
    first = next(iter(table.rows))
    assert (first["priority_number"], first["rating Initial"], first["rating 01/18"]) == (1, 4, 4)


# Microseconds with none, some and many trailing zeros: PostgreSQL's text drops them, isoformat() keeps six digits.
MICROSECONDS = st.one_of(st.sampled_from([0, 10, 500, 120000, 100000, 999999]), st.integers(0, 999999))
MOMENTS = st.builds(
    lambda moment, microsecond: moment.replace(microsecond=microsecond),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)),
    MICROSECONDS,
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(when=MOMENTS)
def test_the_ratings_download_writes_each_rating_time_as_isoformat_of_the_time_read(when):
    """The time is read as the database's text (plans.api.datasets.iso_from_utc_text): it must be what
    isoformat() writes of the aware datetime Django reads, whatever its microseconds."""
    plan = build_plan(1, 1, 1)
    Rating.objects.filter(period__plan=plan).update(updated=when)
    (row,) = list(datasets.ratings(plan).rows)
    assert row["updated"] == Rating.objects.get(period__plan=plan).updated.isoformat() == when.isoformat()
