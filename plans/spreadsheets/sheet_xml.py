"""A worksheet's cell values read straight from its XML: the rows openpyxl would give, several times faster.

openpyxl's read-only mode builds an element and a dict for every cell, and
most of a large import's reading time went there. Here one pass of expat,
through defusedxml's parser (so a DTD's entities and external references are
refused exactly as openpyxl refuses them), keeps only what the importer uses:
each cell's value, from shared strings, inline strings, numbers, booleans,
errors and ISO dates, and numbers shown as dates (by their style's number
format, as openpyxl decides it) turned into datetimes.

The rows come out as openpyxl's `iter_rows(values_only=True)` gives them for
a read-only sheet: padded to the width the sheet declares in its dimension,
missing rows as blank rows, rows past the declared last row dropped.
tests/spreadsheets/test_sheet_xml.py compares the two on the tests'
workbooks. The workbook itself is still opened and checked by openpyxl
(reader.py); a sheet with formulas, or with rows inside rows, is left to
openpyxl (`NotPlain`), which knows their ins and outs.
"""

from collections.abc import Collection
from datetime import datetime
from warnings import warn

from defusedxml.ElementTree import DefusedXMLParser
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, VALUE, INLINE, FORMULA, TEXT = MAIN + "row", MAIN + "v", MAIN + "is", MAIN + "f", MAIN + "t"
COLUMNS = {get_column_letter(number): number for number in range(1, 16385)}  # "A" → 1 … "XFD" → 16384
DIGITS = "0123456789"


class NotPlain(Exception):
    """The sheet has something only openpyxl reads faithfully (a formula, a row inside a row)."""


def has_formula(xml: bytes) -> bool:
    """Whether the sheet's XML may hold a formula (a cheap look at the bytes; the parser checks again)."""
    return b"<f>" in xml or b"<f " in xml or b"<f/>" in xml or b":f>" in xml or b":f " in xml or b":f/>" in xml


class SheetXml:
    """Reads sheets' XML into rows of values, with a workbook's shared strings, date styles and epoch."""

    def __init__(
        self,
        shared_strings: list[str],
        date_styles: Collection[int],
        timedelta_styles: Collection[int],
        epoch: datetime,
    ):
        self.shared_strings = shared_strings
        self.date_styles = date_styles
        self.timedelta_styles = timedelta_styles
        self.epoch = epoch

    @classmethod
    def of(cls, book) -> "SheetXml":
        """For a workbook openpyxl opened in read-only mode (the same strings, styles and epoch it reads with)."""
        strings = book.worksheets[0]._shared_strings if book.worksheets else []
        return cls(strings, book._date_formats, book._timedelta_formats, book.epoch)

    def values(self, xml: bytes, max_row: int | None, max_column: int | None) -> list[list[object]]:
        """The sheet's rows of values, as openpyxl's read-only iter_rows(values_only=True) gives them."""
        return padded(self.rows(xml), max_row, max_column)

    def rows(self, xml: bytes) -> list[tuple[int, list[tuple[int, object]]]]:
        """(row number, [(column, value)]) for each row element, in the file's order."""
        rows = RowElements(self.cell_value)
        parser = DefusedXMLParser().parser  # expat, with defusedxml's handlers refusing entities
        parser.ordered_attributes = False
        parser.StartElementHandler = rows.start
        parser.EndElementHandler = rows.end
        parser.CharacterDataHandler = rows.data
        parser.Parse(xml, True)
        return rows.rows

    def cell_value(self, cell: dict[str, str], value: str | None, inline: str | None) -> object:
        """A cell's value from its attributes, the text of its <v> and of its inline string, as openpyxl reads it."""
        kind = cell.get("t", "n")
        style = cell.get("s", 0)
        if style:
            style = int(style)
        if kind == "inlineStr":
            return inline
        if not value:
            return None
        if kind == "n":
            number = float(value) if "." in value or "E" in value or "e" in value else int(value)
            if style in self.date_styles:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.timedelta_styles)
                except (OverflowError, ValueError):
                    warn(
                        f"Cell {cell.get('r')} is marked as a date but its serial value {number} is not a date.",
                        stacklevel=2,
                    )
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.shared_strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str", "e" (an error such as #N/A), or a type openpyxl keeps as text too


class RowElements:
    """expat's handlers, collecting (row number, [(column, value)]) from the row, cell and text elements.

    An element's text is what comes before its first child (ElementTree's
    .text): `text` collects it while `reading`.
    """

    __slots__ = (
        "cell",
        "cell_depth",
        "cell_value",
        "cells",
        "column",
        "depth",
        "inline",
        "inline_depth",
        "number",
        "plain",
        "reading",
        "row_depth",
        "rows",
        "run_depth",
        "runs",
        "text",
        "value",
    )

    def __init__(self, cell_value):
        self.rows: list[tuple[int, list[tuple[int, object]]]] = []
        self.cell_value = cell_value  # (attributes, text of <v>, inline string) → value
        self.depth = self.number = self.column = 0
        # Depths of the open row, cell, inline string and rich-text run elements (-1: none open)
        self.row_depth = self.cell_depth = self.inline_depth = self.run_depth = -1
        self.cells: list[tuple[int, object]] = []
        self.cell: dict[str, str] = {}
        self.value: list[str] | None = None  # the text of the cell's first <v>, in pieces
        self.inline = False  # whether the cell has an inline string (its first <is>)
        self.plain: list[str] | None = None  # the text of the inline string's <t>
        self.runs: list[list[str] | None] = []  # of the <t> of each of its rich-text runs
        self.text: list[str] = []
        self.reading = False

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.depth = depth = self.depth + 1
        self.reading = False
        if depth == self.cell_depth + 1:
            self.cell_child(tag)
        elif depth == self.inline_depth + 1:
            self.inline_child(tag)
        elif depth == self.run_depth + 1:
            if tag == TEXT or tag.rpartition("}")[2] == "t":
                self.runs[-1] = self.text = []
                self.reading = True
        elif depth == self.row_depth + 1:
            self.cell, self.cell_depth, self.value, self.inline = attributes, depth, None, False
            reference = attributes.get("r")
            self.column = column_of(reference) if reference else self.column + 1
        elif tag == ROW:
            if self.row_depth >= 0:
                raise NotPlain(tag)
            self.row_depth, self.column, self.cells = depth, 0, []
            self.number = row_number(attributes.get("r"), self.number)

    def cell_child(self, tag: str) -> None:
        if tag == VALUE:
            if self.value is None:  # openpyxl reads the first
                self.value = self.text = []
                self.reading = True
        elif tag == INLINE:
            if not self.inline:
                self.inline, self.inline_depth, self.plain, self.runs = True, self.depth, None, []
        elif tag == FORMULA:
            raise NotPlain(tag)

    def inline_child(self, tag: str) -> None:
        name = "t" if tag == TEXT else tag.rpartition("}")[2]  # openpyxl takes any namespace here
        if name == "t":  # the last one counts, as in openpyxl
            self.plain = self.text = []
            self.reading = True
        elif name == "r":
            self.run_depth = self.depth
            self.runs.append(None)

    def end(self, tag: str) -> None:
        self.reading = False
        depth = self.depth
        if depth == self.cell_depth:
            value = self.value
            inline = self.inline_text() if self.inline else None
            self.cells.append((self.column, self.cell_value(self.cell, "".join(value) if value else None, inline)))
            self.cell_depth = self.inline_depth = self.run_depth = -1
        elif depth == self.inline_depth:
            self.inline_depth = self.run_depth = -1
        elif depth == self.run_depth:
            self.run_depth = -1
        elif depth == self.row_depth:
            self.rows.append((self.number, self.cells))
            self.row_depth = -1
        self.depth = depth - 1

    def data(self, chunk: str) -> None:
        if self.reading:
            self.text.append(chunk)

    def inline_text(self) -> str:
        """The inline string's text and its runs' (not phonetic runs), as openpyxl's Text.content."""
        text = "".join(self.plain) if self.plain else ""
        if self.runs:
            text += "".join("".join(pieces) for pieces in self.runs if pieces)
        return text


def column_of(reference: str) -> int:
    """The column of a cell reference ("C12" → 3); anything but letters then digits is left to openpyxl."""
    letters = reference.rstrip(DIGITS)
    column = COLUMNS.get(letters) if letters != reference else None
    return coordinate_to_tuple(reference)[1] if column is None else column


def row_number(reference: str | None, previous: int) -> int:
    """A row element's number, as openpyxl reads its r attribute ("7", or "7.0"); the next one without."""
    if reference is None:
        return previous + 1
    try:
        return int(reference)
    except ValueError:
        number = float(reference)
        if not number.is_integer():
            raise ValueError(f"{reference} is not a valid row number") from None
        return int(number)


def padded(rows: list[tuple[int, list[tuple[int, object]]]], max_row: int | None, max_column: int | None):
    """Rows of values as openpyxl's read-only sheet yields them for rows (number, [(column, value)])."""
    blank: list[object] = [None] * max_column if max_column else []
    out: list[list[object]] = []
    expected = number = 1
    for number, cells in rows:
        if max_row is not None and number > max_row:
            break
        while expected < number:
            out.append(list(blank))
            expected += 1
        if expected <= number:
            out.append(row_values(cells, max_column))
            expected += 1
    if max_row is not None and max_row < number:
        out += [list(blank) for _ in range(expected, max_row + 1)]
    return out


def row_values(cells: list[tuple[int, object]], max_column: int | None) -> list[object]:
    if not cells and not max_column:
        return []
    width = max_column or cells[-1][0]
    values: list[object] = [None] * width
    for column, value in cells:
        if 1 <= column <= width:
            values[column - 1] = value
    return values
