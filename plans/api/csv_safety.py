"""Escaping CSV cells against formula injection.

A spreadsheet opening a CSV runs any cell that starts with = + - @ (or a tab
or carriage return in front of one) as a formula. Text from the plan (a
progress update, a measure typed as "=HYPERLINK(...)") must arrive as text:
such cells get a single quote in front, which spreadsheets show as text and
BI tools can strip. Numbers, dates and booleans are written as they are.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

from plans.spreadsheets.safety import needs_escaping


def escape_cell(value: object) -> object:
    """The value, with a leading ' if it is text a spreadsheet would read as a formula; None becomes ""."""
    if value is None:
        return ""
    if needs_escaping(value):
        return "'" + value
    return value


def escape_row(values: Iterable[object]) -> list[object]:
    """escape_cell of each value, without a call per cell (a 36,000-rating download has 400,000 cells)."""
    return ["" if value is None else "'" + value if needs_escaping(value) else value for value in values]


ROWS_PER_CHUNK = 500  # a download is sent in pieces of this many rows: few writes, memory flat in the rows


def iter_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """A CSV document (header, then the rows), every cell escaped, in pieces of ROWS_PER_CHUNK rows
    (iter_lines): for a streamed download, which never holds the whole file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def lines() -> Iterator[str]:
        for row in rows:
            writer.writerow(escape_row(row))
            yield out.getvalue()
            out.seek(0)
            out.truncate()

    return iter_lines(header, lines())


QUOTED = re.compile(r'[,"\r\n]')  # what makes csv.writer (QUOTE_MINIMAL) put a cell in quotes


def csv_cell(value: object) -> str:
    """One cell as iter_csv writes it: escaped (escape_cell), then in double quotes (any inside doubled) when it
    holds a comma, a quote or a line break, as csv.writer does. For a download that writes its lines itself
    (plans.api.datasets: the ratings), rendering the cells that repeat once instead of on every row."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    if needs_escaping(value):
        value = "'" + value
    if QUOTED.search(value) is None:
        return value
    return '"' + value.replace('"', '""') + '"'


def csv_cells(values: Iterable[object]) -> str:
    """Cells as iter_csv writes them in a line, between commas: a whole row, or a run of cells within one."""
    return ",".join(map(csv_cell, values))


def iter_lines(header: Sequence[str], lines: Iterable[str]) -> Iterator[str]:
    """A CSV document: the header (csv_cells), then lines already written, each ending in \r\n, in pieces of
    ROWS_PER_CHUNK lines. iter_csv sends its rows through it, and so does the ratings download
    (plans.api.datasets), which writes its lines itself."""
    piece = [csv_cells(header) + "\r\n"]
    for n, line in enumerate(lines, start=1):
        piece.append(line)
        if n % ROWS_PER_CHUNK == 0:
            yield "".join(piece)
            piece = []
    yield "".join(piece)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV document (header, then the rows), every cell escaped."""
    return "".join(iter_csv(header, rows))
