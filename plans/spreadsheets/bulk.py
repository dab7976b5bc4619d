"""Creating an import's new records in bulk, with the history rows simple-history would have written.

Saving 10,000 new measures one by one costs some twenty queries each (the
row, its ratings, its lead links, and a history row with a snapshot of its
links after every one of them). Here each model is inserted in batches, then
one "+" history row per record, with its links' snapshot, all naming the
importing user and the file: the same history, in a few queries per batch.
"""

from collections import defaultdict

from django.apps import apps

BATCH = 500


def create_in_bulk(created: dict[type, list], links: list[tuple[object, str, list]], user, reason: str) -> None:
    """Insert `created` (model → new instances, in dependency order) and `links` (instance, m2m field, targets)."""
    history_rows: dict[int, object] = {}
    for model, instances in created.items():
        if not instances:
            continue
        model.objects.bulk_create(instances, batch_size=BATCH)
        rows = model.history.bulk_history_create(
            instances, batch_size=BATCH, default_user=user, default_change_reason=reason
        )
        history_rows.update({id(instance): row for instance, row in zip(instances, rows, strict=True)})
    create_links(links, history_rows)


def create_links(links: list[tuple[object, str, list]], history_rows: dict[int, object]) -> None:
    grouped: dict[tuple[type, str], list[tuple[object, list]]] = defaultdict(list)
    for instance, field_name, targets in links:
        if targets:
            grouped[(type(instance), field_name)].append((instance, targets))
    for (model, field_name), items in grouped.items():
        field = model._meta.get_field(field_name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = [
            through(**{f"{source}_id": instance.pk, f"{target}_id": item.pk})
            for instance, targets in items
            for item in targets
        ]
        through.objects.bulk_create(rows, batch_size=BATCH)
        historical = apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{field_name}")
        snapshots = []
        owners = [instance for instance, targets in items for _ in targets]
        for owner, row in zip(owners, rows, strict=True):
            history = history_rows.get(id(owner))
            if history is not None:
                snapshots.append(
                    historical(
                        id=row.pk,
                        history=history,
                        **{f"{source}_id": owner.pk, f"{target}_id": getattr(row, f"{target}_id")},
                    )
                )
        historical.objects.bulk_create(snapshots, batch_size=BATCH)
