"""Download a plan as a workbook; upload one, see the preview, apply it (owners only).

The uploaded file is kept in the media storage (imports/pending/, so any host
can apply what another previewed) between the preview and the apply, named by
a random token held in the session; applying reads it again,
so what is written is worked out against the plan as it is at that moment,
and each changed measure must still be at the version the preview shown to
the owner read (kept beside the file): one changed since is reported as a
conflict and left as it is.
A workbook above SPREADSHEET_BACKGROUND_BYTES is checked and applied by a
worker instead (plans/spreadsheets/import_jobs.py), on its own page that
shows how far it has got.
"""

import json
import secrets
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView, View

from plans.access import PlanAccessMixin
from plans.models import ImportJob
from plans.spreadsheets import import_jobs
from plans.spreadsheets.exporter import export_plan
from plans.spreadsheets.reader import Problem
from plans.spreadsheets.safety import max_upload_bytes, size_text, too_large
from plans.spreadsheets.service import apply_import, preview_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "plan_import"


PENDING = "imports/pending"


def pending_name(token: str) -> str:
    return f"{PENDING}/{token}.xlsx"


def versions_name(token: str) -> str:
    """Beside the pending workbook: each measure's version as the preview shown to the owner read it."""
    return f"{PENDING}/{token}.json"


def forget_stale_uploads(older_than: timedelta = timedelta(days=1)) -> None:
    """Previews never applied leave their file behind; a day later it goes."""
    limit = timezone.now() - older_than
    try:
        _, names = default_storage.listdir(PENDING)
    except FileNotFoundError:
        return
    for name in names:
        if default_storage.get_modified_time(f"{PENDING}/{name}") < limit:
            default_storage.delete(f"{PENDING}/{name}")


class PlanExportView(PlanAccessMixin, View):
    """The plan as an .xlsx download (anyone who can read the plan)."""

    def get(self, request, *args, **kwargs):
        stream = BytesIO()
        export_plan(self.plan, one_sheet=request.GET.get("sheets") == "one").save(stream)
        response = HttpResponse(stream.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{self.plan.slug}-{date.today():%Y-%m-%d}.xlsx"'
        return response


class PlanImportView(PlanAccessMixin, TemplateView):
    """GET: the upload form. POST with a file: the preview. POST with apply: the changes, all or nothing."""

    template_name = "plans/spreadsheets/import.html"
    require_manage = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["max_size"] = size_text(max_upload_bytes())
        return context

    def post(self, request, *args, **kwargs):
        if "apply" in request.POST:
            return self.apply(request)
        upload = request.FILES.get("file")
        if upload is None:
            return self.render_to_response(
                self.get_context_data(errors=[Problem("Choose a workbook (.xlsx, .xls or .ods) to upload.")]),
                status=400,
            )
        if upload.size > max_upload_bytes():
            return self.render_to_response(self.get_context_data(errors=[Problem(too_large(upload.size))]), status=413)
        data = upload.read()
        if len(data) > settings.SPREADSHEET_BACKGROUND_BYTES:  # a worker reads it; the page follows its progress
            job = import_jobs.start_import(self.plan, request.user, Path(upload.name).name, data)
            return redirect("plan-import-job", slug=self.plan.slug, token=job.token)
        preview = preview_import(data, self.plan)
        token = ""
        if not preview.errors and preview.has_changes:
            forget_stale_uploads()
            token = secrets.token_urlsafe(16)
            default_storage.save(pending_name(token), ContentFile(data))
            default_storage.save(versions_name(token), ContentFile(json.dumps(preview.versions).encode()))
            request.session[SESSION_KEY] = {"token": token, "plan": self.plan.slug, "name": Path(upload.name).name}
        return self.render_to_response(
            self.get_context_data(preview=preview, errors=preview.errors, token=token, file_name=upload.name),
            status=400 if preview.errors else 200,  # a refused workbook is the client's error, said on the page
        )

    def apply(self, request):
        pending = request.session.get(SESSION_KEY) or {}
        name = pending_name(pending.get("token", ""))
        if (
            pending.get("plan") != self.plan.slug
            or pending.get("token") != request.POST.get("token")
            or not default_storage.exists(name)
        ):
            messages.error(request, "That upload has expired: upload the workbook again.")
            return redirect("plan-import", slug=self.plan.slug)
        with default_storage.open(name, "rb") as stored:
            preview = preview_import(stored.read(), self.plan)
        if preview.errors:
            return self.render_to_response(self.get_context_data(preview=preview, errors=preview.errors), status=400)
        versions = {}
        if default_storage.exists(versions_name(pending["token"])):
            with default_storage.open(versions_name(pending["token"]), "rb") as seen:
                versions = {int(pk): version for pk, version in json.loads(seen.read()).items()}
        result = apply_import(preview, request.user, pending["name"], versions=versions)
        default_storage.delete(name)
        default_storage.delete(versions_name(pending["token"]))
        del request.session[SESSION_KEY]
        messages.success(request, f"Imported {pending['name']}: {preview.summary()}.")
        for line in result.lines():
            messages.warning(request, line.strip(" -"))
        return redirect("plan-detail", slug=self.plan.slug)


class ImportJobView(PlanAccessMixin, TemplateView):
    """A large import's progress (polled by htmx while a worker has it), its preview, and its Apply button."""

    require_manage = True

    def get_template_names(self):
        return ["plans/spreadsheets/_import_job.html" if self.request.htmx else "plans/spreadsheets/import_job.html"]

    def get_job(self) -> ImportJob:
        return get_object_or_404(ImportJob, plan=self.plan, token=self.kwargs["token"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.get_job()
        context.update(
            job=job,
            step=import_jobs.STEPS[job.stage],
            working=job.stage in ImportJob.WORKING,
            refused=job.stage in (ImportJob.Stage.REFUSED, ImportJob.Stage.FAILED),
        )
        return context

    def post(self, request, *args, **kwargs):
        job = self.get_job()
        if "apply" not in request.POST:
            messages.error(request, "Nothing was changed: press “Apply these changes” to apply the import.")
            return self.render_to_response(self.get_context_data(), status=400)
        if import_jobs.apply_later(job):
            messages.success(request, f"Applying {job.file_name}: this page shows when it is done.")
        else:
            messages.error(request, "Nothing was changed: this import is not waiting to be applied.")
        return redirect("plan-import-job", slug=self.plan.slug, token=job.token)
