"""The committee report: the board's paper for a period, written from the plan's data.

Councils table a cover report (purpose, summary of progress, what has changed,
recommendations to the board) with the RAG summary and the plan appended; this
writes it. Two steps:

- `report_data(plan, period)` gathers what the paper says as plain, JSON-ready
  data, from the board pack's own context (`plans.board.pack.pack_context`,
  so the figures are the pack's and the rule is the rollup's). Closing a period
  stores it with the frozen pack (`BoardPackSnapshot.report`), so a closed
  period's report is what was tabled, whatever is edited later.
- `plans.board.report_docx.write_report(data, redact=…)` lays it out as a Word
  document. People are kept as data (each lead's name, role and whether the
  Lead is a person), so a redacted report prints roles by construction.

`committee_report(plan, period, redact=…)` is the whole thing as one pure
function (plan, period → .docx bytes), for a view or a background task.
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from plans.board.pack import pack_context
from plans.models import BoardPackSnapshot, Measure, Period, Plan
from plans.publishing.redaction import is_person
from plans.rollup.rules import counts_text

REPORT_FORMAT = 1


def committee_report(
    plan: Plan, period: Period, *, snapshot: BoardPackSnapshot | None = None, redact: bool = False
) -> bytes:
    """The .docx for `period`: as frozen in `snapshot` (default: a closed period's latest), else live.

    A pure function of the data (the plan and period in, the document's bytes out), so a background
    task can call it as a view does; `redact=True` is the version for publication.
    """
    from plans.board.report_docx import write_report

    if snapshot is None and period.is_closed:
        snapshot = BoardPackSnapshot.objects.filter(period=period).order_by("-version").first()
    return write_report(report_for(plan, period, snapshot), redact=redact)


def report_for(plan: Plan, period: Period, snapshot: BoardPackSnapshot | None) -> dict:
    """The frozen report of a snapshot, or the live one when there is none."""
    if snapshot is None:
        return report_data(plan, period)
    if snapshot.report:
        data = dict(snapshot.report)
    else:
        # Frozen before reports were stored with the pack: rebuilt from the history as it stood then.
        from plans.board.as_at import load_state_as_at

        data = report_data(plan, period, state=load_state_as_at(plan, snapshot.created))
        data["rebuilt_from_history"] = True
    data["frozen"] = frozen_facts(snapshot)
    return data


def frozen_facts(snapshot: BoardPackSnapshot) -> dict:
    user = snapshot.created_by
    return {
        "version": snapshot.version,
        "created": snapshot.created.isoformat(),
        "by": (user.get_full_name() or user.username) if user else "",
    }


def report_data(plan: Plan, period: Period, state=None, context: dict | None = None) -> dict:
    """Everything the committee report says about `period`, as JSON-ready data.

    `context`: the pack's context if the caller has built it (freezing a pack does).
    """
    context = context or pack_context(plan, period, state)
    c = context["c"]
    people = measure_people(plan)

    def ref(measure: Measure) -> dict:
        return measure_ref(measure, people)

    return {
        "format": REPORT_FORMAT,
        "plan": {
            "slug": plan.slug,
            "title": plan.title,
            "organisation": plan.organisation,
            "department": plan.department,
            "owner_name": plan.owner_name,
            "introduction": plan.introduction,
            "governance": plan.governance,
        },
        "period": period_facts(context["period"]),
        "previous": period_facts(c.previous) if c.previous else None,
        "produced": _iso(context["produced"]),
        "frozen": None,
        "levels": [
            {"value": lvl.value, "label": lvl.label, "colour": lvl.colour, "description": lvl.description}
            for lvl in context["levels"]
        ],
        "summary": [
            {
                "number": row["number"],
                "title": row["title"],
                "previous": _score_cell(row["previous"]),
                "current": _score_cell(row["current"]),
                "change": row["change"]["words"],
                "direction": row["change"]["direction"],
                "rated": row["rated"],
                "measures": row["measures"],
            }
            for row in c.summary
        ],
        "overall": {
            "previous": _score_cell(c.overall["previous"]),
            "current": _score_cell(c.overall["current"]),
            "change": c.overall["change"]["words"],
            "direction": c.overall["change"]["direction"],
        },
        "averaged": c.averaged,
        "rated": c.rated,
        "measures": c.measures,
        "not_rated": len(c.not_rated),
        "moved": moved_priorities(c, ref),
        "overdue": [
            {"measure": ref(m), "due": _iso(m.due_month), "rating": rating_cell(rating)} for m, rating in c.overdue
        ],
        "challenges": [{"measure": ref(ch.measure), "kind": ch.kind, "text": ch.text} for ch in c.challenges],
        "coverage": [
            {
                "inspection": str(ic.inspection),
                "name": inspection_name(ic.inspection),
                "title": ic.inspection.title,
                "recommendations": [
                    {
                        "number": item.recommendation.number,
                        "text": item.recommendation.text,
                        "measures": len(item.answers),
                        "actions": len(item.by_action()),
                        "rated": item.rated,
                        "score": _text(item.score),
                        "counts": item.counts_text,
                    }
                    for item in ic.items
                ],
            }
            for ic in context["coverage"]
        ],
        "appendix": {
            "periods": [p.label for p in context["periods_to_date"]],
            "priorities": [
                {
                    "number": p["number"],
                    "title": p["title"],
                    "score": _text(p["current"]["score"]),
                    "rows": [appendix_row(row, people) for row in p["rows"]],
                }
                for p in context["priorities"]
            ],
        },
    }


def measure_people(plan: Plan) -> dict[int, dict[str, list[dict]]]:
    """{measure id: {"leads": [...], "officers": [...]}}, each person as name, role and whether an individual.

    Two queries. A Lead with a login, or a name that is not all job-title words,
    is a person (plans.publishing.redaction.is_person): a redacted report shows
    their role instead.
    """
    people: dict[int, dict[str, list[dict]]] = {}
    for kind, field in (("leads", Measure.leads), ("officers", Measure.officers)):
        links = (
            field.through.objects.filter(measure__action__outcome__priority__plan=plan)
            .select_related("lead")
            .order_by("measure_id", "lead__name")
        )
        for link in links:
            lead = link.lead
            entry = {"name": lead.name, "role": lead.role, "person": is_person(lead)}
            people.setdefault(link.measure_id, {"leads": [], "officers": []})[kind].append(entry)
    return people


def measure_ref(measure: Measure, people: dict) -> dict:
    """A measure as the report names it: its priority, text and leads (as written, and as people)."""
    return {
        "priority": measure.action.outcome.priority.number,
        "text": measure.text,
        "lead_text": measure.lead_text,
        "leads": people.get(measure.pk, {}).get("leads", []),
    }


def moved_priorities(c, ref) -> list[dict]:
    """Each priority whose score moved, with the measures that moved in it and the words given with them."""
    movements: dict[int, list] = {}
    for movement in [*c.moved_up, *c.moved_down]:
        movements.setdefault(movement.measure.action.outcome.priority.number, []).append(movement)
    moved = []
    for row in c.summary:
        if row["change"]["direction"] not in ("up", "down"):
            continue
        moved.append(
            {
                "number": row["number"],
                "title": row["title"],
                "previous": _text(row["previous"]["score"]),
                "current": _text(row["current"]["score"]),
                "change": row["change"]["words"],
                "measures": [
                    {
                        "measure": ref(mv.measure),
                        "before": rating_cell(mv.before),
                        "after": rating_cell(mv.after),
                        "reason": mv.after.reason,
                        "update": mv.after.update or mv.measure.progress_update,
                    }
                    for mv in sorted(movements.get(row["number"], []), key=lambda mv: -mv.steps)
                ],
            }
        )
    return moved


def appendix_row(row: dict, people: dict) -> dict:
    measure, current = row["measure"], row["current"]
    found = people.get(measure.pk, {})
    return {
        "outcome": measure.action.outcome.statement,
        "outcome_id": measure.action.outcome_id,
        "action": measure.action.text,
        "action_id": measure.action_id,
        "text": measure.text,
        "lead_text": measure.lead_text,
        "leads": found.get("leads", []),
        "officer_text": measure.officer_text,
        "officers": found.get("officers", []),
        "time": measure.time_text,
        "ratings": [rating_cell(rating) for rating in row["ratings"]],
        # What the pack prints: the update given with this period's rating, else the measure's latest.
        "update": (current.update if current and current.update else "") or measure.progress_update,
    }


def inspection_name(inspection) -> str:
    """ "the Ofsted inspection of Thurrock Council, May 2016", as a sentence names it."""
    when = f", {inspection.published:%B %Y}" if inspection.published else ""
    return f"the {inspection.body} inspection of {inspection.council}{when}"


def period_facts(period: Period) -> dict:
    return {"label": period.label, "starts": _iso(period.starts), "ends": _iso(period.ends), "status": period.status}


def rating_cell(rating) -> list | None:
    """A rating as [value, label, colour]; None when not rated."""
    if rating is None:
        return None
    return [rating.level.value, rating.level.label, rating.level.colour]


def _score_cell(cell: dict) -> dict:
    """A score as text, with the count at each word ("6 Completed, 3 Green"): what a word scale shows instead."""
    return {
        "score": _text(cell["score"]),
        "published": _text(cell["published"]),
        "differs": cell["differs"],
        "counts": counts_text(cell.get("counts", ())),
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    return value.isoformat()
