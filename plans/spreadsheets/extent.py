"""How far each sheet's cells reach, read from the file's own records before any sheet is loaded.

The reader (python-calamine) builds each sheet as a grid from A1 to the last
cell that holds a value, so a tiny file with one cell at A1048576, or at
XFD1048576, would make it allocate a grid of a million rows or of seventeen
billion cells. The declared dimension of a sheet says nothing true (files
from generators often claim A1:G1 with rows down to 4, or A1:XFD1048576 with
three rows), so it is never read. Instead every cell record is located here,
cheaply, in each format's own terms (a value-bearing cell's reference in an
.xlsx sheet's XML, rows and cells with their repeat counts in an .ods
content.xml, cell records in .xls and .xlsb streams), and a sheet reaching
beyond the limits below is refused with the numbers in the message before any
grid is built: memory and time follow the cells that are actually there.

Besides its extent, an .xlsx sheet's scan finds formulas saved without a
calculated value (the reader cannot invent one) and an .ods sheet's merged
cells (which calamine reads only from .xlsx and .xls).
"""

import io
import re
import struct
import zipfile
from dataclasses import dataclass, field
from html import unescape

MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000  # rows × columns from A1 to the last cell: the grid the reader builds


class TooLarge(Exception):
    """A sheet reaches beyond the limits; the message names it and gives the numbers."""


@dataclass
class SheetExtent:
    rows: int = 0  # the last row holding a value, 1-based (0: none)
    columns: int = 0  # the last column holding a value
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first col, first row, last col, last row)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → formula saved without a value

    def reach(self, row: int, column: int) -> None:
        if row > self.rows:
            self.rows = row
        if column > self.columns:
            self.columns = column


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: bytes | str) -> int:
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(letter) - 64
    return number


def check(name: str, extent: SheetExtent) -> None:
    """Raise TooLarge when the sheet's cells reach beyond MAX_ROWS, MAX_COLUMNS or MAX_CELLS."""
    rows, columns = extent.rows, extent.columns
    if rows <= MAX_ROWS and columns <= MAX_COLUMNS and rows * columns <= MAX_CELLS:
        return
    raise TooLarge(
        f"Sheet '{name}' has cells as far as row {rows:,} and column {column_letters(columns)} ({columns:,}), "
        f"{rows * columns:,} cells from A1: a sheet may reach at most row {MAX_ROWS:,} and column "
        f"{column_letters(MAX_COLUMNS)} ({MAX_COLUMNS}), and at most {MAX_CELLS:,} cells. Delete the rows and "
        "columns beyond the table (a stray value far below or to the right of it is enough), or split the sheet."
    )


# -- .xlsx, .xlsm (transitional and strict) ------------------------------------------------------------

# A cell element as most writers write it: its reference first. Self-closing cells hold no value (a style only).
CELL_REFERENCE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>')
# The rarer patterns are compiled on first use (re keeps them): most imports never need them.
# Any row or cell element, with or without a namespace prefix, attributes in any order: the general case.
ROW_OR_CELL = rb"<(?:[A-Za-z_][\w.\-]*:)?(row|c)(\s[^>]*?)?(/?)>"
REFERENCE = rb'\br\s*=\s*["\']\$?([A-Za-z]{1,3})\$?([0-9]{1,7})["\']'
ROW_NUMBER = rb'\br\s*=\s*["\']([0-9]{1,7})(?:\.0*)?["\']'
FORMULA_CELL = (
    rb"(?s)<(?:[A-Za-z_][\w.\-]*:)?c(\s[^>]*?)?>((?:(?!</?(?:[A-Za-z_][\w.\-]*:)?c[\s>/]).)*?<(?:[A-Za-z_][\w.\-]*:)?f\b"
    rb"(?:(?!</?(?:[A-Za-z_][\w.\-]*:)?c[\s>/]).)*?)</(?:[A-Za-z_][\w.\-]*:)?c>"
)
FORMULA_TEXT = rb"(?s)<(?:[A-Za-z_][\w.\-]*:)?f\b[^>]*?(?:/>|>(.*?)</(?:[A-Za-z_][\w.\-]*:)?f>)"
VALUE_TEXT = rb"(?s)<(?:[A-Za-z_][\w.\-]*:)?v\b[^>]*?(?:/>|>(.*?)</(?:[A-Za-z_][\w.\-]*:)?v>)"
TYPE = rb'\bt\s*=\s*["\'](\w+)["\']'


def xlsx_sheet(xml: bytes) -> SheetExtent:
    """The extent of one worksheet part's cells, and its formulas saved without a value."""
    extent = SheetExtent()
    plain = b":c " not in xml and b":c>" not in xml and b"<c>" not in xml and b"<c/" not in xml
    if plain and xml.count(b"<c ") == xml.count(b'<c r="'):
        # Every cell carries its reference first (Excel, LibreOffice, openpyxl…): one pass over them
        found = CELL_REFERENCE.findall(xml)
        if found:
            extent.rows = max(map(int, {number for _letters, number in found}))
            extent.columns = max(map(column_number, {letters for letters, _number in found}))
    else:
        placed_by_order(xml, extent)
    if b"<f>" in xml or b"<f " in xml or b":f>" in xml or b":f " in xml:
        extent.formulas = uncalculated_formulas(xml)
    return extent


def placed_by_order(xml: bytes, extent: SheetExtent) -> None:
    """Rows and cells placed as a reader places them: by their reference, or one after the one before."""
    row = column = 0
    for kind, attributes, closed in re.findall(ROW_OR_CELL, xml):
        if kind == b"row":
            number = re.search(ROW_NUMBER, attributes or b"")
            row, column = (int(number[1]) if number else row + 1), 0
            continue
        reference = re.search(REFERENCE, attributes or b"")
        if reference:
            column, cell_row = column_number(reference[1]), int(reference[2])
        else:
            column, cell_row = column + 1, max(row, 1)
        if not closed:  # a self-closing cell has no value
            extent.reach(cell_row, column)


def uncalculated_formulas(xml: bytes) -> dict[tuple[int, int], str]:
    """(row, column) → "=formula" of each formula cell saved without a calculated value."""
    found = {}
    for attributes, body in re.findall(FORMULA_CELL, xml):
        value = re.search(VALUE_TEXT, body)
        kind = re.search(TYPE, attributes or b"")
        if value and (value[1] or (kind and kind[1] == b"str")):
            continue  # a saved result (an empty text result is a result)
        reference = re.search(REFERENCE, attributes or b"")
        if not reference:
            continue
        formula = re.search(FORMULA_TEXT, body)
        text = unescape(formula[1].decode("utf-8", "replace")) if formula and formula[1] else ""
        found[(int(reference[2]), column_number(reference[1]))] = f"={text}" if text else "(a shared formula)"
    return found


def xlsx_extents(archive: zipfile.ZipFile, names: dict[str, str]) -> dict[str, SheetExtent]:
    """Sheet name → extent for every worksheet of the workbook (a part not named by the workbook: its path)."""
    sheet_names = xlsx_sheet_names(archive, names)
    extents: dict[str, SheetExtent] = {}
    for normal, actual in names.items():
        if not (normal.startswith("xl/") and normal.endswith(".xml")):
            continue
        if normal.startswith(("xl/theme", "xl/styles", "xl/sharedstrings", "xl/drawings", "xl/charts")):
            continue
        xml = archive.read(actual)
        if b"sheetData" in xml:
            extents[sheet_names.get(normal, actual)] = xlsx_sheet(xml)
    return extents


SHEET_ELEMENT = rb"<(?:[A-Za-z_][\w.\-]*:)?sheet\s([^>]*)>"
RELATIONSHIP_ELEMENT = rb"<(?:[A-Za-z_][\w.\-]*:)?Relationship\s([^>]*)>"
ATTRIBUTE = rb'(?:^|\s)(?:[A-Za-z_][\w.\-]*:)?(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')'


def attributes(text: bytes) -> dict[str, str]:
    """An element's attributes by their local names, values unescaped."""
    return {
        name.decode(): unescape((double or single).decode("utf-8", "replace"))
        for name, double, single in re.findall(ATTRIBUTE, text)
    }


def xlsx_sheet_names(archive: zipfile.ZipFile, names: dict[str, str]) -> dict[str, str]:
    """Normalised part name → the sheet's name, from the workbook part and its relationships."""
    try:
        workbook = archive.read(names["xl/workbook.xml"])
        rels = archive.read(names["xl/_rels/workbook.xml.rels"])
    except KeyError:
        return {}
    targets = {}
    for found in re.findall(RELATIONSHIP_ELEMENT, rels):
        rel = attributes(found)
        target = rel.get("Target", "").replace("\\", "/")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target.lower()
    sheets = {}
    for found in re.findall(SHEET_ELEMENT, workbook):
        sheet = attributes(found)
        if sheet.get("id") in targets and sheet.get("name"):
            sheets[targets[sheet["id"]]] = sheet["name"]
    return sheets


# -- .ods ------------------------------------------------------------------------------------------------

ODS_ELEMENT = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>")
ODS_NAME = re.compile(rb'table:name="([^"]*)"')
ODS_REPEAT = re.compile(rb'table:number-(?:rows|columns)-repeated="([0-9]+)"')
ODS_SPAN = re.compile(rb'table:number-(rows|columns)-spanned="([0-9]+)"')


def ods_extents(content: bytes) -> dict[str, SheetExtent]:
    """Sheet name → extent, rows and cells counted with their repeats; merged cells from their spans."""
    extents: dict[str, SheetExtent] = {}
    extent, row, column, repeat = SheetExtent(), 0, 0, 1
    for end, kind, attributes, closed in ODS_ELEMENT.findall(content):
        if kind == b"table":
            if not end:
                name = ODS_NAME.search(attributes)
                title = unescape(name[1].decode("utf-8", "replace")) if name else ""
                extent = extents.setdefault(title or f"Sheet{len(extents) + 1}", SheetExtent())
            row = column = 0
        elif kind == b"table-row":
            if end:
                row += repeat - 1
                continue
            repeated = ODS_REPEAT.search(attributes)
            repeat = int(repeated[1]) if repeated else 1
            row, column = row + 1, 0
            if closed:
                row += repeat - 1
        elif not end:
            repeated = ODS_REPEAT.search(attributes)
            first = column + 1
            column += int(repeated[1]) if repeated else 1
            if not closed or b"value-type" in attributes:
                extent.reach(row + repeat - 1, column)
                spans = dict(ODS_SPAN.findall(attributes))
                rows, columns = int(spans.get(b"rows", 1)), int(spans.get(b"columns", 1))
                if rows > 1 or columns > 1:
                    extent.merges.append((first, row, first + columns - 1, row + rows - 1))
    return extents


# -- .xlsb -----------------------------------------------------------------------------------------------

XLSB_ROW, XLSB_CELLS, XLSB_SHEET = 0, range(1, 14), 156  # BrtRowHdr, BrtCell… and BrtFmla…, BrtBundleSh


def xlsb_records(data: bytes):
    """(type, payload) of each record of a binary part (types and sizes are variable-length integers)."""
    position, end = 0, len(data)
    while position < end:
        kind, position = _varint(data, position, 2)
        size, position = _varint(data, position, 4)
        yield kind, data[position : position + size]
        position += size


def _varint(data: bytes, position: int, most: int) -> tuple[int, int]:
    value = shift = 0
    for _ in range(most):
        if position >= len(data):
            raise ValueError("truncated record")
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, position


def xlsb_sheet(data: bytes) -> SheetExtent:
    extent, row = SheetExtent(), 0
    for kind, payload in xlsb_records(data):
        if kind == XLSB_ROW and len(payload) >= 4:
            row = struct.unpack_from("<I", payload)[0] + 1
        elif kind in XLSB_CELLS and kind != 1 and len(payload) >= 4:  # 1: a blank cell
            extent.reach(row, struct.unpack_from("<I", payload)[0] + 1)
    return extent


def xlsb_extents(archive: zipfile.ZipFile, names: dict[str, str]) -> dict[str, SheetExtent]:
    sheet_names = {}
    try:
        rels = [
            attributes(found)
            for found in re.findall(RELATIONSHIP_ELEMENT, archive.read(names["xl/_rels/workbook.bin.rels"]))
        ]
        targets = {rel.get("Id"): "xl/" + rel.get("Target", "").replace("\\", "/").lower() for rel in rels}
        for kind, payload in xlsb_records(archive.read(names["xl/workbook.bin"])):
            if kind == XLSB_SHEET:
                rel_id, position = _wide_string(payload, 8)
                name, _ = _wide_string(payload, position)
                sheet_names[targets.get(rel_id, "")] = name
    except (KeyError, ValueError, struct.error):
        pass
    return {
        sheet_names.get(normal, actual): xlsb_sheet(archive.read(actual))
        for normal, actual in names.items()
        if normal.startswith("xl/worksheets/") and normal.endswith(".bin")
    }


def _wide_string(payload: bytes, position: int) -> tuple[str, int]:
    (length,) = struct.unpack_from("<I", payload, position)
    position += 4
    if length == 0xFFFFFFFF:
        return "", position
    end = position + 2 * length
    return payload[position:end].decode("utf-16-le", "replace"), end


# -- .xls (BIFF8 in an OLE compound file) ---------------------------------------------------------------

BIFF_BOF, BIFF_SHEET, BIFF_EOF = 0x0809, 0x0085, 0x000A
BIFF_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0204, 0x00D6, 0x0406}  # formula, text, number, rk, bool…
BIFF_MULRK = 0x00BD


def xls_extents(data: bytes) -> dict[str, SheetExtent]:
    import olefile  # only for .xls files

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        stream = "Workbook" if ole.exists("Workbook") else "Book"
        biff = ole.openstream(stream).read()
    names: dict[int, str] = {}
    extents: dict[str, SheetExtent] = {}
    extent = None
    position = 0
    while position + 4 <= len(biff):
        kind, size = struct.unpack_from("<HH", biff, position)
        payload = biff[position + 4 : position + 4 + size]
        if kind == BIFF_SHEET and len(payload) >= 8:
            names[struct.unpack_from("<I", payload)[0]] = _biff_sheet_name(payload)
        elif kind == BIFF_BOF and position in names:
            extent = extents.setdefault(names[position], SheetExtent())
        elif kind == BIFF_EOF:
            extent = None
        elif extent is not None and len(payload) >= 4:
            record_extent(extent, kind, payload)
        position += 4 + size
    return extents


def record_extent(extent: SheetExtent, kind: int, payload: bytes) -> None:
    row, column = struct.unpack_from("<HH", payload)
    if kind in BIFF_CELLS:
        extent.reach(row + 1, column + 1)
    elif kind == BIFF_MULRK and len(payload) >= 6:
        extent.reach(row + 1, struct.unpack_from("<H", payload, len(payload) - 2)[0] + 1)


def _biff_sheet_name(payload: bytes) -> str:
    length, flags = payload[6], payload[7]
    raw = payload[8:]
    return raw[: 2 * length].decode("utf-16-le", "replace") if flags & 1 else raw[:length].decode("latin-1")
