"""The committee report (.docx): the board's paper written from the plan, read back as Word would read it."""

import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from plans.audit import acting_as
from plans.board.report import committee_report
from plans.demo.loader import FIXTURES, read_plan
from plans.models import BoardPackSnapshot, Lead, Measure, Period, Rating
from plans.spreadsheets.exporter import LEVEL_FILLS
from tests.factories import build_plan

# The RAG summary as DOMAIN.md gives it from the rows (previous = Initial, current = 01/18), and the three
# figures the council printed differently (P3 Initial 1.5, P4 01/18 2.9, overall Initial 2.0).
INITIAL = ["2.8", "1.7", "2.0", "2.0", "2.0", "1.5", "2.3", "2.6"]
JANUARY = ["3.3", "2.3", "2.5", "3.0", "2.0", "2.5", "2.4", "2.9"]
ROWS_PER_PRIORITY = [8, 7, 20, 29, 3, 2, 9, 19]
# Officers named in the Lead and Responsible Officer cells of the seed's tables (checked against the fixture below).
OFFICERS = ["S Murphy", "Joe Tynan", "Clare Moore", "Janet Simon", "Neale Laurie", "Keeley Pullen"]


def download(client, plan, **params) -> Document:
    response = client.get(reverse("board-report-docx", args=[plan.slug]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].endswith('.docx"')
    return Document(BytesIO(response.content))


@pytest.fixture
def board_member(db):
    return get_user_model().objects.get(username="board")


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def summary_table(document):
    return next(t for t in document.tables if t.rows[0].cells[0].text == "Priority" and len(t.columns) == 5)


def appendix_tables(document):
    return [t for t in document.tables if t.rows[0].cells[0].text == "Outcome"]


def first_line(cell) -> str:
    return cell.paragraphs[0].text


def shading(cell) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shd is None else shd.get(qn("w:fill"))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_a_board_member_downloads_the_01_18_report_with_the_rag_summary_of_the_rows(client, board_member, thurrock):
    client.force_login(board_member)
    document = download(client, thurrock, period="01/18")
    table = summary_table(document)
    assert [c.text for c in table.rows[0].cells] == [
        "Priority",
        "Previous period\nInitial",
        "Current period\n01/18",
        "Change",
        "Rated",
    ]
    body = table.rows[1:]
    assert [first_line(row.cells[1]) for row in body] == [*INITIAL, "2.1"]
    assert [first_line(row.cells[2]) for row in body] == [*JANUARY, "2.6"]
    assert [row.cells[4].text for row in body] == [f"{n} of {n}" for n in ROWS_PER_PRIORITY] + ["97 of 97"]
    assert body[-1].cells[0].text == "Overall"
    assert body[-1].cells[3].text == "↑ up 0.5"
    # Each score says the word of the level it has reached, on that level's colour.
    assert body[0].cells[2].text.splitlines()[:2] == ["3.3", "On track"]
    assert shading(body[0].cells[2]) != shading(body[1].cells[1]) is not None


def test_the_printed_slips_are_flagged_beside_the_figures_the_rows_give(client, board_member, thurrock):
    client.force_login(board_member)
    document = download(client, thurrock, period="01/18")
    body = summary_table(document).rows[1:]
    assert body[2].cells[1].text.splitlines() == ["2.0", "Started, some delay", "published 1.5"]
    assert body[3].cells[2].text.splitlines() == ["3.0", "On track", "published 2.9"]
    assert body[-1].cells[1].text.splitlines() == ["2.1", "Started, some delay", "published 2.0"]
    assert "published" not in body[0].cells[1].text
    assert [p.runs[0].style.name for p in body[3].cells[2].paragraphs if "published" in p.text] == ["Flag"]
    slips = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert slips == [
        "Priority 3, Initial: the rows give 2.0; published 1.5.",
        "Overall, Initial: the rows give 2.1; published 2.0.",
        "Priority 4, 01/18: the rows give 3.0; published 2.9.",
    ]


def test_the_report_has_the_council_papers_sections_in_order(client, board_member, thurrock):
    client.force_login(board_member)
    document = download(client, thurrock, period="01/18")
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "Children's Social Care Development Plan 2017-19"
    assert headings(document, 1) == [
        "Executive summary",
        "1. Recommendations",
        "2. Introduction and background",
        "3. Summary of progress",
        "4. What has changed",
        "5. Overdue and challenged measures",
        "6. Inspection recommendations coverage",
        "7. Appendices",
        "Appendix 1: Children's Social Care Development Plan 2017-19",
    ]
    text = all_text(document)
    assert "The overall score is 2.6 (Started, some delay), up 0.5 from 2.1 in Initial." in text
    assert "That the board note that 3 figures printed in the published summary differ" in text
    level_2 = headings(document, 2)
    # What has changed: every priority but 5 (2.0 → 2.0) moved up, each with the reasons and updates recorded.
    moved = [h for h in level_2 if " — up " in h or " — down " in h]
    assert [h.split(":")[0] for h in moved] == [f"Priority {n}" for n in (1, 2, 3, 4, 6, 7, 8)]
    assert moved[0].endswith("— up 0.5 (2.8 → 3.3)")
    assert "Update: Recruitment + Retention Strategy in place" in text
    assert "Overdue (" in "\n".join(level_2)
    assert "Ofsted: Thurrock Council 2016" in "\n".join(level_2)
    appendix = level_2[-8:]
    assert [h.split(":")[0] for h in appendix] == [f"Priority {n}" for n in range(1, 9)]


def test_the_appendix_holds_every_measure_with_its_ratings_in_number_word_and_colour(client, board_member, thurrock):
    client.force_login(board_member)
    document = download(client, thurrock, period="01/18")
    tables = appendix_tables(document)
    assert [len(t.rows) - 1 for t in tables] == ROWS_PER_PRIORITY
    assert sum(len(t.rows) - 1 for t in tables) == 97
    header = [c.text for c in tables[0].rows[0].cells]
    assert header[:6] == ["Outcome", "Action", "Success measure(s)", "Lead", "Responsible officer", "Time"]
    assert header[6:] == ["RAG Initial", "RAG 01/18", "Progress update"]
    assert tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    # The seed's first row: Senior Management structure established, S Murphy, Jan-18, rated 4 then 4.
    first = [c.text for c in tables[0].rows[1].cells]
    assert first[2:6] == ["Senior Management structure established", "S Murphy", "", "Jan-18"]
    assert first[6:8] == ["4 Completed, being monitored"] * 2
    blue = shading(tables[0].rows[1].cells[6])
    amber = next(shading(row.cells[6]) for row in tables[0].rows[1:] if row.cells[6].text.startswith("2 "))
    # Shaded as the plan's workbook fills its cells, by the colours fixtures/scales.yaml gives levels 4 and 2.
    assert (blue, amber) == (LEVEL_FILLS["blue"], LEVEL_FILLS["amber"])
    assert first[8] == "Costed structure in place."
    # The outcome spans its rows as one merged cell, as in the council's table.
    assert tables[0].rows[1].cells[0]._tc is tables[0].rows[2].cells[0]._tc


def test_the_report_is_made_of_styles_not_direct_formatting(client, board_member, thurrock):
    client.force_login(board_member)
    document = download(client, thurrock, period="01/18")
    body = document.element.body
    for tag in ("w:b", "w:i", "w:sz", "w:color", "w:rFonts", "w:u"):
        assert not body.findall(f".//{qn('w:rPr')}/{qn(tag)}"), tag  # no run carries its own font
    assert {t.style.name for t in document.tables} == {"Table Grid"}
    used = {p.style.name for p in document.paragraphs}
    used |= {p.style.name for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs}
    assert used <= {
        "Title",
        "Subtitle",
        "Heading 1",
        "Heading 2",
        "Normal",
        "Numbered Paragraph",
        "Caption",
        "List Bullet",
        "Table Heading",
        "Table Text",
        "Appendix Heading",
        "Appendix Text",
    }
    assert document.styles["Heading 1"].font.name == "Arial"
    landscape = document.sections[-1]
    assert landscape.page_width > landscape.page_height  # the appendix is printed landscape


def test_the_fixture_names_these_officers_in_its_lead_cells():
    """The redaction tests' names come from the transcribed plan, not from the code under test."""
    cells = [
        f"{m.get('lead') or ''} {m.get('officer') or ''}"
        for priority in read_plan(FIXTURES / "thurrock-2017-19")["priorities"]
        for outcome in priority.get("outcomes", [])
        for action in outcome["actions"]
        for m in action["measures"]
    ]
    for name in OFFICERS:
        assert any(name in cell for cell in cells), name


def test_the_redacted_report_shows_roles_and_leaves_out_officers_words(client, board_member, thurrock):
    Lead.objects.filter(name="Sheila Murphy").update(role="Assistant Director, Children's Social Care")
    client.force_login(board_member)
    full = all_text(download(client, thurrock, period="01/18"))
    document = download(client, thurrock, period="01/18", redact="1")
    redacted = all_text(document)
    users = get_user_model().objects.exclude(username="system")
    for name in [*OFFICERS, *(u.get_full_name() for u in users if u.get_full_name())]:
        assert name not in redacted, name
    assert all(name in full for name in OFFICERS)
    assert "Sheila Murphy" in full  # "Report of" as the plan prints it
    first = [c.text for c in appendix_tables(document)[0].rows[1].cells]
    assert first[3] == "Assistant Director, Children's Social Care"
    assert "Progress update" not in [c.text for c in appendix_tables(document)[0].rows[0].cells]
    assert "Costed structure in place." in full
    assert "Costed structure in place." not in redacted
    assert "Reason and update" not in redacted
    assert "officers' names are replaced by their roles" in redacted
    assert summary_table(document).rows[-1].cells[2].paragraphs[0].text == "2.6"


def test_a_closed_periods_report_is_the_one_frozen_with_its_pack(client, alice, thurrock):
    january = thurrock.periods.get(label="01/18")
    with acting_as(alice):
        january.status = Period.Status.CLOSED
        january.save()
    snapshot = BoardPackSnapshot.objects.get(period=january)
    assert snapshot.report["overall"]["current"]["score"] == "2.6"
    assert sum(len(p["rows"]) for p in snapshot.report["appendix"]["priorities"]) == 97
    with acting_as(alice):
        for rating in Rating.objects.filter(period=january, measure__action__outcome__priority__number=1):
            rating.level = thurrock.scale.levels.get(value=1)
            rating.save()
    client.force_login(alice)
    document = download(client, thurrock, period="01/18")
    assert first_line(summary_table(document).rows[1].cells[2]) == "3.3"  # as frozen, not today's 1.0
    produced = all_text(document)
    assert "Frozen when 01/18 closed: version 1 of the board pack" in produced
    assert "by alice" in produced  # who closed it (alice has no full name)
    dashboard = client.get(reverse("board-dashboard", args=[thurrock.slug])).content.decode()
    assert "report.docx?period=01/18&amp;version=1" in dashboard


def test_a_pack_frozen_before_reports_were_kept_gets_its_report_from_the_history(client, alice, thurrock):
    january = thurrock.periods.get(label="01/18")
    with acting_as(alice):
        january.status = Period.Status.CLOSED
        january.save()
    BoardPackSnapshot.objects.filter(period=january).update(report={})
    document = Document(BytesIO(committee_report(thurrock, january)))
    assert [first_line(row.cells[2]) for row in summary_table(document).rows[1:]] == [*JANUARY, "2.6"]
    assert "Written from the plan's history as it stood then." in all_text(document)


def test_a_word_scaled_plan_in_its_first_period_has_a_report_too(client, alice, send_plan):
    client.force_login(alice)
    document = download(client, send_plan)
    text = all_text(document)
    assert "in its first reporting period, 17/01/18" in text
    assert "This is the plan's first reporting period" in text
    rows = sum(len(t.rows) - 1 for t in appendix_tables(document))
    assert rows == Measure.objects.of_plan(send_plan).count()
    assert "Completed" in text


@pytest.mark.parametrize("size", [(2, 3, 2), (5, 12, 6)])
def test_the_report_query_count_does_not_grow_with_the_plan(client, alice, django_assert_num_queries, size):
    plan = build_plan(*size)
    client.force_login(alice)
    with django_assert_num_queries(26):
        document = download(client, plan, period="P2")
    assert sum(len(t.rows) - 1 for t in appendix_tables(document)) == size[0] * size[1]


def test_libreoffice_converts_the_report_to_pdf(thurrock, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed: .ci/run installs it (apt-get install libreoffice-writer-nogui).")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    source = tmp_path / "report.docx"
    source.write_bytes(committee_report(thurrock, thurrock.periods.get(label="01/18")))
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",  # its own profile: runs side by side
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    pdf = Path(tmp_path / "report.pdf")
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF"), result.stdout + result.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "RAG summary of all areas, Initial and 01/18" in text
    assert "Appendix 1: Children's Social Care Development Plan 2017-19" in text


def test_text_word_cannot_hold_does_not_stop_the_report(client, alice, thurrock):
    """An update pasted from Word can carry a vertical tab (\\x0b), which a .docx may not contain."""
    rating = Rating.objects.get(period__label="01/18", measure__text="Senior Management structure established")
    with acting_as(alice):
        rating.update = "Costed structure in place.\x0bSigned off by the board."
        rating.save()
    client.force_login(alice)
    first = appendix_tables(download(client, thurrock, period="01/18"))[0].rows[1].cells
    assert first[-1].text == "Costed structure in place. Signed off by the board."
