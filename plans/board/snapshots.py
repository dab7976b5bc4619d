"""Closing a period freezes its board pack.

However a period gets closed (the owners' period pages, the admin, a command),
the post_save signal sees the status change from something else to "closed"
and stores the rendered pack, its figures, the same pack as data for publishing
(plans.publishing.contents) and the committee report's data (plans.board.report)
as a new BoardPackSnapshot version. Periods
created already closed (imports, the demo loader) are history, not a closing,
and get no snapshot.
"""

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from plans.models import BoardPackSnapshot, Period


@receiver(pre_save, sender=Period)
def remember_previous_status(sender, instance: Period, **kwargs) -> None:
    instance._status_before = (
        Period.objects.filter(pk=instance.pk).values_list("status", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Period)
def freeze_pack_when_closed(sender, instance: Period, created: bool, raw: bool = False, **kwargs) -> None:
    before = getattr(instance, "_status_before", None)
    if raw or created or before is None or before == Period.Status.CLOSED:
        return
    if instance.is_closed:
        freeze(instance)


def acting_user():
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def freeze(period: Period) -> BoardPackSnapshot:
    """Store the pack for the period as its next version: its HTML, its figures, the same pack as data for
    publishing, and the committee report's data."""
    from plans.board.pack import figures, pack_context, render_pack
    from plans.board.report import report_data
    from plans.board.state import load_state
    from plans.publishing.contents import pack_contents

    plan = period.plan
    with transaction.atomic():
        last = BoardPackSnapshot.objects.filter(period=period).order_by("-version").only("version").first()
        version = (last.version if last else 0) + 1
        context = pack_context(plan, period)
        html = render_pack(plan, period, snapshot_version=version, context=context)
        state = load_state(plan)
        return BoardPackSnapshot.objects.create(
            plan=plan,
            period=period,
            version=version,
            html=html,
            figures=figures(state, next(p for p in state.periods if p.pk == period.pk)),
            contents=pack_contents(context),
            report=report_data(plan, period, context=context),
            created_by=acting_user(),
        )
