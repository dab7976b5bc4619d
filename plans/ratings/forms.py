"""Forms a lead fills in: this period's rating with an update, a comment, evidence."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from plans.cells import read_month
from plans.models import Measure
from plans.models.manager import Comment, Evidence
from plans.ratings.services import RatingChange, reason_refusal


def parse_month(text: str) -> date | None:
    """'Mar 2018' or '2018-03' → 1 March 2018 (plans.cells.read_month); blank → None."""
    if not text or not text.strip():
        return None
    month = read_month(text)
    if month is None:
        raise ValidationError("Enter the due month as a year and month, for example Mar 2018 or 2018-03.")
    return month


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label="Rating for this period",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating for this period."},
    )
    update = forms.CharField(
        label="Progress update",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write a progress update."},
    )
    due_month = forms.CharField(
        label="Due month", required=False, widget=forms.TextInput(attrs={"placeholder": "Mar 2018"})
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the rating is at one of the two lowest levels, or when the due month changes.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, measure: Measure, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.levels = sorted(levels, key=lambda level: level.value)
        self.fields["level"].choices = [(str(level.pk), str(level)) for level in self.levels]
        self.low_levels = self.levels[0].scale.levels_needing_reason(self.levels) if self.levels else set()

    def clean_due_month(self):
        return parse_month(self.cleaned_data.get("due_month", ""))

    def clean(self):
        cleaned = super().clean()
        level = self.chosen_level()
        due_changed = "due_month" in cleaned and cleaned["due_month"] != self.measure.due_month
        # The write door's reason rule, asked here too so that the form shows it beside the field.
        if refusal := reason_refusal(level, cleaned.get("reason", ""), self.low_levels, due_moved=due_changed):
            self.add_error("reason", refusal)
        return cleaned

    def chosen_level(self):
        wanted = self.cleaned_data.get("level")
        return next((level for level in self.levels if str(level.pk) == wanted), None)

    def change(self) -> RatingChange:
        return RatingChange(
            level=self.chosen_level(),
            update=self.cleaned_data["update"].strip(),
            reason=self.cleaned_data.get("reason", "").strip(),
            due_month=self.cleaned_data.get("due_month"),
            version=self.cleaned_data["version"],
        )


def rating_initial(measure: Measure, rating, version: int | None = None) -> dict:
    """The form's starting values: the current rating, update and due month."""
    return {
        "level": str(rating.level_id) if rating else None,
        "update": rating.update if rating and rating.update else measure.progress_update,
        "reason": rating.reason if rating else "",
        "due_month": measure.due_month.strftime("%b %Y") if measure.due_month else "",
        "version": measure.version if version is None else version,
    }


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["text"]
        labels = {"text": "Add a comment"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"text": {"required": "Write a comment."}}


class EvidenceForm(forms.ModelForm):
    link = forms.URLField(label="Or a link", required=False, assume_scheme="https", max_length=500)

    class Meta:
        model = Evidence
        fields = ["title", "file", "link"]
        labels = {"title": "What it shows", "file": "File", "link": "Or a link"}
        error_messages = {"title": {"required": "Say what the evidence shows."}}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("link"):
            raise ValidationError("Attach a file or give a link.")
        return cleaned


class SignOffForm(forms.Form):
    """The owner's decision on a submitted rating: approve it, or return it with a comment saying why."""

    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("return", "Return to lead")], required=False)
    comment = forms.CharField(label="Comment", required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") != "approve" and not data.get("comment"):
            raise ValidationError("Say why you are returning the rating (Comment).")
        return data
