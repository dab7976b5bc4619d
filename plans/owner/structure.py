"""Changing a plan's structure from the web: leads named in free text, Time text read, rows never deleted.

The forms (plans/owner/forms.py) collect the input; this module turns it into
rows the same way the importer and demo loader read cells (plans/cells.py),
so a lead typed as "S Murphy / J Cooke" becomes the same two Lead records.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from plans.cells import normalise_name, parse_due_month, split_leads
from plans.models import Lead, Measure, Plan, Recommendation


def leads_named(text: str) -> list[Lead]:
    """The Lead records a typed cell names, created when new ("S Murphy / J Cooke" → two leads)."""
    leads = []
    for name in split_leads(text):
        lead = Lead.objects.filter(name__iexact=name).first()
        if lead is None:
            lead = Lead.objects.create(name=normalise_name(name))
        leads.append(lead)
    return leads


def plan_recommendations(plan: Plan) -> QuerySet[Recommendation]:
    """The recommendations a plan's rows can answer: those of the inspections it is linked to."""
    return Recommendation.objects.filter(inspection__plans=plan).select_related("inspection")


def save_measure(
    measure: Measure,
    *,
    leads: Iterable[Lead],
    new_leads: str,
    officer_text: str,
    recommendations: Iterable[Recommendation],
) -> Measure:
    """Save a measure from the form: leads picked plus leads typed, officers read from their text,
    the due month read from the Time text (or the reason it cannot be)."""
    with transaction.atomic():
        chosen = list(dict.fromkeys([*leads, *leads_named(new_leads)]))
        due = parse_due_month(measure.time_text)
        measure.due_month, measure.due_note = due.month, due.note
        measure.lead_text = " / ".join(lead.name for lead in chosen)
        measure.officer_text = officer_text
        if measure.pk:
            measure.version += 1
        measure.save()
        measure.leads.set(chosen)
        measure.officers.set(leads_named(officer_text))
        measure.recommendations.set(list(recommendations))
    return measure
