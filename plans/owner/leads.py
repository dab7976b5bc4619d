"""A plan's leads: who a Lead cell names, and the owner's changes to them (edit, aliases, merge).

Leads belong to one plan. A name in a Lead or Responsible Officer cell is
resolved through the plan's leads by name or alias, case and apostrophes
aside (`lead_key`), so "S Murphy" finds Sheila Murphy once she has that
alias. `leads_named` is that rule for a typed cell (the measure form);
the import and the demo loader use `lead_index`/`lead_key` on the leads
they hold in memory, the same rule.

The owner's changes go through `save_lead` and `merge_leads`, the write door
for leads beside plans/owner/structure.py: one transaction each, as an Actor
whose user and source every history row names; nothing is written when a
check fails (`Refused`, naming the field).
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from plans.audit import Actor
from plans.cells import normalise_name, split_leads
from plans.models import Lead, Measure, Membership, Plan
from plans.ratings.services import Refused


def lead_key(name: str) -> str:
    """How a name is compared: one spelling per person, case aside ("S  Murphy" ~ "s murphy")."""
    return normalise_name(name).casefold()


def lead_index(leads: Iterable[Lead]) -> dict[str, Lead]:
    """Every name and alias of `leads` (one plan's), by `lead_key`; a name wins over another lead's alias."""
    leads = list(leads)
    index: dict[str, Lead] = {}
    for lead in leads:
        for alias in lead.aliases or []:
            index.setdefault(lead_key(alias), lead)
    for lead in leads:
        index[lead_key(lead.name)] = lead
    return index


def leads_named(plan: Plan, text: str) -> list[Lead]:
    """The plan's Lead records a typed cell names, by name or alias; new names become new leads of the plan.

    Call it inside the write door's transaction (the new leads are recorded as the door's actor).
    """
    index = lead_index(plan.leads.all())
    found: list[Lead] = []
    for name in split_leads(text):
        lead = index.get(lead_key(name))
        if lead is None:
            lead = Lead.objects.create(plan=plan, name=normalise_name(name))
            index[lead_key(name)] = lead
        if lead not in found:
            found.append(lead)
    return found


def plan_leads(plan: Plan) -> QuerySet[Lead]:
    """The plan's leads, name order, each with how many measures it leads and oversees, and its login."""
    return (
        plan.leads.select_related("user")
        .annotate(
            led=Count("measures_led", distinct=True),
            overseen=Count("measures_overseen", distinct=True),
        )
        .order_by("name")
    )


def lead_logins(plan: Plan) -> QuerySet:
    """The logins a lead of the plan can be linked to: the plan's members."""
    members = Membership.objects.filter(plan=plan).values("user_id")
    return get_user_model().objects.filter(pk__in=members, is_active=True).order_by("first_name", "last_name")


def clean_aliases(lead: Lead, aliases: Iterable[str]) -> list[str]:
    """The aliases, tidied (one spelling each, none repeating the name); Refused when one is another lead's."""
    tidy: list[str] = []
    for alias in aliases:
        alias = normalise_name(alias)
        if alias and lead_key(alias) != lead_key(lead.name) and lead_key(alias) not in map(lead_key, tidy):
            tidy.append(alias)
    others = lead_index(Lead.objects.filter(plan_id=lead.plan_id).exclude(pk=lead.pk))
    for name in [lead.name, *tidy]:
        other = others.get(lead_key(name))
        if other is not None:
            raise Refused(
                f"“{name}” is already a name of {other.name}, another lead of this plan: merge the two instead.",
                field="aliases" if name in tidy else "name",
            )
    return tidy


def save_lead(lead: Lead, *, by: Actor, reason: str = "") -> Lead:
    """Save a lead's name, role, email, login and aliases, checked against the plan's other leads."""
    with transaction.atomic(), by.recording():
        if not normalise_name(lead.name):
            raise Refused("Enter the lead's name.", field="name")
        lead.name = normalise_name(lead.name)
        lead.aliases = clean_aliases(lead, lead.aliases or [])
        if lead.user_id is not None and not lead_logins(lead.plan).filter(pk=lead.user_id).exists():
            raise Refused("Link the lead to a member of this plan.", field="user")
        lead._change_reason = reason
        lead.save()
    return lead


def merge_leads(kept: Lead, duplicate: Lead, *, by: Actor) -> Lead:
    """Merge `duplicate` into `kept`: its measures (led and overseen) move to `kept`, its name and aliases
    become `kept`'s aliases, its email and login fill `kept`'s when blank, and it is deleted.

    Both must be leads of the same plan. Refused when they are linked to two different logins (unlink one
    first: merging would take a person's measures away from them). Every change has its history row: the
    measures' links, the kept lead's new aliases, the duplicate's deletion.
    """
    with transaction.atomic(), by.recording():
        locked = {lead.pk: lead for lead in Lead.objects.select_for_update().filter(pk__in=[kept.pk, duplicate.pk])}
        if kept.pk == duplicate.pk or len(locked) != 2:
            raise Refused("Choose two different leads of this plan.", field="duplicate")
        kept, duplicate = locked[kept.pk], locked[duplicate.pk]
        if kept.plan_id != duplicate.plan_id:
            raise Refused("Choose two different leads of this plan.", field="duplicate")
        if kept.user_id and duplicate.user_id and kept.user_id != duplicate.user_id:
            raise Refused(
                f"{kept.name} and {duplicate.name} are linked to two different logins: unlink one of them first.",
                field="duplicate",
            )
        why = f"Merged {duplicate.name} into {kept.name}"
        measures = Measure.objects.filter(Q(leads=duplicate) | Q(officers=duplicate)).distinct()
        for measure in measures.prefetch_related("leads", "officers"):
            measure._change_reason = why
            for relation in ("leads", "officers"):
                linked = getattr(measure, relation)
                if duplicate in linked.all():
                    linked.remove(duplicate)
                    linked.add(kept)
        kept.aliases = [*(kept.aliases or []), duplicate.name, *(duplicate.aliases or [])]
        kept.email = kept.email or duplicate.email
        kept.role = kept.role or duplicate.role
        kept.user_id = kept.user_id or duplicate.user_id
        duplicate._change_reason = why
        duplicate.delete()
        kept.aliases = clean_aliases(kept, kept.aliases)
        kept._change_reason = why
        kept.save()
    return kept
