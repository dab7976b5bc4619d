"""The board's pages: dashboard, indicators, recommendations coverage, the board pack. Glue only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views import View
from django.views.generic import RedirectView, TemplateView

from plans import permissions
from plans.access import PlanAccessMixin
from plans.board import charts
from plans.board.as_at import load_state_as_at
from plans.board.coverage import plan_coverage
from plans.board.evidence import evidence
from plans.board.forms import AsAt, AsAtForm, PackQueryForm
from plans.board.indicator_entry import record_value
from plans.board.indicator_table import indicator_rows
from plans.board.pack import frozen_pack_context, pack_context, render_pack
from plans.board.pack_jobs import request_pdf
from plans.board.pack_workbook import pack_workbook
from plans.board.report import committee_report
from plans.board.state import (
    compare,
    compared_periods,
    default_periods,
    headline_periods,
    load_state,
    period_labelled,
)
from plans.models import BoardPackSnapshot, IndicatorValue, Measure, PackRender, Period, Recommendation
from plans.query import cleaned
from plans.rollup.plan import plan_rollup
from plans.views import MEASURES_PER_PAGE, recent_periods


def read_as_at(request) -> AsAt | None:
    """The moment ?as_at= (and ?time=) ask for, or None; a bad value is a message naming the field."""
    form = AsAtForm(request.GET)
    for error in form.messages():
        messages.error(request, error)
    return form.chosen()


class ComparisonMixin(PlanAccessMixin):
    """Reads ?previous=&current= (period labels) and ?as_at= (a day or a moment) into self.comparison."""

    def get_comparison(self):
        request = self.request
        as_at = read_as_at(request)
        state = load_state_as_at(self.plan, as_at.moment) if as_at else None
        periods = state.periods if state else list(self.plan.periods.all())
        rollups = None if state else plan_rollup(self.plan, periods)
        previous, current = headline_periods(self.plan, periods, state, rollups)
        for name in ("previous", "current"):
            label = request.GET.get(name)
            if label:
                chosen = period_labelled(periods, label)
                if chosen is None:
                    messages.error(request, f"{name.title()} period: this plan has no period “{label}”.")
                elif name == "previous":
                    previous = chosen
                else:
                    current = chosen
        if state is None:  # live: read the ratings of the compared periods only
            rated = compared_periods(self.plan, periods, previous, current)
            state = load_state(self.plan, periods, rated=rated, upto=current, rollups=rollups)
        return compare(state, previous, current), as_at


class DashboardView(ComparisonMixin, TemplateView):
    template_name = "plans/board/dashboard.html"
    LIST_SIZE = 50  # a board reads the first fifty; a 97-measure plan's lists are rarely longer

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        comparison, as_at = self.get_comparison()
        packs = BoardPackSnapshot.objects.filter(plan=self.plan).select_related("period", "created_by")
        packs = packs.defer("html", "contents", "report", "pdf")
        context.update(c=comparison, as_at=as_at, levels=comparison.state.levels, frozen_packs=packs.defer("figures"))
        context.update(self.list_lengths())
        return context

    def list_lengths(self) -> dict:
        """Each list (challenges, what moved, overdue…) shows its first LIST_SIZE; ?full=1 shows them all."""
        if self.request.GET.get("full"):
            return {"list_limit": None}
        query = self.request.GET.copy()
        query["full"] = "1"
        return {"list_limit": self.LIST_SIZE, "full_lists_url": f"?{query.urlencode()}"}


class BoardPackMixin(PlanAccessMixin):
    """The pack for ?period= (default: the open period); a closed period's frozen snapshot when there is one."""

    def chosen(self) -> tuple[Period, BoardPackSnapshot | None]:
        query = cleaned(PackQueryForm(self.request.GET))
        periods = list(self.plan.periods.all())
        label = query["period"]
        if label:
            period = period_labelled(periods, label)
            if period is None:
                raise Http404(f"This plan has no period “{label}”.")
        else:
            period = default_periods(self.plan, periods)[1]
            if period is None:
                raise Http404("This plan has no reporting periods yet.")
        snapshots = BoardPackSnapshot.objects.filter(period=period).order_by("-version")
        if query["version"] is not None:
            return period, get_object_or_404(snapshots, version=query["version"])
        if period.is_closed:
            return period, snapshots.first()
        return period, None


class BoardPackView(BoardPackMixin, View):
    def get(self, request, *args, **kwargs):
        period, snapshot = self.chosen()
        return HttpResponse(snapshot.html if snapshot else render_pack(self.plan, period))


class BoardPackPdfView(BoardPackMixin, View):
    """The pack's PDF once a worker has made it (plans/board/pack_jobs.py); until then, a page saying it is on its way.

    Never rendered here: a request only queues the render, so no viewer can tie
    up the web workers. The page polls (htmx, or a refresh without JavaScript)
    and the PDF downloads when it is ready.
    """

    def get(self, request, *args, **kwargs):
        period, snapshot = self.chosen()
        if snapshot is not None and snapshot.pdf is not None:
            return self.download(bytes(snapshot.pdf), period, snapshot)
        render = request_pdf(self.plan, period, snapshot)
        if render.status == PackRender.Status.READY:
            if request.htmx:  # the waiting page's poll: navigate to the download itself
                response = HttpResponse(status=200)
                response["HX-Redirect"] = request.get_full_path()
                return response
            return self.download(bytes(render.pdf), period, snapshot)
        context = {"plan": self.plan, "period": period, "snapshot": snapshot, "render": render}
        context["can_manage"] = permissions.can_manage(request.user, self.plan)
        template = "plans/board/_pdf_status.html" if request.htmx else "plans/board/pdf_status.html"
        failed = render.status == PackRender.Status.FAILED
        return TemplateResponse(request, template, context, status=200 if failed else 202)

    def download(self, pdf: bytes, period: Period, snapshot: BoardPackSnapshot | None) -> HttpResponse:
        version = f" v{snapshot.version}" if snapshot else ""
        name = slugify(f"{self.plan.slug} board pack {period.label}{version}")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response


class BoardPackWorkbookView(BoardPackMixin, View):
    """The pack's tables as an .xlsx, from the pack's data; a frozen pack's from the plan as it stood when frozen."""

    def get(self, request, *args, **kwargs):
        period, snapshot = self.chosen()
        if snapshot:
            context = frozen_pack_context(self.plan, period, snapshot)
            made = f"Frozen when {period.label} closed: version {snapshot.version}, {snapshot.created:%d %B %Y %H:%M}"
        else:
            context = pack_context(self.plan, period)
            made = f"Live: the plan as it stood at {timezone.localtime():%d %B %Y %H:%M}"
        cover = [
            ("Organisation", self.plan.organisation),
            ("Plan", self.plan.title),
            ("Board report", f"Reporting period {period.label}"),
            ("Produced", made),
        ]
        version = f" v{snapshot.version}" if snapshot else ""
        name = slugify(f"{self.plan.slug} board pack {period.label}{version}")
        response = HttpResponse(
            pack_workbook(context, cover),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response


class CommitteeReportView(BoardPackMixin, View):
    """The committee report as a Word document; a closed period's is the one frozen with its pack.

    `?redact=1` gives the version for publication (people by their roles, no officers' own words).
    Rendered on the request; on a very large plan this is the call a background task would make.
    """

    def get(self, request, *args, **kwargs):
        period, snapshot = self.chosen()
        redact = request.GET.get("redact") == "1"
        content = committee_report(self.plan, period, snapshot=snapshot, redact=redact)
        version = f" v{snapshot.version}" if snapshot else ""
        name = slugify(f"{self.plan.slug} committee report {period.label}{version}{' redacted' if redact else ''}")
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
        return response


class CoverageView(PlanAccessMixin, TemplateView):
    template_name = "plans/board/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        periods = list(self.plan.periods.all())
        label = self.request.GET.get("period")
        rollups = plan_rollup(self.plan, periods)
        period = period_labelled(periods, label) or headline_periods(self.plan, periods, rollups=rollups)[1]
        state = load_state(self.plan, periods, rated=[period], rollups=rollups)
        coverage = plan_coverage(state, period)
        context.update(
            coverage=coverage,
            period=period,
            period_rollup=state.rollups[periods.index(period)] if period else None,
            periods=state.periods,
            levels=state.levels,
            evidence_links=True,
            unanswered=[item for ic in coverage for item in ic.unanswered],
        )
        return context


class EvidenceView(PlanAccessMixin, TemplateView):
    template_name = "plans/board/evidence.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        recommendation = get_object_or_404(
            Recommendation.objects.select_related("inspection"),
            pk=self.kwargs["pk"],
            inspection__in=self.plan.inspections.all(),
        )
        context.update(evidence(self.plan, recommendation))
        return context


class IndicatorsView(PlanAccessMixin, TemplateView):
    template_name = "plans/board/indicators.html"

    def dispatch(self, request, *args, **kwargs):
        self.number = kwargs["number"]
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        self.priority = get_object_or_404(self.plan.priorities, number=self.number)
        self.indicators = list(
            self.priority.indicators.prefetch_related(
                Prefetch("values", queryset=IndicatorValue.objects.order_by("month")),
                Prefetch("measures", queryset=Measure.objects.filter(removed=False).only("id", "text")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.load()
        months, rows = indicator_rows(self.indicators)
        context.update(
            priority=self.priority,
            priorities=self.plan.priorities.all(),
            months=months,
            rows=rows,
            indicator_links=True,
            month_names=charts.MONTH_ABBR,
            can_record=permissions.can_record_indicators(self.request.user, self.plan),
            history=IndicatorValue.history.filter(indicator_id__in=[i.pk for i in self.indicators])
            .select_related("history_user")
            .order_by("-history_date")[:20],
        )
        return context

    def post(self, request, *args, **kwargs):
        if not permissions.can_record_indicators(request.user, self.plan):
            raise PermissionDenied("Only the plan's owners can enter indicator values.")
        self.load()
        entry = record_value(self.indicators, request.POST)
        if entry.errors:
            context = self.get_context_data(errors=entry.errors, posted=request.POST)
            return self.render_to_response(context, status=400)
        verb = "Added" if entry.created else "Changed"
        messages.success(
            request, f"{verb} {entry.value.indicator.name}: {entry.value.month:%b %Y} = {entry.value.value}."
        )
        return redirect("board-indicators", slug=self.plan.slug, number=self.number)


class PlanAsAtView(PlanAccessMixin, TemplateView):
    """The plan page (rollup and every row) as the plan stood at ?as_at= (a day's end, or a moment)."""

    template_name = "plans/board/plan_as_at.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_at = read_as_at(self.request) or AsAt(timezone.localdate())
        show_all = self.request.GET.get("periods") == "all"
        state = load_state_as_at(
            self.plan, as_at.moment, window=lambda periods: recent_periods(self.plan, periods, show_all)
        )
        page = Paginator(state.measures, MEASURES_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            as_at=as_at,
            all_periods=state.all_periods,
            page=page,
            query=query.urlencode(),
            **plan_page_rows(state, page.object_list),
        )
        return context


def plan_page_rows(state, measures=None) -> dict:
    """The plan page's context (plans/plan_detail.html) built from a PlanState (for `measures`, default all)."""
    periods = state.periods

    def cell(period, score, number):
        published = state.published.get((period.pk, number))
        return {"period": period, "score": score, "published": published, "differs": published not in (None, score)}

    summary = []
    if state.rollups:
        for index, first in enumerate(state.rollups[0].priorities):
            scores = [
                cell(p, r.priorities[index].score, first.number) for p, r in zip(periods, state.rollups, strict=True)
            ]
            summary.append({"priority": first, "scores": scores})
    by_priority: dict = {}
    for measure in state.measures if measures is None else measures:
        priority = measure.action.outcome.priority
        by_priority.setdefault(priority.pk, (priority, []))[1].append(
            {"measure": measure, "levels": [getattr(state.rating(measure, p), "level", None) for p in periods]}
        )
    return {
        "periods": periods,
        "summary": summary,
        "overall": [cell(p, r.overall, None) for p, r in zip(periods, state.rollups, strict=True)],
        "priorities": list(by_priority.values()),
    }


class DataMovedView(RedirectView):
    """The board's earlier data addresses answer with a permanent redirect to the one data API."""

    permanent = True
    http_method_names = ["get", "head"]
    dataset = fmt = ""

    def get_redirect_url(self, *args, **kwargs):
        return reverse("api-plan-data", kwargs={"slug": kwargs["slug"], "dataset": self.dataset, "fmt": self.fmt})


class IndicatorsIndexView(PlanAccessMixin, View):
    """The indicators of the plan's first priority (the nav links here)."""

    def get(self, request, *args, **kwargs):
        first = self.plan.priorities.order_by("number").first()
        if first is None:
            raise Http404("This plan has no priorities yet.")
        return redirect("board-indicators", slug=self.plan.slug, number=first.number)
