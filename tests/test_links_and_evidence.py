"""Every page that names a measure, a recommendation or an indicator links to its page; the evidence page
lists the files and links attached to its measures; the public pack links nowhere into the tracker."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.audit import acting_as
from plans.models import BoardPackSnapshot, Evidence, Indicator, Measure, Period, Publication, Recommendation
from plans.publishing.services import publish

MEASURE_LINK = re.compile(r'href="/measures/(\d+)/"')


def measure_links(html: str) -> list[int]:
    return [int(pk) for pk in MEASURE_LINK.findall(html)]


@pytest.fixture
def edge_of_care(thurrock) -> Measure:
    """S Murphy's row citing "Ofsted recco 6" (priority 4), so it answers recommendation 6 of the 2016 inspection."""
    return Measure.objects.get(text__startswith="Ofsted recco 6 edge of care service established")


@pytest.fixture
def recommendation_6(thurrock) -> Recommendation:
    return Recommendation.objects.get(inspection__key="thurrock-2016", number=6)


def test_the_plan_page_links_every_measure_it_shows_to_its_page(client, board, thurrock):
    client.force_login(board)
    page = client.get(reverse("plan-detail", args=[thurrock.slug])).content.decode()

    shown = int(re.search(r"(\d+) measures in the plan", page).group(1))
    assert shown == 97  # 8 + 7 + 20 + 29 + 3 + 2 + 9 + 19 printed rows
    links = measure_links(page)
    assert len(links) == shown
    assert set(links) == set(Measure.objects.of_plan(thurrock).values_list("pk", flat=True))


def test_the_demo_dashboard_challenges_an_on_track_measure_whose_indicator_worsens(client, board, thurrock):
    """From the seed's own figures: PEPs up to date fell from 97.1 % to 88.8 % while the PEP row is rated 3."""
    client.force_login(board)
    page = client.get(reverse("board-dashboard", args=[thurrock.slug])).content.decode()

    rows = re.findall(r'<tr class="challenge-row challenge-row--indicator">.*?</tr>', page, re.S)
    assert rows, "no indicator challenge on the demo dashboard"
    pep = next(row for row in rows if "PEPs up to date" in row)
    measure = Measure.objects.get(text__startswith="95% of eligible looked-after children have a current personal")
    indicator = Indicator.objects.get(name="PEPs up to date", priority__plan=thurrock)
    assert "Rated on track, but “PEPs up to date” is worsening." in pep
    assert "95% of eligible looked-after children have a current personal education plan" in pep
    assert measure_links(pep) == [measure.pk]
    assert reverse("board-indicators", args=[thurrock.slug, 5]) + f"#indicator-{indicator.pk}" in pep


def test_the_demo_indicators_carry_polarity_and_no_made_up_year_to_date(thurrock):
    indicators = Indicator.objects.filter(priority__plan=thurrock)
    assert indicators.count() == 21
    assert not indicators.filter(polarity="").exists()
    assert set(indicators.filter(polarity="lower").values_list("name", flat=True)) == {
        "Social Work teams vacancies/ agency staff",
        "Timescale child entering care placement with adopters",
    }
    assert not indicators.filter(ytd="0").exists()
    assert Measure.objects.of_plan(thurrock).filter(indicators__isnull=False).distinct().count() == 20


def test_every_measure_the_dashboard_names_links_to_its_page(client, board, thurrock):
    client.force_login(board)
    page = client.get(reverse("board-dashboard", args=[thurrock.slug]) + "?full=1").content.decode()
    in_plan = set(Measure.objects.of_plan(thurrock).values_list("pk", flat=True))

    named = page.count('<a href="/plans/thurrock-2017-19/#priority-')  # each measure_ref starts with its P link
    assert named > 0
    assert len(measure_links(page)) == named
    assert set(measure_links(page)) <= in_plan


def test_coverage_links_each_recommendation_to_its_evidence_and_each_answer_to_its_measure(
    client, board, thurrock, edge_of_care, recommendation_6
):
    client.force_login(board)
    page = client.get(reverse("board-coverage", args=[thurrock.slug])).content.decode()

    assert reverse("board-evidence", args=[thurrock.slug, recommendation_6.pk]) in page
    assert edge_of_care.pk in measure_links(page)
    assert page.count('class="answer-link"') == len(measure_links(page))


def test_the_evidence_page_lists_files_and_links_attached_to_its_measures(
    client, smurphy, board, bob, thurrock, edge_of_care, recommendation_6
):
    client.force_login(smurphy)
    upload = SimpleUploadedFile("edge-of-care.pdf", b"%PDF-1.4 business case", content_type="application/pdf")
    client.post(reverse("measure-evidence", args=[edge_of_care.pk]), {"title": "Invest to save case", "file": upload})
    client.post(
        reverse("measure-evidence", args=[edge_of_care.pk]),
        {"title": "Panel minutes", "link": "https://example.org/panel"},
    )
    file_evidence = Evidence.objects.get(title="Invest to save case")

    client.force_login(board)
    page = client.get(reverse("board-evidence", args=[thurrock.slug, recommendation_6.pk])).content.decode()

    section = page[page.index("Ofsted recco 6 edge of care service") :]
    table = section[section.index("Evidence attached") : section.index("Rating history")]
    download = reverse("evidence-file", args=[file_evidence.pk])
    assert f'<a href="{download}">Invest to save case</a>' in table
    assert '<a href="https://example.org/panel" rel="noopener noreferrer">Panel minutes</a>' in table
    assert table.count("<td>01/18</td>") == 2
    assert table.count("<td>Sheila Murphy</td>") == 2
    assert edge_of_care.pk in measure_links(page)
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.4 business case"

    client.force_login(bob)  # no role in the plan: neither the page nor the file
    assert client.get(reverse("board-evidence", args=[thurrock.slug, recommendation_6.pk])).status_code == 404
    assert client.get(download).status_code == 404


def test_the_measure_page_links_the_recommendations_it_answers_and_its_indicators(
    client, board, thurrock, edge_of_care, recommendation_6
):
    client.force_login(board)
    measure = Measure.objects.get(text__startswith="95% of eligible looked-after children have a current personal")
    indicator = Indicator.objects.get(name="PEPs up to date", priority__plan=thurrock)

    page = client.get(reverse("measure-detail", args=[measure.pk])).content.decode()
    assert reverse("board-indicators", args=[thurrock.slug, 5]) + f"#indicator-{indicator.pk}" in page

    page = client.get(reverse("measure-detail", args=[edge_of_care.pk])).content.decode()
    assert f'href="{reverse("board-evidence", args=[thurrock.slug, recommendation_6.pk])}"' in page
    assert "Ofsted recommendation 6" in page


def test_my_measures_links_each_of_the_leads_rows(client, smurphy):
    client.force_login(smurphy)
    page = client.get(reverse("my-measures")).content.decode()
    led = set(Measure.objects.filter(leads__user=smurphy).values_list("pk", flat=True))
    assert led
    assert led <= set(measure_links(page))


def test_the_board_pack_links_measures_but_the_public_pack_links_nothing_in_the_tracker(client, owner, thurrock):
    client.force_login(owner)
    pack = client.get(reverse("board-pack", args=[thurrock.slug])).content.decode()
    assert len(set(measure_links(pack))) == Measure.objects.of_plan(thurrock).filter(removed=False).count()
    assert "/board/indicators/" in pack

    period = thurrock.periods.get(label="01/18")
    with acting_as(owner):
        period.status = Period.Status.CLOSED
        period.save()
    publication = publish(BoardPackSnapshot.objects.get(period=period), "Public", owner)
    assert Publication.objects.filter(pk=publication.pk).exists()
    client.logout()
    public = client.get(reverse("publication", args=[publication.token])).content.decode()
    assert "95% of eligible looked-after children" in public
    assert measure_links(public) == []
    assert 'href="/plans/' not in public
    assert "/board/indicators/" not in public


def test_the_owners_structure_and_missing_updates_pages_link_each_measure(
    client, owner, thurrock, recommendation_6, open_period
):
    client.force_login(owner)
    in_plan = set(Measure.objects.of_plan(thurrock).values_list("pk", flat=True))

    structure = client.get(reverse("owner-structure", args=[thurrock.slug])).content.decode()
    assert set(measure_links(structure)) == in_plan
    assert reverse("board-evidence", args=[thurrock.slug, recommendation_6.pk]) in structure

    client.post(reverse("owner-periods", args=[thurrock.slug]), {"action": "close", "period": open_period.pk})
    client.post(reverse("owner-periods", args=[thurrock.slug]), {"action": "open", "label": ""})  # 03/18: all owed
    missing = client.get(reverse("owner-missing-updates", args=[thurrock.slug])).content.decode()
    listed = re.findall(r"<li>Priority \d+: (.*?)</li>", missing)
    assert listed
    assert len(measure_links(missing)) == len(listed)
    assert set(measure_links(missing)) <= in_plan
