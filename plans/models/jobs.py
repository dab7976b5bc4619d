"""What background jobs leave behind: board-pack PDFs, big imports' progress, the reminder days sent.

The jobs themselves are Django tasks (django-tasks, database backend by
default; see plans/board/pack_jobs.py, plans/owner/reminder_jobs.py and
plans/spreadsheets/import_jobs.py). These rows are how a page, on any host,
sees where a job has got to.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from plans.models.board import BoardPackSnapshot
from plans.models.plan import Period, Plan


class PackRender(models.Model):
    """One board pack's PDF for a plan, period and data version, made once by a worker.

    A live pack's version moves with the data the pack shows (and the day: what
    is overdue depends on it); a frozen pack's is its snapshot's. At most one
    render per plan is queued or running at a time (the partial unique
    constraint); another request for the same plan waits its turn.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for another render of this plan"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    BUSY = (Status.QUEUED, Status.RUNNING)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    snapshot = models.ForeignKey(BoardPackSnapshot, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=80)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True)
    requested = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="pack_render_once_per_version"),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status__in=["queued", "running"]), name="one_pack_render_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"Board pack PDF {self.period} ({self.get_status_display()})"


class ImportJob(models.Model):
    """A large workbook's import, read and applied by a worker, with the stage it has reached."""

    class Stage(models.TextChoices):
        CHECKING = "checking", "Reading and checking the workbook"
        CHECKED = "checked", "Checked: waiting for you to apply it"
        REFUSED = "refused", "Refused: the workbook has problems"
        APPLYING = "applying", "Saving the changes"
        APPLIED = "applied", "Imported"
        FAILED = "failed", "Failed"

    WORKING = (Stage.CHECKING, Stage.APPLYING)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40, unique=True)
    versions = models.JSONField(
        default=dict, help_text="Each changed measure's version as the checked preview read it."
    )
    file_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.CHECKING)
    preview_html = models.TextField(blank=True)
    problems = models.JSONField(default=list)
    summary = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"Import of {self.file_name} into {self.plan} ({self.get_stage_display()})"


class ReminderRun(models.Model):
    """A day on which the scheduled reminder digests went out: a second worker's run that day sends nothing."""

    day = models.DateField(unique=True)
    sent = models.PositiveIntegerField(default=0)
    finished = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"Reminders of {self.day}: {self.sent} sent"


class StoredFile(models.Model):
    """A media file kept in the database (MEDIA_STORAGE=database): every host reads the same files."""

    name = models.CharField(max_length=255, unique=True)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
