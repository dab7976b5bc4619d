"""A frozen board pack as data: what a publication's public rendering is made from.

Built when a period closes (plans.board.snapshots.freeze), from the same
context as the pack's HTML, and stored as BoardPackSnapshot.contents. It is
plain JSON: scores, levels and labels, the plan's own texts (titles, outcomes,
actions, measures, recommendations, indicators), and the fields that can name
a person, each kept apart so that plans.publishing.redaction can replace or
leave them out without reading any text:

- people: a measure lists its leads by id; `people` maps each id to the
  lead's name and to what the public reads instead (their role, or "Officer");
- free text: progress updates, reasons given for ratings and indicators'
  notes, always under the keys "update", "reason" and "notes";
- nothing else: who froze the pack, sign-off, comments and evidence are not
  stored at all.

Measures are stored once, under "measures", and referred to by id.
"""

from django.db.models import Prefetch

from plans.models import Lead, Measure
from plans.publishing.redaction import public_name

FORMAT = 1


def pack_contents(context: dict) -> dict:
    """The pack's context (plans.board.pack.pack_context) as data."""
    comparison, state, period = context["c"], context["state"], context["period"]
    shown = {m.pk for p in context["priorities"] for m in (row["measure"] for row in p["rows"])}
    listed = shown | _listed_measures(comparison, context.get("changes"), context["coverage"])
    measures, people = _measures_and_people([m for m in state.measures if m.pk in listed])
    plan = context["plan"]
    return {
        "format": FORMAT,
        "plan": {
            "title": plan.title,
            "organisation": plan.organisation,
            "department": plan.department,
            "governance": plan.governance,
        },
        "period": period.label,
        "previous": comparison.previous.label if comparison.previous else None,
        "levels": [
            {"value": lvl.value, "label": lvl.label, "colour": lvl.colour, "description": lvl.description}
            for lvl in context["levels"]
        ],
        "rated": comparison.rated,
        "measure_count": comparison.measures,
        "summary": [_summary_row(row) for row in comparison.summary],
        "overall": _summary_row(comparison.overall),
        "differences": comparison.differences,
        "heatmap": {
            "periods": [p.label for p in state.periods],
            "rows": [
                {"number": row["number"], "title": row["title"], "scores": [_text(s) for s in row["scores"]]}
                for row in comparison.heatmap
            ],
        },
        "challenges": [{"kind": ch.kind, "text": ch.text, "measure": ch.measure.pk} for ch in comparison.challenges],
        "moved_up": [_movement(mv) for mv in comparison.moved_up],
        "moved_down": [_movement(mv) for mv in comparison.moved_down],
        "overdue": [
            {"measure": m.pk, "level": _value(rating), "due": m.due_month.isoformat()}
            for m, rating in comparison.overdue
        ],
        "not_rated": [m.pk for m in comparison.not_rated],
        "lowest": [{"measure": m.pk, "level": _value(rating)} for m, rating in comparison.lowest],
        "changes": _changes(context.get("changes")),
        "shown_periods": [p.label for p in context["periods_to_date"]],
        "earlier_from": context["earlier_periods"][0].label if context["earlier_periods"] else None,
        "priorities": [_priority(p) for p in context["priorities"]],
        "coverage": [_inspection(ic) for ic in context["coverage"]],
        "measures": measures,
        "people": people,
    }


def _text(value) -> str | None:
    return None if value is None else str(value)


def _value(rating) -> int | None:
    return rating.level.value if rating else None


def _summary_row(row: dict) -> dict:
    kept = {
        when: {
            "score": _text(row[when]["score"]),
            "published": _text(row[when]["published"]),
            "counts": [list(pair) for pair in row[when].get("counts", ())],  # a word scale's, in place of a mean
        }
        for when in ("previous", "current")
    }
    kept["change"] = {key: row["change"][key] for key in ("direction", "arrow", "words")}
    for key in ("number", "title", "distribution", "rated", "measures"):
        if key in row:
            kept[key] = row[key]
    return kept


def _movement(movement) -> dict:
    return {"measure": movement.measure.pk, "before": _value(movement.before), "after": _value(movement.after)}


def _listed_measures(comparison, changes, coverage) -> set[int]:
    ids = {ch.measure.pk for ch in comparison.challenges}
    ids |= {mv.measure.pk for mv in [*comparison.moved_up, *comparison.moved_down]}
    ids |= {m.pk for m, _rating in [*comparison.overdue, *comparison.lowest]} | {m.pk for m in comparison.not_rated}
    ids |= {r["measure"].pk for r in changes["ratings"]} if changes else set()
    return ids | {a.measure.pk for ic in coverage for item in ic.items for a in item.answers}


def _measures_and_people(measures: list[Measure]) -> tuple[dict, dict]:
    """Each listed measure's text, time and lead ids; each lead's name and public name (two queries)."""
    leads = Prefetch("leads", queryset=Lead.objects.order_by("name"))
    by_id = {m.pk: m for m in Measure.objects.filter(pk__in=[m.pk for m in measures]).prefetch_related(leads)}
    found, people = {}, {}
    for measure in measures:
        led = list(by_id[measure.pk].leads.all())
        for lead in led:
            people[str(lead.pk)] = {"name": lead.name, "public": public_name(lead)}
        found[str(measure.pk)] = {
            "priority": measure.action.outcome.priority.number,
            "text": measure.text,
            "time": measure.time_text,
            "leads": [lead.pk for lead in led],
        }
    return found, people


def _changes(changes: dict | None) -> dict | None:
    if not changes:
        return None
    last = changes["last"]
    return {
        "version": last.version,
        "period": last.period.label,
        "frozen": last.created.isoformat(),
        "overall": list(changes["overall"]),
        "scores": changes["scores"],
        "ratings": [
            {"measure": r["measure"].pk, "before": r["before"], "after": r["after"], "reason": r["reason"]}
            for r in changes["ratings"]
        ],
    }


def _priority(priority: dict) -> dict:
    months, rows = priority["indicators"]
    measure_rows, action_id = [], None
    for row in priority["rows"]:
        measure, current = row["measure"], row["current"]
        measure_rows.append(
            {
                "measure": measure.pk,
                "action": measure.action.text if measure.action_id != action_id else "",
                "ratings": [_value(rating) for rating in row["ratings"]],
                "update": current.update if current and current.update else measure.progress_update,
            }
        )
        action_id = measure.action_id
    return {
        "number": priority["number"],
        "title": priority["title"],
        "score": _text(priority["current"]["score"]),
        "counts": [list(pair) for pair in priority["current"].get("counts", ())],
        "change": {key: priority["change"][key] for key in ("direction", "arrow", "words")},
        "rows": measure_rows,
        "months": [month.isoformat() for month in months],
        "indicators": [_indicator(row) for row in rows],
    }


def _indicator(row) -> dict:
    indicator = row.indicator
    return {
        "name": indicator.name,
        "notes": indicator.notes,
        "polarity": indicator.get_polarity_display() if indicator.polarity else "",
        "baseline": _text(indicator.baseline),
        "baseline_label": indicator.baseline_label,
        "comparator": _text(indicator.comparator),
        "cells": [_text(value) for value in row.cells],
        "ytd": indicator.ytd,
        "direction": row.direction,
        "behind": row.behind,
        "series": [{"label": s.label, "values": [_text(v) for v in s.values]} for s in row.series],
    }


def _inspection(coverage) -> dict:
    return {
        "title": coverage.inspection.title,
        "name": str(coverage.inspection),
        "items": [
            {
                "number": item.recommendation.number,
                "text": item.recommendation.text,
                "score": _text(item.score),
                "counts": [list(pair) for pair in item.counts],  # a word scale's, in place of a mean
                "rated": item.rated,
                "answers": len(item.answers),
                "actions": [
                    {"text": action.text, "levels": [_value(a.rating) for a in answers]}
                    for action, answers in item.by_action()
                ],
            }
            for item in coverage.items
        ],
    }
