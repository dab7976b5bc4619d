"""The board pack: one print-ready document for a period, as HTML and as PDF.

The HTML links its stylesheets (static/css/tracker.css, board.css, pack.css)
by their plain, unhashed /static/ URLs: the Content-Security-Policy forbids
inline styles, and a frozen snapshot's links keep working after a deploy.
WeasyPrint reads the same files from disk (no web server needed) through
`static_url_fetcher`.
"""

from collections import defaultdict
from itertools import groupby
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from plans.board.coverage import plan_coverage
from plans.board.indicator_table import indicator_rows
from plans.board.state import PlanState, compare, compared_periods, load_state
from plans.models import BoardPackSnapshot, Indicator, IndicatorValue, Period, Plan

PACK_STYLES = ["css/tracker.css", "css/board.css", "css/pack.css"]


STATIC_DIR = Path(settings.BASE_DIR) / "static"


# A measure's ratings in the pack: the chosen period and the five before it (a printed page holds no more
# columns; the heatmap keeps every period, and the plan page or its workbook has each measure's full record).
PACK_PERIODS = 6


def pack_stylesheets(*extra: str) -> list[str]:
    """The pack's stylesheet URLs (and any extra ones), unhashed so that a frozen pack's links outlive a deploy."""
    return [f"{settings.STATIC_URL}{name}" for name in [*PACK_STYLES, *extra]]


def figures(state: PlanState, period: Period) -> dict:
    """What a snapshot remembers to compare the next pack with: scores and each measure's rating."""
    comparison = compare(state, state.plan.previous_period(period, state.periods), period)
    ratings = {}
    for measure in state.measures:
        rating = state.rating(measure, period)
        ratings[str(measure.pk)] = [rating.level.value, rating.level.label] if rating else None
    return {
        "period": period.label,
        "overall": _text(comparison.overall["current"]["score"]),
        "priorities": {str(row["number"]): _text(row["current"]["score"]) for row in comparison.summary},
        "ratings": ratings,
    }


def _text(value) -> str | None:
    return None if value is None else str(value)


def changes_since(last: BoardPackSnapshot | None, state: PlanState, period: Period) -> dict | None:
    """Scores and ratings that differ from the last frozen pack, with the reasons given for new ratings."""
    if last is None:
        return None
    now = figures(state, period)
    scores = [
        {"number": number, "before": last.figures.get("priorities", {}).get(number), "after": after}
        for number, after in now["priorities"].items()
        if last.figures.get("priorities", {}).get(number) != after
    ]
    measures = {str(m.pk): m for m in state.measures}
    ratings = []
    for key, after in now["ratings"].items():
        before = last.figures.get("ratings", {}).get(key)
        if before != after and key in measures:
            rating = state.rating(measures[key], period)
            ratings.append(
                {"measure": measures[key], "before": before, "after": after, "reason": rating.reason if rating else ""}
            )
    return {
        "last": last,
        "overall": (last.figures.get("overall"), now["overall"]),
        "scores": scores,
        "ratings": ratings,
    }


LATEST = object()  # pack_context's `last`: the plan's latest frozen pack


def pack_context(plan: Plan, period: Period, state: PlanState | None = None, last=LATEST) -> dict:
    """Everything the pack shows, in a fixed number of queries (the ratings of the periods it shows only).

    `last` is the frozen pack the "what changed" section compares with (default: the latest)."""
    periods = state.periods if state else list(plan.periods.all())
    period = next(p for p in periods if p.pk == period.pk)
    upto = periods[: periods.index(period) + 1]
    shown = upto[-PACK_PERIODS:]
    if state is None:
        rated = [*shown, *compared_periods(plan, periods, plan.previous_period(period, periods), period)]
        state = load_state(plan, periods, rated=rated, upto=period)
    comparison = compare(state, state.plan.previous_period(period, state.periods), period)
    indicators = (
        Indicator.objects.filter(priority__plan=plan)
        .select_related("priority")
        .prefetch_related(Prefetch("values", queryset=IndicatorValue.objects.order_by("month")))
        .order_by("priority__number", "order")
    )
    by_priority = {n: list(items) for n, items in groupby(indicators, key=lambda i: i.priority.number)}
    measures: dict[int, list] = defaultdict(list)  # priority number → its measures still in the plan, in order
    for measure in state.measures:
        if not measure.removed:
            measures[measure.action.outcome.priority.number].append(measure)
    priorities = []
    for row in comparison.summary:
        priorities.append(
            {
                **row,
                "rows": [
                    {"measure": m, "ratings": [state.rating(m, p) for p in shown], "current": state.rating(m, period)}
                    for m in measures[row["number"]]
                ],
                "indicators": indicator_rows(by_priority.get(row["number"], [])),
            }
        )
    if last is LATEST:
        last = BoardPackSnapshot.objects.filter(plan=plan).defer("html", "contents", "report", "pdf").first()
    return {
        "plan": plan,
        "period": period,
        "periods_to_date": shown,
        "earlier_periods": upto[: -len(shown)] if len(upto) > len(shown) else [],
        "c": comparison,
        "list_limit": None,  # the pack is the record: every list in full
        "levels": state.levels,
        "priorities": priorities,
        "coverage": plan_coverage(state, period),
        "changes": changes_since(last, state, period),
        "produced": timezone.now(),
        "stylesheets": pack_stylesheets(),
        "state": state,
    }


def frozen_pack_context(plan: Plan, period: Period, snapshot: BoardPackSnapshot) -> dict:
    """The pack's context as it was when `snapshot` was frozen: the plan read from the history tables as at
    that moment, compared with the pack frozen before it (what the stored HTML and PDF show)."""
    from plans.board.as_at import load_state_as_at

    state = load_state_as_at(plan, snapshot.created)
    earlier = BoardPackSnapshot.objects.filter(plan=plan, created__lt=snapshot.created).first()
    context = pack_context(plan, period, state, last=earlier)
    context["produced"] = snapshot.created
    return context


def render_pack(plan: Plan, period: Period, snapshot_version: int | None = None, context: dict | None = None) -> str:
    """The pack's HTML; `context`, when the caller has built it already (freezing stores it as data too)."""
    context = dict(pack_context(plan, period) if context is None else context)
    context["snapshot_version"] = snapshot_version
    return render_to_string("plans/board/pack.html", context)


def pdf_from_html(html: str) -> bytes:
    """The pack as PDF (WeasyPrint needs Pango and Cairo; see docs/board.md)."""
    return laid_out(html).write_pdf()


def laid_out(html: str):
    """The pack's pages as WeasyPrint lays them out, with the linked stylesheets read from static/."""
    from weasyprint import HTML  # imported here: only the PDF needs the system libraries

    return HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=static_url_fetcher()).render()


def static_path(url: str) -> Path:
    """The file in static/ that a pack's /static/… link names (resolved against a file: base URL)."""
    parsed = urlparse(url)
    prefix = urlparse(settings.STATIC_URL).path
    if parsed.scheme != "file" or not parsed.path.startswith(prefix):
        raise ValueError(f"The board pack may only use files from static/: {url}")
    path = (STATIC_DIR / parsed.path.removeprefix(prefix)).resolve()
    if not path.is_relative_to(STATIC_DIR.resolve()) or not path.is_file():
        raise ValueError(f"No such file in static/: {url}")
    return path


def static_url_fetcher():
    """A WeasyPrint fetcher that reads the pack's stylesheets from static/ and data: URLs, nothing else."""
    from weasyprint.urls import URLFetcher

    class StaticFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            return super().fetch(static_path(url).as_uri(), headers)

    return StaticFetcher()
