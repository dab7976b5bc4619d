"""Whole-plan aggregates kept between requests until the data they read changes.

The board's pages and the portfolio count every rating of many periods (a
year of ten 1,000-measure plans is 120,000 ratings); between two changes the
answer is the same. Every change to plan data writes a history row
(simple-history on a save or delete, the bulk paths their own inserts), so the
newest history id of each table the aggregates read is a version that moves
with any change: one query reads the versions an aggregate depends on, and it
is cached under its arguments and those versions.

Rating counts and each plan's history up to a period are versioned per period
(the newest history row of that period's ratings, with the structural
tables'), so while leads rate the open period only it is counted again. The
portfolio's overdue and stale counts are versioned per plan (the newest
history row of any of its periods' ratings, with the structural tables'): a
rating saved in one plan recounts that plan alone. A rating's save also writes
a history row of its measure (the progress update, the lock's version); the
structural version passes over such rows (MeasureHistory.counts_unchanged),
as nothing counted changed. On PostgreSQL history ids are handed out as transactions
insert, not as they commit, so a save committing just after a newer one could
leave an entry computed without it under the newer version; entries therefore
also expire after CACHE_SECONDS. SQLite writers commit one at a time, in order.
The cache is Django's (CACHES; by default each process's own memory).

A closed period's rating counts are also kept in the database (KeptCounts),
under the version they were counted at: its ratings no longer change, so after
a restart, in a process that has not counted it yet, or when the cache entry
expires, its counts are read back instead of counted again; only the open
period is counted. A kept row is read only while the period's version is still
the one it names. The race above would keep a count for good rather than for a
minute, so on PostgreSQL counts are kept only when no other session had a
writing transaction open when the count began (`_no_write_under_way`).
"""

import functools
import hashlib
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

from plans.models import Action, KeptCounts, Level, Measure, Outcome, Period, Plan, Priority, Rating

log = logging.getLogger(__name__)

CACHE_SECONDS = 60
STRUCTURE = (Measure, Action, Outcome, Priority, Period, Level, Plan)  # what the aggregates read besides ratings

T = TypeVar("T")


@dataclass(frozen=True)
class Statements:
    period_versions: str  # with one %s per period id after "IN ("
    plan_versions: str  # with one %s per plan id after "IN ("


@functools.cache
def _sql(vendor: str) -> Statements:
    """The version queries, written once per process (reading `Model.history` builds a manager class each time)."""
    quote = connection.ops.quote_name

    def newest(model) -> str:
        history = model.history.model
        newest = f"(SELECT MAX({quote(history._meta.pk.column)}) FROM {quote(history._meta.db_table)}"
        if model is Measure:  # a progress update saved with a rating changes nothing counted (MeasureHistory)
            return f"{newest} WHERE {quote('counts_unchanged')} = FALSE)"
        return f"{newest})"

    ratings = Rating.history.model
    structure = ", ".join(newest(model) for model in STRUCTURE)
    period_newest = (
        f"(SELECT MAX(h.{quote(ratings._meta.pk.column)}) FROM {quote(ratings._meta.db_table)} h"
        " WHERE h.period_id = p.id)"
    )
    periods = quote(Period._meta.db_table)
    return Statements(
        period_versions=f"SELECT p.id, {period_newest}, {structure} FROM {periods} p WHERE p.id IN (",  # noqa: S608
        plan_versions=(
            f"SELECT v.plan_id, MAX(v.newest), {structure} FROM"
            f" (SELECT p.plan_id, {period_newest} AS newest FROM {periods} p WHERE p.plan_id IN ("
        ),  # noqa: S608 — table names from the models, ids as parameters
    )


def period_versions(period_ids: list[int]) -> dict[int, tuple]:
    """{period id: the newest history id of its ratings, with the newest of every structural table}, in one query.

    A period's rating counts change only when one of its ratings does (a new
    history row for that period, found by the (period_id, history_id) index)
    or the plan's structure does (measures moved, levels renumbered…).
    """
    sql = _sql(connection.vendor).period_versions + ", ".join(["%s"] * len(period_ids)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(sql, period_ids)
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def plan_versions(plan_ids: list[int]) -> dict[int, tuple]:
    """{plan id: the newest history id of its periods' ratings, with the newest of every structural table}, in
    one query: period_versions for a whole plan, for what depends on all its ratings (overdue, stale)."""
    sql = _sql(connection.vendor).plan_versions + ", ".join(["%s"] * len(plan_ids)) + ")) v GROUP BY v.plan_id"
    with connection.cursor() as cursor:
        cursor.execute(sql, plan_ids)
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


@dataclass(frozen=True)
class Keeping(Generic[T]):
    """Which periods' answers are kept in the database as well (KeptCounts), and how an answer is written as JSON
    and read back."""

    period_ids: frozenset[int]  # the closed periods: their ratings no longer change
    encode: Callable[[T], Any]
    decode: Callable[[Any], T]


def cached_per_period(
    name: str, period_ids: list[int], compute: Callable[[list[int]], dict[int, T]], keeping: Keeping[T] | None = None
) -> dict[int, T]:
    """{period id: compute([...])[period id]}, computing only the periods whose ratings or structure changed.

    During a month of rating only the open period's ratings change: a plan's
    other 35 periods are read from the cache, and the open one is counted
    alone. `compute` must answer for every period it is given. With `keeping`,
    the answers of its periods missing from the cache are read from the
    database (KeptCounts) when kept at their current version, and kept there
    once computed.
    """
    return _cached_each(name, period_ids, period_versions, compute, keeping=keeping)


def cached_per_plan(
    name: str,
    plan_ids: list[int],
    compute: Callable[[list[int]], dict[int, T]],
    arguments: Callable[[int], Hashable] = lambda pk: None,
) -> dict[int, T]:
    """{plan id: compute([...])[plan id]}, computing only the plans whose ratings or structure changed
    (plan_versions): a rating saved in one plan leaves the others' answers cached. `arguments(plan id)`: what
    else a plan's answer depends on (the day, the periods asked about)."""
    return _cached_each(name, plan_ids, plan_versions, compute, arguments)


def _cached_each(
    name: str,
    ids: list[int],
    versions_of: Callable[[list[int]], dict[int, tuple]],
    compute: Callable[[list[int]], dict[int, T]],
    arguments: Callable[[int], Hashable] = lambda pk: None,
    keeping: Keeping[T] | None = None,
) -> dict[int, T]:
    if connection.in_atomic_block or not ids:
        return compute(ids)
    versions = versions_of(ids)
    database = connection.settings_dict["NAME"]
    keys = {pk: _key(name, (pk, versions.get(pk), arguments(pk), database)) for pk in ids}
    found = cache.get_many(list(keys.values()))
    result = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in ids if pk not in result]
    # Kept in the database as well: the periods `keeping` names that still exist (a version was read for them).
    keepable = [pk for pk in missing if pk in versions and pk in keeping.period_ids] if keeping is not None else []
    if keepable and keeping is not None:
        kept = _read_kept(name, keepable, versions, keeping.decode)
        cache.set_many({keys[pk]: value for pk, value in kept.items()}, CACHE_SECONDS)
        result.update(kept)
        missing = [pk for pk in missing if pk not in kept]
        keepable = [pk for pk in keepable if pk not in kept]
    if missing:
        if keepable and not _no_write_under_way():
            keepable = []
        computed = compute(missing)
        cache.set_many({keys[pk]: computed[pk] for pk in missing}, CACHE_SECONDS)
        result.update(computed)
        if keepable and keeping is not None:
            _keep(name, keepable, versions, computed, keeping.encode)
    return result


def _read_kept(name: str, period_ids: list[int], versions: dict[int, tuple], decode: Callable) -> dict[int, Any]:
    """The kept answers of the periods whose kept version is their version now, in one query (none for none)."""
    if not period_ids:
        return {}
    rows = KeptCounts.objects.filter(name=name, period_id__in=period_ids).values_list("period_id", "version", "value")
    return {pk: decode(value) for pk, version, value in rows if version == list(versions[pk])}


def _no_write_under_way() -> bool:
    """Will a count made now have seen every history row below the newest ones the versions just read name?

    On SQLite, always: its writers commit one at a time, in the order of their ids. On PostgreSQL, when no
    other session of this database has a writing transaction open (one query, asked after the versions were
    read and before counting): a row inserted by a transaction still under way has a lower id than rows
    committed since, and would commit unseen by the count, under the same version. Every role sees every
    session's transaction id; a session whose kind this role may not read (another role's) is taken to be a
    client's, autovacuum's are not.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_xid IS NOT NULL AND COALESCE(backend_type, 'client backend') = 'client backend'"
        )
        return cursor.fetchone()[0] == 0


def _keep(name: str, period_ids: list[int], versions: dict[int, tuple], computed: dict, encode: Callable) -> None:
    """Keep the periods' answers in the database under their versions, in one query. Keeping is never worth
    failing a page for: a write that fails (the database busy, the period deleted meanwhile) is left for the
    next count to try again."""
    now = timezone.now()
    rows = [
        KeptCounts(name=name, period_id=pk, version=list(versions[pk]), value=encode(computed[pk]), counted=now)
        for pk in period_ids
    ]
    try:
        KeptCounts.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["name", "period"], update_fields=["version", "value", "counted"]
        )
    except DatabaseError:
        log.info("Counts of periods %s not kept this time", period_ids, exc_info=True)


def _key(name: str, identity: Hashable) -> str:
    return f"aggregate:{name}:{hashlib.sha256(repr(identity).encode()).hexdigest()}"


def cached(name: str, arguments: Hashable, compute: Callable[[], T], version: Callable[[], Hashable]) -> T:
    """compute(), or its result from the last call with the same name and arguments if no data changed since.

    `version()`: the versions of what the result depends on (period_versions, plan_versions).
    Inside a transaction nothing is cached or read from the cache, and the
    version is not read: what it sees may never be committed (and SQLite
    hands a rolled-back transaction's ids out again).
    """
    if connection.in_atomic_block:
        return compute()
    version = version()
    key = _key(name, (arguments, version, connection.settings_dict["NAME"]))
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found
