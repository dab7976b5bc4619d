"""The board pack as an .xlsx, built from the pack's data (plans.board.pack.pack_context), not from its HTML.

One sheet per section of the pack, each a plain table for people who sort,
filter and chart it: a header row (frozen, with filters), then one row per
priority, challenge, movement, measure, indicator or recommendation. Scores,
counts, rating values and indicator values are numbers (a score with its one
decimal); a published figure that differs, and the change, sit in columns of
their own; a rating cell holds its level's value on a numeric scale (its label
on a word scale), its label in the next column, and its level's colour. Every
text is written as text, never as a formula (plans.spreadsheets.safety).

A live pack's workbook is the plan as it is now; a frozen pack's is built the
same way from the plan as it stood when the pack was frozen (the history
tables, plans.board.as_at), so later edits never reach it.
"""

import re
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from plans.rollup.rules import counts_text
from plans.spreadsheets.exporter import HEADER_FILL, HEADER_FONT, LEVEL_FILLS, WRAP
from plans.spreadsheets.safety import write_text

MAX_COLUMN_WIDTH = 60
NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,15})?")
SCORE_FORMAT = "0.0"


class Sheet:
    """A table sheet: a header row, then rows of values; widths follow the longest text of each column."""

    def __init__(self, workbook: Workbook, title: str, headers: list[str]):
        self.sheet = workbook.create_sheet(title)
        self.widths = [len(header) + 2 for header in headers]
        self.row = 1
        for column, header in enumerate(headers, start=1):
            cell = self.sheet.cell(1, column)
            write_text(cell, header)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP

    def add(self, values: list[object], fills: dict[int, str] | None = None) -> None:
        """A row; `fills` gives some columns (0-based) a level's colour."""
        self.row += 1
        for column, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            cell = self.sheet.cell(self.row, column)
            if isinstance(value, Decimal):
                cell.value, cell.number_format = float(value), SCORE_FORMAT
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cell.value = value
            elif isinstance(value, str) and NUMBER.fullmatch(value):  # a figure kept as text (an indicator's YTD)
                cell.value = float(value) if "." in value else int(value)
            else:
                write_text(cell, str(value))
                cell.alignment = WRAP
            longest = max((len(line) for line in str(value).splitlines()), default=0)
            self.widths[column - 1] = max(self.widths[column - 1], min(longest + 2, MAX_COLUMN_WIDTH))
        for column, colour in (fills or {}).items():
            if colour in LEVEL_FILLS:
                self.sheet.cell(self.row, column + 1).fill = PatternFill("solid", fgColor=LEVEL_FILLS[colour])

    def finish(self) -> None:
        for column, width in enumerate(self.widths, start=1):
            self.sheet.column_dimensions[get_column_letter(column)].width = width
        self.sheet.freeze_panes = "A2"
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(len(self.widths))}{max(self.row, 1)}"


class PackWorkbook:
    """Writes the sheets of one pack from its context."""

    def __init__(self, context: dict):
        self.context = context
        self.comparison = context["c"]
        self.levels = context["levels"]
        # A scale rated in words (BRAG: Completed, Green…) is written by its labels, a numeric one by its values
        self.words = all(" " not in level.label and not level.label.isdigit() for level in self.levels)
        self.workbook = Workbook()
        self.sheets: list[Sheet] = []

    def sheet(self, title: str, headers: list[str]) -> Sheet:
        sheet = Sheet(self.workbook, title, headers)
        self.sheets.append(sheet)
        return sheet

    # -- helpers --------------------------------------------------------------------------------------
    def rating(self, level) -> tuple[object, str, str]:
        """(the value written, its label, its colour) of a rating's level; blanks when not rated."""
        if level is None:
            return None, "Not rated", ""
        return (level.label if self.words else level.value), level.label, level.colour

    @staticmethod
    def priority_of(measure) -> int:
        return measure.action.outcome.priority.number

    # -- sections -------------------------------------------------------------------------------------
    def cover(self, cover: list[tuple[str, str]]) -> None:
        sheet = self.workbook.active
        sheet.title = "Cover"
        c = self.comparison
        period = self.context["period"]
        previous = c.previous.label if c.previous else "–"
        if c.averaged:
            figures = [
                ("Overall score", c.overall["current"]["score"]),
                (f"Overall score in {previous}", c.overall["previous"]["score"]),
                ("Change", c.overall["change"]["delta"]),
            ]
        else:  # a word scale: the count at each word, no mean (Scale.mean_is_meaningful)
            figures = [
                (f"Measures at each rating in {period.label}", counts_text(c.overall["current"]["counts"])),
                (f"Measures at each rating in {previous}", counts_text(c.overall["previous"]["counts"])),
            ]
        rows = [
            *cover,
            *figures,
            (f"Measures rated in {period.label}", c.rated),
            ("Measures", c.measures),
            ("Challenges flagged", len(c.challenges)),
        ]
        for row, (label, value) in enumerate(rows, start=1):
            write_text(sheet.cell(row, 1), label)
            sheet.cell(row, 1).font = Font(bold=True)
            target = sheet.cell(row, 2)
            if isinstance(value, Decimal):
                target.value, target.number_format = float(value), SCORE_FORMAT
            elif value is not None:
                write_text(target, value)
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 80

    def summary(self) -> None:
        c = self.comparison
        previous = c.previous.label if c.previous else "–"
        current = c.current.label if c.current else "–"
        headers = [
            "Priority",
            "Title",
            f"Score {previous}",
            f"Published {previous}",
            f"Score {current}",
            f"Published {current}",
            "Change",
            "Direction",
            *[f"{level.label} ({level.value})" for level in self.levels],
            "Rated",
            "Measures",
        ]
        sheet = self.sheet("RAG summary", headers)
        for row in c.summary:
            sheet.add(self.summary_row(row["number"], row["title"], row, row["distribution"], row["rated"]))
            sheet.sheet.cell(sheet.row, 1).number_format = "0"
        sheet.add(self.summary_row(None, "Overall", c.overall, [None] * len(self.levels), None))
        for cell in sheet.sheet[sheet.row]:
            cell.font = Font(bold=True)
        sheet.add(
            [
                None,
                "Scores are means of the rated measures, rounded half-up; not-rated measures left out."
                if c.averaged
                else "Rated in words: the columns per rating count the measures at each; words are not averaged.",
            ]
        )

    def summary_row(self, number, title, row: dict, distribution: list, rated) -> list[object]:
        before, after = row["previous"], row["current"]
        return [
            number,
            title,
            before["score"],
            before["published"] if before["differs"] else None,
            after["score"],
            after["published"] if after["differs"] else None,
            row["change"]["delta"],
            row["change"]["words"],
            *distribution,
            rated,
            row.get("measures"),
        ]

    def challenges(self) -> None:
        sheet = self.sheet("Challenges", ["Flag", "Why", "Priority", "Success measure", "Lead"])
        names = {"indicator": "Indicator", "overdue": "Past due", "stale": "Not updated", "jump": "Big jump"}
        for challenge in self.comparison.challenges:
            measure = challenge.measure
            sheet.add(
                [names.get(challenge.kind, challenge.kind), challenge.text, self.priority_of(measure), measure.text]
                + [measure.lead_text]
            )

    def heatmap(self) -> None:
        periods = self.comparison.state.periods
        sheet = self.sheet("Scores over time", ["Priority", "Title", *[period.label for period in periods]])
        for row in self.comparison.heatmap:
            sheet.add([row["number"], row["title"], *row["scores"]])

    def moved(self) -> None:
        c = self.comparison
        headers = ["Moved", "Priority", "Success measure", "Before", "Before (label)", "After", "After (label)"]
        sheet = self.sheet("What moved", headers)
        for direction, movements in (("Up", c.moved_up), ("Down", c.moved_down)):
            for movement in movements:
                before, before_label, before_colour = self.rating(movement.before.level)
                after, after_label, after_colour = self.rating(movement.after.level)
                sheet.add(
                    [direction, self.priority_of(movement.measure), movement.measure.text]
                    + [before, before_label, after, after_label],
                    fills={3: before_colour, 5: after_colour},
                )
        attention = self.sheet(
            "Needs attention", ["List", "Priority", "Success measure", "Lead", "Due", "Rating", "Rating (label)"]
        )
        current = c.current.label if c.current else ""
        lists = [
            ("Overdue", c.overdue),
            (f"Not rated in {current}", [(measure, None) for measure in c.not_rated]),
            ("At the lowest level", c.lowest),
        ]
        for name, items in lists:
            for measure, rating in items:
                value, label, colour = self.rating(rating.level if rating else None)
                due = f"{measure.due_month:%b %Y}" if measure.due_month else ""
                attention.add(
                    [name, self.priority_of(measure), measure.text, measure.lead_text, due, value, label],
                    fills={5: colour},
                )

    def priorities(self) -> None:
        shown = self.context["periods_to_date"]
        headers = ["Priority", "Action", "Success measure", "Lead", "Time"]
        headers += [f"{period.label}" for period in shown] + ["Update"]
        sheet = self.sheet("Measures", headers)
        for priority in self.context["priorities"]:
            for row in priority["rows"]:
                measure = row["measure"]
                ratings = [self.rating(rating.level if rating else None) for rating in row["ratings"]]
                current = row["current"]
                update = current.update if current and current.update else measure.progress_update
                values = [priority["number"], measure.action.text, measure.text, measure.lead_text, measure.time_text]
                values += [value if value is not None else "" for value, _label, _colour in ratings]
                fills = {5 + index: colour for index, (_v, _l, colour) in enumerate(ratings)}
                sheet.add([*values, update], fills=fills)

    def indicators(self) -> None:
        rows = [
            (priority, months, row)
            for priority in self.context["priorities"]
            for months, indicator_rows in [priority["indicators"]]
            for row in indicator_rows
        ]
        if not rows:
            return
        months = sorted({month for _p, months, _r in rows for month in months})
        headers = ["Priority", "Indicator", "Polarity", "Baseline", "SN average"]
        headers += [f"{month:%b %y}" for month in months] + ["YTD", "Direction of travel", "Behind SN average"]
        sheet = self.sheet("Indicators", headers)
        for priority, its_months, row in rows:
            indicator = row.indicator
            by_month = dict(zip(its_months, row.cells, strict=True))
            sheet.add(
                [priority["number"], indicator.name, indicator.get_polarity_display(), indicator.baseline]
                + [indicator.comparator, *[by_month.get(month) for month in months], indicator.ytd or None]
                + [row.direction or "unknown", "yes" if row.behind else ""]
            )

    def coverage(self) -> None:
        headers = ["Inspection", "No.", "Recommendation", "Answered", "Measures", "Actions", "Score", "Rated"]
        sheet = self.sheet("Recommendations", headers)
        for inspection in self.context["coverage"]:
            for item in inspection.items:
                answered = "yes" if item.answered else "no"
                sheet.add(
                    [str(inspection.inspection), item.recommendation.number, item.recommendation.text, answered]
                    + [len(item.answers), len(item.by_action()), item.score, item.rated]
                )

    def changes(self) -> None:
        changes = self.context.get("changes")
        if not changes:
            return
        sheet = self.sheet("Changes since last pack", ["Priority", "Success measure", "Then", "Now", "Reason given"])
        then, now = changes["overall"]
        sheet.add(["Overall", "", _number(then), _number(now), ""])
        for score in changes["scores"]:
            sheet.add([score["number"], "", _number(score["before"]), _number(score["after"]), ""])
        for rating in changes["ratings"]:
            measure = rating["measure"]
            before = rating["before"][0] if rating["before"] else "Not rated"
            after = rating["after"][0] if rating["after"] else "Not rated"
            sheet.add([self.priority_of(measure), measure.text, before, after, rating["reason"]])

    def build(self, cover: list[tuple[str, str]]) -> bytes:
        self.cover(cover)
        self.changes()
        self.summary()
        self.challenges()
        self.heatmap()
        self.moved()
        self.priorities()
        self.indicators()
        self.coverage()
        for sheet in self.sheets:
            sheet.finish()
        out = BytesIO()
        self.workbook.save(out)
        return out.getvalue()


def _number(text: str | None) -> object:
    """A score the last pack remembered as text ("2.6"), as a number."""
    try:
        return None if text is None else Decimal(text)
    except ArithmeticError:
        return text


def pack_workbook(context: dict, cover: list[tuple[str, str]]) -> bytes:
    """The .xlsx of a pack (its context from pack_context): a cover sheet, then a table sheet per section."""
    return PackWorkbook(context).build(cover)
