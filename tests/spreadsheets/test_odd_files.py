"""Workbooks from the wild: odd files are imported as a person reads them, or refused with a clear message.

The corpus: files crafted as generators and fuzzers write them (tests/spreadsheets/odd_files.py: far-away
cells, stale and missing dimensions, Strict Open XML, odd part names, inline strings, shared formulas, a
minimal .xlsb), files LibreOffice saved (tests/data/workbooks/, see make_libreoffice_files.py there), and
formats that cannot be read. Each one goes through `import_plan` as a user would run it; a refused one
changes nothing and says why on stderr, one line per problem; peak memory is measured in a subprocess.
"""

import os
import resource
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from plans.models import Measure, Plan, Rating
from plans.spreadsheets.exporter import export_plan
from tests.factories import build_plan
from tests.spreadsheets import odd_files
from tests.spreadsheets.odd_files import HEADER, MEASURES, RATINGS, ROWS, plan_sheet, rows_xml, sheet_xml, xlsx
from tests.spreadsheets.test_pages import upload
from tests.spreadsheets.test_round_trip import history_count, to_bytes

ROOT = Path(__file__).resolve().parent.parent.parent
LIBREOFFICE = ROOT / "tests" / "data" / "workbooks"
MEMORY_LIMIT_KB = 200 * 1024


def imported(tmp_path, data: bytes, name: str = "plan.xlsx", slug: str = "wild") -> tuple[Plan, str]:
    """Import the bytes as a new plan, as the command's user would; (the plan, what it printed)."""
    path = tmp_path / name
    path.write_bytes(data)
    out, err = StringIO(), StringIO()
    call_command("import_plan", str(path), "--plan", slug, "--create", stdout=out, stderr=err)
    assert err.getvalue() == ""
    return Plan.objects.get(slug=slug), out.getvalue()


def refused(tmp_path, data: bytes, name: str = "plan.xlsx") -> tuple[str, str]:
    """Import the bytes expecting a refusal; (stdout, stderr), having checked that nothing changed."""
    path = tmp_path / name
    path.write_bytes(data)
    out, err = StringIO(), StringIO()
    before = (history_count(), Plan.objects.count(), Measure.objects.count())
    with pytest.raises(CommandError) as failure:
        call_command("import_plan", str(path), "--plan", "wild", "--create", stdout=out, stderr=err)
    assert (history_count(), Plan.objects.count(), Measure.objects.count()) == before
    assert "nothing was changed" in str(failure.value)
    return out.getvalue(), err.getvalue()


def measures_and_ratings(plan: Plan) -> list[tuple[str, int | None]]:
    ratings = {r.measure_id: r.level.value for r in Rating.objects.filter(period__plan=plan).select_related("level")}
    return [
        (m.text, ratings.get(m.pk)) for m in Measure.objects.of_plan(plan).order_by("action__outcome__order", "order")
    ]


def assert_the_action_plan(plan: Plan, title: str = "Action plan") -> None:
    """One priority named after the sheet (or its banner), three measures under two outcomes, their ratings."""
    assert list(plan.priorities.values_list("number", "title")) == [(1, title)]
    assert measures_and_ratings(plan) == list(zip(MEASURES, RATINGS, strict=True))
    assert plan.priorities.get().outcomes.count() == 2


READABLE = {
    "plain": lambda: xlsx({"Action plan": plan_sheet()}),
    # generators often declare A1:G1 while their rows go on, or declare the whole sheet for three rows
    "stale-dimension": lambda: xlsx({"Action plan": plan_sheet(dimension="A1:G1")}),
    "no-dimension": lambda: xlsx({"Action plan": plan_sheet()}),
    "whole-sheet-dimension": lambda: xlsx({"Action plan": plan_sheet(dimension="A1:XFD1048576")}),
    "strict-open-xml": lambda: xlsx({"Action plan": plan_sheet()}, strict=True),
    "part-name-case": lambda: xlsx({"Action plan": plan_sheet()}, part="xl/Worksheets/Sheet{n}.XML"),
    "backslash-paths": lambda: xlsx({"Action plan": plan_sheet()}, part="xl\\worksheets\\sheet{n}.xml"),
    "namespace-prefixes": lambda: xlsx(
        {
            "Action plan": f'<x:worksheet xmlns:x="{odd_files.MAIN}"><x:sheetData>'
            + rows_xml([HEADER, *ROWS], prefix="x:")
            + "</x:sheetData></x:worksheet>"
        }
    ),
    "cells-without-references": lambda: xlsx(
        {"Action plan": plan_sheet().replace(' r="A', ' data-r="A').replace('<c r="B', '<c data-r="B')}
    ),
    "empty-styled-cells-far-away": lambda: xlsx(
        {"Action plan": sheet_xml(rows_xml([HEADER, *ROWS]) + '<row r="1048576"><c r="XFD1048576" s="1"/></row>')}
    ),
    "shared-formulas-with-values": lambda: xlsx(
        {
            "Action plan": plan_sheet()
            .replace('<c r="F2"><v>3</v></c>', '<c r="F2"><f t="shared" ref="F2:F3" si="0">1+2</f><v>3</v></c>')
            .replace('<c r="F3"><v>2</v></c>', '<c r="F3"><f t="shared" si="0"/><v>2</v></c>')
        }
    ),
    "xlsb-made-record-by-record": lambda: odd_files.xlsb([HEADER, *ROWS]),
    "alternate-content-styles-and-unknown-extensions": lambda: xlsx(
        {"Action plan": plan_sheet().replace("<sheetData>", odd_files.UNKNOWN_EXTENSION + "<sheetData>")},
        extra={"xl/styles.xml": odd_files.ALTERNATE_CONTENT_STYLES},
    ),
}


@pytest.mark.parametrize("case", sorted(READABLE))
def test_an_odd_but_sound_workbook_imports_as_a_person_reads_it(db, tmp_path, case):
    plan, printed = imported(tmp_path, READABLE[case](), name=f"{case}.xlsx")
    assert_the_action_plan(plan)
    assert "Imported" in printed
    assert "Warning" not in printed  # no library warning reaches the user
    assert "site-packages" not in printed


@pytest.mark.parametrize("suffix", ["ods", "xls", "xlsx"])
def test_a_plan_saved_by_libreoffice_imports_with_its_merged_cells(db, tmp_path, suffix):
    data = (LIBREOFFICE / f"libreoffice-action-plan.{suffix}").read_bytes()
    plan, _printed = imported(tmp_path, data, name=f"plan.{suffix}")
    assert list(plan.priorities.values_list("title", flat=True)) == ["Children's Services Improvement Action Plan 2018"]
    assert [p.label for p in plan.periods.all()] == ["01/18", "03/18"]
    rows = {m.text: m for m in Measure.objects.of_plan(plan).with_path()}
    assert set(rows) == set(MEASURES)
    assert rows["Findings reported to the board"].action.text == "Audit cases monthly"  # merged over its rows
    assert rows["Findings reported to the board"].time_text == "Mar-18"  # a real date, read as a person reads it
    ratings = {
        (r.measure.text, r.period.label): r.level.value
        for r in Rating.objects.filter(period__plan=plan).select_related("measure", "period", "level")
    }
    assert ratings == {
        ("90% of cases audited", "01/18"): 3,
        ("90% of cases audited", "03/18"): 2,
        ("Findings reported to the board", "01/18"): 2,
        ("Findings reported to the board", "03/18"): 2,  # the 03/18 cell is merged over both rows
        ("Vacancies below 10%", "01/18"): 4,  # typed as text
    }


def test_a_sheet_without_priority_markers_is_one_priority_named_after_its_banner(db, tmp_path):
    body = rows_xml([["Children's Services Action Plan 2018"], [], HEADER, *ROWS])
    plan, _printed = imported(tmp_path, xlsx({"Action plan": sheet_xml(body)}))
    assert_the_action_plan(plan, title="Children's Services Action Plan 2018")
    assert plan.title == "Children's Services Action Plan 2018"


def test_repeated_header_rows_and_banner_rows_are_not_measures_and_priority_banners_start_a_priority(db, tmp_path):
    rows = [
        HEADER,
        ROWS[0],
        ROWS[1],
        ["Priority 2: Workforce"],
        ["RAG 01/18 is the rating this period", None, None, None, None, None],
        HEADER,  # the header again, as when printed pages are pasted together
        ROWS[2],
    ]
    body = rows_xml(rows)
    sheet = sheet_xml(body, merges=["A5:F5"])  # a note merged across the table, a banner
    plan, printed = imported(tmp_path, xlsx({"Action plan": sheet}))
    assert list(plan.priorities.values_list("number", "title")) == [(1, "Action plan"), (2, "Workforce")]
    by_priority = {m.text: m.action.outcome.priority.number for m in Measure.objects.of_plan(plan).with_path()}
    assert by_priority == {MEASURES[0]: 1, MEASURES[1]: 1, MEASURES[2]: 2}
    assert "ignored" not in printed


def test_a_formula_saved_without_its_value_is_named_by_sheet_row_and_column(db, tmp_path):
    sheet = plan_sheet().replace('<c r="F3"><v>2</v></c>', '<c r="F3"><f>SUM(A1:A2)</f><v></v></c>')
    _out, err = refused(tmp_path, xlsx({"Action plan": sheet}))
    assert (
        "Sheet 'Action plan', row 3, column 'RAG 01/18': the formula =SUM(A1:A2) has no calculated value saved" in err
    )


FAR_AWAY = {
    "row-1048576": (
        lambda: xlsx({"Action plan": sheet_xml(rows_xml([HEADER, *ROWS]) + rows_xml([["stray"]], 1048576))}),
        "Sheet 'Action plan' has cells as far as row 1,048,576 and column F (6), 6,291,456 cells",
    ),
    "xfd1048576": (
        lambda: xlsx(
            {
                "Action plan": sheet_xml(
                    rows_xml([HEADER, *ROWS]) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
                )
            }
        ),
        "Sheet 'Action plan' has cells as far as row 1,048,576 and column XFD (16,384), 17,179,869,184 cells",
    ),
    "cell-placed-in-another-row": (
        lambda: xlsx({"Action plan": plan_sheet().replace('<c r="F4">', '<c r="F400000">')}),
        "has cells as far as row 400,000",
    ),
    "gnumeric-rows-near-the-end": (
        lambda: xlsx(
            {
                "Action plan": sheet_xml(
                    rows_xml([HEADER, *ROWS]) + rows_xml([["x", 1]] * 40, 1048530), dimension="A1:XFD1048576"
                )
            }
        ),
        "a sheet may reach at most row 100,000 and column GR (200), and at most 2,000,000 cells",
    ),
    "ods-repeated-rows": (
        lambda: odd_files.zipped(
            {
                "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": "<office:document-content "
                'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
                ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:'
                'opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Plan">'
                '<table:table-row table:number-rows-repeated="500000"><table:table-cell office:value-type="float" '
                'office:value="1" table:number-columns-repeated="300"/></table:table-row></table:table>'
                "</office:spreadsheet></office:body></office:document-content>",
            }
        ),
        "Sheet 'Plan' has cells as far as row 500,000 and column KN (300)",
    ),
}


@pytest.mark.parametrize("case", sorted(FAR_AWAY))
def test_cells_far_away_are_refused_with_the_numbers_before_any_grid_is_built(db, tmp_path, case):
    make, message = FAR_AWAY[case]
    out, err = refused(tmp_path, make())
    assert message in err
    assert out == ""  # nothing read: no preview, no counts


NOT_READABLE = {
    "numbers": (
        lambda: odd_files.zipped({"Index/Document.iwa": b"\0" * 10, "Metadata/Properties.plist": b"x"}),
        "an Apple Numbers spreadsheet (.numbers), which cannot be read here: open it in Numbers, choose File > "
        "Export To > Excel",
    ),
    "empty-zip": (lambda: odd_files.zipped({}), "The file is an empty zip archive, not a spreadsheet"),
    "encrypted-ooxml": (
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le"),
        "password-protected",
    ),
    "word-document": (
        lambda: odd_files.zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
        "The file is a Word document (.docx), not a spreadsheet.",
    ),
    "opendocument-text": (
        lambda: odd_files.zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}),
        "an OpenDocument file but not a spreadsheet (.ods)",
    ),
    "damaged-xls": (
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "Workbook".encode("utf-16-le") + b"\0" * 400,
        "The Excel 97-2003 workbook (.xls) is damaged or incomplete and cannot be read: if Excel or LibreOffice "
        "opens it, save it again from there as an Excel Workbook (.xlsx)",
    ),
    "csv": (lambda: b"Outcome,Action,Success measure\n", "a text or CSV file, not a spreadsheet: open it in Excel"),
}


@pytest.mark.parametrize("case", sorted(NOT_READABLE))
def test_a_format_that_cannot_be_read_is_named_with_what_to_do(db, tmp_path, case):
    make, message = NOT_READABLE[case]
    out, err = refused(tmp_path, make(), name=f"{case}.xlsx")
    assert message in err
    assert out == ""
    assert len(err.strip().splitlines()) == 1  # one clear line per problem


def test_every_problem_is_one_line_on_stderr_and_the_summary_is_on_stdout(db, tmp_path):
    rows = [HEADER, ROWS[0][:5] + ["Purple"], ROWS[1][:5] + ["Gren"], ROWS[2]]
    out, err = refused(tmp_path, xlsx({"Action plan": sheet_xml(rows_xml(rows))}))
    assert err.strip().splitlines() == [
        "Sheet 'Action plan', row 2, column 'RAG 01/18': 'Purple' is not a level of scale Thurrock 1-5 progress scale",
        "Sheet 'Action plan', row 3, column 'RAG 01/18': 'Gren' is not a level of scale Thurrock 1-5 progress scale",
    ]
    assert "3 new rows" in out
    assert "Purple" not in out


# -- memory, measured in a process of its own -----------------------------------------------------------------

MEASURE_CHILD = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "sys.stdout.write(done.stdout); sys.stderr.write(done.stderr); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)"
)


@pytest.fixture(scope="session")
def command_database(tmp_path_factory) -> dict[str, str]:
    """The environment of a `manage.py` process with a migrated SQLite database of its own and the scales."""
    folder = tmp_path_factory.mktemp("command-db")
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env.update(DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}", DEBUG="0", SECRET_KEY="test-only-" + "x" * 50)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=600)
    load = "from plans.demo.loader import LoadReport, load_scales; load_scales(LoadReport())"
    subprocess.run([*manage, "shell", "-c", load], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    return env


def import_in_a_process(env: dict[str, str], path: Path) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr, peak resident memory in KB) of `manage.py import_plan --dry-run`."""
    command = [sys.executable, "manage.py", "import_plan", str(path), "--plan", "measured", "--create", "--dry-run"]
    done = subprocess.run(
        [sys.executable, "-c", MEASURE_CHILD, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    *printed, peak = done.stdout.rstrip("\n").split("\n")
    return done.returncode, "\n".join(printed), done.stderr, int(peak)


def test_a_far_away_cell_is_refused_in_bounded_memory_and_time(command_database, tmp_path):
    path = tmp_path / "far.xlsx"
    path.write_bytes(FAR_AWAY["xfd1048576"][0]())
    code, out, err, peak = import_in_a_process(command_database, path)
    assert code == 1
    assert "has cells as far as row 1,048,576 and column XFD" in err
    assert "Traceback" not in err
    assert peak < MEMORY_LIMIT_KB, f"peak {peak / 1024:.0f} MB"


def test_the_largest_sheet_admitted_is_read_in_bounded_memory(command_database, tmp_path):
    """A table at the top and one value at T100000: 100,000 rows × 20 columns, the most cells a sheet may span."""
    sheet = sheet_xml(rows_xml([HEADER, *ROWS]) + '<row r="100000"><c r="T100000"><v>1</v></c></row>')
    path = tmp_path / "largest.xlsx"
    path.write_bytes(xlsx({"Action plan": sheet}))
    code, out, err, peak = import_in_a_process(command_database, path)
    assert code == 0, err
    assert "3 new rows" in out
    assert peak < MEMORY_LIMIT_KB, f"peak {peak / 1024:.0f} MB"


# -- the upload page (security review, medium finding 2) ---------------------------------------------------------


def test_an_uploaded_export_with_one_far_away_cell_is_refused_clearly_in_bounded_memory(client, db):
    """A 27 KB crafted export with a cell at A1048576 gave a 500 after 7 s (and gigabytes without a cap)."""
    plan = build_plan(priorities=3, measures_per_priority=20, periods=3)
    owner = get_user_model().objects.get(username="owner")
    plan.memberships.create(user=owner, role="owner")
    export = to_bytes(export_plan(plan))
    crafted = odd_files.rezip_sheet(
        export,
        "xl/worksheets/sheet2.xml",
        lambda xml: xml.replace(b"</sheetData>", odd_files.FAR_ROW + b"</sheetData>"),
    )
    assert len(crafted) < 40_000
    client.force_login(owner)
    before = (history_count(), Measure.objects.count())
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = client.post(reverse("plan-import", args=[plan.slug]), {"file": upload(crafted, "plan.xlsx")})
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    html = response.content.decode()
    assert response.status_code == 400
    assert "has cells as far as row 1,048,576" in html
    assert "Traceback" not in html
    assert (history_count(), Measure.objects.count()) == before
    assert grown < 100 * 1024, f"the request grew the process by {grown / 1024:.0f} MB"


def test_an_uploaded_libreoffice_plan_is_previewed(client, thurrock):
    """The upload page takes what the command takes: an .ods previews like an .xlsx."""
    client.force_login(get_user_model().objects.get(username="owner"))
    data = (LIBREOFFICE / "libreoffice-action-plan.ods").read_bytes()
    response = client.post(reverse("plan-import", args=[thurrock.slug]), {"file": upload(data, "plan.ods")})
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "Vacancies below 10%" in html
