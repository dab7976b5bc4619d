"""A new plan from a workbook, on the web: upload → the import's own preview → the plan, owned by the uploader.

The same path as `import_plan --create`: plans/spreadsheets' preview_import
works out the plan from the file without writing anything, the page shows it
with the import's preview template, and apply_import writes it through the
structure's write door (create_plan) as the uploader, the file named as the
source of every history row. Between the preview and the apply the file waits
in the media storage under a random token kept in the session, as the
import page's does (plans/spreadsheets/views.py).
"""

import secrets
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView

from plans.access import StartPlanMixin
from plans.models import Inspection, Plan, Scale
from plans.owner.forms import new_plan_slug
from plans.spreadsheets.reader import Problem
from plans.spreadsheets.safety import max_upload_bytes, size_text, too_large
from plans.spreadsheets.service import ImportPreview, apply_import, preview_import
from plans.spreadsheets.views import forget_stale_uploads, pending_name

SESSION_KEY = "new_plan_workbook"
ACCEPT = ".xlsx,.xlsm,.xlsb,.xls,.ods"


class NewPlanFromWorkbookForm(forms.Form):
    file = forms.FileField(
        label="Workbook",
        help_text="Excel (.xlsx, .xlsm, .xlsb or .xls) or OpenDocument (.ods): this tracker's export of another "
        "plan, or the council's own plan in its usual layout.",
        error_messages={"required": "Choose a workbook (.xlsx, .xls or .ods) to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    title = forms.CharField(
        label="Plan title", max_length=300, required=False, help_text="Leave blank to use the workbook's own title."
    )
    slug = forms.SlugField(
        label="Short name for the address", max_length=50, required=False, help_text="Letters, numbers and hyphens."
    )
    organisation = forms.CharField(label="Organisation", max_length=200, help_text="Shown in the page header.")
    scale = forms.ModelChoiceField(
        queryset=Scale.objects.all(),
        label="Rating scale",
        required=False,
        empty_label="Work it out from the ratings in the workbook",
    )
    inspection = forms.ModelChoiceField(
        queryset=Inspection.objects.all(),
        label="Inspection the plan answers",
        required=False,
        empty_label="None",
        help_text="Rows citing its recommendations (“Ofsted recco 14”) are linked to them.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(too_large(upload.size))
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.errors.get("slug") and (cleaned.get("slug") or cleaned.get("title")):
            cleaned["slug"] = new_plan_slug(self, cleaned)
        elif not self.errors.get("slug"):
            self.add_error("slug", "Give the plan a title or a short name made of letters and numbers.")
        return cleaned


def _preview(data: bytes, choices: dict, user) -> ImportPreview:
    return preview_import(
        data,
        None,
        create_slug=choices["slug"],
        title=choices["title"],
        scale=Scale.objects.filter(pk=choices["scale"]).first() if choices["scale"] else None,
        inspection=Inspection.objects.filter(pk=choices["inspection"]).first() if choices["inspection"] else None,
        owner=user,
        organisation=choices["organisation"],
    )


class NewPlanFromWorkbookView(StartPlanMixin, FormView):
    """GET: the upload form. POST with a file: the preview. POST with apply: the plan, all or nothing."""

    template_name = "plans/owner/new_plan_workbook.html"
    form_class = NewPlanFromWorkbookForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(max_size=size_text(max_upload_bytes()), cancel_url=reverse("owner-new-plan-workbook"))
        return context

    def post(self, request, *args, **kwargs):
        if "apply" in request.POST:
            return self.apply(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        data = upload.read()
        choices = {
            "slug": form.cleaned_data["slug"],
            "title": form.cleaned_data["title"],
            "organisation": form.cleaned_data["organisation"],
            "scale": form.cleaned_data["scale"].pk if form.cleaned_data["scale"] else None,
            "inspection": form.cleaned_data["inspection"].pk if form.cleaned_data["inspection"] else None,
            "name": Path(upload.name).name,
        }
        preview = _preview(data, choices, self.request.user)
        context = self.get_context_data(form=form, preview=preview, errors=preview.errors, file_name=choices["name"])
        if preview.errors:
            return self.render_to_response(context, status=400)
        forget_stale_uploads()
        token = secrets.token_urlsafe(16)
        default_storage.save(pending_name(token), ContentFile(data))
        self.request.session[SESSION_KEY] = {**choices, "token": token}
        context.update(token=token, apply_label=f"Create {preview.plan_title}")
        return self.render_to_response(context)

    def apply(self, request):
        pending = request.session.get(SESSION_KEY) or {}
        name = pending_name(pending.get("token", ""))
        if not pending or pending.get("token") != request.POST.get("token") or not default_storage.exists(name):
            messages.error(request, "That upload has expired: upload the workbook again.")
            return redirect("owner-new-plan-workbook")
        with default_storage.open(name, "rb") as stored:
            preview = _preview(stored.read(), pending, request.user)
        if Plan.objects.filter(slug=pending["slug"]).exists():
            preview.errors.append(Problem(f'A plan called "{pending["slug"]}" was created meanwhile: start again.'))
        if preview.errors:
            context = self.get_context_data(preview=preview, errors=preview.errors, file_name=pending["name"])
            return self.render_to_response(context, status=400)
        apply_import(preview, request.user, pending["name"])
        default_storage.delete(name)
        del request.session[SESSION_KEY]
        messages.success(
            request,
            f"{preview.plan_title} created from {pending['name']}: {preview.summary()}. You are its owner; "
            "add members and set its deadlines in Settings.",
        )
        return redirect("plan-detail", slug=pending["slug"])
