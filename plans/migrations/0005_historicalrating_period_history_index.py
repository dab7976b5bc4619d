"""An index for "the newest history row of a period's ratings" (plans.aggregate_cache.period_versions).

simple-history makes the historical model, so the index is created here rather than in a Meta; on
SQLite the index on period_id alone would do (history_id is the rowid), on PostgreSQL it would not.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_rating_awaiting_signoff_index"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX historicalrating_period_newest ON plans_historicalrating (period_id, history_id)",
            "DROP INDEX historicalrating_period_newest",
        ),
    ]
