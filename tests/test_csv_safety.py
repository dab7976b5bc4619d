"""CSV cells that a spreadsheet would run as formulas arrive as text."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.api.csv_safety import csv_cells, escape_cell, write_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil","click")', '\'=HYPERLINK("http://evil","click")'),
        ("+44 1375 652652", "'+44 1375 652652"),
        ("-2 since last month", "'-2 since last month"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Costed structure in place.", "Costed structure in place."),
        ("Rated 3 = on track", "Rated 3 = on track"),
        ("", ""),
    ],
)
def test_text_that_starts_like_a_formula_gets_a_quote_in_front(value, expected):
    assert escape_cell(value) == expected


@pytest.mark.parametrize("value", [-1, 3, Decimal("-0.5"), True, datetime.date(2018, 1, 1)])
def test_numbers_dates_and_booleans_are_left_alone(value):
    assert escape_cell(value) is value


def test_none_is_an_empty_cell():
    assert escape_cell(None) == ""


def test_a_whole_document_reads_back_with_every_formula_defused():
    text = write_csv(["measure", "score"], [["=cmd|' /C calc'!A0", Decimal("2.6")], ["Plain", None]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["measure", "score"], ["'=cmd|' /C calc'!A0", "2.6"], ["Plain", ""]]


# Cells as the datasets hold them: text of any kind (quotes, commas, line breaks, formula starts), numbers,
# dates, booleans and None.
CELLS = st.one_of(
    st.text(alphabet=st.sampled_from("=+-@\t\r\n,\"' aZ09é"), max_size=8),
    st.text(max_size=12),
    st.none(),
    st.integers(-(10**6), 10**6),
    st.decimals(allow_nan=False, allow_infinity=False, places=1, min_value=-100, max_value=100),
    st.booleans(),
    st.dates(),
)


@settings(max_examples=300)
@given(row=st.lists(CELLS, min_size=2, max_size=8))
def test_a_line_written_cell_by_cell_is_what_the_csv_writer_writes_of_the_row(row):
    """The ratings download writes its lines itself (csv_cells) and must write what iter_csv writes."""
    assert csv_cells(row) + "\r\n" == write_csv(["a"] * len(row), [row]).split("\r\n", 1)[1]
    assert list(csv.reader(io.StringIO(csv_cells(row) + "\r\n", newline=""))) == [
        [str(escape_cell(value)) for value in row]
    ]
