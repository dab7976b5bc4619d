"""What every history row records besides simple-history's own fields: the source of the change.

simple-history gives each row its user, date, type and change reason; this
base adds where the change came from ("web", "admin", "import of plan.xlsx",
"command generate_plan", "demo"), filled in by plans.audit.record_source as
the row is written (and by the bulk inserts of plans/spreadsheets/bulk.py).
"""

from django.db import models


class HistorySource(models.Model):
    history_source = models.CharField(
        "source", max_length=200, blank=True, help_text="Where the change came from: web, admin, an import, a command."
    )

    class Meta:
        abstract = True


class MeasureHistory(HistorySource):
    """A measure's history row also says whether it left alone what the cached counts read (plans.rollup.cache).

    A lead's rating writes a row of its measure (the progress update, the lock's
    version) every time; were that a change of the plan's structure, every rating
    anywhere would outdate every period's counts of every plan.
    """

    counts_unchanged = models.BooleanField(
        default=False,
        help_text="Nothing the counts read changed (where the measure sits, whether removed, its due month).",
    )

    class Meta:
        abstract = True
