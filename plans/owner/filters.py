"""Filtering a plan's measures (django-filter): every choice lives in the query string.

A filtered view can therefore be bookmarked and shared: `?lead=12&overdue=on`
is "S Murphy's overdue measures". Removed measures are left out unless asked for.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from plans.models import Lead, Level, Measure, Period, Plan, Priority, Rating, Recommendation

REMOVED_CHOICES = [("removed", "Removed measures only"), ("all", "Current and removed")]


# A search is bounded so that it always answers quickly: each word is one more pass over every measure's
# texts and updates (990 words took SQLite 4.4 s, then "Expression tree is too large").
SEARCH_MAX_WORDS = 20
SEARCH_MAX_LENGTH = 200


def within_search_words(text: str) -> None:
    if len(text.split()) > SEARCH_MAX_WORDS:
        raise forms.ValidationError(f"Use {SEARCH_MAX_WORDS} words or fewer.")


class ReadOnce(django_filters.fields.ModelChoiceIterator):
    """A select's choices: the rows the page has read already, else one ordinary query.

    Django reads a model choice field's rows through QuerySet.iterator(): on
    PostgreSQL a server-side cursor (declare, fetch, close) for a plan's few
    dozen priorities, leads or periods, five times on the plan page, two of
    them for periods and levels the page has in hand. Choices come in the
    order django-filter gives them; a chosen value is still checked against
    the queryset.
    """

    def __iter__(self):
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset if self.field.rows is None else self.field.rows:
            yield self.choice(obj)


class ChoiceField(django_filters.fields.ModelChoiceField):
    iterator = ReadOnce

    def __init__(self, *args, rows: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows  # the queryset's rows, in its order, when they were read already


class ChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ChoiceField


class MeasureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Words in the outcome, action, measure or an update.",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": SEARCH_MAX_LENGTH}),
        max_length=SEARCH_MAX_LENGTH,
        validators=[within_search_words],
        error_messages={"max_length": f"Use {SEARCH_MAX_LENGTH} characters or fewer."},
    )
    priority = ChoiceFilter(
        label="Priority", field_name="action__outcome__priority", queryset=Priority.objects.none(), empty_label="All"
    )
    lead = ChoiceFilter(label="Lead", field_name="leads", queryset=Lead.objects.none(), empty_label="Anyone")
    level = ChoiceFilter(label="Rating", queryset=Level.objects.none(), method="rated_at", empty_label="Any")
    period = ChoiceFilter(
        label="Period for the rating",
        queryset=Period.objects.none(),
        method="ignore",
        empty_label="Current period",
        help_text="The period the rating filter looks at.",
    )
    recommendation = ChoiceFilter(
        label="Answers recommendation", queryset=Recommendation.objects.none(), method="answers", empty_label="Any"
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue", method="only_overdue", widget=forms.CheckboxInput, help_text="Due month passed, not complete."
    )
    not_updated = django_filters.BooleanFilter(
        label="Not yet updated this period",
        method="only_not_updated",
        widget=forms.CheckboxInput,
        help_text="No rating in the open period.",
    )
    removed = django_filters.ChoiceFilter(
        label="Removed measures", choices=REMOVED_CHOICES, method="removed_only", empty_label="Current measures only"
    )

    class Meta:
        model = Measure
        fields: list[str] = []

    def __init__(self, data=None, *args, plan: Plan, periods: list[Period], **kwargs):
        super().__init__(data, *args, **kwargs)
        self.plan = plan
        self.periods = periods
        filters = self.filters
        filters["priority"].queryset = plan.priorities.all()
        filters["lead"].queryset = Lead.objects.filter(plan=plan, measures_led__isnull=False).distinct()
        filters["level"].queryset = plan.scale.levels.all()
        filters["level"].extra["rows"] = list(plan.scale.levels.all())  # read with the plan (Plan.with_scale)
        filters["period"].queryset = plan.periods.all()
        filters["period"].extra["rows"] = periods
        filters["recommendation"].queryset = Recommendation.objects.filter(inspection__plans=plan).select_related(
            "inspection"
        )

    @property
    def chosen_period(self) -> Period | None:
        chosen = self.form.cleaned_data.get("period") if self.form.is_valid() else None
        return chosen or self.plan.current_period(self.periods)

    @property
    def is_filtered(self) -> bool:
        return self.form.is_valid() and any(self.form.cleaned_data.get(name) for name in self.filters)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("removed"):
            queryset = queryset.filter(removed=False)
        return super().filter_queryset(queryset)

    def ignore(self, queryset, name, value):
        return queryset

    def removed_only(self, queryset, name, value):
        return queryset.filter(removed=True) if value == "removed" else queryset

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            in_updates = Rating.objects.filter(measure=OuterRef("pk"), update__icontains=word)
            queryset = queryset.filter(
                Q(text__icontains=word)
                | Q(action__text__icontains=word)
                | Q(action__outcome__statement__icontains=word)
                | Q(progress_update__icontains=word)
                | Exists(in_updates)
            )
        return queryset

    def rated_at(self, queryset, name, value):
        period = self.chosen_period
        return queryset.filter(Exists(Rating.objects.filter(measure=OuterRef("pk"), period=period, level=value)))

    def answers(self, queryset, name, value):
        return queryset.filter(
            Q(recommendations=value) | Q(action__recommendations=value) | Q(action__outcome__recommendations=value)
        ).distinct()

    def only_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset

    def only_not_updated(self, queryset, name, value):
        period = self.plan.open_period(self.periods)
        if not value or period is None:
            return queryset
        return queryset.not_rated_in(period)
