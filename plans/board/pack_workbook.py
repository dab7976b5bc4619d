"""The board pack as an .xlsx: the pack's tables, one sheet per section of the pack.

The workbook is read from the rendered pack's HTML, so it holds exactly what
the board was given: a live pack's tables as the page shows them now, a frozen
pack's from the HTML stored when its period closed (later edits never reach
it). Rating cells keep their number and word and take their level's colour;
text goes in as text, never as a formula (plans.spreadsheets.safety).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from plans.spreadsheets.exporter import BANNER_FONT, HEADER_FILL, HEADER_FONT, LEVEL_FILLS, WRAP
from plans.spreadsheets.safety import write_text

SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
TAG_COLOUR = re.compile(r"\btag--(\w+)")
MAX_COLUMN_WIDTH = 60
NUMBER = re.compile(r"\d+(\.\d+)?")


@dataclass
class Cell:
    text: str = ""
    header: bool = False
    colour: str = ""
    rows: int = 1  # rowspan
    columns: int = 1  # colspan


@dataclass
class Section:
    title: str = ""
    tables: list[list[list[Cell]]] = field(default_factory=list)


class PackTables(HTMLParser):
    """Collects each <section>'s first heading and the rows of its tables; charts (SVG) are left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = []
        self.heading: list[str] | None = None
        self.cell: Cell | None = None
        self.in_svg = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "svg":
            self.in_svg += 1
        elif tag == "section":
            self.sections.append(Section())
        elif tag in ("h2", "h1") and self.sections and not self.sections[-1].title:
            self.heading = []
        elif tag == "table" and self.sections:
            self.sections[-1].tables.append([])
        elif tag == "tr" and self.sections and self.sections[-1].tables:
            self.sections[-1].tables[-1].append([])
        elif tag in ("td", "th") and self.sections and self.sections[-1].tables:
            rows, columns = _span(attributes, "rowspan"), _span(attributes, "colspan")
            self.cell = Cell(header=tag == "th", rows=rows, columns=columns)
            self.sections[-1].tables[-1][-1].append(self.cell)
        elif tag == "br" and self.cell is not None:
            self.cell.text += "\n"
        match = TAG_COLOUR.search(attributes.get("class") or "")
        if match and self.cell is not None and not self.cell.colour:
            self.cell.colour = match.group(1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.in_svg -= 1
        elif tag in ("h2", "h1") and self.heading is not None:
            self.sections[-1].title = " ".join("".join(self.heading).split())
            self.heading = None
        elif tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.in_svg:
            return
        if self.heading is not None:
            self.heading.append(data)
        if self.cell is not None:
            self.cell.text += data


def _span(attributes: dict, name: str) -> int:
    value = attributes.get(name) or "1"
    return max(1, min(int(value), 1000)) if value.isdecimal() else 1  # "²".isdigit() is true; int("²") fails


def _tidy(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _sheet_name(title: str, taken: set[str]) -> str:
    """A short, unique, legal sheet name: "RAG summary: Initial and 01/18" → "RAG summary"."""
    short = title.split(":")[0] if ":" in title else title
    base = " ".join(SHEET_NAME_FORBIDDEN.sub(" ", short).split())[:28].strip() or "Section"
    name, n = base, 2
    while name.casefold() in taken:
        name, n = f"{base[:25]} {n}", n + 1
    taken.add(name.casefold())
    return name


def _placed(table: list[list[Cell]]) -> Iterator[tuple[int, int, Cell]]:
    """(row offset, column, cell) for a table's cells, rowspans and colspans taking their places."""
    taken: set[tuple[int, int]] = set()
    for offset, cells in enumerate(table):
        column = 1
        for cell in cells:
            while (offset, column) in taken:
                column += 1
            yield offset, column, cell
            taken.update(
                (offset + down, column + across) for down in range(cell.rows) for across in range(cell.columns)
            )
            column += cell.columns


def _write_value(target, text: str) -> None:
    """Counts and scores as numbers (a score keeps its one decimal), everything else as text."""
    if NUMBER.fullmatch(text):
        target.value = float(text) if "." in text else int(text)
        if "." in text:
            target.number_format = "0.0"
    else:
        write_text(target, text)


def _write_section(sheet, section: Section) -> None:
    sheet.cell(row=1, column=1, value=section.title).font = BANNER_FONT
    row = 3
    widths: dict[int, int] = {}
    for table in section.tables:
        for offset, column, cell in _placed(table):
            target = sheet.cell(row=row + offset, column=column)
            text = _tidy(cell.text)
            _write_value(target, text)
            target.alignment = WRAP
            if cell.header:
                target.fill, target.font = HEADER_FILL, HEADER_FONT
            elif cell.colour in LEVEL_FILLS:
                target.fill = PatternFill("solid", fgColor=LEVEL_FILLS[cell.colour])
            if cell.rows > 1 or cell.columns > 1:
                sheet.merge_cells(
                    start_row=row + offset,
                    start_column=column,
                    end_row=row + offset + min(cell.rows, len(table) - offset) - 1,
                    end_column=column + cell.columns - 1,
                )
            longest = max((len(line) for line in text.splitlines()), default=0)
            widths[column] = max(widths.get(column, 8), min(longest + 2, MAX_COLUMN_WIDTH))
        row += len(table) + 1  # a blank row between tables
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A4"


def pack_workbook(html: str, cover: list[tuple[str, str]]) -> bytes:
    """The .xlsx of a rendered pack: a cover sheet of (label, value) lines, then a sheet per section with tables."""
    parser = PackTables()
    parser.feed(html)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Cover"
    for row, (label, value) in enumerate(cover, start=1):
        write_text(sheet.cell(row=row, column=1), label)
        sheet.cell(row=row, column=1).font = Font(bold=True)
        write_text(sheet.cell(row=row, column=2), value)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 80
    taken = {"cover"}
    for section in parser.sections:
        if section.tables and any(section.tables):
            _write_section(workbook.create_sheet(_sheet_name(section.title, taken)), section)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
