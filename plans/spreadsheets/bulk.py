"""Creating an import's new records in bulk, with the history rows simple-history would have written.

Saving 10,000 new measures one by one costs some twenty queries each (the
row, its ratings, its lead links, and a history row with a snapshot of its
links after every one of them). Here each model is inserted in batches, then
one "+" history row per record, with its links' snapshot, all naming the
importing user and the file: the same history, in a few queries per batch.

The records themselves go through Django's bulk_create (which gives each
instance its id). Their history rows and the links are plain multi-row
INSERTs built from the values: building a historical model instance for each
of 30,000 rows only to have Django take its values apart again was most of an
import's time.
"""

from collections import defaultdict

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

BATCH = 500


def create_in_bulk(created: dict[type, list], links: list[tuple[object, str, list]], user, reason: str) -> None:
    """Insert `created` (model → new instances, in dependency order) and `links` (instance, m2m field, targets)."""
    when = timezone.now()
    history_ids: dict[int, int] = {}  # id(instance) → its history row's id
    for model, instances in created.items():
        if not instances:
            continue
        model.objects.bulk_create(instances, batch_size=BATCH)
        ids = insert_history(model, instances, user, reason, when)
        history_ids.update({id(instance): pk for instance, pk in zip(instances, ids, strict=True)})
    create_links(links, history_ids)


def insert_history(model, instances: list, user, reason: str, when) -> list[int]:
    """One "+" history row per instance, as simple-history writes it; their history ids, in order."""
    history = model.history.model
    made = {
        "history_date": when,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": getattr(user, "pk", None),
    }
    columns = [field for field in history._meta.concrete_fields if not field.primary_key]
    rows = [
        tuple(made[field.attname] if field.attname in made else getattr(instance, field.attname) for field in columns)
        for instance in instances
    ]
    return insert_rows(history, columns, rows, returning=history._meta.pk)


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


def insert_rows(model, columns: list[models.Field], rows: list[tuple], returning: models.Field | None = None) -> list:
    """INSERT `rows` (values in `columns` order) into the model's table in batches; the `returning` values."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    adapters = [_adapter(field) for field in columns]
    names = ", ".join(quote(field.column) for field in columns)
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    size = max(1, min(BATCH, connection.ops.bulk_batch_size(columns, rows)))
    found = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES {', '.join([one_row] * len(batch))}"
            params = [
                adapt(value) if adapt else value for row in batch for adapt, value in zip(adapters, row, strict=True)
            ]
            if returning is None:
                cursor.execute(sql, params)
            else:
                cursor.execute(f"{sql} RETURNING {quote(returning.column)}", params)
                found += [value for (value,) in cursor.fetchall()]
    return found


def _adapter(field: models.Field):
    """How the database backend wants a field's Python value, for the types that need it (else None)."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if kind == "JSONField":
        return lambda value: field.get_db_prep_save(value, connection)
    return None
