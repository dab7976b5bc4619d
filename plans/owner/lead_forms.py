"""The owner's forms for a plan's leads: edit one, and pick two to merge."""

from django import forms

from plans.models import Lead, Plan
from plans.owner.leads import lead_logins


def login_label(user) -> str:
    return f"{user.get_full_name() or user.username} ({user.username})"


class LeadForm(forms.ModelForm):
    aliases_text = forms.CharField(
        label="Other spellings",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='One per line, as the plan\'s Lead cells write this person, e.g. "S Murphy". '
        "An imported workbook's cells are matched by name or by any of these.",
    )

    class Meta:
        model = Lead
        fields = ["name", "role", "email", "user"]
        labels = {"user": "Their login", "email": "Email for reminders"}
        help_texts = {
            "role": "Their job title; a redacted report shows it instead of their name.",
            "email": "Reminders of missing updates go here (else to their login's address).",
            "user": "Linked to a login of this plan's members, they can rate the measures they lead.",
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = lead_logins(plan)
        self.fields["user"].empty_label = "No login"
        self.fields["user"].label_from_instance = login_label
        self.fields["aliases_text"].initial = "\n".join(self.instance.aliases or [])

    def clean(self):
        cleaned = super().clean()
        self.instance.aliases = [line for line in cleaned.get("aliases_text", "").splitlines() if line.strip()]
        return cleaned

    def _post_clean(self):
        # The plan's uniqueness of names and aliases is the write door's check (save_lead), with its message.
        self._validate_unique = False
        super()._post_clean()


class MergeForm(forms.Form):
    kept = forms.ModelChoiceField(
        queryset=Lead.objects.none(),
        label="Keep this lead",
        empty_label="Choose the lead to keep",
        help_text="Its name stays; it takes over the other lead's measures.",
    )
    duplicate = forms.ModelChoiceField(
        queryset=Lead.objects.none(),
        label="Merge into it, then delete",
        empty_label="Choose the duplicate",
        help_text="Its name becomes another spelling of the kept lead.",
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kept", "duplicate"):
            self.fields[name].queryset = plan.leads.all()

    def clean(self):
        cleaned = super().clean()
        kept, duplicate = cleaned.get("kept"), cleaned.get("duplicate")
        if kept is not None and kept == duplicate:
            self.add_error("duplicate", "Choose a different lead from the one you keep.")
        return cleaned
