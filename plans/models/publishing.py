"""Publications: a frozen board pack published, read-only, for a committee or the public."""

import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from plans.models.board import BoardPackSnapshot
from plans.models.history import HistorySource
from plans.models.plan import Plan


def new_token() -> str:
    """An address nobody can guess: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


class PublishingSettings(models.Model):
    """How a plan is published; a plan without a row redacts names (the safe default)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="publishing_settings")
    redact_names = models.BooleanField(
        default=True,
        help_text="Name officers by their roles, and leave out progress updates, reasons and indicators' notes "
        "(free text that may name people), in everything published.",
    )

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        verbose_name_plural = "publishing settings"

    def __str__(self) -> str:
        return f"Publishing settings for {self.plan}"


class PublicationQuerySet(models.QuerySet):
    def live(self) -> "PublicationQuerySet":
        return self.filter(withdrawn_at__isnull=True)


class Publication(models.Model):
    """One frozen pack published for one audience at a stable, unguessable address.

    `html` is the rendering as published, made from the snapshot's contents
    (people by role and no free text, if the plan redacts); the public page and
    its PDF come from it alone, so later edits to the plan, its leads or its
    settings never change what was published.
    """

    snapshot = models.ForeignKey(BoardPackSnapshot, on_delete=models.PROTECT, related_name="publications")
    audience = models.CharField(
        max_length=200,
        help_text="Who it is published for, e.g. “Children's Services Overview and Scrutiny Committee” or “Public”.",
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    redacted = models.BooleanField(default=True)
    html = models.TextField(editable=False)
    pdf = models.BinaryField(null=True, blank=True, editable=False, help_text="Made on the first PDF download.")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(bases=[HistorySource], excluded_fields=["html", "pdf"])
    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.snapshot} for {self.audience}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None
