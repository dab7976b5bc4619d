"""Reading a workbook into tables of rows, whatever its layout; problems are collected, not raised.

The header row is found under any banner rows by its column names (see
columns.py); one sheet per priority or all in one; blank or merged outcome and
action cells carry the value above down; banner rows inside a table (a
"Priority 2: …" heading) and header rows repeated further down are read as
a person reads them, not as measures. Sheets without a recognisable table
(a summary, notes) are skipped. Our own exports also carry a hidden id per row
and two hidden sheets, read into `meta` and `exported`.

The file is checked first (safety.py: its type, size and zip; extent.py: how
far each sheet's cells reach), then read by python-calamine (.xlsx, .xlsm,
Strict Open XML, .xlsb, .xls, .ods), which gives each formula's saved result.
"""

import io
import json
import logging
import re
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum

from plans.spreadsheets import columns
from plans.spreadsheets.columns import LAYOUTS, Layout
from plans.spreadsheets.extent import (
    SheetExtent,
    TooLarge,
    check,
    ods_extents,
    xls_extents,
    xlsb_extents,
    xlsx_extents,
)
from plans.spreadsheets.safety import UnsafeWorkbook, WorkbookFile, check_workbook_bytes

logger = logging.getLogger(__name__)
HEADER_SEARCH_ROWS = 30
PRIORITY_TITLE = re.compile(r"^\s*priority\s*(\d+)\s*[:.\-\u2013)]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
CARRIED = ("priority", "outcome", "action")
SKIPPED_SHEETS = {"summary", "scale", columns.META_SHEET, columns.EXPORTED_SHEET}


@dataclass(frozen=True)
class Problem:
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"Sheet '{self.sheet}'")
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class SheetRow:
    sheet: str
    number: int
    values: dict[str, object]
    id: int | None = None
    carried: frozenset[str] = frozenset()  # blank cells given the value above (merged or "same as above")


@dataclass
class Table:
    sheet: str
    layout: Layout
    header_row: int
    headers: dict[str, str]  # key → header as written, for messages
    priority_number: int | None = None
    priority_title: str = ""
    banner: str = ""  # the first text above the header, usually the plan's title
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def period_labels(self) -> list[str]:
        return [key.removeprefix("rating:") for key in self.headers if key.startswith("rating:")]


@dataclass
class WorkbookContents:
    tables: list[Table] = field(default_factory=list)
    meta: dict[str, object] = field(default_factory=dict)
    sheet_priorities: dict[str, int] = field(default_factory=dict)
    exported: dict[int, dict[str, object]] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def is_our_export(self) -> bool:
        return self.meta.get("format") == columns.FORMAT_NAME


def text_of(value: object) -> str:
    """A cell as text, as a person would read it: 3.0 → "3", a date → "Jan-18"."""
    if type(value) is str:  # most cells, first
        return value
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%b-%y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


FORMATS = {
    "xlsx": "Excel workbook (.xlsx)",
    "xlsb": "Excel binary workbook (.xlsb)",
    "ods": "OpenDocument spreadsheet (.ods)",
    "xls": "Excel 97-2003 workbook (.xls)",
}


def read_workbook(data: bytes) -> WorkbookContents:
    """Everything the importer needs from the file's bytes; never raises for a bad file.

    Whatever a library warns about while reading (an unknown extension, a
    style it skips) is logged at debug level, never shown to the person.
    """
    contents = WorkbookContents()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        problem = _read(contents, data)
    for warning in caught:
        logger.debug("While reading a workbook: %s", warning.message)
    if problem:
        contents.errors.append(Problem(problem))
    elif not contents.tables and not contents.errors:
        contents.errors.append(
            Problem(
                "No sheet has a plan table: a header row with Outcome, Action and Success measure columns "
                "(or Recommendation and Actions) was not found."
            )
        )
    return contents


def _read(contents: WorkbookContents, data: bytes) -> str:
    """Read the file into `contents`; the one problem that stopped it, or ""."""
    try:
        source = check_workbook_bytes(data)
    except UnsafeWorkbook as refusal:
        return str(refusal)
    damaged = (
        f"The {FORMATS[source.kind]} is damaged or incomplete and cannot be read: if Excel or LibreOffice opens it, "
        "save it again from there as an Excel Workbook (.xlsx) and upload that."
    )
    try:
        extents = sheet_extents(source)
        for name, extent in extents.items():
            check(name, extent)
        read_sheets(contents, source, extents)
    except TooLarge as refusal:
        return str(refusal)
    except PasswordError:
        return "The workbook is password-protected: remove the password in Excel and save it again."
    except READING_FAILED:
        logger.debug("Unreadable workbook", exc_info=True)
        return damaged
    except BaseException as error:  # a panic in the Rust reader is a BaseException, not an Exception
        if type(error).__name__ != "PanicException":
            raise
        logger.debug("The reader gave up on a workbook", exc_info=True)
        return damaged
    return ""


# What a damaged file makes the checks and the reader raise (found by tests/spreadsheets/test_malformed_corpus.py)
READING_FAILED = (
    CalamineError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    IndexError,
    struct.error,
    NotImplementedError,  # zipfile: an unknown compression method
    RuntimeError,  # zipfile: an encrypted member
)


def sheet_extents(source: WorkbookFile) -> dict[str, SheetExtent]:
    """How far each sheet's cells reach, by the file's own cell records (see extent.py)."""
    if source.kind == "xlsx":
        return xlsx_extents(source.archive, source.names)
    if source.kind == "xlsb":
        return xlsb_extents(source.archive, source.names)
    if source.kind == "ods":
        return ods_extents(source.archive.read(source.names["content.xml"]))
    return xls_extents(source.data)


def read_sheets(contents: WorkbookContents, source: WorkbookFile, extents: dict[str, SheetExtent]) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(source.data))
    try:
        for sheet_info in book.sheets_metadata:
            if sheet_info.typ != SheetTypeEnum.WorkSheet:
                continue  # chart and macro sheets hold no table
            title = sheet_info.name
            if title not in extents and source.kind in ("xls", "ods"):
                continue  # not found by the scan of its cells, so never loaded (it would be unchecked)
            extent = extents.get(title) or SheetExtent()
            sheet = book.get_sheet_by_name(title)
            values = sheet.to_python(skip_empty_area=False) if sheet.height else []
            merges = extent.merges or [
                (first[1] + 1, first[0] + 1, last[1] + 1, last[0] + 1) for first, last in sheet.merged_cell_ranges or ()
            ]
            if extent.formulas:
                mark_uncalculated(values, extent.formulas)
            if title == columns.META_SHEET:
                read_meta(contents, values)
            elif title == columns.EXPORTED_SHEET:
                read_exported(contents, values)
            elif title.casefold() not in SKIPPED_SHEETS:
                read_sheet(contents, title, values, merges, uncalculated=bool(extent.formulas))
    finally:
        book.close()


def mark_uncalculated(values: list[list[object]], formulas: dict[tuple[int, int], str]) -> None:
    """Put an UncalculatedFormula where a formula was saved without its result (the reader gives a blank)."""
    for (row, column), formula in formulas.items():
        while len(values) < row:
            values.append([])
        cells = values[row - 1]
        if len(cells) < column:
            cells.extend([""] * (column - len(cells)))
        cells[column - 1] = UncalculatedFormula(formula)


@dataclass(frozen=True)
class UncalculatedFormula:
    """A formula cell whose file holds no calculated value (written by a program, never opened in Excel)."""

    formula: str


def whole_number(value: object) -> int | None:
    """A cell holding a whole number (the reader gives every number as a float) as an int, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def read_meta(contents: WorkbookContents, grid) -> None:
    for cells in grid:
        if len(cells) >= 3 and cells[0] == "sheet" and whole_number(cells[2]) is not None:
            contents.sheet_priorities[str(cells[1])] = whole_number(cells[2])
        elif len(cells) >= 2 and cells[0]:
            contents.meta[str(cells[0])] = cells[1]


def read_exported(contents: WorkbookContents, grid) -> None:
    if not grid:
        return
    if len(grid[0]) > 2 and grid[0][1] == columns.EXPORTED_VALUES:
        read_exported_json(contents, grid)
        return
    keys = list(grid[0])  # format version 1: a column per key
    for cells in grid[1:]:
        if cells and whole_number(cells[0]) is not None:
            contents.exported[whole_number(cells[0])] = {
                key: text_of(value) for key, value in zip(keys[1:], cells[1:], strict=False)
            }


def read_exported_json(contents: WorkbookContents, grid) -> None:
    """Format version 2: each row's values as a JSON list (split over cells if long), keys as a JSON list in C1."""
    try:
        keys = json.loads(grid[0][2])
    except (TypeError, ValueError):
        return  # an edited copy: rows are imported as if they had no exported values
    for cells in grid[1:]:
        row_id = whole_number(cells[0]) if cells else None
        if row_id is None:
            continue
        try:
            values = json.loads("".join(str(cell) for cell in cells[1:] if cell is not None))
        except ValueError:
            values = None
        if not isinstance(values, list):
            continue  # an edited copy: the row is imported as if it had no exported values
        contents.exported[row_id] = {key: text_of(value) for key, value in zip(keys, values, strict=False)}


def find_header(rows: list[list[object]]) -> tuple[int, Layout, dict[int, str], list[str]] | None:
    """(row index, layout, {column index: key}, missing required fields) of the best header row."""
    best = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for layout in LAYOUTS.values():
            keys = header_keys(layout, row)
            found = set(keys.values())
            missing = [f for f in layout.required_fields if f not in found]
            score = (not missing, len(found))
            if len(found) >= 2 and (best is None or score > best[0]):
                best = (score, (index, layout, keys, missing))
    return best[1] if best else None


def header_keys(layout: Layout, row: list[object]) -> dict[int, str]:
    keys: dict[int, str] = {}
    for column, value in enumerate(row):
        label = columns.rating_label(value)
        key = f"rating:{label}" if label is not None else columns.field_of(layout, value)
        if key and key not in keys.values():
            keys[column] = key
    return keys


def fill_merged(values: list[list[object]], merges, header_row: int, columns: set[int]) -> None:
    """Give each cell a merge covers below the header the merge's value (what Excel shows in it).

    Only for `columns` (0-based): the outcome and action columns carry blanks
    down anyway, and keep knowing which of their cells were blank. Merges in
    a valid file do not overlap, so the work is bounded by the table's size;
    a crafted file's overlapping merges stop at that bound.
    """
    budget = 2 * len(values) * max(len(columns), 1)
    for first_col, top, last_col, bottom in merges:
        covered = [col for col in columns if first_col - 1 <= col < last_col]
        if top <= header_row or top > len(values) or not covered:
            continue
        row = values[top - 1]
        value = row[first_col - 1] if first_col - 1 < len(row) else None
        for number in range(top, min(bottom, len(values)) + 1):
            cells = values[number - 1]
            for col in covered:
                if col < len(cells) and (number, col + 1) != (top, first_col):
                    cells[col] = value
            budget -= len(covered)
        if budget < 0:
            return


def read_sheet(
    contents: WorkbookContents, title: str, values: list[list[object]], merges=(), *, uncalculated: bool = True
) -> None:
    """Read the sheet's plan table into `contents` (`uncalculated=False`: no formula on it lacks its value)."""
    found = find_header(values)
    if found is None:
        contents.warnings.append(Problem("skipped: no plan table found on this sheet", title))
        return
    index, layout, keys, missing = found
    headers = {key: " ".join(str(values[index][col]).split()) for col, key in keys.items()}
    if missing:
        names = ", ".join(f"'{layout.column(f).header}'" for f in missing)
        contents.errors.append(Problem(f"the header row has no {names} column", title, index + 1))
        return
    down = [merge for merge in merges if merge[3] > merge[1]]
    fill_merged(values, down, index + 1, {col for col, key in keys.items() if key not in CARRIED})
    table = Table(title, layout, index + 1, headers)
    table.priority_number, table.priority_title = priority_of(title, values[:index])
    banner = [str(v) for row in values[:index] for v in row if isinstance(v, str) and v.strip()]
    table.banner = " ".join(banner[0].split()) if banner else ""
    across = {merge[1] for merge in merges if merge[3] == merge[1] and merge[2] > merge[0]}
    formulas = any(isinstance(value, UncalculatedFormula) for row in values for value in row) if uncalculated else False
    rows = TableRows(contents, table, keys, across, formulas)
    for number, row in enumerate(values[index + 1 :], start=index + 2):
        rows.add(number, row)
    contents.tables.append(table)


class TableRows:
    """A table's rows below its header, read one by one as a person reads them.

    A spacer row is skipped; so is the header row repeated further down (as
    when a long table was pasted together from printed pages), and a banner
    row: one piece of text alone on its row, merged across the table or
    reading "Priority N: …". On a sheet without a Priority column, such a
    priority banner starts that priority for the rows below it.
    """

    def __init__(self, contents: WorkbookContents, table: Table, keys: dict[int, str], across: set[int], formulas):
        self.contents, self.table, self.keys, self.across, self.formulas = contents, table, keys, across, formulas
        self.names = list(keys.values())
        self.width = max(keys) + 1
        self.cells_of = itemgetter(*keys) if len(keys) > 1 else lambda row: (row[next(iter(keys))],)
        self.rating_keys = [key for key in self.names if key.startswith("rating:")]
        self.header_texts = {key: columns.normalise_header(text) for key, text in table.headers.items()}
        self.carried: dict[str, object] = {}
        self.section = ""  # "N. title" from a priority banner row above, on a sheet without a Priority column

    def add(self, number: int, row: list[object]) -> None:
        table = self.table
        if len(row) >= self.width:
            cells = dict(zip(self.names, self.cells_of(row), strict=True))
        else:  # a row the reader gave shorter than the header (not calamine's way, but cheap to allow)
            cells = {key: row[col] if col < len(row) else None for col, key in self.keys.items()}
        if self.formulas:
            report_formulas(self.contents, cells, Problem("", table.sheet, number), table.headers)
        if all(value in (None, "") for value in cells.values()) or self.repeats_header(cells):
            return
        unrated = not any(cells[key] for key in self.rating_keys)
        if cells.get("measure") in (None, "") and unrated and self.banner(number, row):
            return
        blank = carry_down(cells, self.carried)
        if cells.get("measure") in (None, "") and unrated:
            self.contents.warnings.append(Problem("ignored: no success measure on this row", table.sheet, number))
            return
        if self.section and "priority" not in cells:
            cells["priority"] = self.section
        row_id = read_id(self.contents, cells.pop("id", None), table.sheet, number)
        table.rows.append(SheetRow(table.sheet, number, cells, row_id, frozenset(blank)))

    def repeats_header(self, cells: dict[str, object]) -> bool:
        """Whether the row is the header again: its measure cell and at least one other read as their headers."""
        measure, header = cells.get("measure"), self.header_texts.get("measure", "")
        if not isinstance(measure, str) or len(measure) > 2 * len(header) + 8:
            return False  # most measures are sentences, far longer than their header
        if columns.normalise_header(measure) != header:
            return False
        same = sum(
            1
            for key, value in cells.items()
            if isinstance(value, str) and columns.normalise_header(value) == self.header_texts.get(key)
        )
        return same >= 2

    def banner(self, number: int, row: list[object]) -> bool:
        """Whether the row is a banner (see the class docstring); a priority banner starts a section."""
        texts = [value for value in row if value not in (None, "")]
        if len(texts) != 1 or not isinstance(texts[0], str):
            return False
        match = PRIORITY_TITLE.match(texts[0])
        if match is None and number not in self.across:
            return False
        if match is not None and "priority" not in self.keys.values():
            self.section = f"{match[1]}. {' '.join(match[2].split())}"
            self.carried.clear()
        return True


def report_formulas(contents: WorkbookContents, cells: dict[str, object], where: Problem, headers) -> None:
    for key, value in cells.items():
        if isinstance(value, UncalculatedFormula):
            message = (
                f"the formula {value.formula} has no calculated value saved: open the file in Excel, "
                "let it calculate and save it again (or paste the values)"
            )
            contents.errors.append(Problem(message, where.sheet, where.row, headers[key]))
            cells[key] = None


def carry_down(cells: dict[str, object], carried: dict[str, object]) -> set[str]:
    """Fill blank priority/outcome/action cells from the rows above; the keys filled so."""
    blank = set()
    for key in CARRIED:
        if key not in cells:
            continue
        if cells[key] in (None, ""):
            cells[key] = carried.get(key)
            blank.add(key)
        else:
            carried[key] = cells[key]
            if key == "outcome" and cells.get("action") in (None, ""):
                carried.pop("action", None)  # a new outcome starts its own actions
    return blank


def read_id(contents: WorkbookContents, value: object, sheet: str, number: int) -> int | None:
    if value in (None, ""):
        return None
    if whole_number(value) is not None:
        return whole_number(value)
    contents.errors.append(
        Problem(f"'{value}' is not a row id (leave the hidden id column as exported)", sheet, number, "id")
    )
    return None


def priority_of(title: str, banner: list[list[object]]) -> tuple[int | None, str]:
    """A sheet's priority number and title, from a banner row ("Priority 4: Early help") or its name."""
    texts = [str(value) for row in banner for value in row if isinstance(value, str) and value.strip()]
    for text in [*texts, title]:
        match = PRIORITY_TITLE.match(text)
        if match:
            return int(match[1]), " ".join(match[2].split()) or title
    return None, " ".join(texts[-1].split()) if texts else title
