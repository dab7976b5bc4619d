"""Whole-plan aggregates kept between requests until the data they read changes.

The board's pages and the portfolio count every rating of many periods (a
year of ten 1,000-measure plans is 120,000 ratings); between two changes the
answer is the same. Every change to plan data writes a history row
(simple-history on a save or delete, the bulk paths their own inserts), so the
newest history id of each table the aggregates read is a version that moves
with any change: one query reads them all, and an aggregate is cached under
its arguments and that version.

The version is global, not per plan: a rating saved in one plan recomputes the
others' aggregates on their next request, which costs what it cost before
there was a cache. On PostgreSQL history ids are handed out as transactions
insert, not as they commit, so a save committing just after a newer one could
leave an entry computed without it under the newer version; entries therefore
also expire after CACHE_SECONDS. SQLite writers commit one at a time, in order.
The cache is Django's (CACHES; by default each process's own memory).
"""

import hashlib
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

from plans.models import Action, Level, Measure, Outcome, Period, Plan, Priority, Rating

CACHE_SECONDS = 60
VERSIONED = (Rating, Measure, Action, Outcome, Priority, Period, Level, Plan)  # what the aggregates read

T = TypeVar("T")


def data_version() -> tuple[int | None, ...]:
    """The newest history id of each table the aggregates read, in one query (each an index lookup)."""
    quote = connection.ops.quote_name
    newest = [
        f"(SELECT MAX({quote(history._meta.pk.column)}) FROM {quote(history._meta.db_table)})"
        for history in (model.history.model for model in VERSIONED)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(newest)}")  # noqa: S608 — table names from the models
        return tuple(cursor.fetchone())


def cached(name: str, arguments: Hashable, compute: Callable[[], T]) -> T:
    """compute(), or its result from the last call with the same name and arguments if no data changed since.

    Inside a transaction nothing is cached or read from the cache: what it
    sees may never be committed (and SQLite hands a rolled-back
    transaction's ids out again).
    """
    if connection.in_atomic_block:
        return compute()
    identity = repr((arguments, data_version(), connection.settings_dict["NAME"])).encode()
    key = f"aggregate:{name}:{hashlib.sha256(identity).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found
