"""Indicators: the numbers the board watches beside a priority's ratings."""

from django.db import models
from simple_history.models import HistoricalRecords

from plans.models.history import HistorySource
from plans.models.plan import Priority


class Indicator(models.Model):
    class Polarity(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        UNKNOWN = "", "Not stated"

    class Unit(models.TextChoices):
        PERCENT = "percent", "Percentage"
        COUNT = "count", "Count"
        RATE = "rate", "Rate"
        DAYS = "days", "Days"
        TEXT = "text", "Other"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=300)
    polarity = models.CharField(max_length=6, choices=Polarity.choices, blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.COUNT)
    baseline = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    baseline_label = models.CharField(max_length=20, blank=True, help_text="The baseline's year, e.g. 2016/17.")
    comparator = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Statistical neighbour (SN) average."
    )
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    ytd = models.CharField("YTD", max_length=40, blank=True, help_text="Year to date, as reported.")
    printed_dot = models.CharField(
        "DOT as printed", max_length=40, blank=True, help_text="Direction of travel as the source report printed it."
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        ordering = ["priority", "order"]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    month = models.DateField(help_text="First day of the month the value is for.")
    value = models.DecimalField(max_digits=12, decimal_places=2)

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        ordering = ["indicator", "month"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "month"], name="indicator_value_one_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.month:%b %Y} = {self.value}"
