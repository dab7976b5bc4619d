"""The plan page's measure rows, built in Python: the same markup the template loop wrote, at a fraction of its cost.

A plan page shows 200 measures a page with up to six periods each: through the
template engine every row resolved some twenty variables, an `ifchanged`, a
URL and six tags, about half of the page's time. Here each row is one
format_html (everything escaped as the template escaped it).
"""

from datetime import date
from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from plans.templatetags.plan_tags import level_cells, measure_url

register = template.Library()

AS_ABOVE = mark_safe('<span class="visually-hidden">(as above)</span>')


@register.simple_tag
def plan_measure_rows(rows: list[dict], plan, can_manage: bool) -> SafeString:
    """A priority's table body on the plan page: `rows` from plans.views.row (measure, levels, overdue).

    The outcome and action show on the first of their measures only, "(as above)" for screen readers after.
    """
    html, outcome_id, action_id = [], None, None
    for row in rows:
        measure = row["measure"]
        action = measure.action
        outcome = AS_ABOVE
        if action.outcome_id != outcome_id:
            outcome = Truncator(action.outcome.statement).words(40, truncate=" …")
        action_text = action.text if measure.action_id != action_id else AS_ABOVE
        outcome_id, action_id = action.outcome_id, measure.action_id
        html.append(
            format_html(
                '\n      <tr{}>\n        <td class="outcome">{}</td>\n        <td>{}</td>\n'
                '        <td><a class="measure-link" href="{}">{}</a>{}{}</td>\n'
                "        <td>{}</td>\n        <td>{}</td>\n        <td>{}{}</td>\n        {}\n"
                '        <td class="update">{}</td>\n      </tr>\n    ',
                mark_safe(' class="row--removed"') if measure.removed else "",
                outcome,
                action_text,
                measure_url(measure.pk),
                measure.text or "(no text)",
                mark_safe(' <strong class="tag tag--grey">Removed</strong>') if measure.removed else "",
                edit_link(plan, measure) if can_manage else "",
                measure.lead_text,
                measure.officer_text,
                measure.time_text,
                due(measure, row.get("overdue", False)),
                mark_safe(level_cells(row["levels"], short=False)),
                measure.progress_update,
            )
        )
    return mark_safe("".join(html))


def edit_link(plan, measure) -> SafeString:
    return format_html(
        '<br><a class="row-link" href="{}">Edit<span class="visually-hidden"> measure: {}</span></a>',
        reverse("owner-measure-edit", args=[plan.slug, measure.pk]),
        Truncator(measure.text).words(8, truncate=" …"),
    )


def due(measure, overdue: bool) -> SafeString | str:
    """The due month under the Time text (and Overdue), or why none could be read from it."""
    if measure.due_month:
        badge = mark_safe('<br><strong class="overdue">Overdue</strong>') if overdue else ""
        month = month_name(measure.due_month, get_language())
        return format_html('<br><span class="hint">due {}</span>{}', month, badge)
    if measure.time_text:
        return format_html('<br><span class="hint">{}</span>', measure.due_note)
    return ""


@lru_cache(maxsize=512)
def month_name(month: date, language: str) -> str:
    """ "Jan 2018": a plan's due months are a few dozen, each formatted once (per language) rather than per row."""
    return date_format(month, "M Y")
