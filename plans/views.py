"""Pages that show plans: home, the list of plans and one plan with its rollup and rows."""

from itertools import groupby

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views.generic import ListView, TemplateView

from plans.access import PlanAccessMixin
from plans.models import Measure, Period, Plan, Rating
from plans.owner.filters import MeasureFilter
from plans.permissions import can_start_plan, only_reads, visible_plans
from plans.ratings.my_measures import leads_open_measures
from plans.ratings.views import MyMeasuresView
from plans.rollup.plan import plan_rollup, published_figures


class PlanListView(LoginRequiredMixin, ListView):
    model = Plan
    context_object_name = "plans"

    def get(self, request, *args, **kwargs):
        if only_reads(request.user):  # board members land on the portfolio
            return redirect("portfolio")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return visible_plans(self.request.user).select_related("scale").prefetch_related("periods")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_start_plan=can_start_plan(self.request.user), **kwargs)


def home(request, *args, **kwargs):
    """A lead with measures in an open period lands on My measures; everyone else on the plan list."""
    if leads_open_measures(request.user):
        return MyMeasuresView.as_view()(request, *args, **kwargs)
    return PlanListView.as_view()(request, *args, **kwargs)


RECENT_PERIODS = 6  # the plan page's columns by default: the current period and the five before it
MEASURES_PER_PAGE = 200  # a plan of thousands of measures is read a page at a time


def recent_periods(plan: Plan, periods: list[Period], show_all: bool) -> list[Period]:
    """The periods the plan page shows: all of a short plan's, else the current period and those before it."""
    if show_all or len(periods) <= RECENT_PERIODS:
        return periods
    current = plan.current_period(periods)
    end = periods.index(current) + 1 if current in periods else len(periods)
    return periods[max(0, end - RECENT_PERIODS) : max(end, RECENT_PERIODS)]


class PlanDetailView(PlanAccessMixin, TemplateView):
    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.plan
        all_periods = list(plan.periods.all())
        periods = recent_periods(plan, all_periods, self.request.GET.get("periods") == "all")
        rollups = plan_rollup(plan, periods)
        published = published_figures(plan)
        filterset = MeasureFilter(
            self.request.GET, queryset=Measure.objects.of_plan(plan), plan=plan, periods=all_periods
        )
        page = Paginator(filterset.qs.with_path().with_overdue(), MEASURES_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        shown = shown_levels(plan, list(page.object_list), periods)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=filterset,
            shown=page.paginator.count,
            page=page,
            query=query.urlencode(),
            in_plan=Measure.objects.of_plan(plan).filter(removed=False).count() if filterset.is_filtered else None,
            periods=periods,
            all_periods=all_periods,
            summary=summary_rows(periods, rollups, published),
            overall=[
                cell(period, rollup.overall, published.get((period.pk, None)), rollup.counts)
                for period, rollup in zip(periods, rollups, strict=True)
            ],
            priorities=[
                (priority, [row(measure, periods, shown[measure.pk]) for measure in rows])
                for priority, rows in groupby(page.object_list, key=lambda m: m.action.outcome.priority)
            ],
        )
        return context


def cell(period, score, published, counts=()):
    """A summary cell: the score (None on a word scale, whose `counts` at each word say it instead)."""
    return {
        "period": period,
        "score": score,
        "published": published,
        "differs": published not in (None, score),
        "counts": counts,
    }


def summary_rows(periods, rollups, published):
    if not rollups:
        return []
    rows = []
    for index, first in enumerate(rollups[0].priorities):
        scores = [
            cell(
                period,
                rollup.priorities[index].score,
                published.get((period.pk, first.number)),
                rollup.priorities[index].counts,
            )
            for period, rollup in zip(periods, rollups, strict=True)
        ]
        rows.append({"priority": first, "scores": scores})
    return rows


def shown_levels(plan, measures, periods) -> dict[int, dict[int, object]]:
    """{measure id: {period id: the level it was rated at}} for the measures and periods shown, in one query.

    Read as ids and matched to the plan's levels (already read with the plan): a page of two hundred
    measures by six periods would otherwise build over a thousand Rating and Level instances to show a colour.
    """
    levels = {level.pk: level for level in plan.scale.levels.all()}
    shown: dict[int, dict[int, object]] = {measure.pk: {} for measure in measures}
    rows = Rating.objects.filter(measure_id__in=list(shown), period__in=periods).order_by()
    for measure_id, period_id, level_id in rows.values_list("measure_id", "period_id", "level_id"):
        shown[measure_id][period_id] = levels[level_id]
    return shown


def row(measure, periods, levels):
    """A measure's cells on the plan page; overdue by its latest rating in any period (the Overdue filter's rule).

    `levels`: {period id: level} of the measure's ratings (shown_levels).
    """
    return {
        "measure": measure,
        "levels": [levels.get(period.pk) for period in periods],
        "overdue": measure.is_overdue,
    }
