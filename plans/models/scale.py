"""Rating scales: ordered levels, each with a label, a number, a colour and a meaning.

Scales are data, one per plan (plans may share one). "Not rated" is never a
level: an unrated measure simply has no Rating for the period.

Whether a mean of the levels means anything is the scale's own property
(`mean_is_meaningful`): the rollup (plans/rollup/rules.py) gives a word scale's
summaries as counts at each word and no mean.

A level's colour carries two rules every page, export and command uses:
complete (blue or grey: Thurrock's 4 and 5, BRAG's "Completed") and delay
(red or amber). The reason rule belongs to the scale: a rating at one of its
two lowest levels must say why.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from plans.models.history import HistorySource

# A measure whose latest rating is at one of these colours is done: never overdue, never chased.
COMPLETE_COLOURS = frozenset({"blue", "grey"})
# Levels that report a delay (not started, or started with some delay).
DELAY_COLOURS = frozenset({"red", "amber"})
# How many of a scale's lowest levels need a reason.
LEVELS_NEEDING_REASON = 2


class Scale(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    mean_is_meaningful = models.BooleanField(
        "a mean of its levels is meaningful",
        default=True,
        help_text=(
            "On for a numeric scale whose levels can be averaged (Thurrock's 1-5): summaries show the mean. "
            "Off for a word scale such as Blue/Red/Amber/Green: summaries show how many measures are at each word "
            "and no mean."
        ),
    )

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def levels_needing_reason(self, levels: "list[Level] | None" = None) -> set[int]:
        """Ids of the scale's two lowest levels: a rating there must say why.

        `levels`: the scale's levels if the caller has read them already.
        """
        ordered = sorted(self.levels.all() if levels is None else levels, key=lambda level: level.value)
        return {level.pk for level in ordered[:LEVELS_NEEDING_REASON]}

    def level_for(self, text: str) -> "Level | None":
        """The level a cell's text names: its number, label or an alias ("3 ", "Green")."""
        wanted = str(text).strip().casefold()
        if not wanted:
            return None
        for level in self.levels.all():
            if wanted in level.names():
                return level
        return None


class Level(models.Model):
    COLOURS = [
        ("red", "Red"),
        ("amber", "Amber"),
        ("green", "Green"),
        ("blue", "Blue"),
        ("grey", "Grey"),
    ]

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField(help_text="Order on the scale and the number averaged in rollups.")
    label = models.CharField(max_length=60)
    colour = models.CharField(max_length=10, choices=COLOURS)
    description = models.TextField(blank=True)
    aliases = models.CharField(
        max_length=200,
        blank=True,
        help_text="Other words that mean this level in a spreadsheet, comma-separated (e.g. 'Blue, Complete').",
    )

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="level_value_unique_in_scale"),
            models.UniqueConstraint(fields=["scale", "label"], name="level_label_unique_in_scale"),
            models.CheckConstraint(condition=models.Q(value__gte=1), name="level_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"

    @property
    def is_complete(self) -> bool:
        """Completed levels (blue, grey) are never overdue and need no chasing."""
        return self.colour in COMPLETE_COLOURS

    @property
    def signals_delay(self) -> bool:
        """Red and amber: not started, or started with some delay."""
        return self.colour in DELAY_COLOURS

    def names(self) -> set[str]:
        """Every spelling that means this level, case-folded."""
        words = [str(self.value), self.label, *self.aliases.split(",")]
        return {word.strip().casefold() for word in words if word.strip()}
