"""How the plan's free-text cells are read: Time → due month, Lead → names, "Ofsted recco 14" → numbers.

The text is always kept as written; these functions derive what can be
derived and say why when they cannot. Import, the demo loader and the web
forms all read cells through here.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS.update({name.casefold(): number for number, name in enumerate(calendar.month_name) if name})
MONTHS["sept"] = 9

RECURRING = {"ongoing", "on going", "quarterly", "monthly", "weekly", "annually", "annual", "termly", "bi-monthly"}


@dataclass(frozen=True)
class DueMonth:
    month: date | None
    note: str = ""


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _month_year(month_word: str, year_text: str) -> DueMonth:
    month = MONTHS.get(month_word.casefold().rstrip("."))
    if month is None:
        return DueMonth(None, f'"{month_word}" is not a month')
    if year_text.strip("'") == "99":
        # "Dec-99" is how a spreadsheet shows a zero formatted as a date.
        return DueMonth(None, "placeholder date (Dec-99), not a due date")
    return DueMonth(date(_year(year_text.strip("'")), month, 1))


PATTERNS = [
    # Jan-18, Apr 18, Sept 2018, Dec-99, March '18
    (re.compile(r"^([A-Za-z]{3,9})\.?[\s\-/']*(\d{2}|\d{4})$"), lambda m: _month_year(m[1], m[2])),
    # 01 April 2018, 31st October 2017
    (
        re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$"),
        lambda m: _month_year(m[2], m[3]),
    ),
    # October 31st 2017, December 1st, 2017
    (
        re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$"),
        lambda m: _month_year(m[1], m[3]),
    ),
]


def _numeric_date(text: str) -> DueMonth | None:
    """01/16/2018 (month first, as Excel's US text) or 16/01/2018 (day first); 2018-01-16."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d/%m/%y", "%m/%Y", "%m/%y"):
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return DueMonth(parsed.replace(day=1))
    return None


def parse_due_month(text: object) -> DueMonth:
    """Read a due month from a "Time" cell, or say why it cannot be read.

    >>> parse_due_month("Jan-18").month
    datetime.date(2018, 1, 1)
    >>> parse_due_month("Ongoing").note
    'recurring or ongoing, no single due date'
    """
    if isinstance(text, datetime):
        return DueMonth(text.date().replace(day=1))
    if isinstance(text, date):
        return DueMonth(text.replace(day=1))
    cleaned = " ".join(str(text or "").split())
    if not cleaned:
        return DueMonth(None, "no time given")
    if cleaned.casefold() in RECURRING:
        return DueMonth(None, "recurring or ongoing, no single due date")
    for pattern, read in PATTERNS:
        match = pattern.match(cleaned)
        if match:
            return read(match)
    numeric = _numeric_date(cleaned)
    if numeric:
        return numeric
    if cleaned.casefold().rstrip(".") in MONTHS:
        return DueMonth(None, "month without a year")
    return DueMonth(None, f'cannot read a date from "{cleaned}"')


LEAD_SEPARATORS = re.compile(r"\s*(?:/|;|,|&|\band\b|\n)\s*", re.IGNORECASE)


ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def read_month(text: str) -> date | None:
    """A month typed into a form: "2018-03", or as a Time cell is read ("Mar 2018", "March 2018", "03/2018").

    Forms ask for a month in a text box rather than <input type=month>, which half of browsers show as
    a bare text box anyway. None when blank or not a month.

    >>> read_month("Mar 2018"), read_month("2018-03"), read_month("next spring")
    (datetime.date(2018, 3, 1), datetime.date(2018, 3, 1), None)
    """
    cleaned = " ".join(str(text or "").split())
    iso = ISO_MONTH.match(cleaned)
    if iso:
        return date(int(iso[1]), int(iso[2]), 1) if 1 <= int(iso[2]) <= 12 else None
    return parse_due_month(cleaned).month if cleaned else None


def normalise_name(name: str) -> str:
    """One spelling per person: curly apostrophes straightened, spaces collapsed."""
    return " ".join(name.replace("\u2019", "'").replace("\u2018", "'").split())


def split_leads(text: str) -> list[str]:
    """The people or roles named in a Lead cell: "S Murphy / J Cooke" → ["S Murphy", "J Cooke"]."""
    names = []
    for part in LEAD_SEPARATORS.split(text or ""):
        name = normalise_name(part)
        if name and name not in names:
            names.append(name)
    return names


RECOMMENDATION_REF = re.compile(
    r"ofsted\s*(?:rec{1,2}o?(?:mmendation)?'?s?)?\s*(?:no\.?)?\s*(\d+(?:\s*(?:,|&|and)\s*\d+)*)", re.IGNORECASE
)


def recommendation_numbers(text: str) -> list[int]:
    """Numbers of the inspection recommendations a text cites: "(Ofsted recco 3 & 7)" → [3, 7]."""
    numbers: list[int] = []
    for match in RECOMMENDATION_REF.finditer(text or ""):
        for number in re.findall(r"\d+", match[1]):
            if int(number) < 100 and int(number) not in numbers:  # not a year
                numbers.append(int(number))
    return numbers
