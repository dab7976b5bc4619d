"""The owner's forms for publishing: publish a frozen pack for an audience; the redaction setting."""

from django import forms

from plans.models import PublishingSettings
from plans.publishing.services import clean_audience


class PublishForm(forms.Form):
    """Publish one frozen pack; each pack's form has its own prefix so its errors show beside it."""

    audience = forms.CharField(
        label="Published for",
        max_length=200,
        error_messages={"required": "Say who it is published for, for example “Public”."},
        help_text="For example “Children's Services Overview and Scrutiny Committee” or “Public”.",
    )

    def clean_audience(self) -> str:
        try:
            return clean_audience(self.cleaned_data["audience"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["audience"]) from error


class PublishingSettingsForm(forms.ModelForm):
    class Meta:
        model = PublishingSettings
        fields = ["redact_names"]
        labels = {"redact_names": "Name officers by their roles, and leave out free text, in everything published"}
        help_texts = {
            "redact_names": "Each lead is shown by their role, or as “Officer” when no role is recorded. Progress "
            "updates, the reasons given for ratings and the notes on indicators are left out: they are written "
            "freely and may name anyone. Applies to packs published after you save; what is already published "
            "does not change."
        }
