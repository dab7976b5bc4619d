"""The rows of big sheets, written as XML text and put into the workbook openpyxl saves around them.

openpyxl makes a Cell object for every cell and serialises each one through
a general, namespace-aware XML writer: for a 10,000-row plan that was most of
an export's time, styled cells costing about twice the plain ones. The body
rows of an export are simple (text, a number or blank, in one of a few cell
styles), so they are written here as the same XML openpyxl writes for them
(inline strings, style ids from the workbook's own list) and inserted at the
end of the sheet's <sheetData> when the workbook is saved. Everything else
(banner and header rows, widths, merges, freeze panes, data validation,
conditional formatting, print titles, styles) is still openpyxl's.
"""

import io
import re
import zipfile
from copy import copy
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from plans.spreadsheets.safety import cell_text, needs_escaping

DIMENSION = re.compile(rb'<dimension ref="[^"]*"')


class CellStyle:
    """A body cell's style as a workbook style id, with its quote-prefixed twin for formula-like text."""

    def __init__(self, workbook: Workbook, array: StyleArray):
        array = copy(array)  # the workbook keeps the array itself: a later change to the original must not reach it
        self.attribute = f' s="{workbook._cell_styles.add(array)}"'
        quoted = copy(array)
        quoted.quotePrefix = 1  # Excel shows it with a leading apostrophe and never evaluates it
        self.quoted = f' s="{workbook._cell_styles.add(quoted)}"'


PLAIN = None  # a cell without a style (the hidden id column, the hidden sheets)


class SheetRows:
    """Rows to write below the ones openpyxl holds for a sheet, each a list of (value, CellStyle or PLAIN)."""

    def __init__(self, sheet: Worksheet, first_row: int):
        if sheet._cells and max(row for row, _column in sheet._cells) >= first_row:
            raise ValueError(f"Sheet {sheet.title!r} already has cells from row {first_row} down.")
        self.sheet = sheet
        self.first_row = first_row
        self.next_row = first_row
        self.width = 0
        self.letters: list[str] = []
        self.parts: list[str] = []

    def append(self, cells: list[tuple[object, CellStyle | None]]) -> None:
        if len(cells) > self.width:
            self.width = len(cells)
            self.letters = [get_column_letter(index) for index in range(1, self.width + 1)]
        number = self.next_row
        xml = [f'<row r="{number}">']
        for letter, (value, style) in zip(self.letters, cells, strict=False):
            xml.append(cell_xml(f"{letter}{number}", value, style))
        xml.append("</row>")
        self.parts.append("".join(xml))
        self.next_row += 1

    def dimension(self) -> bytes:
        """The sheet's used range, openpyxl's rows and these together (openpyxl counted only its own)."""
        columns = max(self.width, self.sheet.max_column)
        return f'<dimension ref="A1:{get_column_letter(columns)}{max(self.next_row - 1, 1)}"'.encode()

    def insert_into(self, xml: bytes) -> bytes:
        if self.next_row == self.first_row:
            return xml
        rows = "".join(self.parts).encode()
        end = xml.find(b"</sheetData>")
        if end >= 0:
            xml = xml[:end] + rows + xml[end:]
        else:  # openpyxl had no rows to write: an empty <sheetData/>
            xml = re.sub(rb"<sheetData\s*/>", lambda _m: b"<sheetData>" + rows + b"</sheetData>", xml, count=1)
        return DIMENSION.sub(lambda _m: self.dimension(), xml, count=1)


def cell_xml(ref: str, value: object, style: CellStyle | None) -> str:
    """One cell as openpyxl writes it; text is never a formula, and formula-like text is quote-prefixed."""
    if value is None:
        return f'<c r="{ref}"{style.attribute}/>' if style else ""
    if isinstance(value, str):
        text = cell_text(value)
        if style:
            attribute = style.quoted if needs_escaping(text) else style.attribute
        else:
            attribute = ""
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}"{attribute} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    if not isinstance(value, int | float):
        raise TypeError(f"Cannot write a {type(value).__name__} to {ref}.")
    number = value if isinstance(value, int) else f"{value:.16g}"
    return f'<c r="{ref}"{style.attribute if style else ""} t="n"><v>{number}</v></c>'


class WorkbookWithRows:
    """An openpyxl workbook plus the rows written here; save() as with a Workbook (a path or a binary stream)."""

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self.sheet_rows: list[SheetRows] = []

    def rows(self, sheet: Worksheet, first_row: int) -> SheetRows:
        rows = SheetRows(sheet, first_row)
        self.sheet_rows.append(rows)
        return rows

    def save(self, target: str | Path | IO[bytes]) -> None:
        saved = io.BytesIO()
        self.workbook.save(saved)  # gives each sheet its part name (xl/worksheets/sheetN.xml)
        by_part = {rows.sheet.path.lstrip("/"): rows for rows in self.sheet_rows}
        with zipfile.ZipFile(saved) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for member in source.infolist():
                data = source.read(member)
                if member.filename in by_part:
                    data = by_part[member.filename].insert_into(data)
                out.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED)
