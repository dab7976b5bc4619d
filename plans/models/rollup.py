"""Counts kept in the database: a closed period's rating counts, as last counted (plans.rollup.cache).

Not plan data: figures derived from it, kept so that a restart, a new process
or the cache's expiry does not count a year of closed periods again. Each row
names the data version it was counted at; a row whose version is no longer the
period's is never read, and is replaced the next time the period is counted.
"""

from django.db import models

from plans.models.plan import Period


class KeptCounts(models.Model):
    """One period's answer to one of the cached aggregates (`name`), at the data version it was counted at."""

    name = models.CharField(max_length=80)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    version = models.JSONField(help_text="The period's data version when counted (plans.rollup.cache).")
    value = models.JSONField()
    counted = models.DateTimeField()

    class Meta:
        verbose_name_plural = "kept counts"
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="kept_counts_once_per_period")]

    def __str__(self) -> str:
        return f"{self.name} of {self.period}"
