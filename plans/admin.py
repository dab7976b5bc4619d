"""The Django admin for every model: search, filters, inlines and simple-history's history pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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
class PlanAdmin(SimpleHistoryAdmin):
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
class PriorityAdmin(SimpleHistoryAdmin):
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
class OutcomeAdmin(SimpleHistoryAdmin):
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
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "outcome"]
    list_filter = ["outcome__priority__plan", "outcome__priority"]
    search_fields = ["text"]
    autocomplete_fields = ["recommendations"]
    inlines = [MeasureInline]


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    fields = ["period", "level", "status", "reason", "update"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "lead_text", "time_text", "due_month"]
    list_filter = ["action__outcome__priority__plan", "action__outcome__priority", "leads"]
    search_fields = ["text", "lead_text", "officer_text", "progress_update", "action__text"]
    autocomplete_fields = ["leads", "officers", "recommendations", "indicators"]
    inlines = [RatingInline]


@admin.register(Rating)
class RatingAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "period", "level", "status", "updated"]
    list_filter = ["period__plan", "period", "level"]
    search_fields = ["measure__text", "reason"]
    autocomplete_fields = ["measure"]


@admin.register(Lead)
class LeadAdmin(SimpleHistoryAdmin):
    list_display = ["name", "role", "email", "user"]
    list_filter = [("user", admin.EmptyFieldListFilter)]
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
