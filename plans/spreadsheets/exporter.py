"""A plan as a workbook that looks like the council's own, and re-imports exactly.

Sheets: Summary (the rollup), one per priority (or one for all), Scale, and
two hidden sheets: _meta (plan, export time, format version, which sheet is
which priority) and _exported (each row's values as exported, one JSON list
per row, so that an import can tell a cell edited in the file from one
changed in the tracker since). Every measure row carries its id in a hidden
last column.

The body rows of the tables and of _exported are written by sheet_rows (as
XML text, which is several times quicker than openpyxl's cells); openpyxl
writes the rest of the workbook around them.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from operator import attrgetter

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation

from plans.models import Measure, Period, Plan, Rating
from plans.models.querysets import PATH_ORDER
from plans.rollup.plan import plan_rollup
from plans.spreadsheets import columns
from plans.spreadsheets.columns import COUNCIL, PRIORITY, SEND, Layout
from plans.spreadsheets.safety import write_text
from plans.spreadsheets.sheet_rows import PLAIN, CellStyle, WorkbookWithRows

LEVEL_FILLS = {"red": "F4B6B6", "amber": "FFD699", "green": "B7DFB0", "blue": "9DC3E6", "grey": "D9D9D9"}
HEADER_FILL = PatternFill("solid", fgColor="1D3F5E")
HEADER_FONT = Font(bold=True, color="FFFFFF")
BANNER_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top", horizontal="center")
THIN = Side(style="thin", color="A0A0A0")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ROW = 3  # two banner rows above, as in the councils' own workbooks
EXPORTED_CHUNK = 32_000  # characters of a row's JSON per cell (Excel holds at most 32,767 in one)
STRUCTURE = (("outcome", attrgetter("outcome_id")), ("action", attrgetter("action_id")))  # merged over their rows


@dataclass
class ExportRow:
    """One measure as cells: field → value written (ratings keyed "rating:<period label>")."""

    id: int
    outcome_id: int
    action_id: int
    values: dict[str, object]


def choose_layout(plan: Plan, periods: list[Period]) -> Layout:
    """The SEND layout for word-rated plans with one period; the council layout otherwise."""
    word_rated = all(" " not in level.label and not level.label.isdigit() for level in plan.scale.levels.all())
    return SEND if word_rated and len(periods) == 1 else COUNCIL


def rating_cell(level, layout: Layout) -> object:
    if level is None:
        return None
    return level.value if layout.rating_as == "value" else level.label


MEASURE_VALUES = {  # key → the measure's value, fetched as plain values (model instances cost more than the writing)
    "priority": "action__outcome__priority__number",
    "outcome": "action__outcome__statement",
    "action": "action__text",
    "measure": "text",
    "lead": "lead_text",
    "officer": "officer_text",
    "time": "time_text",
    "update": "progress_update",
}


def export_rows(plan: Plan, periods: list[Period], layout: Layout) -> list[ExportRow]:
    """The plan's measures in print order, each with its cells' values; two queries."""
    written: dict[int, dict[int, object]] = {}  # measure id → {period id: rating as written}
    ratings = (
        Rating.objects.of_plan(plan).order_by().values_list("measure_id", "period_id", "level__value", "level__label")
    )
    for measure_id, period_id, value, label in ratings:
        written.setdefault(measure_id, {})[period_id] = value if layout.rating_as == "value" else label
    keys = list(MEASURE_VALUES)
    measures = (
        Measure.objects.of_plan(plan)
        .filter(removed=False)
        .order_by(*PATH_ORDER)
        .values_list("pk", "action__outcome_id", "action_id", *MEASURE_VALUES.values())
    )
    rows = []
    for pk, outcome_id, action_id, *fields in measures:
        values = dict(zip(keys, fields, strict=True))
        by_period = written.get(pk, {})
        for period in periods:
            values[f"rating:{period.label}"] = by_period.get(period.pk)
        rows.append(ExportRow(pk, outcome_id, action_id, values))
    return rows


def headers(layout: Layout, periods: list[Period], one_sheet: bool) -> list[tuple[str, str, columns.Column]]:
    """(key, header text, column) for every column of a table, in order."""
    result = [("priority", PRIORITY.header, PRIORITY)] if one_sheet and layout.has_structure_columns else []
    for column in layout.columns:
        if column.field == "rating":
            result += [(f"rating:{p.label}", columns.rating_header(p.label), column) for p in periods]
        else:
            result.append((column.field, column.header, column))
    return result


class PlanExporter:
    def __init__(self, plan: Plan, *, one_sheet: bool = False, layout: Layout | None = None):
        self.plan = plan
        self.periods = list(plan.periods.all())
        self.levels = list(plan.scale.levels.all())
        self.layout = layout or choose_layout(plan, self.periods)
        self.one_sheet = one_sheet or not self.layout.has_structure_columns
        self.columns = headers(self.layout, self.periods, self.one_sheet)
        self.open_periods = {p.label for p in self.periods if p.is_editable}
        self.sheet_priorities: dict[str, int] = {}
        self.book = WorkbookWithRows(Workbook())
        self.styles = self.body_styles(self.book.workbook)

    def workbook(self) -> WorkbookWithRows:
        workbook = self.book.workbook
        self.write_summary(workbook.active)
        rows = export_rows(self.plan, self.periods, self.layout)
        if self.one_sheet:
            title = self.plan.title if self.layout is SEND else "All priorities"
            self.write_table(workbook.create_sheet("Action plan" if self.layout is SEND else "Plan"), title, rows)
        else:
            grouped = {number: list(group) for number, group in groupby(rows, key=lambda r: r.values["priority"])}
            for priority in self.plan.priorities.all():
                sheet = workbook.create_sheet(f"Priority {priority.number}")
                self.sheet_priorities[sheet.title] = priority.pk
                self.write_table(
                    sheet, f"Priority {priority.number}: {priority.title}", grouped.get(priority.number, [])
                )
        self.write_scale(workbook.create_sheet("Scale"))
        self.write_exported(workbook.create_sheet(columns.EXPORTED_SHEET), rows)
        self.write_meta(workbook.create_sheet(columns.META_SHEET))
        return self.book

    @staticmethod
    def body_styles(workbook: Workbook) -> dict[str, CellStyle]:
        """The styles of body cells: "text" wrapped, "rating" centred, both bordered."""
        probe = Cell(workbook.active)  # not placed on the sheet: only its style is wanted
        probe.border, probe.alignment = BORDER, WRAP
        text = CellStyle(workbook, probe._style)
        probe.alignment = TOP
        return {"text": text, "rating": CellStyle(workbook, probe._style)}

    def write_table(self, sheet, title: str, rows: list[ExportRow]) -> None:
        write_text(sheet.cell(1, 1), f"{self.plan.organisation}: {self.plan.title}")
        write_text(sheet.cell(2, 1), title)
        sheet.cell(1, 1).font = Font(bold=True)
        sheet.cell(2, 1).font = BANNER_FONT
        last = len(self.columns)
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last - 1)
        for index, (key, header, column) in enumerate(self.columns, start=1):
            cell = sheet.cell(HEADER_ROW, index)
            write_text(cell, header)
            cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, WRAP, BORDER
            if key == "reason":
                cell.comment = Comment(columns.REASON_NOTE, "Plan tracker", width=300, height=90)
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width
            if key == "id":
                sheet.column_dimensions[letter].hidden = True
        self.write_body(sheet, rows)
        self.merge_structure(sheet, rows)
        sheet.freeze_panes = f"A{HEADER_ROW + 1}"  # a coordinate, not a cell: the body rows are not openpyxl's
        self.rating_rules(sheet, HEADER_ROW + 1, HEADER_ROW + max(len(rows), 1))
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.page_setup.orientation = "landscape"

    def write_body(self, sheet, rows: list[ExportRow]) -> None:
        """One row per measure; the outcome and action cells a merge covers are left blank (Excel shows the top one)."""
        keys = [key for key, _h, _c in self.columns]
        styles = [
            PLAIN if key == "id" else self.styles["rating" if column.field in ("rating", "priority") else "text"]
            for key, _h, column in self.columns
        ]
        body = self.book.rows(sheet, HEADER_ROW + 1)
        previous = None
        for row in rows:
            covered = {key for key, same in STRUCTURE if previous is not None and same(row) == same(previous)}
            values = [
                row.id if key == "id" else None if key in covered else row.values.get(key) or None for key in keys
            ]
            body.append(list(zip(values, styles, strict=True)))
            previous = row

    def merge_structure(self, sheet, rows: list[ExportRow]) -> None:
        """Merge each outcome's and each action's cells over their rows, as the councils do.

        The ranges are given to openpyxl as they are: its merge_cells would make
        a cell object for every covered cell and re-derive its borders, and
        checks each new range against all the others (seconds for a big plan).
        """
        keys = [key for key, _h, _c in self.columns]
        ranges = list(sheet.merged_cells.ranges)
        for field, identity in STRUCTURE:
            if field not in keys:
                continue
            col = keys.index(field) + 1
            start = HEADER_ROW + 1
            for _key, group in groupby(rows, key=identity):
                size = sum(1 for _row in group)
                if size > 1:
                    ranges.append(CellRange(min_col=col, min_row=start, max_col=col, max_row=start + size - 1))
                start += size
        sheet.merged_cells = MultiCellRange(ranges)

    def rating_rules(self, sheet, first: int, last: int) -> None:
        """Colour every rating cell by its level, and offer the levels as a drop-down in the open period."""
        rating_columns = [
            (i, key) for i, (key, _h, _c) in enumerate(self.columns, start=1) if key.startswith("rating:")
        ]
        if not rating_columns:
            return
        area = f"{get_column_letter(rating_columns[0][0])}{first}:{get_column_letter(rating_columns[-1][0])}{last}"
        for level in self.levels:
            fill = PatternFill(
                "solid", fgColor=LEVEL_FILLS.get(level.colour, "FFFFFF"), bgColor=LEVEL_FILLS.get(level.colour)
            )
            written = rating_cell(level, self.layout)
            formula = str(written) if isinstance(written, int) else '"' + str(written).replace('"', "") + '"'
            sheet.conditional_formatting.add(area, CellIsRule(operator="equal", formula=[formula], fill=fill))
        choices = ",".join(str(rating_cell(level, self.layout)).replace(",", " ") for level in self.levels)
        validation = DataValidation(
            type="list",
            formula1=f'"{choices}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Not a level of the scale",
            error=f"Choose one of: {choices} (or leave blank for not rated).",
        )
        for index, key in rating_columns:
            if key.removeprefix("rating:") in self.open_periods:
                letter = get_column_letter(index)
                validation.add(f"{letter}{first}:{letter}{last}")
        if validation.sqref:
            sheet.add_data_validation(validation)

    def write_summary(self, sheet) -> None:
        sheet.title = "Summary"
        write_text(sheet.cell(1, 1), f"{self.plan.organisation}: {self.plan.title}")
        sheet.cell(1, 1).font = BANNER_FONT
        averaged = self.plan.scale.mean_is_meaningful
        write_text(
            sheet.cell(2, 1),
            "RAG summary: mean rating per priority, not-rated left out, rounded half-up."
            if averaged
            else "RAG summary: measures at each rating per priority (words are not averaged), not-rated left out.",
        )
        write_row(sheet, 4, ["Priority", *[p.label for p in self.periods]])  # owners type the labels
        for cell in sheet[4]:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        rollups = plan_rollup(self.plan, self.periods)
        if rollups:
            row = 4
            for row, (index, first) in enumerate(enumerate(rollups[0].priorities), start=5):
                scores = [
                    _score(r.priorities[index].score) if averaged else r.priorities[index].counts_text for r in rollups
                ]
                write_row(sheet, row, [f"{first.number}. {first.title}", *scores])
            write_row(sheet, row + 1, ["Overall", *[_score(r.overall) if averaged else r.counts_text for r in rollups]])
            sheet.cell(row + 1, 1).font = Font(bold=True)
        sheet.column_dimensions["A"].width = 60
        for cell in sheet["A"]:
            cell.alignment = WRAP

    def write_scale(self, sheet) -> None:
        write_text(sheet.cell(1, 1), f"Rating scale: {self.plan.scale.name}")
        sheet.cell(1, 1).font = BANNER_FONT
        write_row(sheet, 2, ["Value", "Label", "Colour", "Meaning", "Also accepted"])
        for cell in sheet[2]:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        for row, level in enumerate(self.levels, start=3):  # labels, meanings and aliases are typed by owners
            write_row(sheet, row, [level.value, level.label, level.colour, level.description, level.aliases])
            sheet.cell(row, 1).fill = PatternFill("solid", fgColor=LEVEL_FILLS.get(level.colour, "FFFFFF"))
        not_rated = [None, "(blank, 0, -, n/a)", None, "Not rated in this period; never averaged in."]
        write_row(sheet, len(self.levels) + 3, not_rated)
        for letter, width in zip("ABCDE", (8, 30, 10, 80, 24), strict=True):
            sheet.column_dimensions[letter].width = width
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = WRAP

    def write_exported(self, sheet, rows: list[ExportRow]) -> None:
        """Each row's values as exported, as one JSON list (in the order of the keys in C1) next to its id.

        One text cell per row rather than a cell per value (format version 1)
        halves the cells an export writes; what an import reads back is the same.
        """
        keys = [key for key, _h, _c in self.columns if key not in ("id", "priority")]
        body = self.book.rows(sheet, 1)
        body.append([("id", PLAIN), (columns.EXPORTED_VALUES, PLAIN), (json.dumps(keys), PLAIN)])
        for row in rows:
            values = [exported_value(row.values.get(key) or None) for key in keys]
            text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
            chunks = [text[start : start + EXPORTED_CHUNK] for start in range(0, len(text), EXPORTED_CHUNK)]
            body.append([(row.id, PLAIN), *((chunk, PLAIN) for chunk in chunks)])
        sheet.sheet_state = "hidden"

    def write_meta(self, sheet) -> None:
        rows = [
            ["format", columns.FORMAT_NAME],
            ["format_version", columns.FORMAT_VERSION],
            ["plan", self.plan.slug],
            ["exported_at", datetime.now(UTC).isoformat(timespec="seconds")],
            ["layout", self.layout.name],
            ["scale", self.plan.scale.slug],
            *(["sheet", title, priority_id] for title, priority_id in self.sheet_priorities.items()),
        ]
        for row, values in enumerate(rows, start=1):
            write_row(sheet, row, values)
        sheet.sheet_state = "hidden"


def write_row(sheet, row: int, values: list[object]) -> None:
    """A row of cells from column A, every text written as text (never a formula: see safety.write_text)."""
    for column, value in enumerate(values, start=1):
        if value is not None:
            write_text(sheet.cell(row, column), value)


def exported_value(value: object) -> object:
    """A value as its cell will read back (without the control characters a cell cannot hold)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _score(value) -> float | None:
    return None if value is None else float(value)


def export_plan(plan: Plan, *, one_sheet: bool = False, layout: Layout | None = None) -> WorkbookWithRows:
    """The plan as a workbook (see the module docstring for its sheets), to save() to a path or a stream."""
    return PlanExporter(plan, one_sheet=one_sheet, layout=layout).workbook()
