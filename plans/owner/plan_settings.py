"""A plan's own settings, changed by its owners: sign-off, and when its leads are reminded.

The write door for these fields of Plan: one transaction as an `Actor`, so
the plan's history names who changed them and from where. Refused, with the
field named and nothing written: switching sign-off off while leads' ratings
still wait for the owner's decision (they would count as never approved).
"""

from django.db import transaction

from plans.audit import Actor
from plans.models import Plan, Rating
from plans.owner.members import MemberError

SettingsError = MemberError  # the same shape: a field and a message


def save_plan_settings(
    plan: Plan,
    *,
    requires_signoff: bool,
    reminders_enabled: bool,
    reminder_weekday: int | None,
    by: Actor,
) -> list[str]:
    """Save the settings; the list of what changed, in words (empty when nothing did)."""
    with transaction.atomic(), by.recording():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        changed = []
        if plan.requires_signoff and not requires_signoff:
            waiting = Rating.objects.of_plan(plan).awaiting_signoff().count()
            if waiting:
                raise SettingsError(
                    "requires_signoff",
                    f"Sign-off: {waiting} rating{'s' if waiting != 1 else ''} still wait{'' if waiting != 1 else 's'} "
                    "for your decision. Approve or return them on the sign-off page first.",
                )
        if plan.requires_signoff != requires_signoff:
            changed.append("sign-off is now " + ("required" if requires_signoff else "not required"))
        if plan.reminders_enabled != reminders_enabled:
            changed.append("reminders are now " + ("on" if reminders_enabled else "off"))
        if plan.reminder_weekday != reminder_weekday:
            changed.append("reminder day changed")
        if changed:
            plan.requires_signoff = requires_signoff
            plan.reminders_enabled = reminders_enabled
            plan.reminder_weekday = reminder_weekday
            plan.save(update_fields=["requires_signoff", "reminders_enabled", "reminder_weekday"])
        return changed
