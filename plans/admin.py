"""The Django admin for every model: search, filters, inlines and simple-history's history pages.

Ratings and the plan's structure (priorities, outcomes, actions, measures) are
changed here through the same write door as everywhere else
(plans/ratings/services.py, plans/owner/structure.py): a rating of a closed
or planned period, a lowest level without a reason, a measure changed since
the page was opened, or a row deleted with closed periods' ratings under it
are refused, as form errors where the form can say so and otherwise as a
message, with nothing saved. Their history rows name the admin as the source.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from plans.audit import Actor
from plans.models import (
    Action,
    BoardPackSnapshot,
    Comment,
    Evidence,
    Indicator,
    IndicatorValue,
    Inspection,
    Lead,
    Level,
    Measure,
    Membership,
    Outcome,
    Period,
    Plan,
    Priority,
    Publication,
    PublishedScore,
    PublishingSettings,
    Rating,
    Recommendation,
    Scale,
)
from plans.owner.indicators import save_indicator
from plans.owner.structure import delete_part, save_measure, save_part
from plans.ratings.services import (
    Conflict,
    MeasureEdit,
    RatingEdit,
    Refused,
    edit_measure,
    period_refusal,
    reason_refusal,
    sentence,
)

# --- The write door in the admin ----------------------------------------------------------------------


def refusal_text(error: Refused | Conflict) -> str:
    if isinstance(error, Conflict):
        return (
            "Someone else changed this measure while you were editing it (it is now at version "
            f"{error.measure.version}): open it again to see their change."
        )
    return error.message


class RatingAdminForm(forms.ModelForm):
    """A rating, checked as the write door will check it, so that a refusal shows beside its field."""

    class Meta:
        model = Rating
        fields = ["measure", "period", "level", "status", "reason", "update"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not self.has_changed():
            return cleaned  # left as it is: an unchanged rating of a closed period in a list is no edit of it
        period = cleaned.get("period") or (self.instance.period if self.instance.period_id else None)
        level = cleaned.get("level")
        if period is not None and (refusal := period_refusal(period)):
            self.add_error(None, sentence(refusal))
        elif period is not None and level is not None:
            low_levels = period.plan.scale.levels_needing_reason()
            if refusal := reason_refusal(level, cleaned.get("reason", ""), low_levels):
                self.add_error("reason" if "reason" in self.fields else None, refusal)
        return cleaned


class RatingChangeForm(RatingAdminForm):
    """The rating's own page: with the measure's version when the page was opened, checked by the door."""

    measure_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["measure_version"].initial = self.instance.measure.version


class MeasureAdminForm(forms.ModelForm):
    """A measure with the version it was opened at, and why its due month moves when it does."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label="Reason for moving the due month",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the due month changes; kept in the measure's history.",
    )

    class Meta:
        model = Measure
        fields = [
            "action",
            "order",
            "text",
            "lead_text",
            "officer_text",
            "leads",
            "officers",
            "time_text",
            "due_month",
            "due_note",
            "progress_update",
            "recommendations",
            "indicators",
            "removed",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "due_month" in cleaned:
            moved = cleaned["due_month"] != Measure.objects.get(pk=self.instance.pk).due_month
            if refusal := reason_refusal(None, cleaned.get("reason", ""), set(), due_moved=moved):
                self.add_error("reason", refusal)
        return cleaned


def rating_through_door(request, rating: Rating, *, version: int | None = None, delete: bool = False) -> None:
    """Add, change or delete one rating through the ratings' write door."""
    level = None if delete else rating.level
    change = RatingEdit(rating.period, level, update=rating.update, status=rating.status)
    edit = MeasureEdit(version=version, ratings=[change], reason="" if delete else rating.reason)
    edit_measure(rating.measure, edit, by=Actor.of_request(request))
    if not delete:
        rating.pk = Rating.objects.get(measure=rating.measure_id, period=rating.period_id).pk
        rating._state.adding = False


def links_of(form: forms.ModelForm | None) -> dict:
    """The form's many-to-many fields, set by the door inside its transaction."""
    if form is None:
        return {}
    many = form._meta.model._meta.many_to_many
    return {field.name: form.cleaned_data[field.name] for field in many if field.name in form.cleaned_data}


def through_door(request, record, form: forms.ModelForm | None) -> None:
    """Save a rating, priority, outcome, action or measure through its write door."""
    data = form.cleaned_data if form is not None else {}
    by = Actor.of_request(request)
    if isinstance(record, Rating):
        rating_through_door(request, record, version=data.get("measure_version"))
    elif isinstance(record, Measure):
        reason = data.get("reason", "")
        save_measure(record, version=data.get("seen_version"), reason=reason, links=links_of(form), by=by)
    else:
        save_part(record, links=links_of(form), by=by)


def delete_through_door(request, record) -> None:
    if isinstance(record, Rating):
        rating_through_door(request, record, delete=True)
    else:
        delete_part(record, by=Actor.of_request(request))


DOOR_MODELS = (Priority, Outcome, Action, Measure, Rating)


class WriteDoorAdmin(SimpleHistoryAdmin):
    """Saves and deletes ratings and the structure (this admin's, and its inlines') through the write door."""

    def save_model(self, request, obj, form, change):
        if isinstance(obj, DOOR_MODELS):
            through_door(request, obj, form)
        else:
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if isinstance(obj, DOOR_MODELS):
            delete_through_door(request, obj)
        else:
            super().delete_model(request, obj)

    def save_related(self, request, form, formsets, change):
        if not isinstance(form.instance, DOOR_MODELS):
            form.save_m2m()  # a door model's links were set by the door, with the record
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.model not in DOOR_MODELS:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete_through_door(request, obj)
        inline_forms = {id(inline.instance): inline for inline in formset.forms}
        for obj in instances:
            # An inline's rating follows its measure's page, whose version the door has just checked.
            inline = inline_forms.get(id(obj))
            through_door(request, obj, inline)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.model in DOOR_MODELS:
            actions.pop("delete_selected", None)  # many at once would bypass the refusals: one at a time
        return actions

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (Refused, Conflict) as error:  # found by the door under its lock: nothing was saved
            self.message_user(request, f"Nothing was saved. {refusal_text(error)}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except (Refused, Conflict) as error:
            self.message_user(request, f"Nothing was deleted. {refusal_text(error)}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def revert_disabled(self, request, obj=None):
        return True  # restoring an old version is a change the door would have to check: not offered

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            self.message_user(request, "Old versions can be read here, not restored.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().history_form_view(request, object_id, version_id, extra_context)


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


@admin.register(Scale)
class ScaleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    inlines = [LevelInline]


@admin.register(Level)
class LevelAdmin(SimpleHistoryAdmin):
    list_display = ["label", "value", "colour", "scale"]
    list_filter = ["scale"]
    search_fields = ["label", "aliases"]


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class PriorityInline(admin.TabularInline):
    model = Priority
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(WriteDoorAdmin):
    list_display = ["title", "organisation", "status", "scale", "owner"]
    list_filter = ["status", "organisation", "scale"]
    search_fields = ["title", "slug", "organisation", "owner_name"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["inspections"]
    inlines = [PeriodInline, MembershipInline, PriorityInline]


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["label", "plan", "order", "status", "starts", "ends"]
    list_filter = ["plan", "status"]
    search_fields = ["label", "plan__title"]


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0
    show_change_link = True
    fields = ["order", "statement"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    show_change_link = True
    fields = ["order", "name", "polarity", "unit", "baseline", "comparator", "target"]


@admin.register(Priority)
class PriorityAdmin(WriteDoorAdmin):
    list_display = ["number", "title", "plan"]
    list_display_links = ["number", "title"]
    list_filter = ["plan"]
    search_fields = ["title"]
    inlines = [OutcomeInline, IndicatorInline]


class ActionInline(admin.StackedInline):
    model = Action
    extra = 0
    show_change_link = True
    fields = ["order", "text", "recommendations"]
    autocomplete_fields = ["recommendations"]


@admin.register(Outcome)
class OutcomeAdmin(WriteDoorAdmin):
    list_display = ["__str__", "priority"]
    list_filter = ["priority__plan", "priority"]
    search_fields = ["statement"]
    autocomplete_fields = ["recommendations"]
    inlines = [ActionInline]


class MeasureInline(admin.StackedInline):
    model = Measure
    extra = 0
    show_change_link = True
    fields = ["order", "text", "lead_text", "officer_text", "time_text", "due_month", "progress_update"]


@admin.register(Action)
class ActionAdmin(WriteDoorAdmin):
    list_display = ["__str__", "outcome"]
    list_filter = ["outcome__priority__plan", "outcome__priority"]
    search_fields = ["text"]
    autocomplete_fields = ["recommendations"]
    inlines = [MeasureInline]


class RatingInline(admin.TabularInline):
    model = Rating
    form = RatingAdminForm
    extra = 0
    fields = ["period", "level", "status", "reason", "update"]


@admin.register(Measure)
class MeasureAdmin(WriteDoorAdmin):
    form = MeasureAdminForm
    list_display = ["__str__", "lead_text", "time_text", "due_month"]
    list_filter = ["action__outcome__priority__plan", "action__outcome__priority", "leads"]
    search_fields = ["text", "lead_text", "officer_text", "progress_update", "action__text"]
    autocomplete_fields = ["leads", "officers", "recommendations", "indicators"]
    inlines = [RatingInline]


@admin.register(Rating)
class RatingAdmin(WriteDoorAdmin):
    form = RatingChangeForm
    list_display = ["measure", "period", "level", "status", "updated"]
    list_filter = ["period__plan", "period", "level"]
    search_fields = ["measure__text", "reason"]
    autocomplete_fields = ["measure"]

    def get_readonly_fields(self, request, obj=None):
        # A rating stays the rating of its measure and period: another period is another rating.
        return ["measure", "period"] if obj is not None else []


@admin.register(Lead)
class LeadAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "role", "email", "user"]
    list_filter = ["plan", ("user", admin.EmptyFieldListFilter)]
    search_fields = ["name", "role", "email"]


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ["council", "body", "published", "judgement"]
    list_filter = ["body", "judgement"]
    search_fields = ["council", "title", "key"]
    inlines = [RecommendationInline]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["number", "inspection", "__str__"]
    list_filter = ["inspection"]
    search_fields = ["text", "inspection__council"]


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "priority", "polarity", "unit"]
    list_filter = ["priority__plan", "polarity", "unit"]
    search_fields = ["name", "notes"]
    inlines = [IndicatorValueInline]

    def save_model(self, request, obj, form, change):
        save_indicator(obj, by=Actor.of_request(request))  # the definition through its door; values are not behind it


@admin.register(PublishedScore)
class PublishedScoreAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "period", "priority", "score"]
    list_filter = ["plan", "period"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "plan", "role"]
    list_filter = ["plan", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "plan__title"]
    autocomplete_fields = ["user"]


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "kind", "author", "created"]
    list_filter = ["kind", "measure__action__outcome__priority__plan"]
    search_fields = ["text", "measure__text"]
    autocomplete_fields = ["measure"]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "measure", "added_by", "created"]
    list_filter = ["measure__action__outcome__priority__plan"]
    search_fields = ["title", "link", "measure__text"]
    autocomplete_fields = ["measure"]


@admin.register(BoardPackSnapshot)
class BoardPackSnapshotAdmin(SimpleHistoryAdmin):
    """Frozen packs are evidence: readable here, never edited."""

    list_display = ["plan", "period", "version", "created"]
    list_filter = ["plan"]
    readonly_fields = ["plan", "period", "version", "figures", "created"]
    exclude = ["html"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PublishingSettings)
class PublishingSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "redact_names"]


@admin.register(Publication)
class PublicationAdmin(SimpleHistoryAdmin):
    list_display = ["snapshot", "audience", "published_by", "withdrawn_at"]
    list_filter = ["snapshot__plan"]
    search_fields = ["audience"]
    readonly_fields = ["snapshot", "token", "redacted", "published_by", "withdrawn_by", "withdrawn_at"]
    exclude = ["html", "pdf"]

    def has_change_permission(self, request, obj=None):
        return False
