"""A measure's history row says whether it left the cached counts' inputs alone (plans.models.history.MeasureHistory).

Rows written before this migration count as changes (the default): the cached counts are recounted once.
The index finds "the newest row that did change them" (plans.rollup.cache) without reading the rows that did
not; simple-history makes the historical model, so it is created here (as in 0005).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0013_scale_mean_is_meaningful"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmeasure",
            name="counts_unchanged",
            field=models.BooleanField(
                default=False,
                help_text="Nothing the counts read changed (where the measure sits, whether removed, its due month).",
            ),
        ),
        migrations.RunSQL(
            "CREATE INDEX historicalmeasure_counted_newest ON plans_historicalmeasure (counts_unchanged, history_id)",
            "DROP INDEX historicalmeasure_counted_newest",
        ),
    ]
