"""Closed periods' rating counts kept in the database (plans.models.rollup.KeptCounts, plans.rollup.cache).

Derived figures, not plan data: the table starts empty, and each closed period's counts are kept the next time
they are counted.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0014_measure_history_counts_unchanged'),
    ]

    operations = [
        migrations.CreateModel(
            name='KeptCounts',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=80)),
                ('version', models.JSONField(help_text="The period's data version when counted (plans.rollup.cache).")),
                ('value', models.JSONField()),
                ('counted', models.DateTimeField()),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='plans.period')),
            ],
            options={
                'verbose_name_plural': 'kept counts',
                'constraints': [models.UniqueConstraint(fields=('name', 'period'), name='kept_counts_once_per_period')],
            },
        ),
    ]
