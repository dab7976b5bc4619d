"""Pagers that say where the reader is: "Priority 3 of 8", with previous and next."""

from dataclasses import dataclass
from typing import Any

from django import template

register = template.Library()


@dataclass(frozen=True)
class Position:
    number: int  # 1-based place of the current item
    count: int
    previous: Any
    next: Any


@register.simple_tag
def position_of(current, items) -> Position:
    """Where `current` stands in `items` (compared by primary key), and its neighbours."""
    items = list(items)
    index = next((i for i, item in enumerate(items) if item.pk == current.pk), 0)
    return Position(
        number=index + 1,
        count=len(items),
        previous=items[index - 1] if index > 0 else None,
        next=items[index + 1] if index + 1 < len(items) else None,
    )
