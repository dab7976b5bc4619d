"""The evidence behind one inspection recommendation, for an inspector to read.

The measures that answer it (plans.board.coverage), every recorded change to their
ratings (who, when, level, reason, update) from the history table, their
progress updates, the evidence files and links attached to their updates (each
file downloaded through the tracker's access check, plans/ratings/views.py), and
the trends of the indicators linked to them.
"""

from django.db.models import Prefetch

from plans.board.coverage import recommendation_links
from plans.board.indicator_table import indicator_rows
from plans.models import Evidence, Indicator, IndicatorValue, Measure, Plan, Rating


def evidence(plan: Plan, recommendation) -> dict:
    ids = recommendation_links(plan).get(recommendation.pk, set())
    measures = list(
        Measure.objects.filter(pk__in=ids)
        .with_path()
        .prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.select_related("level", "period")),
            Prefetch("evidence", queryset=Evidence.objects.select_related("added_by", "period")),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("priority").prefetch_related(
                    Prefetch("values", queryset=IndicatorValue.objects.order_by("month"))
                ),
            ),
        )
    )
    levels = {level.pk: level for level in plan.scale.levels.all()}
    periods = {period.pk: period for period in plan.periods.all()}
    changes: dict[int, list] = {}
    history = Rating.history.filter(measure_id__in=ids).select_related("history_user").order_by("history_date")
    for record in history:
        record.level_shown = levels.get(record.level_id)
        record.period_shown = periods.get(record.period_id)
        changes.setdefault(record.measure_id, []).append(record)
    indicators = {i.pk: i for m in measures for i in m.indicators.all()}
    months, rows = indicator_rows(list(indicators.values()))
    return {
        "recommendation": recommendation,
        "items": [
            {
                "measure": m,
                "ratings": sorted(m.ratings.all(), key=lambda r: r.period.order),
                "changes": changes.get(m.pk, []),
                "evidence": list(m.evidence.all()),
            }
            for m in measures
        ],
        "months": months,
        "rows": rows,
        "levels": list(levels.values()),
    }
