"""Forms for plan owners: periods, the plan's structure and a new plan from an inspection.

Every field has a label; errors name the field, and the templates list them
in an error summary at the top of the page (the GOV.UK pattern).
"""

from django import forms
from django.db.models import Max
from django.utils.text import slugify

from plans.cells import parse_due_month
from plans.models import Action, Inspection, Lead, Measure, Outcome, Plan, Priority, Scale
from plans.owner.recommendation_text import RecommendationTextError, parse_recommendations
from plans.ratings.services import reason_refusal

RESERVED_SLUGS = {"new"}  # /plans/new/ starts a plan


DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]


def deadline_field(label: str = "Deadline for updates") -> forms.DateField:
    """A day typed as 31/01/2018: read the same in every browser (a date picker shows the browser's own
    locale, which is mm/dd/yyyy in a US-English one)."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "dd/mm/yyyy", "size": 10},
            format="%d/%m/%Y",
        ),
        help_text="For example 31/01/2018: the day leads' updates are due. After it, a measure not yet rated "
        "shows as late. Leave blank for no deadline.",
        error_messages={"invalid": "Enter a real date, for example 31/01/2018."},
    )


class OpenPeriodForm(forms.Form):
    label = forms.CharField(
        label="Label of the new period",
        max_length=40,
        required=False,
        help_text="As it will head the RAG column, e.g. 07/18.",
    )
    deadline = deadline_field()


class DeadlineForm(forms.Form):
    deadline = deadline_field()


class ReopenPeriodForm(forms.Form):
    reason = forms.CharField(
        label="Why reopen it?",
        max_length=500,
        help_text="Kept in the period's history, with your name.",
        widget=forms.TextInput,
    )


class OrderOptional:
    """A blank order keeps the row where it was (or puts a new one first)."""

    def clean_order(self):
        order = self.cleaned_data.get("order")
        return order if order is not None else (self.instance.order or 0)


def optional_order(form: forms.ModelForm) -> None:
    form.fields["order"].required = False


class PriorityForm(forms.ModelForm):
    class Meta:
        model = Priority
        fields = ["number", "title"]
        widgets = {"title": forms.TextInput}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        if not self.instance.pk and self.initial.get("number") is None:
            # A new priority is numbered after the plan's last one: 1 for a plan's first priority.
            last = plan.priorities.aggregate(last=Max("number"))["last"] or 0
            self.initial["number"] = last + 1

    def clean_number(self):
        number = self.cleaned_data["number"]
        taken = self.plan.priorities.filter(number=number).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"Priority {number} already exists in this plan: choose another number.")
        return number


class RecommendationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.inspection.council} {obj.number}: {obj.text[:90]}"


def recommendations_field() -> RecommendationsField:
    return RecommendationsField(
        queryset=None,
        required=False,
        label="Inspection recommendations it answers",
        help_text="Tick each one it answers.",
        widget=forms.CheckboxSelectMultiple,
    )


class OutcomeForm(OrderOptional, forms.ModelForm):
    recommendations = recommendations_field()

    class Meta:
        model = Outcome
        fields = ["priority", "statement", "recommendations", "order"]
        help_texts = {"order": "Position among the priority's outcomes; lower comes first."}

    def __init__(self, *args, plan: Plan, recommendations, **kwargs):
        super().__init__(*args, **kwargs)
        optional_order(self)
        self.fields["priority"].queryset = plan.priorities.all()
        self.fields["recommendations"].queryset = recommendations


class ActionForm(OrderOptional, forms.ModelForm):
    recommendations = recommendations_field()

    class Meta:
        model = Action
        fields = ["outcome", "text", "recommendations", "order"]
        help_texts = {"order": "Position among the outcome's actions; lower comes first."}
        labels = {"text": "Action"}

    def __init__(self, *args, plan: Plan, recommendations, **kwargs):
        super().__init__(*args, **kwargs)
        optional_order(self)
        self.fields["outcome"].queryset = Outcome.objects.filter(priority__plan=plan).select_related("priority")
        self.fields["outcome"].label_from_instance = lambda o: f"{o.priority.number}. {o.statement[:90]}"
        self.fields["recommendations"].queryset = recommendations


class MeasureForm(OrderOptional, forms.ModelForm):
    leads = forms.ModelMultipleChoiceField(
        queryset=Lead.objects.none(),
        required=False,
        label="Leads",
        help_text="Tick the existing leads; type any others below.",
        widget=forms.CheckboxSelectMultiple,
    )
    new_leads = forms.CharField(
        label="Other leads (type names)",
        required=False,
        max_length=300,
        help_text='People or roles not in the list, separated by "/", e.g. "J Cooke / Head of Service CP".',
    )
    officer_text = forms.CharField(label="Responsible officer", required=False, max_length=300)
    recommendations = recommendations_field()
    reason = forms.CharField(
        label="Reason for moving the due month",
        required=False,
        max_length=500,
        help_text="Needed when the Time you enter moves the due month; kept in the measure's history.",
    )
    # The version the form was opened at: a save after someone else's is a conflict, not an overwrite.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Measure
        fields = ["action", "order", "text", "time_text", "removed"]
        labels = {"time_text": "Time", "removed": "Removed from the plan"}
        help_texts = {
            "time_text": 'As written, e.g. "Jan-18", "Ongoing". The due month is read from it.',
            "order": "Position among the action's measures; lower comes first.",
        }

    field_order = [
        "action",
        "text",
        "leads",
        "new_leads",
        "officer_text",
        "time_text",
        "reason",
        "recommendations",
        "order",
        "removed",
    ]

    def __init__(self, *args, plan: Plan, recommendations, **kwargs):
        super().__init__(*args, **kwargs)
        optional_order(self)
        self.fields["action"].queryset = Action.objects.filter(outcome__priority__plan=plan).select_related(
            "outcome__priority"
        )
        self.fields["action"].label_from_instance = lambda a: f"{a.outcome.priority.number}. {a.text[:90]}"
        self.fields["recommendations"].queryset = recommendations
        self.fields["leads"].queryset = plan.leads.all()  # only the plan's own leads can be attached
        if self.instance.pk:
            self.fields["officer_text"].initial = self.instance.officer_text
            self.fields["leads"].initial = list(self.instance.leads.all())
            self.fields["recommendations"].initial = list(self.instance.recommendations.all())
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["reason"]  # a new measure has no due month to move

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "time_text" in cleaned:
            # The write door's reason rule, asked here too so that the form shows it beside the field.
            moved = parse_due_month(cleaned["time_text"]).month != self.instance.due_month
            if refusal := reason_refusal(None, cleaned.get("reason", ""), set(), due_moved=moved):
                self.add_error("reason", refusal)
        return cleaned


def new_plan_slug(form: forms.Form, cleaned: dict) -> str:
    """The new plan's short name (typed, or made from its title); an error on the slug field if it cannot be used."""
    slug = cleaned.get("slug") or slugify(cleaned.get("title", ""))[:50]
    if not slug:
        form.add_error("slug", "Give the plan a short name made of letters and numbers.")
    elif slug in RESERVED_SLUGS:
        form.add_error("slug", f'"{slug}" is reserved by the site: choose another short name.')
    elif Plan.objects.filter(slug=slug).exists():
        form.add_error("slug", f'A plan called "{slug}" already exists: choose another short name.')
    return slug


class NewPlanForm(forms.Form):
    """An inspection with its numbered recommendations, and the plan that will answer them."""

    council = forms.CharField(label="Council", max_length=200)
    body = forms.CharField(label="Inspected by", max_length=200, initial="Ofsted")
    inspection_title = forms.CharField(label="Report title", max_length=300)
    published = forms.DateField(
        label="Published",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"],
        help_text="For example 13/02/2017.",
    )
    judgement = forms.CharField(label="Overall judgement", max_length=100, required=False)
    recommendations_text = forms.CharField(
        label="Recommendations",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Paste the report's numbered recommendations (1., 2., 3.…); the whole report works too.",
    )
    title = forms.CharField(label="Plan title", max_length=300)
    slug = forms.SlugField(
        label="Short name for the address", max_length=50, required=False, help_text="Letters, numbers and hyphens."
    )
    organisation = forms.CharField(label="Organisation", max_length=200, help_text="Shown in the page header.")
    scale = forms.ModelChoiceField(queryset=Scale.objects.all(), label="Rating scale", empty_label=None)

    def clean_recommendations_text(self):
        text = self.cleaned_data["recommendations_text"]
        try:
            self.parsed = parse_recommendations(text)
        except RecommendationTextError as error:
            raise forms.ValidationError(str(error)) from None
        return text

    def clean(self):
        cleaned = super().clean()
        if self.errors.get("title") or self.errors.get("slug"):
            return cleaned
        slug = cleaned["slug"] = new_plan_slug(self, cleaned)
        key = slugify(f"{cleaned.get('council', '')}-{cleaned.get('published') or ''}")[:50] or slug
        base, n = key, 2
        while Inspection.objects.filter(key=key).exists():
            key, n = f"{base}-{n}"[:50], n + 1
        cleaned["inspection_key"] = key
        return cleaned
