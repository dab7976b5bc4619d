"""The spreadsheet layouts, declared once: export writes these columns and import finds them.

A layout is a list of columns. Each column names the Measure-row field it
carries, the header the export writes, and the header variants found in the
councils' own workbooks ("Success measures", "Timeframe", "RAG\\nInitial",
"Update 17th January 2018"). Rating columns repeat once per period, their
header being "RAG <period label>".
"""

import re
from dataclasses import dataclass
from functools import lru_cache

FORMAT_NAME = "plan-tracker-workbook"
FORMAT_VERSION = 2  # 2: _exported holds each row's values as one JSON list (1: a column per value, still read)
META_SHEET = "_meta"
EXPORTED_SHEET = "_exported"  # the values as exported, to tell edits from changes made since
EXPORTED_VALUES = "values"  # B1 of _exported in format 2, above the rows' JSON lists
ID_HEADER = "id"


@dataclass(frozen=True)
class Column:
    field: str  # outcome, action, measure, lead, officer, time, rating, update, reason, priority, id
    header: str  # as written on export ("RAG" gets the period label appended)
    variants: tuple[str, ...] = ()  # normalised header starts recognised on import
    width: int = 14
    required: bool = False
    wrap: bool = True

    def matches(self, text: str) -> bool:
        return any(
            text == variant or text.startswith(variant + " ") for variant in (self.header.casefold(), *self.variants)
        )


@dataclass(frozen=True)
class Layout:
    name: str
    columns: tuple[Column, ...]
    rating_as: str  # "value": write 3; "label": write GREEN
    has_structure_columns: bool  # False: the Recommendation is priority, outcome and action at once

    def column(self, field: str) -> Column | None:
        return next((column for column in self.columns if column.field == field), None)

    @property
    def required_fields(self) -> list[str]:
        return [column.field for column in self.columns if column.required]


RATING = Column("rating", "RAG", ("rag", "rag rating", "rating", "rag status"), width=9, wrap=False)
ID = Column("id", ID_HEADER, (), width=8, wrap=False)
# Written blank; on import it says why a row's rating goes to one of the two lowest levels or its due month
# moves (the write door refuses those changes without one), and is kept with the rating and in its history.
REASON = Column("reason", "Reason", ("reasons", "reason for change", "reason for rating"), width=30)
REASON_NOTE = (
    "Why: needed when you set a rating to one of the two lowest levels or change the Time so that the due "
    "month moves; without it the import refuses that row's changes."
)

COUNCIL = Layout(
    name="council",
    columns=(
        Column("outcome", "Outcome", ("outcomes",), width=40, required=True),
        Column("action", "Action", ("actions",), width=40, required=True),
        Column(
            "measure",
            "Success measure(s)",
            ("success measure", "success measures", "success measure (s)", "measures", "measure of success"),
            width=40,
            required=True,
        ),
        Column("lead", "Lead", ("leads", "lead officer"), width=16),
        Column("officer", "Responsible Officer", ("responsible officers", "officer"), width=16),
        Column("time", "Time", ("timeframe", "timescale", "timescales", "due", "by when", "deadline"), width=11),
        RATING,
        Column("update", "Progress update", ("update", "progress", "progress updates", "comments"), width=50),
        REASON,
        ID,
    ),
    rating_as="value",
    has_structure_columns=True,
)

SEND = Layout(
    name="send",
    columns=(
        Column("outcome", "Recommendation", ("recommendations", "area", "key area"), width=40, required=True),
        Column("measure", "Actions", ("action",), width=50, required=True),
        Column("time", "Timeframe", ("time", "timescale", "timescales", "by when"), width=14),
        RATING,
        Column("update", "Update", ("progress update", "progress"), width=50),
        Column("lead", "Lead", ("leads",), width=14),
        REASON,
        ID,
    ),
    rating_as="label",
    has_structure_columns=False,
)

PRIORITY = Column("priority", "Priority", ("priority no", "priority number", "priority area"), width=10)
LAYOUTS = {layout.name: layout for layout in (COUNCIL, SEND)}


def normalise_header(value: object) -> str:
    """ "RAG\\nInitial " → "rag initial"; "Success Measure(s)" → "success measure(s)"."""
    return " ".join(str(value or "").replace("\u2019", "'").split()).casefold()


RAG_HEADER = re.compile(r"^(?:rag|rag rating|rating|rag status)\b[\s:\-]*(.*)$", re.IGNORECASE)


@lru_cache(maxsize=4096, typed=True)
def rating_label(header: object) -> str | None:
    """The period label of a rating column ("RAG\\n01/18" → "01/18", "RAG" → ""), None if not one."""
    match = RAG_HEADER.match(" ".join(str(header or "").split()))
    return match[1].strip() if match else None


def rating_header(label: str) -> str:
    return f"RAG {label}"


@lru_cache(maxsize=4096, typed=True)  # the header search asks about the same few banner and header texts many times
def field_of(layout: Layout, header: object) -> str | None:
    """The field a header names in this layout (rating columns are found with rating_label)."""
    text = normalise_header(header)
    if not text:
        return None
    if text == ID_HEADER:
        return "id"
    for column in (*layout.columns, PRIORITY):
        if column.field not in ("rating", "id") and column.matches(text):
            return column.field
    return None
