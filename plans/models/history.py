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
