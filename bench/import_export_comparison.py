"""The same rows imported with django-import-export, for bench/spreadsheets.py to compare against.

django-import-export is installed for benchmarks only (requirements-bench.txt,
`make bench`); the tracker does not use it. Given a plan our importer made,
this imports the same measure rows again into its actions, with their leads,
and their ratings, through ModelResources: a measure or rating saved per row,
each save recorded by simple-history, as a project using django-import-export
would do it. Its plan structure (priorities, outcomes, actions, periods,
leads) is already there, so it does less work than our import, which builds
all of that as well.
"""

import tablib
from import_export import fields, resources, widgets

from plans.models import Lead, Measure, Rating

MEASURE_COLUMNS = ["action", "order", "text", "lead_text", "officer_text", "time_text", "progress_update", "leads"]
RATING_COLUMNS = ["measure", "period", "level", "update", "status"]


class MeasureResource(resources.ModelResource):
    leads = fields.Field(attribute="leads", column_name="leads", widget=widgets.ManyToManyWidget(Lead))

    class Meta:
        model = Measure
        fields = ("id", *MEASURE_COLUMNS)
        import_id_fields = ("id",)


class RatingResource(resources.ModelResource):
    class Meta:
        model = Rating
        fields = ("id", *RATING_COLUMNS)
        import_id_fields = ("id",)


def import_again(plan) -> int:
    """Import every measure of `plan` (and its ratings) again as new rows; the number of measures imported."""
    measures = list(Measure.objects.of_plan(plan).prefetch_related("leads", "ratings"))
    dataset = tablib.Dataset(headers=["id", *MEASURE_COLUMNS])
    for m in measures:
        leads = ",".join(str(lead.pk) for lead in m.leads.all())
        dataset.append(["", m.action_id, m.order, m.text, m.lead_text, m.officer_text, m.time_text, "", leads])
    result = MeasureResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    new_ids = [row.object_id for row in result.rows]
    ratings = tablib.Dataset(headers=["id", *RATING_COLUMNS])
    for m, new_id in zip(measures, new_ids, strict=True):
        for rating in m.ratings.all():
            ratings.append(["", new_id, rating.period_id, rating.level_id, rating.update, rating.status])
    RatingResource().import_data(ratings, dry_run=False, raise_errors=True, use_transactions=True)
    return len(new_ids)
