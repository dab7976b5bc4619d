"""The owner's leads pages: the plan's leads, edit one, merge two (with a confirmation step).

Views are glue: the rules and the writes are in plans/owner/leads.py (save_lead, merge_leads).
"""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from plans.audit import Actor
from plans.owner.lead_forms import LeadForm, MergeForm
from plans.owner.leads import merge_leads, plan_leads, save_lead
from plans.owner.views import OwnerMixin
from plans.ratings.services import Refused


class LeadsView(OwnerMixin, TemplateView):
    """The plan's leads with what each leads and oversees, and the form that starts a merge."""

    template_name = "plans/owner/leads.html"
    nav_section = "leads"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["leads"] = list(plan_leads(self.plan))
        context["merge_form"] = MergeForm(plan=self.plan)
        return context


class LeadEditView(OwnerMixin, FormView):
    template_name = "plans/owner/lead_form.html"
    form_class = LeadForm
    nav_section = "leads"

    def get_object(self):
        if not hasattr(self, "_object"):
            # Another plan's lead answers 404: its existence is not revealed to this plan's owner.
            self._object = get_object_or_404(self.plan.leads.all(), pk=self.kwargs["pk"])
        return self._object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object(), "plan": self.plan}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lead = self.get_object()
        context["lead"] = lead
        context["counts"] = lead.__class__.objects.filter(pk=lead.pk).aggregate(
            led=Count("measures_led", distinct=True), overseen=Count("measures_overseen", distinct=True)
        )
        return context

    def form_valid(self, form):
        lead = form.save(commit=False)
        try:
            save_lead(lead, by=Actor.of_request(self.request))
        except Refused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else "aliases_text", refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, f"Lead saved: {lead.name}.")
        return HttpResponseRedirect(reverse("owner-leads", args=[self.plan.slug]) + f"#lead-{lead.pk}")


class LeadMergeView(OwnerMixin, FormView):
    """GET with ?kept=&duplicate= shows what the merge will do; POST with confirm=yes does it."""

    template_name = "plans/owner/lead_merge.html"
    form_class = MergeForm
    nav_section = "leads"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.plan
        if self.request.method == "GET" and self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_bound:
            return HttpResponseRedirect(reverse("owner-leads", args=[self.plan.slug]))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        return self.render_to_response(self.get_context_data(form=form, **self.preview(form)))

    def preview(self, form) -> dict:
        kept, duplicate = form.cleaned_data["kept"], form.cleaned_data["duplicate"]
        moving = list(duplicate.measures_led.with_path())
        overseen = duplicate.measures_overseen.count()
        return {"kept": kept, "duplicate": duplicate, "moving": moving, "overseen": overseen}

    def form_valid(self, form):
        kept, duplicate = form.cleaned_data["kept"], form.cleaned_data["duplicate"]
        if self.request.POST.get("confirm") != "yes":
            return self.render_to_response(self.get_context_data(form=form, **self.preview(form)))
        name = duplicate.name
        try:
            merge_leads(kept, duplicate, by=Actor.of_request(self.request))
        except Refused as refusal:
            form.add_error(None, refusal.message)
            return self.render_to_response(self.get_context_data(form=form, **self.preview(form)))
        messages.success(self.request, f"{name} merged into {kept.name}: “{name}” is now another spelling of it.")
        return HttpResponseRedirect(reverse("owner-leads", args=[self.plan.slug]) + f"#lead-{kept.pk}")
