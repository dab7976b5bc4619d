"""Template tags for showing ratings: a tag always shows the number and the word, never colour alone."""

import math

from django import template

register = template.Library()


@register.inclusion_tag("includes/rating_tag.html")
def rating_tag(level, short=False):
    return {"level": level, "short": short}


@register.inclusion_tag("includes/score_tag.html")
def score_tag(score, levels):
    """A rollup score shown with the colour of the scale level it has reached (2.6 → level 2's colour)."""
    level = None
    if score is not None:
        reached = [lvl for lvl in levels if lvl.value <= math.floor(score)]
        level = reached[-1] if reached else None
    return {"score": score, "level": level}
