"""Publishing pages: the owners' publications page, and the public read-only pack. Glue only."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.fields.json import KT
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from plans import permissions
from plans.access import PlanAccessMixin
from plans.models import BoardPackSnapshot, Publication
from plans.publishing.contents import FORMAT
from plans.publishing.forms import PublishForm, PublishingSettingsForm
from plans.publishing.pdf_jobs import request_publication_pdf
from plans.publishing.services import NotPublishable, publish, settings_for, withdraw


class PublisherMixin(PlanAccessMixin):
    """The plan's publishers only (plans/permissions.can_publish)."""

    def check_publisher(self):
        if not permissions.can_publish(self.request.user, self.plan):
            raise PermissionDenied("Only the plan's owners can publish its board packs.")


class PublicationsView(PublisherMixin, TemplateView):
    """Every frozen pack with a Publish form, the redaction setting, and the publications so far."""

    template_name = "plans/publishing/publications.html"

    def get(self, request, *args, **kwargs):
        self.check_publisher()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_publisher()
        if request.POST.get("form") == "settings":
            form = PublishingSettingsForm(request.POST, instance=settings_for(self.plan))
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(settings_form=form), status=400)
            form.save()
            if form.instance.redact_names:
                saved = "name officers by their roles and leave out updates, reasons and indicator notes"
            else:
                saved = "name officers and include their updates, reasons and indicator notes"
            messages.success(request, f"Saved: packs published from now on {saved}.")
            return redirect("publications", slug=self.plan.slug)
        try:  # read by a form field: "²" passes str.isdigit() but is no id
            snapshot_id = forms.IntegerField(min_value=1).clean(request.POST.get("snapshot"))
        except ValidationError:
            messages.error(request, "Choose which frozen board pack to publish.")
            return self.render_to_response(self.get_context_data(), status=400)
        snapshot = get_object_or_404(
            BoardPackSnapshot.objects.select_related("period").defer("html", "pdf"), plan=self.plan, pk=snapshot_id
        )
        form = PublishForm(request.POST, prefix=f"pack-{snapshot.pk}")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(failed=(snapshot.pk, form)), status=400)
        try:
            publication = publish(snapshot, form.cleaned_data["audience"], request.user)
        except NotPublishable as refusal:
            messages.error(request, refusal.message)
            return self.render_to_response(self.get_context_data(), status=400)
        messages.success(
            request, f"Published {snapshot.period.label} (version {snapshot.version}) for {publication.audience}."
        )
        return redirect(f"{request.path}#publication-{publication.pk}")

    def get_context_data(self, failed=None, settings_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        snapshots = (
            BoardPackSnapshot.objects.filter(plan=self.plan)
            .select_related("period", "created_by")
            .defer("html", "figures", "contents", "pdf")
            .annotate(format=KT("contents__format"))
        )
        packs = []
        for snapshot in snapshots:
            form = PublishForm(prefix=f"pack-{snapshot.pk}")
            if failed and failed[0] == snapshot.pk:
                form = failed[1]
            packs.append({"snapshot": snapshot, "form": form, "publishable": str(snapshot.format) == str(FORMAT)})
        publications = (
            Publication.objects.filter(snapshot__plan=self.plan)
            .select_related("snapshot__period", "published_by", "withdrawn_by")
            .defer("html", "pdf", "snapshot__html", "snapshot__figures", "snapshot__contents", "snapshot__pdf")
        )
        context.update(
            packs=packs,
            failed_form=failed[1] if failed else settings_form,
            publications=publications,
            settings_form=settings_form or PublishingSettingsForm(instance=settings_for(self.plan)),
        )
        return context


class WithdrawView(PublisherMixin, View):
    def post(self, request, *args, **kwargs):
        self.check_publisher()
        publication = get_object_or_404(
            Publication.objects.select_related("snapshot__period").defer(
                "html", "pdf", "snapshot__html", "snapshot__figures", "snapshot__contents", "snapshot__pdf"
            ),
            snapshot__plan=self.plan,
            pk=kwargs["pk"],
        )
        withdraw(publication, request.user)
        messages.success(
            request,
            f"Withdrawn: {publication.snapshot.period.label} for {publication.audience}. "
            "Its address now answers “not found”.",
        )
        return redirect("publications", slug=self.plan.slug)


def live_publication(token: str, *fields: str) -> Publication:
    """The publication at this address, or 404 (never 403) when there is none or it was withdrawn."""
    found = Publication.objects.live().filter(token=token).only("pk", "token", *fields).first()
    if found is None:
        raise Http404("Nothing is published at this address.")
    return found


class PublishedPackView(View):
    """The published pack: no login needed; the stored, redacted HTML and nothing else."""

    def get(self, request, token):
        publication = live_publication(token, "html")
        return public(HttpResponse(publication.html))


class PublishedPackPdfView(View):
    """The published pack's PDF, made by a background worker (plans/publishing/pdf_jobs.py)."""

    def get(self, request, token):
        publication = live_publication(token, "pdf", "audience", "published_at")
        pdf = request_publication_pdf(publication)
        if pdf is None:
            return public(
                render(request, "plans/publishing/pdf_pending.html", {"publication": publication}, status=202)
            )
        response = HttpResponse(pdf, content_type="application/pdf")
        name = slugify(f"board report {publication.audience} {publication.published_at:%Y-%m-%d}")[:80]
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return public(response)


def public(response: HttpResponse) -> HttpResponse:
    """Every published response, page or PDF: kept out of search engines, and asked for afresh each time
    so that a withdrawal takes effect at once."""
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-cache"
    return response
