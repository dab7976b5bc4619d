"""What leads add around a measure's ratings: comments and evidence.

Comments are the conversation about a measure (including an owner returning
a rating with a reason). Evidence is a file or a link attached to one period's
update; files live under MEDIA_ROOT, limited in size and type.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import FileExtensionValidator
from django.db import models
from django.template.defaultfilters import filesizeformat
from simple_history.models import HistoricalRecords

from plans.models.history import HistorySource
from plans.models.plan import Measure, Period

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv", "txt", "png", "jpg", "jpeg"]


def limit_evidence_size(file: File) -> None:
    if file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            f"The file is {filesizeformat(file.size)}; evidence files can be at most "
            f"{filesizeformat(EVIDENCE_MAX_BYTES)}."
        )


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"evidence/measure-{instance.measure_id}/{Path(filename).name}"


class Comment(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="comments")
    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        ordering = ["measure", "created", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Evidence(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="evidence")
    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    file = models.FileField(
        upload_to=evidence_path,
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS), limit_evidence_size],
        help_text="PDF, Office document, CSV, text or image; at most 5 MB.",
    )
    link = models.URLField(blank=True, max_length=500)
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        ordering = ["measure", "created", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title
