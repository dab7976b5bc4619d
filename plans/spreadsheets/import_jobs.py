"""Large workbooks are checked and applied by a worker, and the import page shows how far it has got.

Above SPREADSHEET_BACKGROUND_BYTES an upload is stored (default storage, so a
worker on another host reads the same file), an ImportJob row records its
stage, and two tasks do the work through the spreadsheet service's public
entry points: `check_import` (preview_import: read, check, work out the
changes) and `apply_import_job` (preview again against the plan as it is
then, and apply_import all or nothing). Nothing is written to the plan until
the owner has seen the preview and pressed Apply, as for a small workbook.
"""

import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task

from plans.models import ImportJob, Plan
from plans.spreadsheets.service import apply_import, preview_import

Stage = ImportJob.Stage
# Shown as "step N of 3" while the page polls.
STEPS = {Stage.CHECKING: 1, Stage.CHECKED: 2, Stage.REFUSED: 2, Stage.APPLYING: 3, Stage.APPLIED: 3, Stage.FAILED: 3}


def file_name(job: ImportJob) -> str:
    return f"imports/{job.token}.xlsx"


def start_import(plan: Plan, user, name: str, data: bytes) -> ImportJob:
    """Store the upload and queue its check; the job's page follows it."""
    job = ImportJob.objects.create(
        plan=plan, user=user, token=secrets.token_urlsafe(16), file_name=name, size=len(data), stage=Stage.CHECKING
    )
    default_storage.save(file_name(job), ContentFile(data))
    check_import.enqueue(job.pk)
    return ImportJob.objects.get(pk=job.pk)


def apply_later(job: ImportJob) -> bool:
    """Queue the apply of a checked import; False if it is not (or no longer) waiting to be applied."""
    if not ImportJob.objects.filter(pk=job.pk, stage=Stage.CHECKED).update(stage=Stage.APPLYING):
        return False
    apply_import_job.enqueue(job.pk)
    return True


def _read(job: ImportJob):
    with default_storage.open(file_name(job), "rb") as stored:
        return preview_import(stored.read(), job.plan)


@task()
def check_import(job_id: int) -> str:
    """Read and check the stored workbook and keep the preview the owner will review."""
    job = ImportJob.objects.select_related("plan").get(pk=job_id)
    try:
        preview = _read(job)
    except Exception as error:  # noqa: BLE001 — shown on the job's page; nothing was written
        return _failed(job, error)
    if preview.errors:
        job.stage, job.problems = Stage.REFUSED, [str(problem) for problem in preview.errors]
        default_storage.delete(file_name(job))
    else:
        job.stage, job.summary, job.versions = Stage.CHECKED, preview.summary(), preview.versions
        job.preview_html = render_to_string(
            "plans/spreadsheets/_import_preview.html",
            {"preview": preview, "plan": job.plan, "file_name": job.file_name, "background": True},
        )
        if not preview.has_changes:
            job.stage = Stage.APPLIED
            job.summary = "nothing to change: the plan already matches the workbook"
    job.save()
    return job.stage


@task()
def apply_import_job(job_id: int) -> str:
    """Apply a checked import, all or nothing, as the owner who uploaded it."""
    job = ImportJob.objects.select_related("plan", "user").get(pk=job_id)
    try:
        preview = _read(job)
        if preview.errors:  # the plan changed since the check in a way that makes the file wrong now
            job.stage, job.problems = Stage.REFUSED, [str(problem) for problem in preview.errors]
        else:
            versions = {int(pk): version for pk, version in job.versions.items()}
            with transaction.atomic():
                result = apply_import(preview, job.user, job.file_name, versions=versions)
            job.stage, job.summary = Stage.APPLIED, f"imported {preview.summary()}"
            job.problems = [line.strip(" -") for line in result.lines()]
    except Exception as error:  # noqa: BLE001 — shown on the job's page; the apply is all or nothing
        return _failed(job, error)
    job.save()
    default_storage.delete(file_name(job))
    return job.stage


def _failed(job: ImportJob, error: Exception) -> str:
    job.stage = Stage.FAILED
    job.problems = [f"The import stopped: {type(error).__name__}: {error}. Nothing has been changed."]
    job.save()
    return job.stage
