"""Redaction from data: a publication's context built from a frozen pack's contents, people replaced by role.

A frozen pack's contents (plans.publishing.contents) keep every field that
can name a person apart: the leads, by id, with their names and public names;
and the free text (progress updates, reasons, indicators' notes). The public
rendering is built from them, never by rewriting HTML:

- redacted (the plan's default): each lead is their public name — their role
  (Lead.role), the lead's own name when it is a role ("Head of Housing"), or
  "Officer" — and the free text is left out, since no rule can find every name
  typed into a sentence. Nothing else in the contents names anyone.
- not redacted (the owner chose to publish names): names and free text as frozen.

A Lead is a person unless every word of its name is a job-title word ("Head of
Housing", "Director of Children's Services", "Strategic Leads"); a name with
any other word ("Janet Simon", "MWT", "Keeley Pullen Headteacher Virtual
School") is a person. Erring this way shows a role as "Officer" now and then,
never a name.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from plans.board import charts
from plans.models import Lead

OFFICER = "Officer"

ROLE_WORDS = set(
    """
    a all an and assistant board care cla children children's childrens consultant corporate dcs deputy
    designated director directors each early education executive family for head headteacher head-teacher heads help
    housing improvement in information lead leader leaders leads looked manager managers nurse of officer officers
    partnership partners performance principal quality safeguarding school schools send senior service
    services social strategic team teams the virtual with workers action actions assurance
    """.split()
)


def is_person(lead: Lead) -> bool:
    """Does this Lead name an individual (to be redacted) rather than a role?"""
    if lead.user_id:
        return True
    words = re.findall(r"[\w'-]+", lead.name.replace("\u2019", "'").lower())
    return not words or any(word not in ROLE_WORDS for word in words)


def public_name(lead: Lead) -> str:
    """What a redacted publication calls this lead: their role, a role-lead's own name, or "Officer"."""
    if lead.role.strip():
        return lead.role.strip()
    return OFFICER if is_person(lead) else lead.name


@dataclass(frozen=True)
class PublicLevel:
    """A scale level as frozen; the rating and score tags read these four attributes."""

    value: int
    label: str
    colour: str
    description: str


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


class PublicContext:
    """Turns a snapshot's contents into the publication template's context (see the module docstring)."""

    def __init__(self, contents: dict, redact: bool, roles: dict[str, str] | None = None):
        self.contents = contents
        self.redact = redact
        self.levels = [PublicLevel(**level) for level in contents["levels"]]
        self.by_value = {level.value: level for level in self.levels}
        people = contents["people"]
        if redact:
            roles = roles or {}
            self.who = {pk: roles.get(pk) or person["public"] for pk, person in people.items()}
        else:
            self.who = {pk: person["name"] for pk, person in people.items()}
        self.measures = {pk: self.measure(found) for pk, found in contents["measures"].items()}

    def free(self, text: str | None) -> str:
        """Free text may name anyone: a redacted publication leaves it out."""
        return "" if self.redact else (text or "")

    def measure(self, found: dict) -> dict:
        leads = dict.fromkeys(self.who[str(pk)] for pk in found["leads"])  # "Officer / Officer" once
        return {**found, "leads": " / ".join(leads)}

    def level(self, value: int | None) -> PublicLevel | None:
        return self.by_value.get(value)

    def ref(self, pk: int) -> dict:
        return self.measures[str(pk)]

    def cell(self, stored: dict) -> dict:
        score, published = _decimal(stored["score"]), _decimal(stored["published"])
        return {
            "score": score,
            "published": published,
            "differs": published is not None and published != score,
            "counts": stored.get("counts", []),  # a word scale's count at each word (packs published since)
        }

    def summary_row(self, row: dict) -> dict:
        return {**row, "previous": self.cell(row["previous"]), "current": self.cell(row["current"])}

    def build(self) -> dict:
        """The context, shaped as the board pack's own (`period.label`, `c.summary`…) where they share templates."""
        c = self.contents
        previous = {"label": c["previous"]} if c["previous"] else None
        comparison = {
            "previous": previous,
            "current": {"label": c["period"]},
            "summary": [self.summary_row(row) for row in c["summary"]],
            "overall": self.summary_row(c["overall"]),
            "differences": c["differences"],
            "heatmap": self.heatmap(),
            "state": {"periods": [{"label": label} for label in c["heatmap"]["periods"]]},
            "challenges": [{**ch, "measure": self.ref(ch["measure"])} for ch in c["challenges"]],
            "rated": c["rated"],
            "measures": c["measure_count"],
        }
        return {
            "plan": c["plan"],
            "period": {"label": c["period"]},
            "c": comparison,
            "levels": self.levels,
            "moved": [
                ("Moved up", [self.movement(mv) for mv in c["moved_up"]], "↑"),
                ("Moved down", [self.movement(mv) for mv in c["moved_down"]], "↓"),
            ],
            "overdue": [self.overdue(o) for o in c["overdue"]],
            "not_rated": [self.ref(pk) for pk in c["not_rated"]],
            "lowest": [{"measure": self.ref(o["measure"]), "level": self.level(o["level"])} for o in c["lowest"]],
            "changes": self.changes(),
            "shown_periods": c["shown_periods"],
            "earlier_from": c["earlier_from"],
            "priorities": [self.priority(p) for p in c["priorities"]],
            "coverage": [self.inspection(ic) for ic in c["coverage"]],
            "free_text": not self.redact,
        }

    def heatmap(self) -> list[dict]:
        periods = self.contents["heatmap"]["periods"]
        low = min((level.value for level in self.levels), default=1)
        high = max((level.value for level in self.levels), default=5)
        rows = []
        for row in self.contents["heatmap"]["rows"]:
            scores = [_decimal(s) for s in row["scores"]]
            title = f"Priority {row['number']} score by period"
            trend = charts.trend_svg(title, list(zip(periods, scores, strict=True)), low, high)
            rows.append({**row, "scores": scores, "trend": trend})
        return rows

    def movement(self, movement: dict) -> dict:
        return {
            "measure": self.ref(movement["measure"]),
            "before": self.level(movement["before"]),
            "after": self.level(movement["after"]),
        }

    def overdue(self, found: dict) -> dict:
        due = date.fromisoformat(found["due"])
        return {"measure": self.ref(found["measure"]), "level": self.level(found["level"]), "due": due}

    def changes(self) -> dict | None:
        changes = self.contents["changes"]
        if changes is None:
            return None
        ratings = [
            {**r, "measure": self.ref(r["measure"]), "reason": self.free(r["reason"])} for r in changes["ratings"]
        ]
        return {**changes, "frozen": datetime.fromisoformat(changes["frozen"]), "ratings": ratings}

    def priority(self, priority: dict) -> dict:
        rows = [
            {
                "measure": self.ref(row["measure"]),
                "action": row["action"],
                "ratings": [self.level(value) for value in row["ratings"]],
                "update": self.free(row["update"]),
            }
            for row in priority["rows"]
        ]
        indicators = [
            {
                **indicator,
                "notes": self.free(indicator["notes"]),
                "chart": charts.indicator_svg(
                    indicator["name"], _series(indicator["series"]), _decimal(indicator["comparator"])
                ),
            }
            for indicator in priority["indicators"]
        ]
        return {
            **priority,
            "score": _decimal(priority["score"]),
            "rows": rows,
            "months": [date.fromisoformat(month) for month in priority["months"]],
            "indicators": indicators,
        }

    def inspection(self, coverage: dict) -> dict:
        items = [
            {
                **item,
                "score": _decimal(item["score"]),
                "actions": [{**a, "levels": [self.level(v) for v in a["levels"]]} for a in item["actions"]],
            }
            for item in coverage["items"]
        ]
        return {**coverage, "items": items, "unanswered": [item["number"] for item in items if not item["answers"]]}


def _series(stored: list[dict]) -> list[charts.YearSeries]:
    return [charts.YearSeries(s["label"], [_decimal(v) for v in s["values"]]) for s in stored]


def current_roles(people: dict) -> dict[str, str]:
    """The public names of a pack's leads as they are now (one query): a role recorded after the pack was
    frozen is used when it is published; a lead deleted since keeps the public name frozen with the pack."""
    return {str(lead.pk): public_name(lead) for lead in Lead.objects.filter(pk__in=[int(pk) for pk in people])}


def public_context(contents: dict, redact: bool) -> dict:
    """A publication's template context from a frozen pack's contents; `redact`: people by role, no free text."""
    roles = current_roles(contents["people"]) if redact else None
    return PublicContext(contents, redact, roles).build()
