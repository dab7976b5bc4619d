"""Inspections and their numbered recommendations, which a plan's rows answer."""

from django.db import models
from simple_history.models import HistoricalRecords

from plans.models.history import HistorySource


class Inspection(models.Model):
    key = models.SlugField(unique=True, help_text="Short identifier, e.g. thurrock-2016.")
    council = models.CharField(max_length=200)
    body = models.CharField(max_length=200, help_text="Who inspected: Ofsted, a peer review team…")
    title = models.CharField(max_length=300)
    published = models.DateField(null=True, blank=True)
    judgement = models.CharField(max_length=100, blank=True)

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        ordering = ["council", "published"]

    def __str__(self) -> str:
        year = f" {self.published:%Y}" if self.published else ""
        return f"{self.body}: {self.council}{year}"


class Recommendation(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="recommendation_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}: {self.text[:60]}"
