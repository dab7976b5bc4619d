"""Creating an import's new records in bulk, with the history rows simple-history would have written.

Saving 10,000 new measures one by one costs some twenty queries each (the
row, its ratings, its lead links, and a history row with a snapshot of its
links after every one of them). Here each model is inserted in batches, then
one "+" history row per record, with its links' snapshot, all naming the
importing user and the file: the same history, in a few queries per batch.

The records, their history rows and the links are all plain multi-row
INSERTs built from the instances' values (RETURNING the ids that the
instances, and the links' snapshots, need). Django's bulk_create did the same
for the records, but took each of 30,000 instances apart field by field
through the query compiler, which was most of an import's time; building a
historical model instance per row only to take it apart again was worse.
What bulk_create does besides is done here too: a record takes the id of a
parent created in an earlier batch, auto_now fields are set, and each
instance gets its id and counts as saved.
"""

import gc
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from operator import itemgetter

from django.apps import apps
from django.db import connection, models
from django.db.models.base import ModelState
from django.utils import timezone

from plans.audit import history_now

BATCH = 500


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while an import builds tens of thousands of objects.

    They are not garbage, but each collection walks every one of them again
    (about a tenth of a 10,000-row import's time). Reference counting still
    frees what is dropped; the collector runs again afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def new_instance(model, **values):
    """An unsaved instance of `model`, as model(**values) makes it, for the fields this import sets.

    Model.__init__ goes through every field's descriptor and default for each
    of the import's 30,000 instances; here the defaults are worked out once per
    model and the values put straight into the instance's __dict__. A related
    object is cached on the instance, as the descriptor does, so that its id is
    taken when the parent is inserted first (take_parent_ids).
    """
    defaults, relations, callables = _field_defaults(model)
    instance = model.__new__(model)
    state = instance.__dict__
    state.update(defaults)
    model_state = state["_state"] = ModelState()
    cache = model_state.fields_cache = {}
    for name, factory in callables:
        state[name] = factory()
    for name, value in values.items():
        relation = relations.get(name)
        if relation is None:
            state[name] = value
        else:
            attname, target = relation
            state[attname] = None if value is None else value.__dict__.get(target)
            cache[name] = value
    return instance


_DEFAULTS: dict[type, tuple[dict, dict, list]] = {}


def _field_defaults(model) -> tuple[dict, dict, list]:
    """(attname → default, relation name → (attname, the related model's key), [(attname, callable default)])."""
    if model not in _DEFAULTS:
        defaults, relations, callables = {}, {}, []
        for field in model._meta.concrete_fields:
            if field.is_relation:
                relations[field.name] = (field.attname, field.target_field.attname)
            if field.has_default() and callable(field.default):
                callables.append((field.attname, field.default))
            else:
                defaults[field.attname] = field.get_default()
        _DEFAULTS[model] = (defaults, relations, callables)
    return _DEFAULTS[model]


def create_in_bulk(
    created: dict[type, list], links: list[tuple[object, str, list]], user, reason: str, source: str = ""
) -> None:
    """Insert `created` (model → new instances, in dependency order) and `links` (instance, m2m field, targets).

    Called by the write door (plans/owner/structure.py: create_plan, add_rows), which decides what may be created.
    """
    when = history_now()  # now, or the moment history_dated records the past at (the demo's timeline)
    history_ids: dict[int, int] = {}  # id(instance) → its history row's id
    for model, instances in created.items():
        if not instances:
            continue
        insert_records(model, instances)
        ids = insert_history(model, instances, user, reason, when, source)
        history_ids.update({id(instance): pk for instance, pk in zip(instances, ids, strict=True)})
    create_links(links, history_ids)


def insert_records(model, instances: list) -> None:
    """INSERT new instances of `model` (as bulk_create would); each gets its id and counts as saved."""
    pk = model._meta.pk
    fields = [field for field in model._meta.concrete_fields if field is not pk]
    now = timezone.now()  # one moment for the whole import: auto_now fields need not read the clock per record
    for field in fields:
        if field.is_relation:
            take_parent_ids(field, instances)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for instance in instances:
                instance.__dict__[field.attname] = now
        elif type(field).pre_save is not models.Field.pre_save:  # files
            for instance in instances:
                field.pre_save(instance, True)
    ids = insert_rows(model, fields, values_of(instances, [field.attname for field in fields]), returning=pk)
    alias = connection.alias
    for instance, pk_value in zip(instances, ids, strict=True):
        setattr(instance, pk.attname, pk_value)
        instance._state.adding = False
        instance._state.db = alias


def take_parent_ids(field: models.Field, instances: list) -> None:
    """Each instance's foreign key from the parent it was made with, if the parent was inserted since."""
    attname, target = field.attname, field.target_field.attname
    for instance in instances:
        parent = field.get_cached_value(instance, default=None)
        if parent is None:
            continue
        value = getattr(parent, target)
        if value is None:
            raise ValueError(f"Cannot insert {instance!r}: its {field.name} has not been saved.")
        if instance.__dict__[attname] in field.empty_values:
            # Into the instance's dict: the attribute's setter would forget the cached parent.
            instance.__dict__[attname] = value


def values_of(instances: list, attnames: list[str]) -> list[tuple]:
    """Each instance's values of the fields `attnames`, read from its __dict__, where Django keeps them."""
    get = itemgetter(*attnames)
    if len(attnames) == 1:
        return [(get(instance.__dict__),) for instance in instances]
    return [get(instance.__dict__) for instance in instances]


def insert_history(model, instances: list, user, reason: str, when, source: str = "", kind: str = "+") -> list[int]:
    """One history row per instance ("+" created, "~" changed), as simple-history writes it; their history ids,
    in order. Dated `when`, or an instance's own `_history_date` where it has one (simple-history's convention)."""
    history = model.history.model
    made = {
        "history_date": when,
        "history_change_reason": reason,
        "history_type": kind,
        "history_user_id": getattr(user, "pk", None),
        "history_source": source,
    }
    dates = [instance.__dict__.get("_history_date") for instance in instances]
    if any(dates):
        del made["history_date"]
    fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    if any(field.attname == "counts_unchanged" for field in fields):
        made["counts_unchanged"] = False  # a row written in bulk counts as a change (MeasureHistory)
    copied = [field for field in fields if field.attname not in made]
    same = {field: made[field.attname] for field in fields if field.attname in made}
    if any(dates):
        for instance, date in zip(instances, dates, strict=True):
            instance.__dict__["history_date"] = date or when  # read below as if it were one of the record's fields
    rows = values_of(instances, [field.attname for field in copied])
    return insert_rows(history, copied, rows, returning=history._meta.pk, same=same)


def create_links(links: list[tuple[object, str, list]], history_ids: dict[int, int]) -> None:
    """The many-to-many rows, and in each owner's "+" history row the snapshot of its links."""
    grouped: dict[tuple[type, str], list[tuple[object, list]]] = defaultdict(list)
    for instance, field_name, targets in links:
        if targets:
            grouped[(type(instance), field_name)].append((instance, targets))
    for (model, field_name), items in grouped.items():
        field = model._meta.get_field(field_name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        pairs = [(instance, item.pk) for instance, targets in items for item in targets]
        columns = [through._meta.get_field(source), through._meta.get_field(target)]
        ids = insert_rows(through, columns, [(owner.pk, target_pk) for owner, target_pk in pairs], through._meta.pk)
        historical = apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{field_name}")
        snapshot_columns = [historical._meta.get_field(name) for name in ("id", source, target, "history")]
        snapshots = [
            (row_id, owner.pk, target_pk, history_ids[id(owner)])
            for (owner, target_pk), row_id in zip(pairs, ids, strict=True)
            if id(owner) in history_ids
        ]
        insert_rows(historical, snapshot_columns, snapshots)


def insert_rows(
    model,
    columns: list[models.Field],
    rows: list[tuple],
    returning: models.Field | None = None,
    same: dict[models.Field, object] | None = None,
) -> list:
    """INSERT `rows` (values in `columns` order) into the model's table in batches; the `returning` values.

    `same` gives columns whose value is the same in every row (prepared for the database once).
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    rows = adapted(columns, rows)
    if same:
        tail = next(iter(adapted(list(same), [tuple(same.values())])))
        rows = [row + tail for row in rows]
        columns = columns + list(same)
    names = ", ".join(quote(field.column) for field in columns)
    # SQLite's own placeholder: Django would otherwise rewrite thousands of "%s" in each statement with a regex
    placeholder = "?" if connection.vendor == "sqlite" else "%s"
    one_row = "(" + ", ".join([placeholder] * len(columns)) + ")"
    size = max(1, min(BATCH, connection.ops.bulk_batch_size(columns, rows)))
    found = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES {', '.join([one_row] * len(batch))}"
            params = list(chain.from_iterable(batch))
            if returning is not None:
                sql = f"{sql} RETURNING {quote(returning.column)}"
            execute(cursor, sql, params)
            if returning is not None:
                found += [value for (value,) in cursor.fetchall()]
    return found


def execute(cursor, sql: str, params: list) -> None:
    """Run an INSERT: on SQLite straight on the DB-API cursor, its placeholders being "?" already."""
    if connection.vendor == "sqlite":
        with cursor.db.wrap_database_errors:
            sqlite3.Cursor.execute(cursor.cursor, sql, params)
    else:
        cursor.execute(sql, params)


def adapted(columns: list[models.Field], rows: list[tuple]) -> list[tuple]:
    """The rows with each value as the database backend wants it, for the columns whose type needs it."""
    adapters = [_adapter(field) for field in columns]
    if not any(adapters):
        return rows
    values = list(zip(*rows, strict=True))  # column by column
    for index, adapt in enumerate(adapters):
        if adapt:
            if columns[index].get_internal_type() == "JSONField":  # lists and dicts: not hashable, not repeated
                values[index] = tuple(adapt(v) for v in values[index])
                continue
            once: dict = {}  # a column repeats a few values (the import's one timestamp): each adapted once
            values[index] = tuple(once[v] if v in once else once.setdefault(v, adapt(v)) for v in values[index])
    return list(zip(*values, strict=True))


# Values of these types go to the database as they are (Django's preparation returns them unchanged).
AS_THEY_ARE = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def _adapter(field: models.Field):
    """How the database backend wants a field's Python value, for the types that need it (else None)."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind in AS_THEY_ARE:
        return None
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    return lambda value: field.get_db_prep_save(value, connection)
