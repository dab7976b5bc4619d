"""The owner's indicator definitions: add or edit an indicator and tick the measures it evidences.

Glue only: the write goes through plans/owner/indicators.py (save_indicator),
the owner's right comes from OwnerMixin (plans/access.py). Monthly values are
entered on the board's indicators page (plans/board/indicator_entry.py).
"""

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView

from plans.audit import Actor
from plans.models import Action, Indicator, Measure, Outcome, Plan
from plans.owner.indicators import save_indicator
from plans.owner.views import OwnerMixin
from plans.ratings.services import Refused


class IndicatorForm(forms.ModelForm):
    measures = forms.ModelMultipleChoiceField(
        queryset=Measure.objects.none(),
        required=False,
        label="Measures it evidences",
        help_text=(
            "Tick each success measure this indicator gives evidence for. The board dashboard asks about a "
            "measure rated on track while one of its indicators is worsening or behind the comparator."
        ),
    )

    class Meta:
        model = Indicator
        fields = [
            "priority",
            "name",
            "polarity",
            "unit",
            "baseline",
            "baseline_label",
            "comparator",
            "target",
            "ytd",
            "notes",
        ]
        labels = {
            "name": "Indicator",
            "baseline_label": "Baseline's label",
            "comparator": "Comparator (statistical neighbour average)",
            "ytd": "Year to date (YTD)",
        }
        help_texts = {
            "name": "As the board reads it, e.g. “% children seen within 15 days of referral”.",
            "polarity": "Which way is better: the direction of travel and the board's challenges read it.",
            "baseline": "The figure the plan started from.",
            "baseline_label": "The baseline's year, e.g. 2016/17.",
            "comparator": "The statistical neighbours' figure, if known.",
            "target": "The figure the plan aims for, if it sets one.",
            "ytd": "Year to date, as reported (leave blank when the report gives none).",
        }
        widgets = {"name": forms.TextInput, "polarity": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = plan.priorities.all()
        self.fields["priority"].label_from_instance = lambda p: f"{p.number}. {p.title[:90]}"
        self.fields["polarity"].choices = Indicator.Polarity.choices
        self.fields["measures"].queryset = Measure.objects.of_plan(plan).filter(removed=False)
        if self.instance.pk and not self.is_bound:
            self.initial["measures"] = [m.pk for m in self.instance.measures.all()]


def measure_groups(plan: Plan, chosen: set[str]) -> list[dict]:
    """The plan's measures still in it, by priority, for the checkbox list (ticked: `chosen`, as posted pks)."""
    measures = Measure.objects.filter(removed=False)
    priorities = plan.priorities.prefetch_related(
        Prefetch("outcomes", queryset=Outcome.objects.only("id", "priority_id", "order")),
        Prefetch("outcomes__actions", queryset=Action.objects.only("id", "outcome_id", "order")),
        Prefetch("outcomes__actions__measures", queryset=measures.only("id", "action_id", "order", "text")),
    )
    groups = []
    for priority in priorities:
        rows = [
            {"measure": measure, "checked": str(measure.pk) in chosen}
            for outcome in priority.outcomes.all()
            for action in outcome.actions.all()
            for measure in action.measures.all()
        ]
        if rows:
            groups.append({"priority": priority, "rows": rows, "ticked": sum(row["checked"] for row in rows)})
    return groups


class IndicatorFormView(OwnerMixin, FormView):
    """Add (no pk in the URL; ?priority=<number> pre-selects the priority) or edit one indicator."""

    template_name = "plans/owner/indicator_form.html"
    form_class = IndicatorForm

    def dispatch(self, request, *args, **kwargs):
        self.pk = kwargs.get("pk")
        return super().dispatch(request, *args, **kwargs)

    def get_object(self) -> Indicator:
        if not hasattr(self, "_object"):
            scoped = Indicator.objects.filter(priority__plan=self.plan).select_related("priority")
            self._object = get_object_or_404(scoped, pk=self.pk) if self.pk else Indicator()
        return self._object

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(instance=self.get_object(), plan=self.plan)
        return kwargs

    def get_initial(self):
        number = self.request.GET.get("priority", "")
        if not self.pk and number.isdecimal():
            priority = self.plan.priorities.filter(number=int(number)).first()
            if priority is not None:
                return {"priority": priority.pk}
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        chosen = {str(value) for value in (form["measures"].value() or [])}
        indicator = self.get_object()
        context.update(
            indicator=indicator,
            adding=not self.pk,
            groups=measure_groups(self.plan, chosen),
            history=indicator.history.select_related("history_user")[:10] if self.pk else [],
        )
        return context

    def form_valid(self, form):
        indicator = form.save(commit=False)
        try:
            save_indicator(
                indicator,
                measures=form.cleaned_data["measures"],
                among=form.fields["measures"].queryset,
                by=Actor.of_request(self.request),
            )
        except Refused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            return self.form_invalid(form)
        count = len(form.cleaned_data["measures"])
        verb = "added" if not self.pk else "saved"
        messages.success(
            self.request,
            f"Indicator {verb}: {indicator.name[:80]}, evidencing {count} measure{'s' if count != 1 else ''}.",
        )
        return HttpResponseRedirect(
            reverse("board-indicators", args=[self.plan.slug, indicator.priority.number]) + f"#indicator-{indicator.pk}"
        )
