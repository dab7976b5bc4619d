"""Template tags for showing ratings: a tag always shows the number and the word, never colour alone.

The markup is built here rather than in an included template: a plan page shows
one tag per measure per period (36,000 on a large plan), and an inclusion tag
copies the whole template context for each one. includes/rating_tag.html and
includes/score_tag.html call these tags, for templates that include them.
"""

import math

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def rating_tag(level, short=False):
    if not level:
        return mark_safe('<span class="tag tag--none">Not rated</span>')
    label = format_html('<span class="visually-hidden"> {}</span>', level.label) if short else f" {level.label}"
    return format_html(
        '<span class="tag tag--{}" title="{}"><span class="tag__value">{}</span>{}</span>',
        level.colour,
        level.description,
        level.value,
        label,
    )


@register.simple_tag
def score_tag(score, levels):
    """A rollup score shown with the colour of the scale level it has reached (2.6 → level 2's colour)."""
    if score is None:
        return mark_safe('<span class="score score--none" title="Nothing rated">–</span>')
    reached = [lvl for lvl in levels if lvl.value <= math.floor(score)]
    colour = reached[-1].colour if reached else "none"
    return format_html('<span class="score score--{}">{}</span>', colour, score)
