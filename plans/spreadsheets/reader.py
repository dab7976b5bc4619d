"""Reading a workbook into tables of rows, whatever its layout; problems are collected, not raised.

The header row is found under any banner rows by its column names (see
columns.py); one sheet per priority or all in one; blank or merged outcome and
action cells carry the value above down. Sheets without a recognisable table
(a summary, notes) are skipped. Our own exports also carry a hidden id per row
and two hidden sheets, read into `meta` and `exported`.

openpyxl opens the workbook (and refuses what it cannot open); the cells are
read from each sheet's XML by sheet_xml.py, which gives the same values
several times faster, except on a sheet with formulas, which openpyxl reads
with their saved results.
"""

import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from plans.spreadsheets import columns
from plans.spreadsheets.columns import LAYOUTS, Layout
from plans.spreadsheets.safety import UnsafeWorkbook, check_workbook_bytes, unescape_xstring
from plans.spreadsheets.sheet_xml import NotPlain, SheetXml, has_formula

HEADER_SEARCH_ROWS = 30
PRIORITY_TITLE = re.compile(r"^\s*priority\s*(\d+)\s*[:.\-\u2013)]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
CARRIED = ("priority", "outcome", "action")
XML_REFUSED = "The workbook contains XML constructs that are refused for safety."
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


# What a damaged file makes the zip and XML layers raise (found by tests/spreadsheets/test_malformed_corpus.py).
DAMAGED = (
    InvalidFileException,
    zipfile.BadZipFile,
    KeyError,
    IndexError,  # a cell pointing past the end of the shared strings
    ExpatError,
    ParseError,  # openpyxl: a sheet's XML broken after its start (which it reads when opening the workbook)
    ValueError,
    OSError,
    TypeError,
    EOFError,
    zlib.error,
    NotImplementedError,  # zipfile: an unknown zip version or compression method
    RuntimeError,  # zipfile: an encrypted member
)


def read_workbook(data: bytes) -> WorkbookContents:
    """Everything the importer needs from the file's bytes; never raises for a bad file."""
    contents = WorkbookContents()
    try:
        check_workbook_bytes(data)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_vba=False)
    except UnsafeWorkbook as error:
        contents.errors.append(Problem(str(error)))
        return contents
    except DefusedXmlException:
        contents.errors.append(Problem(XML_REFUSED))
        return contents
    except DAMAGED as error:
        # openpyxl wraps what defusedxml refused in a ValueError
        if isinstance(error.__cause__, DefusedXmlException):
            contents.errors.append(Problem(XML_REFUSED))
        else:
            contents.errors.append(Problem("The workbook is damaged or is not an Excel workbook; it cannot be read."))
        return contents
    try:
        read_sheets(contents, book, data)
    except (DefusedXmlException, *DAMAGED):
        contents.errors.append(Problem("The workbook is damaged (a part of it cannot be read)."))
    finally:
        book.close()
    if not contents.tables and not contents.errors:
        contents.errors.append(
            Problem(
                "No sheet has a plan table: a header row with Outcome, Action and Success measure columns "
                "(or Recommendation and Actions) was not found."
            )
        )
    return contents


def read_sheets(contents: WorkbookContents, book, data: bytes) -> None:
    plain = SheetXml.of(book)
    formulas = FormulaValues(data)
    for sheet in book.worksheets:
        xml = sheet_xml(sheet)
        grid = values = None
        if not has_formula(xml):
            try:
                grid = values = plain.values(xml, sheet.max_row, sheet.max_column)
            except NotPlain:
                pass
        if grid is None:
            grid, values = formulas.read(sheet)
        if sheet.title == columns.META_SHEET:
            read_meta(contents, grid)
        elif sheet.title == columns.EXPORTED_SHEET:
            read_exported(contents, grid)
        elif sheet.title.casefold() not in SKIPPED_SHEETS:
            rows = [[_unescaped(value) for value in row] for row in values]
            read_sheet(contents, sheet.title, rows, merged_down(xml))


def sheet_xml(sheet) -> bytes:
    source = sheet._get_source()
    try:
        return source.read()
    finally:
        source.close()


MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}[0-9]{1,7})"')


def merged_down(xml: bytes) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges that span several rows, as (first column, first row, last column, last row).

    openpyxl's read-only mode (which keeps big workbooks fast) does not read
    merges, so they are found in the sheet's XML. Merges across one row only
    (banners, headers) are not values for the cells they cover.
    """
    ranges = [range_boundaries(ref.decode()) for ref in MERGE_CELL.findall(xml)]
    return [bounds for bounds in ranges if bounds[3] > bounds[1]]


class FormulaValues:
    """A sheet with formulas read by openpyxl, cell by cell (slower): each formula replaced by its saved value.

    The workbook is opened a second time for the values Excel saved with the
    formulas, once, and only if a sheet has formulas.
    """

    def __init__(self, data: bytes):
        self.data = data
        self.cached = None

    def read(self, sheet) -> tuple[list[list[object]], list[list[object]]]:
        """(the cells as written, formulas as text; the values to import)."""
        cells = [list(row) for row in sheet.iter_rows()]
        grid = [[cell.value for cell in row] for row in cells]
        formulas = [cell for row in cells for cell in row if getattr(cell, "data_type", None) == "f"]
        if not formulas:
            return grid, grid
        if self.cached is None:
            self.cached = openpyxl.load_workbook(io.BytesIO(self.data), read_only=True, data_only=True)
        return grid, _values_with_cache(self.cached[sheet.title], grid, formulas)


def _unescaped(value: object) -> object:
    return unescape_xstring(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class UncalculatedFormula:
    """A formula cell whose file holds no calculated value (written by a program, never opened in Excel)."""

    formula: str


def _values_with_cache(sheet, grid, formulas) -> list[list[object]]:
    """Cell values with each formula replaced by the value Excel last calculated for it."""
    values = [list(row) for row in grid]
    cached = {(r, c): value for r, row in enumerate(sheet.iter_rows(values_only=True)) for c, value in enumerate(row)}
    for cell in formulas:
        r, c = cell.row - 1, cell.column - 1
        value = cached.get((r, c))
        values[r][c] = UncalculatedFormula(str(cell.value)) if value is None else value
    return values


def read_meta(contents: WorkbookContents, grid) -> None:
    for cells in grid:
        if len(cells) >= 3 and cells[0] == "sheet":
            contents.sheet_priorities[str(cells[1])] = int(cells[2])
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
        if cells and isinstance(cells[0], int):
            contents.exported[cells[0]] = {
                key: text_of(_unescaped(value)) for key, value in zip(keys[1:], cells[1:], strict=False)
            }


def read_exported_json(contents: WorkbookContents, grid) -> None:
    """Format version 2: each row's values as a JSON list (split over cells if long), keys as a JSON list in C1."""
    keys = json.loads(_unescaped(grid[0][2]))
    for cells in grid[1:]:
        if not cells or not isinstance(cells[0], int):
            continue
        try:
            values = json.loads("".join(str(_unescaped(cell)) for cell in cells[1:] if cell is not None))
        except ValueError:
            values = None
        if not isinstance(values, list):
            continue  # an edited copy: the row is imported as if it had no exported values
        contents.exported[cells[0]] = {key: text_of(value) for key, value in zip(keys, values, strict=False)}


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


def read_sheet(contents: WorkbookContents, title: str, values: list[list[object]], merges=()) -> None:
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
    fill_merged(values, merges, index + 1, {col for col, key in keys.items() if key not in CARRIED})
    table = Table(title, layout, index + 1, headers)
    table.priority_number, table.priority_title = priority_of(title, values[:index])
    banner = [str(v) for row in values[:index] for v in row if isinstance(v, str) and v.strip()]
    table.banner = " ".join(banner[0].split()) if banner else ""
    carried: dict[str, object] = {}
    for number, row in enumerate(values[index + 1 :], start=index + 2):
        cells = {key: row[col] if col < len(row) else None for col, key in keys.items()}
        report_formulas(contents, cells, Problem("", title, number), headers)
        if all(value in (None, "") for value in cells.values()):
            continue  # a spacer row
        blank = carry_down(cells, carried)
        if cells.get("measure") in (None, "") and not any(cells.get(k) for k in cells if k.startswith("rating:")):
            contents.warnings.append(Problem("ignored: no success measure on this row", title, number))
            continue
        row_id = read_id(contents, cells.pop("id", None), title, number)
        table.rows.append(SheetRow(title, number, cells, row_id, frozenset(blank)))
    contents.tables.append(table)


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
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return int(value)
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
