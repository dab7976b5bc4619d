"""Read-only data for other tools (a council's BI tool): rollups, measures and ratings as JSON and CSV.

CSV cells that a spreadsheet would read as a formula (=, +, -, @, tab, CR) are
prefixed with an apostrophe, so opening the file in Excel runs nothing.
"""

import csv
import io

from plans.board.state import PlanState

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RATING_COLUMNS = [
    "priority",
    "measure_id",
    "measure",
    "lead",
    "time",
    "due_month",
    "period",
    "level",
    "label",
    "status",
    "reason",
    "update",
]


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def measures_data(state: PlanState) -> dict:
    """Every measure with its path and its rating in each period (None when not rated)."""
    return {
        "plan": state.plan.slug,
        "periods": [{"label": p.label, "status": p.status} for p in state.periods],
        "measures": [
            {
                "id": m.pk,
                "priority": m.action.outcome.priority.number,
                "outcome": m.action.outcome.statement,
                "action": m.action.text,
                "measure": m.text,
                "lead": m.lead_text,
                "time": m.time_text,
                "due_month": m.due_month.isoformat() if m.due_month else None,
                "removed": m.removed,
                "ratings": {p.label: (r.level.value if (r := state.rating(m, p)) else None) for p in state.periods},
            }
            for m in state.measures
        ],
    }


def ratings_csv(state: PlanState) -> str:
    """One row per rating: the measure, the period, the level and what the lead wrote."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RATING_COLUMNS)
    for m in state.measures:
        for p in state.periods:
            rating = state.rating(m, p)
            if rating is None:
                continue
            row = [
                m.action.outcome.priority.number,
                m.pk,
                m.text,
                m.lead_text,
                m.time_text,
                m.due_month.isoformat() if m.due_month else "",
                p.label,
                rating.level.value,
                rating.level.label,
                rating.status,
                rating.reason,
                rating.update,
            ]
            writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
