"""The portfolio page: every plan the user may see, one row each, sortable and filterable."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView

from plans.permissions import visible_plans
from plans.portfolio import summary as portfolio

COLUMNS = [("title", "Plan"), ("score", "Overall score"), ("change", "Change"), ("rated", "Rated this period")]


class PortfolioView(LoginRequiredMixin, TemplateView):
    template_name = "plans/portfolio/portfolio.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plans = list(visible_plans(self.request.user).select_related("owner"))
        filters = portfolio.Filters.from_query(self.request.GET)
        sort = self.request.GET.get("sort", "title")
        if sort.lstrip("-") not in portfolio.SORTS:
            sort = "title"
        kept = [plan for plan in plans if filters.keeps(plan)]
        rows = portfolio.sort_summaries(portfolio.summarise(kept, timezone.localdate()), sort)
        context.update(
            rows=rows,
            plan_count=len(plans),
            filters=filters,
            choices=portfolio.filter_choices(plans),
            sort=sort,
            columns=[sort_link(key, label, sort, self.request.GET) for key, label in COLUMNS],
        )
        return context


def sort_link(key: str, label: str, sort: str, query) -> dict:
    """A column heading's sort link: ascending first (descending for figures), toggled when already sorted."""
    current = sort.lstrip("-") == key
    descending = sort.startswith("-")
    if current:
        next_sort = key if descending else f"-{key}"
    else:
        next_sort = key if key == "title" else f"-{key}"
    params = query.copy()
    params["sort"] = next_sort
    return {
        "key": key,
        "label": label,
        "href": f"?{params.urlencode()}",
        "aria_sort": ("descending" if descending else "ascending") if current else None,
    }
