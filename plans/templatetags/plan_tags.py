"""Template tags for showing ratings: a tag always shows the number and the word, never colour alone.

The markup is built here rather than in an included template: a plan page shows
one tag per measure per period (36,000 on a large plan), and an inclusion tag
copies the whole template context for each one. includes/score_tag.html calls
these tags, for templates that include it.
"""

from functools import lru_cache
from html import escape

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from plans.board.charts import figure as _figure
from plans.rollup.rules import level_reached

register = template.Library()


@register.simple_tag
def rating_tag(level, short=False):
    if not level:
        return mark_safe('<span class="tag tag--none">Not rated</span>')
    return _rating_tag(level.colour, level.description, level.value, level.label, short)


@lru_cache(maxsize=1024)
def _rating_tag(colour: str, description: str, value: int, label: str, short: bool) -> str:
    """A scale has a handful of levels: each tag is built once, keyed by everything it shows."""
    label = format_html('<span class="visually-hidden"> {}</span>', label) if short else f" {label}"
    return format_html(
        '<span class="tag tag--{}" title="{}"><span class="tag__value">{}</span>{}</span>',
        colour,
        description,
        value,
        label,
    )


def rating_cells(ratings, short: bool = True) -> str:
    """A table cell per rating (short tags: the word for screen readers only; else the word shown)."""
    return level_cells((rating.level if rating else None for rating in ratings), short)


def level_cells(levels, short: bool = True) -> str:
    """A table cell per rating's level (None: not rated)."""
    return "".join(f'<td class="rag">{rating_tag(level, short=short)}</td>' for level in levels)


@register.simple_tag
def pack_measure_rows(rows):
    """The board pack's measure table body: a thousand-row plan's rows built here, not by the template engine.

    Each row: the action (on its first measure only), the measure, lead, time,
    the shown periods' ratings and the update given with the current rating
    (else the measure's progress update), as the pack has always shown them.
    Text is escaped as format_html would (html.escape), without its per-value lazy-string checks.
    """
    html, action_id = [], None
    for row in rows:
        measure = row["measure"]
        action = words(measure.action.text, 30) if measure.action_id != action_id else ""
        action_id = measure.action_id
        current = row["current"]
        update = current.update if current and current.update else words(measure.progress_update, 80)
        html.append(
            f'<tr><td class="action">{escape(action)}</td><td><a href="{measure_url(measure.pk)}">'
            f"{escape(measure.text or '(no text)')}</a></td><td>{escape(measure.lead_text)}</td>"
            f"<td>{escape(measure.time_text)}</td>{rating_cells(row['ratings'])}"
            f'<td class="update">{escape(update)}</td></tr>'
        )
    return mark_safe("\n".join(html))


def words(text: str, most: int) -> str:
    """Truncator(text).words(most, truncate=" …"), without building a Truncator for text already short enough."""
    split = text.split()
    if len(split) <= most:
        return " ".join(split)
    return Truncator(text).words(most, truncate=" …")


CHALLENGE_KINDS = {"indicator": "Indicator", "overdue": "Past due", "stale": "Not updated", "jump": "Big jump"}


@register.simple_tag
def challenge_rows(challenges, limit, plan):
    """The challenges table's rows (the first `limit`, all without one): built here, as the pack lists every
    flagged measure of a plan (hundreds on a large one), each row through the template engine ~10 µs."""
    html = []
    for challenge in upto(challenges, limit):
        indicator, link = challenge.indicator, ""
        if indicator:
            link = (
                f' <a class="row-link" href="{_indicators_url(plan.slug, indicator.priority.number)}'
                f'#indicator-{indicator.pk}">See the indicator<span class="visually-hidden"> {escape(indicator.name)}'
                "</span></a>"
            )
        html.append(
            f'<tr class="challenge-row challenge-row--{escape(challenge.kind)}">'
            f'<td class="challenge__kind">{CHALLENGE_KINDS.get(challenge.kind, "Big jump")}</td>'
            f'<td class="challenge__why">{escape(challenge.text)}{link}</td><td>{measure_ref(challenge.measure, plan)}'
            "</td></tr>"
        )
    return mark_safe("\n".join(html))


@register.simple_tag
def movement_rows(movements, limit, plan, arrow):
    """What moved up or down: a row per measure (its reference, the rating before, `arrow` and the one after)."""
    return mark_safe(
        "".join(
            format_html(
                '<tr><td>{}</td><td class="rag">{}</td><td class="rag"><span aria-hidden="true">{}</span> {}</td></tr>',
                measure_ref(movement.measure, plan),
                rating_tag(movement.before.level, short=True),
                arrow,
                rating_tag(movement.after.level, short=True),
            )
            for movement in upto(movements, limit)
        )
    )


@register.simple_tag
def measure_items(items, limit, plan, due=False):
    """A list's items: each a measure, or a (measure, rating) pair shown with the rating's tag first and, with
    `due`, the measure's due month after it."""
    html = []
    for item in upto(items, limit):
        if isinstance(item, tuple):
            measure, rating = item
            tag = rating_tag(rating.level if rating else None, short=True)
            month = format_html(' <span class="hint">due {}</span>', _month(measure.due_month)) if due else ""
            html.append(format_html("<li>{} {}{}</li>", tag, measure_ref(measure, plan), month))
        else:
            html.append(format_html("<li>{}</li>", measure_ref(item, plan)))
    return mark_safe("".join(html))


@lru_cache(maxsize=512)
def _month(month) -> str:
    return date_format(month, "M Y") if month else ""


@lru_cache(maxsize=1024)
def _indicators_url(slug: str, number: int) -> str:
    return reverse("board-indicators", args=[slug, number])


@register.simple_tag
def score_tag(score, levels, counts=None):
    """A rollup score shown with the colour of the scale level it has reached (2.6 → level 2's colour).

    `counts`: (word, how many) pairs, highest level first, shown instead when there is no score: a scale whose
    mean is not meaningful (Scale.mean_is_meaningful) is summed up as "6 Completed, 3 Green, 2 Amber".
    """
    if score is None and counts:
        colours = {lvl.label: lvl.colour for lvl in levels}
        words = format_html_join(
            mark_safe('<span class="visually-hidden">, </span>'),
            '<span class="tag tag--{}">{} {}</span>',
            ((colours.get(w, "none"), n, w) for w, n in counts),
        )
        return format_html('<span class="score-counts">{}</span>', words)
    if score is None:
        return mark_safe('<span class="score score--none" title="Nothing rated">–</span>')
    value = level_reached(score, [lvl.value for lvl in levels])
    colour = next((lvl.colour for lvl in levels if lvl.value == value), "none")
    return format_html('<span class="score score--{}">{}</span>', colour, score)


@register.filter
def upto(items, limit):
    """The first `limit` items (all of them without a limit): the dashboard shortens its lists, the pack does not."""
    return items[:limit] if limit else items


@lru_cache(maxsize=256)
def _plan_url(slug: str) -> str:
    return reverse("plan-detail", args=[slug])


@lru_cache(maxsize=1)
def _measure_url_pattern() -> str:
    """The measure page's address with a placeholder for the id: reversed once, not once per measure listed."""
    return reverse("measure-detail", args=[0]).replace("/0/", "/{}/")


def measure_url(pk: int) -> str:
    return _measure_url_pattern().format(pk)


@register.simple_tag
def measure_link(measure) -> str:
    """The address of the measure's page ({% url 'measure-detail' pk %} without a reverse per measure)."""
    return measure_url(measure.pk)


@register.simple_tag
def measure_ref(measure, plan):
    """ "P3 · the measure's text (24 words) — its leads", the P3 linking to the priority on the plan page and
    the text to the measure's page (its timeline, comments and evidence).

    The board lists hundreds of measures at once (what moved, challenges), a
    measure often in several lists: each reference is built once from what it
    shows and kept (a new text or lead makes a new one).
    """
    return _measure_ref(plan.slug, measure.action.outcome.priority.number, measure.pk, measure.text, measure.lead_text)


@lru_cache(maxsize=8192)
def _measure_ref(slug: str, number: int, pk: int, text: str, lead_text: str) -> str:
    leads = format_html(' <span class="hint">— {}</span>', lead_text) if lead_text else ""
    return format_html(
        '<a href="{}#priority-{}">P{}</a> · <a href="{}">{}</a>{}',
        _plan_url(slug),
        number,
        number,
        measure_url(pk),
        Truncator(text).words(24) or "(no text)",
        leads,
    )


@register.filter
def figure(value):
    """An indicator's figure without stored trailing zeros: 73.20 shows as 73.2 (plans.board.charts.figure)."""
    return _figure(value)
