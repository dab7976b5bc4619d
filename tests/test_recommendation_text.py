"""Reading an inspection's numbered recommendations from pasted text, as the seed reports print them."""

import os
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from plans.owner.recommendation_text import RecommendationTextError, parse_recommendations

DATA = Path(__file__).parent / "data" / "recommendations"
# The seed reports (text dumps of the councils' PDFs) live beside the project, not in it: ../shared/seeds.
SEEDS = Path(os.environ.get("SEEDS_DIR") or Path(settings.BASE_DIR).parent / "shared" / "seeds")
TRANSCRIBED = {i["key"]: i for i in yaml.safe_load((Path(settings.BASE_DIR) / "fixtures/inspections.yaml").read_text())}


@pytest.mark.parametrize(
    ("name", "count"), [("thurrock-2016", 16), ("south-gloucestershire-2017", 22), ("southend-2016", 12)]
)
def test_the_three_seed_inspections_parse_into_16_22_and_12_recommendations(name, count):
    parsed = parse_recommendations((DATA / f"{name}.txt").read_text())
    assert [r.number for r in parsed] == list(range(1, count + 1))
    # The same words as the hand-transcribed fixtures, for every recommendation.
    assert [r.text for r in parsed] == [r["text"] for r in TRANSCRIBED[name]["recommendations"]]


def test_a_recommendation_broken_across_a_page_is_joined_up():
    parsed = parse_recommendations((DATA / "south-gloucestershire-2017.txt").read_text())
    assert parsed[8].text == (
        "Ensure that the new client record system is implemented as quickly as possible. Ensure that in the "
        "intervening period children's electronic files properly evidence the work undertaken with children and "
        "families and enable proper sharing of information between teams and agencies."
    )


def test_reading_stops_at_the_summary_that_follows_the_list():
    parsed = parse_recommendations((DATA / "thurrock-2016.txt").read_text())
    assert parsed[-1].text.endswith("resulting in improved practice.")
    assert "Summary" not in parsed[-1].text


@pytest.mark.parametrize(("prefix", "count"), [("000_", 16), ("001_", 22), ("003_", 12)])
def test_a_whole_report_pasted_gives_only_its_recommendations(prefix, count):
    files = list(SEEDS.glob(f"{prefix}*.txt"))
    if not files:
        missing = f"the seed report {prefix}*.txt is not in {SEEDS} (set SEEDS_DIR to where the seeds are)"
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: CI must run this test")
        pytest.skip(missing)
    parsed = parse_recommendations(files[0].read_text())
    assert len(parsed) == count


def test_plain_numbers_with_brackets_or_dots_are_read():
    parsed = parse_recommendations("1) Do this.\n\n2. Do that\nacross two lines.\n3 ) And this.")
    assert [(r.number, r.text) for r in parsed] == [
        (1, "Do this."),
        (2, "Do that across two lines."),
        (3, "And this."),
    ]


def test_a_missing_number_is_named():
    with pytest.raises(RecommendationTextError, match="Recommendation 2 is missing: the text jumps to 3"):
        parse_recommendations("1. Do this.\n3. Do that.")


def test_text_without_numbers_says_what_is_expected():
    with pytest.raises(RecommendationTextError, match='start "1.", "2."'):
        parse_recommendations("Ensure that things improve.")
