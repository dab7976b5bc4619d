"""Download a plan as a workbook; upload one, see the preview, apply it (owners only).

The uploaded file is kept under VAR_DIR/imports between the preview and the
apply, named by a random token held in the session; applying reads it again,
so what is written is worked out against the plan as it is at that moment.
"""

import secrets
import time
from datetime import date
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView, View

from plans.access import PlanAccessMixin
from plans.spreadsheets.exporter import export_plan
from plans.spreadsheets.reader import Problem
from plans.spreadsheets.safety import max_upload_bytes, size_text, too_large
from plans.spreadsheets.service import apply_import, preview_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "plan_import"


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def forget_stale_uploads(older_than_seconds: int = 24 * 3600) -> None:
    """Previews never applied leave their file behind; a day later it goes."""
    limit = time.time() - older_than_seconds
    for path in upload_dir().glob("*.xlsx"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


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
        preview = preview_import(data, self.plan)
        token = ""
        if not preview.errors and preview.has_changes:
            forget_stale_uploads()
            token = secrets.token_urlsafe(16)
            (upload_dir() / f"{token}.xlsx").write_bytes(data)
            request.session[SESSION_KEY] = {"token": token, "plan": self.plan.slug, "name": Path(upload.name).name}
        return self.render_to_response(
            self.get_context_data(preview=preview, errors=preview.errors, token=token, file_name=upload.name),
            status=400 if preview.errors else 200,  # a refused workbook is the client's error, said on the page
        )

    def apply(self, request):
        pending = request.session.get(SESSION_KEY) or {}
        path = upload_dir() / f"{pending.get('token', '')}.xlsx"
        if (
            pending.get("plan") != self.plan.slug
            or pending.get("token") != request.POST.get("token")
            or not path.exists()
        ):
            messages.error(request, "That upload has expired: upload the workbook again.")
            return redirect("plan-import", slug=self.plan.slug)
        preview = preview_import(path.read_bytes(), self.plan)
        if preview.errors:
            return self.render_to_response(self.get_context_data(preview=preview, errors=preview.errors), status=400)
        apply_import(preview, request.user, pending["name"])
        path.unlink(missing_ok=True)
        del request.session[SESSION_KEY]
        messages.success(request, f"Imported {pending['name']}: {preview.summary()}.")
        return redirect("plan-detail", slug=self.plan.slug)
