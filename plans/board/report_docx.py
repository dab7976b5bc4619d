"""The committee report laid out as a Word document (python-docx), from `plans.board.report.report_data`.

Editable in Word and LibreOffice as if written there: the title, headings and
lists are real Word styles (Title, Heading 1/2, List Bullet, Caption), tables
use the "Table Grid" table style with their header rows repeated on each page,
and the document's own paragraph styles ("Table Heading", "Table Text",
"Appendix Text", "Flag") carry the type sizes: no text is formatted directly.
A rating's cell is shaded with its level's colour (the same fills the workbooks
use) and always says its number and word: colour is never the only signal.

Redaction is by construction: with `redact=True` every person is printed as
their role (Lead.role, else "Officer") from the people recorded with the data,
never by searching text, and officers' own words (progress updates, reasons)
are left out.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.text import Truncator
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from plans.rollup.rules import level_reached
from plans.spreadsheets.exporter import LEVEL_FILLS

OFFICER = "Officer"
A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.0)
PORTRAIT_WIDTH = 17.0  # cm between the margins
LANDSCAPE_WIDTH = 25.7
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
FLAG = RGBColor(0x94, 0x25, 0x14)
CHALLENGE_NAMES = {"indicator": "Indicator", "overdue": "Past due", "stale": "Not updated", "jump": "Big jump"}


@dataclass(frozen=True)
class Audience:
    """Who the report is for: the board (names as recorded) or the public (people by their roles)."""

    redact: bool

    def people(self, as_written: str, people: list[dict]) -> str:
        """A Lead cell: as written for the board; redacted, each person's role from the Lead records."""
        if not self.redact:
            return as_written
        shown: list[str] = []
        for person in people:
            name = (person["role"] or OFFICER) if person["person"] else person["name"]
            if name not in shown:
                shown.append(name)
        return ", ".join(shown)

    def words(self, text: str | None) -> str:
        """Officers' own words (updates, reasons): they can name anyone, so a redacted report leaves them out."""
        return "" if self.redact else (text or "")


def write_report(data: dict, *, redact: bool = False) -> bytes:
    """The .docx of a report's data (see plans.board.report)."""
    audience = Audience(redact)
    document = Document()
    _define_styles(document)
    _page_setup(document.sections[0], landscape=False)
    _footer(document.sections[0], data)
    _properties(document, data)
    writer = ReportWriter(document, data, audience)
    writer.cover()
    writer.executive_summary()
    writer.recommendations()
    writer.background()
    writer.summary()
    writer.changes()
    writer.attention()
    writer.coverage()
    writer.appendices()
    appendix = document.add_section(WD_SECTION.NEW_PAGE)
    _page_setup(appendix, landscape=True)
    writer.appendix()
    out = BytesIO()
    document.save(out)
    return out.getvalue()


class ReportWriter:
    """Writes each part of the report into the document, in the order councils print them."""

    def __init__(self, document, data: dict, audience: Audience):
        self.doc = document
        self.data = data
        self.audience = audience
        self.levels = data["levels"]
        self.label = data["period"]["label"]
        self.previous = (data["previous"] or {}).get("label")
        self.tables = 0

    # Small pieces

    def para(self, text: str, style: str | None = None):
        return _paragraph(self.doc, text, style or "Normal")

    def numbered(self, number: str, text: str):
        return self.para(f"{number}\t{text}", style="Numbered Paragraph")

    def caption(self, text: str) -> None:
        self.tables += 1
        self.para(f"Table {self.tables}: {text}", style="Caption")

    def table(self, headings: list[str], widths: list[float], heading_style: str = "Table Heading") -> "ReportTable":
        return ReportTable(self.doc, headings, widths, heading_style)

    def measure_text(self, ref: dict) -> str:
        leads = self.audience.people(ref["lead_text"], ref["leads"])
        return f"{ref['text']} — {leads}" if leads else ref["text"]

    def score_words(self, score: str | None) -> str:
        """A score with the word of the level it has reached: "2.6 (Started, some delay)"."""
        if score is None:
            return "not rated"
        level = self.level_at(score)
        return f"{score} ({level['label']})" if level else score

    def level_at(self, score: str | None) -> dict | None:
        """The level a score has reached (2.6 → level 2): its colour and word go with the score."""
        if score is None:
            return None
        value = level_reached(Decimal(score), [level["value"] for level in self.levels])
        return next((level for level in self.levels if level["value"] == value), None)

    # The cover report

    def cover(self) -> None:
        data, plan = self.data, self.data["plan"]
        self.para(plan["title"], style="Title")
        self.para(f"Progress report to the board: reporting period {self.label}", style="Subtitle")
        facts = [
            ("Organisation", " · ".join(part for part in (plan["organisation"], plan["department"]) if part)),
            ("Report of", self.report_of()),
            ("Reporting period", self.label + _span(data["period"])),
            ("Compared with", self.previous or "No earlier period"),
            ("Produced", self.produced()),
            ("This version", self.version_note()),
        ]
        table = self.table([], [4.0, PORTRAIT_WIDTH - 4.0])
        for name, value in facts:
            table.add(Cell.text(name, "Table Heading"), Cell.text(value))

    def report_of(self) -> str:
        plan = self.data["plan"]
        if self.audience.redact or not plan["owner_name"]:
            return " · ".join(part for part in (plan["department"], plan["organisation"]) if part)
        return plan["owner_name"]

    def produced(self) -> str:
        frozen = self.data.get("frozen")
        if frozen:
            by = "" if self.audience.redact or not frozen["by"] else f" by {frozen['by']}"
            text = (
                f"Frozen when {self.label} closed: version {frozen['version']} of the board pack, "
                f"{_when(frozen['created'])}{by}. Later edits to the plan do not change it."
            )
            if self.data.get("rebuilt_from_history"):
                text += " Written from the plan's history as it stood then."
            return text
        return f"Live: the plan as it stood at {_when(self.data['produced'])}."

    def version_note(self) -> str:
        if self.audience.redact:
            return (
                "Published version: officers' names are replaced by their roles, and their progress updates "
                "and reasons are left out."
            )
        return "For the board: names, progress updates and reasons as recorded."

    def executive_summary(self) -> None:
        data = self.data
        self.para("Executive summary", style="Heading 1")
        overall = data["overall"]
        current = self.score_words(overall["current"]["score"])
        if not data.get("averaged", True):
            opening = self.counts_opening(data)
        elif self.previous:
            change = (
                f"{overall['change']} from {overall['previous']['score'] or '–'} in {self.previous}"
                if overall["direction"] != "none"
                else f"not comparable with {self.previous}"
            )
            opening = (
                f"This report sets out the progress of the {data['plan']['title']} in the reporting period "
                f"{self.label}, compared with {self.previous}. The overall score is {current}, {change}."
            )
        else:
            opening = (
                f"This report sets out the progress of the {data['plan']['title']} in its first reporting period, "
                f"{self.label}. The overall score is {current}."
            )
        self.para(opening)
        self.para(
            f"{data['rated']} of {data['measures']} success measures were rated in {self.label}. "
            f"{_count(len(data['challenges']), 'challenge')} {_are(len(data['challenges']))} flagged for the board "
            f"to ask about, and {_count(len(data['overdue']), 'measure')} {_are(len(data['overdue']))} past the due "
            "month and not complete. The plan itself is appended."
        )

    def counts_opening(self, data: dict) -> str:
        """The opening on a word scale: the count at each word, no mean (Scale.mean_is_meaningful is off)."""
        counts = data["overall"]["current"].get("counts") or "no measure rated yet"
        before = data["overall"]["previous"].get("counts") if self.previous else ""
        since = f", against {before} in {self.previous}" if before else ""
        when = (
            f"in the reporting period {self.label}, compared with {self.previous}"
            if self.previous
            else f"in its first reporting period, {self.label}"
        )
        return (
            f"This report sets out the progress of the {data['plan']['title']} {when}. The plan is rated in "
            f"words, so its progress is the number of measures at each: {counts}{since}."
        )

    def recommendations(self) -> None:
        data = self.data
        self.para("1. Recommendations", style="Heading 1")
        overall = data["overall"]
        since = (
            f", {overall['change']} from {overall['previous']['score'] or '–'} in {self.previous}"
            if self.previous and overall["direction"] != "none"
            else ""
        )
        progress = (
            f"an overall score of {overall['current']['score'] or '–'}{since}"
            if data.get("averaged", True)
            else f"{overall['current'].get('counts') or 'no measure rated yet'}"
        )
        items = [f"That the board note the progress of the plan in {self.label}: {progress} (section 3)."]
        up, down = _moved(data, "up"), _moved(data, "down")
        if self.previous:
            items.append(
                f"That the board note the priorities that moved — {up} up, {down} down — and the reasons "
                "recorded for them (section 4)."
            )
        items.append(
            f"That the board consider the {_count(len(data['overdue']), 'overdue measure')} and the "
            f"{_count(len(data['challenges']), 'challenge')} flagged (section 5), and seek assurance from "
            "their leads."
        )
        differences = _differences(data)
        if differences:
            items.append(
                f"That the board note that {_count(len(differences), 'figure')} printed in the published summary "
                f"{'differs' if len(differences) == 1 else 'differ'} from what the rated rows give (section 3); "
                "this report shows what the rows give."
            )
        for inspection in data["coverage"]:
            total = len(inspection["recommendations"])
            unanswered = [str(r["number"]) for r in inspection["recommendations"] if not r["measures"]]
            gap = f"; not answered: {', '.join(unanswered)}" if unanswered else ""
            items.append(
                f"That the board note that {total - len(unanswered)} of the {total} recommendations of "
                f"{inspection.get('name') or inspection['inspection']} are answered by at least one action{gap} "
                "(section 6)."
            )
        for number, text in enumerate(items, start=1):
            self.numbered(f"1.{number}", text)

    def background(self) -> None:
        plan = self.data["plan"]
        self.para("2. Introduction and background", style="Heading 1")
        number = 0
        for text in (plan["introduction"], plan["governance"]):
            for part in _paragraphs(text):
                number += 1
                self.numbered(f"2.{number}", part)
        number += 1
        self.numbered(
            f"2.{number}",
            "Each success measure is rated in each reporting period on the plan's scale below. A measure not "
            "rated in a period is left out of that period's scores, never counted as nought.",
        )
        self.caption("The rating scale")
        table = self.table(["Rating", "What it means"], [5.0, PORTRAIT_WIDTH - 5.0])
        for level in self.levels:
            table.add(Cell.rating([level["value"], level["label"], level["colour"]]), Cell.text(level["description"]))

    def summary(self) -> None:
        data = self.data
        self.para("3. Summary of progress", style="Heading 1")
        self.numbered(
            "3.1",
            "The RAG summary: the mean rating of each priority's measures in each period, not-rated measures left "
            "out; the overall score is the mean of the priority scores; both rounded half-up to one decimal."
            if data.get("averaged", True)
            else "The RAG summary: the plan is rated in words, so each priority shows how many of its measures "
            "are at each word in each period, highest first; words are not averaged. Not rated is left out.",
        )
        previous = self.previous or "–"
        self.caption(
            f"RAG summary of all areas, {previous} and {self.label}"
            if self.previous
            else f"RAG summary of all areas, {self.label}"
        )
        table = self.table(
            ["Priority", f"Previous period\n{previous}", f"Current period\n{self.label}", "Change", "Rated"],
            [7.4, 2.9, 2.9, 2.2, 1.6],
        )
        for row in data["summary"]:
            table.add(
                Cell.text(f"{row['number']}. {row['title']}"),
                self.score(row["previous"]),
                self.score(row["current"]),
                Cell.text(_arrow(row["direction"], row["change"])),
                Cell.text(f"{row['rated']} of {row['measures']}"),
            )
        overall = data["overall"]
        table.add(
            Cell.text("Overall", "Table Heading"),
            self.score(overall["previous"]),
            self.score(overall["current"]),
            Cell.text(_arrow(overall["direction"], overall["change"])),
            Cell.text(f"{data['rated']} of {data['measures']}"),
        )
        self.numbered(
            "3.2",
            f"{data['rated']} of {data['measures']} measures were rated in {self.label}; "
            f"{data['not_rated']} {'was' if data['not_rated'] == 1 else 'were'} not rated.",
        )
        differences = _differences(data)
        if differences:
            self.numbered(
                "3.3",
                "The published summary printed figures that differ from what the rated rows give. The table "
                "shows what the rows give, with the printed figure beside it:",
            )
            for text in differences:
                self.para(text, style="List Bullet")

    def score(self, score: dict) -> "Cell":
        """A score cell: the number and its level's word, shaded with that level's colour; a printed slip flagged."""
        if score["score"] is None and score.get("counts"):  # a word scale: the count at each word, no mean
            return Cell([Para(score["counts"], "Table Heading")])
        level = self.level_at(score["score"])
        paragraphs = [Para(score["score"] or "–", "Table Heading")]
        if level:
            paragraphs.append(Para(level["label"]))
        if score["differs"]:
            paragraphs.append(Para(f"published {score['published']}", flag=True))
        return Cell(paragraphs, colour=level["colour"] if level else None)

    def changes(self) -> None:
        data = self.data
        self.para("4. What has changed", style="Heading 1")
        if not self.previous:
            self.numbered("4.1", "This is the plan's first reporting period: there is nothing to compare with.")
            return
        moved = {p["number"] for p in data["moved"]}
        steady = [str(row["number"]) for row in data["summary"] if row["number"] not in moved]
        self.numbered(
            "4.1",
            f"Between {self.previous} and {self.label}, {_count(_moved(data, 'up'), 'priority', 'priorities')} "
            f"went up and {_moved(data, 'down') or 'none'} went down"
            + (f"; {_numbers(steady)} did not move or cannot be compared." if steady else ".")
            + " Under each priority that moved are the measures whose rating moved, with the reason and the "
            "update recorded with the new rating.",
        )
        for priority in data["moved"]:
            self.para(
                f"Priority {priority['number']}: {priority['title']} — {priority['change']} "
                f"({priority['previous'] or '–'} → {priority['current'] or '–'})",
                style="Heading 2",
            )
            if not priority["measures"]:
                self.para(
                    "No measure's rating moved: the score changed as measures were rated for the first time "
                    "or not rated."
                )
                continue
            headings = ["Success measure", self.previous, self.label]
            widths = [7.0, 2.6, 2.6]
            if not self.audience.redact:
                headings.append("Reason and update")
                widths = [5.4, 2.4, 2.4, PORTRAIT_WIDTH - 10.2]
            table = self.table(headings, widths)
            for item in priority["measures"]:
                cells = [Cell.text(self.measure_text(item["measure"])), Cell.rating(item["before"])]
                cells.append(Cell.rating(item["after"]))
                if not self.audience.redact:
                    cells.append(Cell.text(_why(item["reason"], item["update"])))
                table.add(*cells)

    def attention(self) -> None:
        data = self.data
        self.para("5. Overdue and challenged measures", style="Heading 1")
        self.para(f"Overdue ({len(data['overdue'])})", style="Heading 2")
        self.para(f"Past the due month read from the Time column and not complete in {self.label}.")
        if data["overdue"]:
            table = self.table(["Priority", "Success measure", "Due", f"Rating {self.label}"], [1.6, 9.4, 2.2, 3.8])
            for item in data["overdue"]:
                table.add(
                    Cell.text(str(item["measure"]["priority"])),
                    Cell.text(self.measure_text(item["measure"])),
                    Cell.text(_month(item["due"])),
                    Cell.rating(item["rating"]),
                )
        else:
            self.para("None.")
        self.para(f"Challenges the board should ask about ({len(data['challenges'])})", style="Heading 2")
        self.para(
            "Flagged automatically: on track or better while a linked indicator worsens or lags the statistical "
            "neighbours; past due yet not rated at a level of delay; big jumps; not updated for two or more periods."
        )
        if data["challenges"]:
            table = self.table(["Priority", "Flag", "Why", "Success measure"], [1.6, 2.4, 6.0, 7.0])
            for item in data["challenges"]:
                table.add(
                    Cell.text(str(item["measure"]["priority"])),
                    Cell.text(CHALLENGE_NAMES.get(item["kind"], item["kind"])),
                    Cell.text(item["text"]),
                    Cell.text(self.measure_text(item["measure"])),
                )
        else:
            self.para("Nothing flagged.")

    def coverage(self) -> None:
        self.para("6. Inspection recommendations coverage", style="Heading 1")
        if not self.data["coverage"]:
            self.para("This plan is not linked to an inspection.")
        for inspection in self.data["coverage"]:
            self.para(inspection["inspection"], style="Heading 2")
            items = inspection["recommendations"]
            unanswered = [str(r["number"]) for r in items if not r["measures"]]
            paragraph = self.para(
                f"{len(items) - len(unanswered)} of {len(items)} recommendations are answered by at least one action"
            )
            if unanswered:
                _flag(paragraph, f"; not answered: {', '.join(unanswered)}.")
            else:
                paragraph.add_run(".")
            table = self.table(["No.", "Recommendation", "Answered by", f"Score {self.label}"], [1.2, 9.8, 3.4, 2.6])
            for item in items:
                if item["measures"]:
                    answered = Cell.text(
                        f"{_count(item['measures'], 'measure')} in {_count(item['actions'], 'action')}; "
                        f"{item['rated']} rated"
                    )
                else:
                    answered = Cell([Para("Not answered by any action", flag=True)])
                table.add(
                    Cell.text(str(item["number"])),
                    Cell.text(Truncator(item["text"]).words(40, truncate=" …")),
                    answered,
                    self.score(
                        {"score": item["score"], "published": None, "differs": False, "counts": item.get("counts")}
                    ),
                )

    def appendices(self) -> None:
        self.para("7. Appendices", style="Heading 1")
        periods = self.data["appendix"]["periods"]
        what = "its progress update" if not self.audience.redact else "its lead's role"
        self.numbered(
            "7.1",
            f"Appendix 1 – {self.data['plan']['title']}: every success measure with its lead, time, its ratings "
            f"for {', '.join(periods)} and {what}.",
        )

    def appendix(self) -> None:
        data = self.data["appendix"]
        self.para(f"Appendix 1: {self.data['plan']['title']}", style="Heading 1")
        self.para(
            f"As at {self.label}. Ratings for {', '.join(data['periods'])}: number, word and colour from the "
            "plan's scale; a blank is not rated."
        )
        for priority in data["priorities"]:
            score = f" — {self.score_words(priority['score'])}" if priority["score"] else ""
            self.para(f"Priority {priority['number']}: {priority['title']}{score}", style="Heading 2")
            self.appendix_table(priority["rows"], data["periods"])

    def appendix_table(self, rows: list[dict], periods: list[str]) -> None:
        headings = ["Outcome", "Action", "Success measure(s)", "Lead", "Responsible officer", "Time"]
        headings += [f"RAG {label}" for label in periods]
        updates = not self.audience.redact
        if updates:
            headings.append("Progress update")
        # Wide enough for "Completed, being monitored" on two or three lines; narrower when many periods are shown.
        rating_width = 2.1 if len(periods) <= 4 else 1.7
        update_width = (6.0 if len(periods) <= 3 else 4.5) if updates else 0.0
        rest = LANDSCAPE_WIDTH - rating_width * len(periods) - update_width
        weights = [3.0, 3.0, 4.0, 2.0, 2.3, 1.5]
        widths = [rest * w / sum(weights) for w in weights] + [rating_width] * len(periods)
        if updates:
            widths.append(update_width)
        table = self.table(headings, widths, heading_style="Appendix Heading")
        for index, row in enumerate(rows):
            before = rows[index - 1] if index else None
            after = rows[index + 1] if index + 1 < len(rows) else None
            cells = [
                _merged(row, before, after, "outcome"),  # the same outcome (action) as the next rows: one merged cell
                _merged(row, before, after, "action"),
                Cell.text(row["text"], APPENDIX),
                Cell.text(self.audience.people(row["lead_text"], row["leads"]), APPENDIX),
                Cell.text(self.audience.people(row["officer_text"], row["officers"]), APPENDIX),
                Cell.text(row["time"], APPENDIX),
            ]
            cells += [Cell.rating(rating, APPENDIX) for rating in row["ratings"]]
            if updates:
                cells.append(Cell.text(row["update"], APPENDIX))
            table.add(*cells)


def _merged(row: dict, before: dict | None, after: dict | None, key: str) -> "Cell":
    """An outcome or action cell: its text on its first row, merged down over the rows that share it."""
    same_as_before = before is not None and before[f"{key}_id"] == row[f"{key}_id"]
    same_as_after = after is not None and after[f"{key}_id"] == row[f"{key}_id"]
    if same_as_before:
        return Cell([Para("", APPENDIX)], merge="continue")
    return Cell.text(row[key], APPENDIX, merge="restart" if same_as_after else None)


# The document's styles, page and properties


def _define_styles(document) -> None:
    """The report's look, set once on its styles (Word's "Modify Style" changes it everywhere)."""
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    for name, size, bold in (
        ("Title", 24, True),
        ("Subtitle", 14, False),
        ("Heading 1", 16, True),
        ("Heading 2", 13, True),
        ("Caption", 10, True),
    ):
        style = styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = TEXT
    styles["Heading 1"].paragraph_format.space_before = Pt(18)
    styles["Heading 2"].paragraph_format.space_before = Pt(12)
    styles["Heading 2"].paragraph_format.keep_with_next = True
    styles["Caption"].paragraph_format.keep_with_next = True
    numbered = styles.add_style("Numbered Paragraph", WD_STYLE_TYPE.PARAGRAPH)
    numbered.base_style = normal
    numbered.paragraph_format.left_indent = Cm(1.0)
    numbered.paragraph_format.first_line_indent = Cm(-1.0)
    numbered.paragraph_format.tab_stops.add_tab_stop(Cm(1.0))
    for name, size, bold in (
        ("Table Heading", 9.5, True),
        ("Table Text", 9.5, False),
        ("Appendix Heading", 8, True),
        ("Appendix Text", 8, False),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = Pt(size)
        style.font.bold = bold
        style.paragraph_format.space_after = Pt(0)
    flag = styles.add_style("Flag", WD_STYLE_TYPE.CHARACTER)
    flag.font.bold = True
    flag.font.color.rgb = FLAG


def _page_setup(section, *, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN


def _footer(section, data: dict) -> None:
    """Plan, period and page number on every page (the appendix's section inherits it)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.style = "Footer"
    paragraph.add_run(f"{data['plan']['title']} · progress report {data['period']['label']} · page ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _properties(document, data: dict) -> None:
    core = document.core_properties
    core.title = f"{data['plan']['title']}: progress report {data['period']['label']}"
    core.subject = "Progress report to the board"
    core.author = core.last_modified_by = data["plan"]["organisation"]
    core.comments = ""
    core.keywords = "improvement plan; RAG; board report"


# Tables and cells: each row is written as one piece of XML (python-docx builds a cell element by element, which
# took half a minute for a 1,000-measure plan's appendix).

APPENDIX = "Appendix Text"
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Para:
    """A paragraph in a cell: its text in one of the report's styles, or as a flag ("published 2.9")."""

    text: str
    style: str = "Table Text"
    flag: bool = False


@dataclass(frozen=True)
class Cell:
    paragraphs: list[Para]
    colour: str | None = None  # a level's colour: the cell is shaded with its fill
    merge: str | None = None  # "restart" or "continue": one cell down several rows

    @classmethod
    def text(cls, text: str | None, style: str = "Table Text", merge: str | None = None) -> "Cell":
        """Text, a paragraph per line."""
        return cls([Para(line, style) for line in (text or "").split("\n")], merge=merge)

    @classmethod
    def rating(cls, rating: list | None, style: str = "Table Text") -> "Cell":
        """A rating: "4 Completed, being monitored" on its level's colour; blank when not rated."""
        if rating is None:
            return cls([Para("", style)])
        value, label, colour = rating
        return cls([Para(f"{value} {label}", style)], colour=colour)

    def xml(self, width: int) -> str:
        properties = f'<w:tcW w:w="{width}" w:type="dxa"/>'
        if self.merge:
            properties += '<w:vMerge w:val="restart"/>' if self.merge == "restart" else "<w:vMerge/>"
        if fill := LEVEL_FILLS.get(self.colour or ""):
            properties += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
        return f"<w:tc><w:tcPr>{properties}</w:tcPr>{''.join(_paragraph_xml(p) for p in self.paragraphs)}</w:tc>"


def _paragraph_xml(paragraph: Para) -> str:
    style = "Table Text" if paragraph.flag else paragraph.style
    run = ""
    if paragraph.text:
        flag = '<w:rPr><w:rStyle w:val="Flag"/></w:rPr>' if paragraph.flag else ""
        run = f'<w:r>{flag}<w:t xml:space="preserve">{escape(_xml_text(paragraph.text))}</w:t></w:r>'
    return f'<w:p><w:pPr><w:pStyle w:val="{_style_id(style)}"/></w:pPr>{run}</w:p>'


class ReportTable:
    """A "Table Grid" table of fixed column widths with a header row repeated on every page."""

    def __init__(self, document, headings: list[str], widths: list[float], heading_style: str = "Table Heading"):
        self.table = document.add_table(rows=0, cols=len(widths))
        self.table.style = "Table Grid"
        self.table.autofit = False
        for column, width in zip(self.table.columns, widths, strict=True):
            column.width = Cm(width)
        self.widths = [Cm(width).twips for width in widths]
        if headings:
            self.add(*(Cell.text(heading, heading_style) for heading in headings), header=True)

    def add(self, *cells: Cell, header: bool = False) -> None:
        row = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
        row += "".join(cell.xml(width) for cell, width in zip(cells, self.widths, strict=True))
        self.table._tbl.append(parse_xml(f"<w:tr {nsdecls('w')}>{row}</w:tr>"))


def _paragraph(container, text: str, style: str):
    """A new paragraph in the document, in a style of the report's."""
    paragraph = container.add_paragraph(_xml_text(text))
    paragraph._p.get_or_add_pPr().style = _style_id(style)
    return paragraph


def _style_id(style: str) -> str:
    """A style's id: its name without spaces ("Heading 1" is "Heading1"), as python-docx's template and add_style
    make them. Naming the id saves the setter's look-up of the name among every style, each time."""
    return style.replace(" ", "")


def _xml_text(text: str) -> str:
    """Text Word can hold: control characters (a vertical tab pasted from Word into an update) become spaces."""
    return INVALID_XML.sub(" ", text or "")


def _flag(paragraph, text: str) -> None:
    """A run of text in the "Flag" character style: a printed slip, an unanswered recommendation."""
    run = paragraph.add_run(_xml_text(text))
    run._r.get_or_add_rPr().style = "Flag"


# Words


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _numbers(numbers: list[str]) -> str:
    """ "priority 5", "priorities 5 and 6", "priorities 2, 5 and 6"."""
    if len(numbers) == 1:
        return f"priority {numbers[0]}"
    return f"priorities {', '.join(numbers[:-1])} and {numbers[-1]}"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _moved(data: dict, direction: str) -> int:
    return sum(1 for row in data["summary"] if row["direction"] == direction)


def _arrow(direction: str, words: str) -> str:
    return {"up": "↑ ", "down": "↓ ", "same": "→ "}.get(direction, "") + words


def _differences(data: dict) -> list[str]:
    """Each printed figure that differs from what the rows give, as a sentence."""
    found = []
    rows = [(f"Priority {row['number']}", row) for row in data["summary"]] + [("Overall", data["overall"])]
    for when in ("previous", "current"):
        label = (data["previous"] or {}).get("label") if when == "previous" else data["period"]["label"]
        for name, row in rows:
            cell = row[when]
            if cell["differs"]:
                found.append(f"{name}, {label}: the rows give {cell['score']}; published {cell['published']}.")
    return found


def _why(reason: str, update: str) -> str:
    parts = []
    if reason:
        parts.append(f"Reason: {reason}")
    if update:
        parts.append(f"Update: {update}")
    return "\n".join(parts) or "(none recorded)"


def _paragraphs(text: str) -> list[str]:
    return [" ".join(part.split()) for part in (text or "").split("\n\n") if part.strip()]


def _span(period: dict) -> str:
    starts, ends = period.get("starts"), period.get("ends")
    if starts and ends:
        return f" ({_day(starts)} to {_day(ends)})"
    return f" (to {_day(ends)})" if ends else ""


def _day(text: str) -> str:
    day = date.fromisoformat(text)
    return f"{day.day} {day:%B %Y}"


def _month(text: str | None) -> str:
    return date.fromisoformat(text).strftime("%b %Y") if text else ""


def _when(text: str) -> str:
    moment = datetime.fromisoformat(text)
    return f"{moment.day} {moment:%B %Y, %H:%M}"
