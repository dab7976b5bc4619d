"""Frozen board packs: the pack as it was tabled when a reporting period closed."""

from django.conf import settings
from django.db import models

from plans.models.plan import Period, Plan


class BoardPackSnapshot(models.Model):
    """The rendered pack for a closed period; later edits never change it.

    A period reopened and closed again gets a new version; every version is kept.
    `figures` holds the scores and each measure's rating, so the next pack can
    say what changed since this one. `contents` is the whole pack as data, the
    fields that can name a person kept apart (plans.publishing.contents): what a
    publication is rendered from. Packs frozen before it existed have it empty.
    `report` is the committee report's data (plans.board.report), so the paper
    for a closed period is the one tabled.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="board_packs")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="board_packs")
    version = models.PositiveIntegerField()
    html = models.TextField()
    figures = models.JSONField(default=dict)
    contents = models.JSONField(default=dict, blank=True, editable=False)
    report = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the committee report says, as frozen; empty for packs frozen before reports were kept.",
    )
    pdf = models.BinaryField(null=True, blank=True, editable=False, help_text="Made on the first PDF download.")
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-created", "-id"]
        constraints = [models.UniqueConstraint(fields=["period", "version"], name="board_pack_version_unique")]

    def __str__(self) -> str:
        return f"Board pack {self.period} v{self.version}"
