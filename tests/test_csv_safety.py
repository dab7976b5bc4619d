"""CSV cells that a spreadsheet would run as formulas arrive as text."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from plans.api.csv_safety import escape_cell, write_csv


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
