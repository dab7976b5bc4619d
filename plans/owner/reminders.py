"""Missing updates: which leads still owe a rating in the open period, and the reminder digest.

Only measures that are in the plan, not complete and not yet rated in an open
period are outstanding (MeasureQuerySet.outstanding); a plan with no open
period chases nobody. A plan chases only its own leads (leads belong to one
plan). Each address gets one email listing everything owed, across plans (a
person leading in two plans has a Lead in each), at Lead.email or else the
lead's login's address.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Prefetch

from plans.models import Lead, Measure, Period, Plan


@dataclass
class LeadOutstanding:
    """One lead (None: rows with no lead named) and the measures they have not rated."""

    lead: Lead | None
    measures: list[Measure] = field(default_factory=list)

    @property
    def email(self) -> str:
        if self.lead is None:
            return ""
        return self.lead.email or (self.lead.user.email if self.lead.user else "")


def outstanding_measures(plan: Plan, period: Period) -> list[Measure]:
    # only the plan's own leads are chased: a lead of another plan never gets this plan's text
    leads = Prefetch("leads", queryset=Lead.objects.filter(plan=plan).select_related("user"))
    measures = Measure.objects.of_plan(plan).outstanding(period)
    return list(measures.with_path().prefetch_related(leads))


def group_by_lead(measures: list[Measure]) -> list[LeadOutstanding]:
    """Leads in name order, each with their measures in plan order; unled measures last."""
    groups: dict[int | None, LeadOutstanding] = {}
    for measure in measures:
        for lead in measure.leads.all() or [None]:
            key = lead.pk if lead else None
            groups.setdefault(key, LeadOutstanding(lead)).measures.append(measure)
    return sorted(groups.values(), key=lambda group: (group.lead is None, group.lead.name if group.lead else ""))


def missing_updates(plan: Plan, period: Period | None) -> list[LeadOutstanding]:
    if period is None or not period.is_editable:
        return []
    return group_by_lead(outstanding_measures(plan, period))


@dataclass
class Digest:
    lead: Lead
    email: str
    items: list[tuple[Plan, Period, Measure]] = field(default_factory=list)
    # Leads belong to one plan: a person leading in several plans has a Lead in each (plan id → it)
    plan_leads: dict[int, Lead] = field(default_factory=dict)

    def subject(self) -> str:
        count = len(self.items)
        return f"Reminder: {count} success measure{'s' if count != 1 else ''} to update"

    def body(self, base_url: str = "") -> str:
        lines = [f"Dear {self.lead.name},", "", "These success measures you lead have no rating yet:"]
        current = None
        for plan, period, measure in self.items:
            if current != plan.pk:
                current = plan.pk
                lines += ["", f"{plan.title}, period {period.label}"]
                if base_url:
                    lead = self.plan_leads.get(plan.pk, self.lead)
                    lines.append(f"  {base_url.rstrip('/')}/plans/{plan.slug}/?lead={lead.pk}&not_updated=on")
            due = f" (due {measure.due_month:%b %Y})" if measure.due_month else ""
            lines.append(f"  - Priority {measure.action.outcome.priority.number}: {measure.text}{due}")
        lines += ["", "Please rate each one and write a short progress update.", ""]
        return "\n".join(lines)


def reminder_digests(
    plan: Plan | None = None, scheduled_on: date | None = None
) -> tuple[list[Digest], list[LeadOutstanding]]:
    """(digests to send, leads owed updates who have no email address), over every open period (or one plan's).

    `scheduled_on`: a scheduled run's day, which leaves out the plans whose owners switched reminders off
    or chose another day (Plan.reminds_on); an owner's "send now" gives none.
    """
    digests: dict[str, Digest] = {}
    unreachable: list[LeadOutstanding] = []
    open_periods = Period.objects.filter(status=Period.Status.OPEN).select_related("plan").order_by("plan__title")
    if plan is not None:
        open_periods = open_periods.filter(plan=plan)
    for period in open_periods:
        if scheduled_on is not None and not period.plan.reminds_on(scheduled_on):
            continue
        for group in missing_updates(period.plan, period):
            if not group.email:
                unreachable.append(group)
                continue
            # one email per address: the same person's leads in several plans share it
            digest = digests.setdefault(group.email.casefold(), Digest(group.lead, group.email))
            digest.plan_leads[period.plan.pk] = group.lead
            digest.items += [(period.plan, period, measure) for measure in group.measures]
    return sorted(digests.values(), key=lambda d: d.lead.name), unreachable


def send_digests(digests: list[Digest], base_url: str = "") -> int:
    """Send one email per digest over one connection; the number sent."""
    messages = [
        EmailMessage(digest.subject(), digest.body(base_url), settings.DEFAULT_FROM_EMAIL, [digest.email])
        for digest in digests
    ]
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
