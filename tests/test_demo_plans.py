"""The transcribed demo plans reproduce the published figures (../shared/DOMAIN.md)."""

import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from plans.models import Inspection, Lead, Measure, Plan, Rating, Recommendation
from plans.rollup.plan import plan_rollup


def rollup_json(slug: str) -> dict:
    out = StringIO()
    call_command("rollup", slug, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_development_plan_has_97_rated_rows_in_eight_priorities(thurrock):
    counts = Measure.objects.of_plan(thurrock).counts_by_priority()
    assert counts == {1: 8, 2: 7, 3: 20, 4: 29, 5: 3, 6: 2, 7: 9, 8: 19}
    assert sum(counts.values()) == 97


def test_the_rollup_reproduces_the_published_summary_from_the_rows(thurrock):
    data = rollup_json("thurrock-2017-19")
    assert data["plan"] == "thurrock-2017-19"
    assert [period["label"] for period in data["periods"]] == ["Initial", "01/18", "03/18", "05/18"]
    initial, current, later, last = data["periods"]
    # P3 previous gives 2.0 from the rows (the report printed 1.5).
    assert [p["score"] for p in initial["priorities"]] == ["2.8", "1.7", "2.0", "2.0", "2.0", "1.5", "2.3", "2.6"]
    # P4 current gives 3.0 from the rows: 86 / 29 = 2.97 (the report printed 2.9).
    assert [p["score"] for p in current["priorities"]] == ["3.3", "2.3", "2.5", "3.0", "2.0", "2.5", "2.4", "2.9"]
    assert (initial["overall"], current["overall"]) == ("2.1", "2.6")
    assert all(p["rated"] == p["measures"] for p in current["priorities"])
    # 03/18 and 05/18 are all 0 in the Feb 2018 report: not rated, never averaged in.
    assert later["overall"] is None
    assert last["overall"] is None
    assert {p["rated"] for p in later["priorities"]} == {0}
    assert later["priorities"][3] == {
        "number": 4,
        "title": thurrock.priorities.get(number=4).title,
        "score": None,
        "counts": "",  # nothing rated: no count at any word either
        "rated": 0,
        "measures": 29,
    }


def fixture_ratings(column: int) -> Counter:
    """How many rows of the transcribed Development Plan have each rating in a RAG column (0 Initial, 1 01/18)."""
    counts: Counter = Counter()
    for path in (Path(settings.BASE_DIR) / "fixtures" / "thurrock-2017-19").glob("priority-*.yaml"):
        for outcome in yaml.safe_load(path.read_text())["outcomes"]:
            for action in outcome["actions"]:
                counts.update(measure["ratings"][column] for measure in action["measures"])
    return counts


def test_the_distribution_counts_every_level_of_the_scale(thurrock):
    current = rollup_json("thurrock-2017-19")["periods"][1]
    scales = yaml.safe_load((Path(settings.BASE_DIR) / "fixtures" / "scales.yaml").read_text())
    thurrock_scale = next(scale for scale in scales if scale["slug"] == "thurrock-1-5")
    labels = {level["value"]: level["label"] for level in thurrock_scale["levels"]}
    assert list(current["distribution"]) == list(labels.values())
    rows = fixture_ratings(1)
    assert current["distribution"] == {label: rows[value] for value, label in labels.items()}
    assert sum(current["distribution"].values()) == 97


def test_p4_current_sums_to_86_over_29_rows(thurrock):
    ratings = Rating.objects.filter(
        period__plan=thurrock, period__label="01/18", measure__action__outcome__priority__number=4
    )
    assert ratings.count() == 29
    assert sum(rating.level.value for rating in ratings.select_related("level")) == 86


def test_the_published_figures_are_kept_beside_the_computed_ones(thurrock):
    published = {
        (score.period.label, score.priority.number if score.priority else None): str(score.score)
        for score in thurrock.published_scores.select_related("period", "priority")
    }
    assert published[("Initial", 3)] == "1.5"
    assert published[("01/18", 4)] == "2.9"
    assert published[("01/18", None)] == "2.6"
    assert len(published) == 18


def test_the_send_plan_holds_eleven_recommendations_rated_in_words(send_plan):
    assert send_plan.scale.slug == "brag"
    assert send_plan.priorities.count() == 11
    words = Rating.objects.filter(period__plan=send_plan).values_list("level__label", flat=True)
    assert sorted(words) == ["Amber"] * 2 + ["Completed"] * 6 + ["Green"] * 3
    [period] = plan_rollup(send_plan)
    assert period.label == "17/01/18"
    assert (period.rated, period.measures) == (11, 13)


@pytest.mark.parametrize(
    ("key", "count"),
    [("thurrock-2016", 16), ("south-gloucestershire-2017", 22), ("southend-2016", 12), ("thurrock-2024", 3)],
)
def test_every_inspection_has_its_numbered_recommendations(db, key, count):
    numbers = list(Recommendation.objects.filter(inspection__key=key).values_list("number", flat=True))
    assert numbers == list(range(1, count + 1))


def test_rows_citing_ofsted_recommendations_are_linked_to_them(thurrock):
    workforce = Recommendation.objects.get(inspection__key="thurrock-2016", number=14)
    assert workforce.outcomes.filter(priority__plan=thurrock, priority__number=1).exists()
    linked = Recommendation.objects.filter(inspection__key="thurrock-2016").exclude(
        outcomes=None, actions=None, measures=None
    )
    assert linked.count() >= 10


def test_leads_are_records_and_a_cell_can_name_several(thurrock, send_plan):
    assert Lead.objects.filter(plan=thurrock, name="Sheila Murphy", user__username="smurphy").exists()
    shared = Measure.objects.of_plan(thurrock).get(lead_text="Wendy Brown and improvement consultant")
    assert sorted(lead.name for lead in shared.leads.all()) == ["Improvement consultant", "Wendy Brown"]
    send = Measure.objects.of_plan(send_plan).filter(lead_text="MWT/ CM /HF").first()
    assert [lead.name for lead in send.leads.order_by("name")] == ["CM", "HF", "Malcolm W Taylor"]


def test_sheila_murphy_is_one_lead_of_twelve_measures_whatever_the_cell_says(thurrock):
    # The seed's Lead cells say "S Murphy" six times (priorities 1-7) and "Sheila Murphy" six times (priority 8).
    murphy = Lead.objects.get(plan=thurrock, name="Sheila Murphy")
    assert murphy.aliases == ["S Murphy"]
    cells = sorted(m.lead_text for m in murphy.measures_led.all())
    assert cells == ["S Murphy"] * 6 + ["Sheila Murphy"] * 6
    assert not Lead.objects.filter(name="S Murphy").exists()


def test_names_the_pdf_dump_ran_together_are_two_leads(thurrock, send_plan):
    officers = Measure.objects.of_plan(thurrock).get(officer_text="Joe Tynan / Janet Simon").officers.all()
    assert sorted(lead.name for lead in officers) == ["Janet Simon", "Joe Tynan"]
    send = Measure.objects.of_plan(send_plan).get(lead_text="MWT/ CM/HF / CaPA")
    assert sorted(lead.name for lead in send.leads.all()) == ["CM", "CaPa", "HF", "Malcolm W Taylor"]
    assert not Lead.objects.filter(name__in=["Joe Tynan Janet Simon", "HF CaPA", "Neale Laurie CSU", "DCS"]).exists()


def test_every_demo_lead_belongs_to_its_plan_and_has_an_example_org_email(thurrock, send_plan):
    for plan, count in ((thurrock, 23), (send_plan, 8)):
        leads = list(Lead.objects.filter(plan=plan))
        assert len(leads) == count
        assert all(lead.email.endswith("@example.org") for lead in leads), [lead.name for lead in leads]


def test_time_text_is_kept_and_a_due_month_derived_when_readable(thurrock):
    measures = Measure.objects.of_plan(thurrock)
    first = measures.get(text="Senior Management structure established")
    assert (first.time_text, first.due_month.isoformat()) == ("Jan-18", "2018-01-01")
    # Of the fixture's Time cells only "jun" (no year) cannot be read; blank ones say so too.
    unreadable = measures.filter(due_month=None).exclude(time_text="")
    assert list(unreadable.values_list("time_text", "due_note")) == [("jun", "month without a year")]
    assert set(measures.filter(time_text="").values_list("due_note", flat=True)) == {"no time given"}


def test_loading_the_demo_again_changes_nothing(db):
    def snapshot():
        return (
            Plan.objects.count(),
            Measure.objects.count(),
            Rating.objects.count(),
            Inspection.objects.count(),
            Measure.history.count(),
            Rating.history.count(),
        )

    before = snapshot()
    call_command("load_demo", "--quiet-users", stdout=StringIO())
    assert snapshot() == before


def test_the_rollup_command_prints_a_readable_table(thurrock):
    out = StringIO()
    call_command("rollup", "thurrock-2017-19", stdout=out)
    text = out.getvalue()
    assert "Initial" in text
    assert "01/18" in text
    assert "Overall (mean of priority scores)" in text
    overall = next(line for line in text.splitlines() if line.startswith("Overall"))
    assert overall.split()[-4:-2] == ["2.1", "2.6"]


def test_the_rollup_command_names_the_plans_when_the_slug_is_wrong(thurrock):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match='No plan "nope". Plans: .*thurrock-2017-19'):
        call_command("rollup", "nope")


def test_every_send_peer_review_recommendation_is_answered_by_its_row(send_plan):
    unanswered = Recommendation.objects.filter(inspection__key="thurrock-send-peer-review-2017", outcomes=None)
    assert list(unanswered.values_list("number", flat=True)) == []
    assert send_plan.priorities.get(number=4).outcomes.get().recommendations.get().number == 4
