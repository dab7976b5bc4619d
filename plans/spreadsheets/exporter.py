"""A plan as a workbook that looks like the council's own, and re-imports exactly.

Sheets: Summary (the rollup), one per priority (or one for all), Scale, and
two hidden sheets: _meta (plan, export time, format version, which sheet is
which priority) and _exported (each row's values as exported, so that an
import can tell a cell edited in the file from one changed in the tracker
since). Every measure row carries its id in a hidden last column.
"""

from copy import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.merge import MergedCellRange

from plans.models import Measure, Period, Plan, Rating
from plans.plan_rollup import plan_rollup
from plans.spreadsheets import columns
from plans.spreadsheets.columns import COUNCIL, PRIORITY, SEND, Layout
from plans.spreadsheets.safety import write_text

LEVEL_FILLS = {"red": "F4B6B6", "amber": "FFD699", "green": "B7DFB0", "blue": "9DC3E6", "grey": "D9D9D9"}
HEADER_FILL = PatternFill("solid", fgColor="1D3F5E")
HEADER_FONT = Font(bold=True, color="FFFFFF")
BANNER_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top", horizontal="center")
THIN = Side(style="thin", color="A0A0A0")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ROW = 3  # two banner rows above, as in the councils' own workbooks


@dataclass
class ExportRow:
    """One measure as cells: field → value written (ratings keyed "rating:<period label>")."""

    measure: Measure
    values: dict[str, object]


def choose_layout(plan: Plan, periods: list[Period]) -> Layout:
    """The SEND layout for word-rated plans with one period; the council layout otherwise."""
    word_rated = all(" " not in level.label and not level.label.isdigit() for level in plan.scale.levels.all())
    return SEND if word_rated and len(periods) == 1 else COUNCIL


def rating_cell(level, layout: Layout) -> object:
    if level is None:
        return None
    return level.value if layout.rating_as == "value" else level.label


def export_rows(plan: Plan, periods: list[Period], layout: Layout) -> list[ExportRow]:
    measures = (
        Measure.objects.of_plan(plan)
        .filter(removed=False)
        .with_path()
        .prefetch_related(Prefetch("ratings", queryset=Rating.objects.select_related("level")))
    )
    rows = []
    for measure in measures:
        by_period = {rating.period_id: rating.level for rating in measure.ratings.all()}
        values = {
            "priority": measure.action.outcome.priority.number,
            "outcome": measure.action.outcome.statement,
            "action": measure.action.text,
            "measure": measure.text,
            "lead": measure.lead_text,
            "officer": measure.officer_text,
            "time": measure.time_text,
            "update": measure.progress_update,
        }
        for period in periods:
            values[f"rating:{period.label}"] = rating_cell(by_period.get(period.pk), layout)
        rows.append(ExportRow(measure, values))
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
        self.open_periods = {p.label for p in self.periods if p.status == Period.Status.OPEN}
        self.sheet_priorities: dict[str, int] = {}
        self.styles: dict[str, object] = {}  # "text"/"rating" → a body cell's style, worked out once

    def workbook(self) -> Workbook:
        workbook = Workbook()
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
        return workbook

    def write_table(self, sheet, title: str, rows: list[ExportRow]) -> None:
        write_text(sheet.cell(1, 1), f"{self.plan.organisation}: {self.plan.title}")
        write_text(sheet.cell(2, 1), title)
        sheet.cell(1, 1).font = Font(bold=True)
        sheet.cell(2, 1).font = BANNER_FONT
        last = len(self.columns)
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last - 1)
        for index, (key, header, column) in enumerate(self.columns, start=1):
            cell = sheet.cell(HEADER_ROW, index, header)
            cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, WRAP, BORDER
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width
            if key == "id":
                sheet.column_dimensions[letter].hidden = True
        for offset, row in enumerate(rows, start=1):
            self.write_row(sheet, HEADER_ROW + offset, row)
        self.merge_structure(sheet, rows)
        sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
        self.rating_rules(sheet, HEADER_ROW + 1, HEADER_ROW + max(len(rows), 1))
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.page_setup.orientation = "landscape"

    def body_style(self, sheet, kind: str):
        """The style of a body cell ("text": wrapped; "rating": centred), as openpyxl stores it.

        Setting a cell's border and alignment makes openpyxl hash both against
        the workbook's style lists, which is most of an export's time; a copy of
        the stored style array (what openpyxl's own copy_worksheet does) is not.
        """
        if not self.styles:
            probe = sheet.cell(HEADER_ROW + 1, 1)
            probe.border, probe.alignment = BORDER, WRAP
            self.styles["text"] = copy(probe._style)
            probe.alignment = TOP
            self.styles["rating"] = copy(probe._style)
        return copy(self.styles[kind])

    def write_row(self, sheet, row_number: int, row: ExportRow) -> None:
        for index, (key, _header, column) in enumerate(self.columns, start=1):
            cell = sheet.cell(row_number, index)
            if key == "id":
                cell.value = row.measure.pk
                continue
            write_text(cell, row.values.get(key) or None)
            cell._style = self.body_style(sheet, "rating" if column.field in ("rating", "priority") else "text")

    def merge_structure(self, sheet, rows: list[ExportRow]) -> None:
        """Merge each outcome's and each action's cells over their rows, as the councils do."""
        keys = [key for key, _h, _c in self.columns]
        for field, identity in (
            ("outcome", lambda r: r.measure.action.outcome_id),
            ("action", lambda r: r.measure.action_id),
        ):
            if field not in keys:
                continue
            col = keys.index(field) + 1
            start = HEADER_ROW + 1
            for _key, group in groupby(rows, key=identity):
                size = len(list(group))
                if size > 1:
                    self.merge_down(sheet, col, start, start + size - 1)
                start += size

    def merge_down(self, sheet, col: int, first: int, last: int) -> None:
        """sheet.merge_cells for a column of bordered cells, without its per-cell border arithmetic.

        openpyxl's merge_cells re-derives the edge borders of every covered cell
        from the top one (hashing styles each time: seconds for a big plan); the
        covered cells here take the body style, borders included, as they are.
        """
        for row in range(first + 1, last + 1):
            covered = MergedCell(sheet, row=row, column=col)
            covered._style = self.body_style(sheet, "text")
            sheet._cells[(row, col)] = covered
        letter = get_column_letter(col)
        sheet.merged_cells.add(MergedCellRange(sheet, f"{letter}{first}:{letter}{last}"))

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
        write_text(sheet.cell(2, 1), "RAG summary: mean rating per priority, not-rated left out, rounded half-up.")
        sheet.append([])
        sheet.append(["Priority", *[p.label for p in self.periods]])
        for cell in sheet[4]:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        rollups = plan_rollup(self.plan, self.periods)
        if rollups:
            for index, first in enumerate(rollups[0].priorities):
                scores = [_score(r.priorities[index].score) for r in rollups]
                sheet.append([f"{first.number}. {first.title}", *scores])
            sheet.append(["Overall", *[_score(r.overall) for r in rollups]])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        sheet.column_dimensions["A"].width = 60
        for cell in sheet["A"]:
            cell.alignment = WRAP

    def write_scale(self, sheet) -> None:
        write_text(sheet.cell(1, 1), f"Rating scale: {self.plan.scale.name}")
        sheet.cell(1, 1).font = BANNER_FONT
        sheet.append(["Value", "Label", "Colour", "Meaning", "Also accepted"])
        for cell in sheet[2]:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        for level in self.levels:
            sheet.append([level.value, level.label, level.colour, level.description, level.aliases])
            sheet.cell(sheet.max_row, 1).fill = PatternFill("solid", fgColor=LEVEL_FILLS.get(level.colour, "FFFFFF"))
        sheet.append([None, "(blank, 0, -, n/a)", None, "Not rated in this period; never averaged in."])
        for letter, width in zip("ABCDE", (8, 30, 10, 80, 24), strict=True):
            sheet.column_dimensions[letter].width = width
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = WRAP

    def write_exported(self, sheet, rows: list[ExportRow]) -> None:
        keys = [key for key, _h, _c in self.columns if key not in ("id", "priority")]
        sheet.append(["id", *keys])
        for number, row in enumerate(rows, start=2):
            sheet.cell(number, 1, row.measure.pk)
            for index, key in enumerate(keys, start=2):
                write_text(sheet.cell(number, index), row.values.get(key) or None)
        sheet.sheet_state = "hidden"

    def write_meta(self, sheet) -> None:
        sheet.append(["format", columns.FORMAT_NAME])
        sheet.append(["format_version", columns.FORMAT_VERSION])
        sheet.append(["plan", self.plan.slug])
        sheet.append(["exported_at", datetime.now(UTC).isoformat(timespec="seconds")])
        sheet.append(["layout", self.layout.name])
        sheet.append(["scale", self.plan.scale.slug])
        for title, priority_id in self.sheet_priorities.items():
            sheet.append(["sheet", title, priority_id])
        sheet.sheet_state = "hidden"


def _score(value) -> float | None:
    return None if value is None else float(value)


def export_plan(plan: Plan, *, one_sheet: bool = False, layout: Layout | None = None) -> Workbook:
    """The plan as a workbook (see the module docstring for its sheets)."""
    return PlanExporter(plan, one_sheet=one_sheet, layout=layout).workbook()
