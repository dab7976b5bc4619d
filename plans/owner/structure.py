"""The write door for the plan's structure: priorities, outcomes, actions and measures, added, changed or deleted.

Whatever starts it (the owner's structure pages, the admin, an import, the
demo loader), a change is made here, in one transaction, as an `Actor` whose
user and source every history row names:

- `save_part` saves a priority, outcome or action with its links;
- `save_measure` saves a measure: locked and version-checked like a rating
  (a change made since is a `Conflict`), a moved due month needs a reason,
  and the version goes up;
- `delete_part` deletes one of them, refused while it holds ratings of a
  closed period (those are read-only: mark its measures removed instead);
- `create_plan` writes a new plan and everything in it in bulk: the ratings
  it records in its own closed periods are its history, not edits;
- `add_rows` writes new rows into an existing plan in bulk: their ratings are
  taken in the open period only.

Leads named in free text become the plan's Lead records the same way the
importer and demo loader read cells (plans/owner/leads.py, by name or alias),
so "S Murphy / J Cooke" is the same two leads everywhere in the plan.
Ratings have their door in plans/ratings/services.py.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model, QuerySet

from plans.audit import Actor
from plans.cells import parse_due_month
from plans.models import Action, Lead, Measure, Outcome, Period, Plan, Priority, Rating, Recommendation
from plans.owner.leads import leads_named
from plans.ratings.services import Conflict, Refused, period_refusal, read_period_statuses, reason_refusal
from plans.rollup.warming import warm_after_commit
from plans.spreadsheets.bulk import create_in_bulk

STRUCTURE_MODELS = (Priority, Outcome, Action, Measure)


def plan_recommendations(plan: Plan) -> QuerySet[Recommendation]:
    """The recommendations a plan's rows can answer: those of the inspections it is linked to."""
    return Recommendation.objects.filter(inspection__plans=plan).select_related("inspection")


def save_part(
    record: Priority | Outcome | Action, *, links: dict[str, Iterable] | None = None, by: Actor
) -> Priority | Outcome | Action:
    """Save a priority, outcome or action and set its many-to-many `links` ({"recommendations": […]})."""
    with transaction.atomic(), by.recording():
        record.save()
        for name, targets in (links or {}).items():
            getattr(record, name).set(list(targets))
        warm_after_commit()
    return record


def save_measure(
    measure: Measure,
    *,
    version: int | None,
    reason: str = "",
    links: dict[str, Iterable] | None = None,
    by: Actor,
) -> Measure:
    """Save a measure's fields and `links` ({"leads": […], "officers": […], …}).

    A measure already in the plan is locked and must still be at `version`
    (None: not checked), else Conflict; moving its due month needs a
    `reason`, else Refused. Nothing is written when either is raised.
    """
    with transaction.atomic(), by.recording():
        refuse_other_plans_leads(measure, links or {})
        if measure.pk:
            locked = Measure.objects.select_for_update().get(pk=measure.pk)
            if version is not None and locked.version != version:
                raise Conflict(locked, None)
            moved = measure.due_month != locked.due_month
            if refusal := reason_refusal(None, reason, set(), due_moved=moved):
                raise Refused(refusal, field="reason")
            measure.version = locked.version + 1
            measure._change_reason = reason
        measure.save()
        for name, targets in (links or {}).items():
            getattr(measure, name).set(list(targets))
        warm_after_commit()
    return measure


def refuse_other_plans_leads(measure: Measure, links: dict[str, Iterable]) -> None:
    """A measure's leads and officers must be leads of its own plan (the reminder digest writes to them)."""
    chosen = [lead for name in ("leads", "officers") for lead in links.get(name, [])]
    if chosen:
        plan_id = Action.objects.filter(pk=measure.action_id).values_list("outcome__priority__plan_id", flat=True)[0]
        if any(lead.plan_id != plan_id for lead in chosen):
            raise Refused("Choose leads of this plan: a lead of another plan cannot be attached.", field="leads")


def save_measure_from_form(
    measure: Measure,
    *,
    leads: Iterable[Lead],
    new_leads: str,
    officer_text: str,
    recommendations: Iterable[Recommendation],
    version: int | None = None,
    reason: str = "",
    by: Actor,
) -> Measure:
    """The owner's measure form: leads picked plus leads typed, officers read from their text, the due
    month read from the Time text (or the reason it cannot be), then `save_measure`."""
    with transaction.atomic(), by.recording():
        plan = measure.action.outcome.priority.plan
        chosen = list(dict.fromkeys([*leads, *leads_named(plan, new_leads)]))
        due = parse_due_month(measure.time_text)
        measure.due_month, measure.due_note = due.month, due.note
        measure.lead_text = " / ".join(lead.name for lead in chosen)
        measure.officer_text = officer_text
        links: dict[str, Iterable] = {
            "leads": chosen,
            "officers": leads_named(plan, officer_text),
            "recommendations": list(recommendations),
        }
        return save_measure(measure, version=version, reason=reason, links=links, by=by)


def closed_ratings(record: Model) -> int:
    """How many ratings of closed periods the record holds (a measure's own, or those of the rows under it)."""
    path = {
        Priority: "measure__action__outcome__priority",
        Outcome: "measure__action__outcome",
        Action: "measure__action",
        Measure: "measure",
    }[type(record)]
    return Rating.objects.filter(**{path: record}, period__status=Period.Status.CLOSED).count()


def delete_part(record: Priority | Outcome | Action | Measure, *, by: Actor) -> None:
    """Delete a row of the structure with everything under it, unless it holds ratings of a closed period."""
    with transaction.atomic(), by.recording():
        if isinstance(record, Measure):
            Measure.objects.select_for_update().filter(pk=record.pk).first()
        if count := closed_ratings(record):
            noun = record._meta.verbose_name
            raise Refused(
                f"This {noun} holds {count} rating{'s' if count != 1 else ''} of closed periods, which are "
                "read-only: mark its measures removed from the plan instead (they keep their history)."
            )
        record.delete()
        warm_after_commit()


def create_plan(
    plan: Plan,
    created: dict[type, list],
    links: list[tuple[object, str, list]],
    *,
    inspections: Iterable = (),
    by: Actor,
    reason: str = "",
) -> Plan:
    """A new plan and everything in it (`created`: model → new instances, in dependency order), in bulk.

    The plan is new, so nothing in it is an edit: the ratings it brings in its
    own closed periods are its history, recorded as such (a "+" history row
    each, naming the actor's user and source).
    """
    if plan.pk is not None:
        raise ValueError("create_plan makes a new plan; add rows to an existing one with add_rows.")
    with transaction.atomic(), by.recording():
        plan._change_reason = reason
        plan.save()
        if inspections:
            plan.inspections.add(*inspections)
        create_in_bulk(created, links, by.user, reason, source=by.source)
        warm_after_commit()
    return plan


def add_rows(
    created: dict[type, list], links: list[tuple[object, str, list]], *, by: Actor, reason: str = ""
) -> list[Rating]:
    """New rows (and new periods, priorities, leads…) in an existing plan, in bulk; the ratings refused.

    A new row's rating is taken only in a period open for updates: ratings of
    closed or planned periods are left out (and returned), the rest written.
    """
    with transaction.atomic(), by.recording():
        periods = {rating.period for rating in created.get(Rating, []) if rating.period.pk is not None}
        read_period_statuses(periods)
        refused = [r for r in created.get(Rating, []) if r.period.pk is None or period_refusal(r.period)]
        if refused:
            left_out = {id(rating) for rating in refused}
            created = {**created, Rating: [r for r in created[Rating] if id(r) not in left_out]}
        create_in_bulk(created, links, by.user, reason, source=by.source)
        warm_after_commit()
    return refused
