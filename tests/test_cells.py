"""Reading free-text cells as the seeds print them: Time, Lead and recommendation references."""

from datetime import date

import pytest

from plans.cells import parse_due_month, recommendation_numbers, split_leads


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("Jan-18", date(2018, 1, 1)),
        ("Apr 18", date(2018, 4, 1)),
        ("Sep-18", date(2018, 9, 1)),
        ("01/16/2018", date(2018, 1, 1)),
        ("01 April 2018", date(2018, 4, 1)),
        ("October 31st 2017", date(2017, 10, 1)),
        ("December 1st 2017", date(2017, 12, 1)),
        ("March 2018", date(2018, 3, 1)),
        (date(2018, 5, 17), date(2018, 5, 1)),
    ],
)
def test_it_reads_a_due_month_from_the_time_text(text, month):
    assert parse_due_month(text).month == month


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("Ongoing", "recurring or ongoing, no single due date"),
        ("Quarterly", "recurring or ongoing, no single due date"),
        ("", "no time given"),
        ("jun", "month without a year"),
        ("Dec-99", "placeholder date (Dec-99), not a due date"),
        ("Activities in place", 'cannot read a date from "Activities in place"'),
    ],
)
def test_it_says_why_a_due_month_cannot_be_read(text, note):
    due = parse_due_month(text)
    assert due.month is None
    assert due.note == note


def test_a_lead_cell_can_name_several_people_or_roles():
    assert split_leads("S Murphy / J Cooke") == ["S Murphy", "J Cooke"]
    assert split_leads("MWT/ CM/HF") == ["MWT", "CM", "HF"]
    assert split_leads("Head of Service CP") == ["Head of Service CP"]
    assert split_leads("Children\u2019s Services") == ["Children's Services"]
    assert split_leads("") == []


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Ofsted recco14 There is permanent", [14]),
        ("OFSTED recco 14 Create a profile", [14]),
        ("(Ofsted recco 3 & 7)", [3, 7]),
        ("Ofsted 5", [5]),
        ("OFSTED recco 3 85% of child and family assessments", [3]),
        ("Ofsted recommendation 2, 4 and 6", [2, 4, 6]),
        ("The 2016 Ofsted inspection", []),
        ("No reference", []),
    ],
)
def test_it_reads_the_recommendations_a_row_cites(text, numbers):
    assert recommendation_numbers(text) == numbers
