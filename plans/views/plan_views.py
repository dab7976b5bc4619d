"""Pages that show plans: the list of plans and one plan with its rollup and rows."""

from itertools import groupby

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.views.generic import ListView, TemplateView

from plans.models import Measure, Plan, PublishedScore, Rating
from plans.permissions import only_reads, visible_plans
from plans.plan_rollup import plan_rollup
from plans.views.access import PlanAccessMixin


class PlanListView(LoginRequiredMixin, ListView):
    model = Plan
    context_object_name = "plans"

    def get(self, request, *args, **kwargs):
        if only_reads(request.user):  # board members land on the portfolio
            return redirect("portfolio")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return visible_plans(self.request.user).select_related("scale").prefetch_related("periods")


class PlanDetailView(PlanAccessMixin, TemplateView):
    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.plan
        periods = list(plan.periods.all())
        rollups = plan_rollup(plan, periods)
        published = {
            (score.period_id, score.priority.number if score.priority else None): score.score
            for score in PublishedScore.objects.filter(plan=plan).select_related("priority")
        }
        measures = (
            Measure.objects.of_plan(plan)
            .with_path()
            .prefetch_related(Prefetch("ratings", queryset=Rating.objects.select_related("level")))
        )
        context.update(
            periods=periods,
            summary=summary_rows(periods, rollups, published),
            overall=[
                cell(period, rollup.overall, published.get((period.pk, None)))
                for period, rollup in zip(periods, rollups, strict=True)
            ],
            priorities=[
                (priority, [row(measure, periods) for measure in rows])
                for priority, rows in groupby(measures, key=lambda m: m.action.outcome.priority)
            ],
        )
        return context


def cell(period, score, published):
    return {"period": period, "score": score, "published": published, "differs": published not in (None, score)}


def summary_rows(periods, rollups, published):
    if not rollups:
        return []
    rows = []
    for index, first in enumerate(rollups[0].priorities):
        scores = [
            cell(period, rollup.priorities[index].score, published.get((period.pk, first.number)))
            for period, rollup in zip(periods, rollups, strict=True)
        ]
        rows.append({"priority": first, "scores": scores})
    return rows


def row(measure, periods):
    by_period = {rating.period_id: rating for rating in measure.ratings.all()}
    return {"measure": measure, "ratings": [by_period.get(period.pk) for period in periods]}
