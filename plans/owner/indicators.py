"""The write door for indicator definitions: an indicator's fields and the measures it evidences.

Beside plans/owner/structure.py and in its style: one transaction, made as an
`Actor` whose user and source every history row names. The indicator's own
row records its fields; each measure whose links change gets a history row
of its own (the measure's `indicators` are part of its history), so "which
indicators did this measure claim, and who linked them" can be answered at
any date. Monthly values have their own page (plans/board/indicator_entry.py).
"""

from collections.abc import Iterable

from django.db import transaction

from plans.audit import Actor
from plans.models import Indicator, Measure
from plans.ratings.services import Refused


def save_indicator(
    indicator: Indicator,
    *,
    measures: Iterable[Measure] | None = None,
    among: Iterable[Measure] = (),
    by: Actor,
) -> Indicator:
    """Save `indicator` and, when `measures` is given, make them the ones it evidences among `among`.

    `among` is what the owner was shown (the plan's measures still in it):
    links to measures outside it (one taken out of the plan) are kept. Every
    measure must belong to the indicator's plan, else Refused and nothing is
    written.
    """
    with transaction.atomic(), by.recording():
        plan_id = indicator.priority.plan_id
        chosen = {measure.pk: measure for measure in measures or ()}
        strangers = Measure.objects.filter(pk__in=chosen).exclude(action__outcome__priority__plan_id=plan_id)
        if strangers.exists():
            raise Refused("Measures it evidences: choose measures of this plan only.", field="measures")
        if indicator.pk is None and not indicator.order:  # a new indicator goes last in its priority's table
            indicator.order = Indicator.objects.filter(priority_id=indicator.priority_id).count() + 1
        indicator.save()
        if measures is None:
            return indicator
        shown = {measure.pk for measure in among} | set(chosen)
        linked = set(indicator.measures.filter(pk__in=shown).values_list("pk", flat=True))
        # Changed from each measure's side: its history records the link (simple-history follows
        # the many-to-many of the model that declares it).
        for measure in Measure.objects.filter(pk__in=linked - set(chosen)).order_by("pk"):
            measure.indicators.remove(indicator)
        for measure in Measure.objects.filter(pk__in=set(chosen) - linked).order_by("pk"):
            measure.indicators.add(indicator)
    return indicator
