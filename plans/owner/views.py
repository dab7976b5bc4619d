"""Plan owners' pages: reporting periods, missing updates, the plan's structure, a new plan.

Views are glue: permissions come from PlanAccessMixin (require_manage) and
plans/permissions.py, the rules from plans/owner/periods.py, plans/owner/reminders.py,
plans/owner/structure.py and plans/owner/plan_start.py.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from plans.access import PlanAccessMixin, StartPlanMixin
from plans.audit import Actor
from plans.models import Action, Measure, Outcome, Period, Priority, Rating
from plans.owner import periods as period_rules
from plans.owner.forms import (
    ActionForm,
    DeadlineForm,
    MeasureForm,
    NewPlanForm,
    OpenPeriodForm,
    OutcomeForm,
    PriorityForm,
    ReopenPeriodForm,
)
from plans.owner.plan_start import start_plan
from plans.owner.reminder_jobs import next_plan_reminder, send_plan_reminders
from plans.owner.reminders import missing_updates
from plans.owner.structure import plan_recommendations, save_measure_from_form, save_part
from plans.ratings.services import Conflict, Refused
from plans.ratings.timeline import last_change


class OwnerMixin(PlanAccessMixin):
    require_manage = True


# --- Reporting periods ---------------------------------------------------------------------------


class PeriodsView(OwnerMixin, TemplateView):
    template_name = "plans/owner/periods.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        periods = list(self.plan.periods.all())
        rated = dict(
            Rating.objects.filter(period__plan=self.plan)
            .values("period_id")
            .annotate(n=Count("id"))
            .values_list("period_id", "n")
        )
        history = (
            Period.history.filter(plan_id=self.plan.pk).select_related("history_user").order_by("-history_date")[:12]
        )
        context.update(
            periods=[(period, rated.get(period.pk, 0), self.deadline_form(period, **kwargs)) for period in periods],
            measures=Measure.objects.of_plan(self.plan).filter(removed=False).count(),
            open_period=self.plan.open_period(periods),
            next_planned=period_rules.next_planned(periods),
            open_form=kwargs.get("open_form") or OpenPeriodForm(),
            reopen_form=kwargs.get("reopen_form") or ReopenPeriodForm(),
            reopen_target=kwargs.get("reopen_target"),
            history=history,
        )
        return context

    def post(self, request, *args, **kwargs):
        """One endpoint for the three buttons: open the next period, close one, reopen one."""
        action = request.POST.get("action")
        try:
            if action == "open":
                form = OpenPeriodForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(open_form=form))
                period = period_rules.open_next_period(
                    self.plan, form.cleaned_data["label"], form.cleaned_data["deadline"]
                )
                due = f" Updates are due by {period.deadline:%-d %B %Y}." if period.deadline else ""
                messages.success(request, f"{period.label} is open: leads can now rate their measures.{due}")
            elif action == "close":
                period = self.get_period(request.POST.get("period"))
                period_rules.close_period(period)
                messages.success(request, f"{period.label} is closed: its ratings are now read-only.")
            elif action == "reopen":
                period = self.get_period(request.POST.get("period"))
                form = ReopenPeriodForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(reopen_form=form, reopen_target=period))
                period_rules.reopen_period(period, form.cleaned_data["reason"])
                messages.success(request, f"{period.label} is open again; the reason is kept in its history.")
            elif action == "deadline":
                return self.set_deadline(request)
            else:
                messages.error(request, "Nothing was changed: choose open, close or reopen.")
        except period_rules.PeriodError as error:
            messages.error(request, f"Nothing was changed. {error}")
        return redirect("owner-periods", self.plan.slug)

    @staticmethod
    def deadline_form(period: Period, deadline_form=None, deadline_target=None, **kwargs) -> DeadlineForm | None:
        """The period's deadline form (the one just refused, with its errors), or None for a closed period."""
        if period.is_closed:
            return None
        if deadline_target is not None and deadline_target.pk == period.pk:
            return deadline_form
        return DeadlineForm(prefix=f"period-{period.pk}", initial={"deadline": period.deadline})

    def set_deadline(self, request):
        period = self.get_period(request.POST.get("period"))
        form = DeadlineForm(request.POST, prefix=f"period-{period.pk}")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(deadline_form=form, deadline_target=period))
        deadline = form.cleaned_data["deadline"]
        period_rules.set_deadline(period, deadline, by=Actor.of_request(request))
        if deadline:
            messages.success(request, f"{period.label}: updates are due by {deadline:%-d %B %Y}.")
        else:
            messages.success(request, f"{period.label} has no deadline now.")
        return redirect("owner-periods", self.plan.slug)

    def get_period(self, pk) -> Period:
        try:  # read by a form field: "²" passes str.isdigit() but is no id
            pk = forms.IntegerField(min_value=1).clean(pk)
        except ValidationError as error:
            raise period_rules.PeriodError("Choose a period.") from error
        return get_object_or_404(Period, pk=pk, plan=self.plan)


# --- Missing updates -----------------------------------------------------------------------------


class MissingUpdatesView(OwnerMixin, TemplateView):
    template_name = "plans/owner/missing_updates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.plan.open_period()
        groups = missing_updates(self.plan, period)
        context.update(
            period=period,
            groups=groups,
            outstanding=len({measure.pk for group in groups for measure in group.measures}),
            reachable=sum(1 for group in groups if group.email),
            # Every measure listed is outstanding, so all are late once the deadline has passed (MeasureQuerySet.late)
            late=period is not None and period.deadline_passed(),
            next_reminders=next_plan_reminder(self.plan),
        )
        return context

    def post(self, request, *args, **kwargs):
        """Send now, confirmed on its preview (settings_views.ReminderPreviewView): this plan's digests, queued
        for a worker (sending never holds up the page)."""
        groups = missing_updates(self.plan, self.plan.open_period())
        reachable = sum(1 for group in groups if group.email)
        if not reachable:
            messages.error(request, "Nothing was sent: no lead who owes an update has an email address.")
        else:
            send_plan_reminders.enqueue(self.plan.pk, request.build_absolute_uri("/"))
            messages.success(
                request,
                f"Reminders are on their way to {reachable} lead{'s' if reachable != 1 else ''}: "
                "each gets one email listing what they owe.",
            )
        return redirect("owner-missing-updates", self.plan.slug)


# --- The plan's structure ------------------------------------------------------------------------


class StructureView(OwnerMixin, TemplateView):
    template_name = "plans/owner/structure.html"
    nav_section = "structure"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["priorities"] = self.plan.priorities.prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.prefetch_related("recommendations")),
            Prefetch("outcomes__actions", queryset=Action.objects.prefetch_related("recommendations")),
            "outcomes__actions__measures",
        )
        return context


class StructureFormView(OwnerMixin, FormView):
    """Add (no pk in the URL) or edit one row of the plan's tree."""

    template_name = "plans/owner/structure_form.html"
    nav_section = "structure"
    model = None
    noun = ""
    parent_field = ""  # a ?<parent>=<pk> link pre-selects the parent when adding

    def dispatch(self, request, *args, **kwargs):
        self.pk = kwargs.get("pk")
        return super().dispatch(request, *args, **kwargs)

    def scoped(self):
        raise NotImplementedError

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(self.scoped(), pk=self.pk) if self.pk else self.model()
        return self._object

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(instance=self.get_object(), plan=self.plan)
        if self.form_class is not PriorityForm:
            kwargs["recommendations"] = plan_recommendations(self.plan)
        return kwargs

    def get_initial(self):
        parent = self.request.GET.get(self.parent_field, "")
        return {self.parent_field: parent} if self.parent_field and parent.isdigit() else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(noun=self.noun, object=self.get_object(), adding=not self.pk)
        return context

    def form_valid(self, form):
        try:
            saved = self.save(form)
        except Conflict as conflict:
            form.add_error(None, conflict_message(self.noun, conflict, self.request.user))
            return self.form_invalid(form)
        except Refused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            return self.form_invalid(form)
        verb = "added" if not self.pk else "saved"
        messages.success(self.request, f"{self.noun.capitalize()} {verb}: {str(saved)[:80]}")
        return HttpResponseRedirect(self.get_success_url())

    def save(self, form):
        """Through the structure's write door: the row and its links in one transaction, with history."""
        record = form.save(commit=False)
        links = {"recommendations": form.cleaned_data["recommendations"]} if "recommendations" in form.fields else {}
        return save_part(record, links=links, by=Actor.of_request(self.request))

    def get_success_url(self):
        return reverse("owner-structure", args=[self.plan.slug])


class PriorityFormView(StructureFormView):
    model, form_class, noun = Priority, PriorityForm, "priority"

    def scoped(self):
        return self.plan.priorities.all()


class OutcomeFormView(StructureFormView):
    model, form_class, noun, parent_field = Outcome, OutcomeForm, "outcome", "priority"

    def scoped(self):
        return Outcome.objects.filter(priority__plan=self.plan)


class ActionFormView(StructureFormView):
    model, form_class, noun, parent_field = Action, ActionForm, "action", "outcome"

    def scoped(self):
        return Action.objects.filter(outcome__priority__plan=self.plan)


class MeasureFormView(StructureFormView):
    model, form_class, noun, parent_field = Measure, MeasureForm, "measure", "action"

    def scoped(self):
        return Measure.objects.of_plan(self.plan)

    def save(self, form):
        measure = form.save(commit=False)
        data = form.cleaned_data
        return save_measure_from_form(
            measure,
            leads=data["leads"],
            new_leads=data["new_leads"],
            officer_text=data["officer_text"],
            recommendations=data["recommendations"],
            version=data.get("version"),
            reason=data.get("reason", ""),
            by=Actor.of_request(self.request),
        )

    def get_success_url(self):
        return reverse("owner-structure", args=[self.plan.slug]) + f"#measure-{self.get_object().pk}"


# --- A new plan from an inspection ---------------------------------------------------------------


class NewPlanView(StartPlanMixin, FormView):
    template_name = "plans/owner/new_plan.html"
    form_class = NewPlanForm

    def form_valid(self, form):
        plan = start_plan(self.request.user, form.cleaned_data, form.parsed)
        count = len(form.parsed)
        messages.success(
            self.request,
            f"{plan.title} started from {count} recommendation{'s' if count != 1 else ''}. "
            "Add its priorities, outcomes and actions, then open its first period.",
        )
        return redirect("owner-structure", plan.slug)


def conflict_message(noun: str, conflict: Conflict, user) -> str:
    """Why an edit based on an old version was not saved: by someone else, or by the same user in another tab."""
    last = last_change(conflict.measure) if isinstance(conflict.measure, Measure) else None
    if last and last.who is not None and last.who.pk == user.pk:
        at = f" at {timezone.localtime(last.when):%H:%M}" if last.when else ""
        return (
            f"You changed this {noun} in another tab or window{at}, after opening this form; nothing from this "
            "form was saved. Open it again to see that change."
        )
    return (
        f"Someone else changed this {noun} while you were editing it (it is now at version "
        f"{conflict.measure.version}); nothing of yours was saved. Open it again to see their change."
    )
