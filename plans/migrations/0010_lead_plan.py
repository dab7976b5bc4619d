"""Leads belong to a plan: each existing lead goes to the plan(s) whose measures name it.

A lead named in two plans is split: the first plan (by id) keeps the record,
each other plan gets a copy (name, role, email, login) and its measures' links
move to the copy; each copy gets a "+" history row saying why. A lead that no
measure names belongs to no plan and is deleted (its history rows stay).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

SPLIT_SOURCE = "command migrate"


def plans_of(apps, lead) -> list[int]:
    measure = apps.get_model("plans", "Measure")
    path = "action__outcome__priority__plan_id"
    ids = set(measure.objects.filter(leads=lead).values_list(path, flat=True))
    ids |= set(measure.objects.filter(officers=lead).values_list(path, flat=True))
    return sorted(ids)


def leads_to_plans(apps, schema_editor):
    lead_model = apps.get_model("plans", "Lead")
    historical = apps.get_model("plans", "HistoricalLead")
    measure = apps.get_model("plans", "Measure")
    path = "measure__action__outcome__priority__plan_id"
    for lead in list(lead_model.objects.all()):
        plan_ids = plans_of(apps, lead)
        if not plan_ids:
            lead.delete()
            continue
        lead.plan_id = plan_ids[0]
        lead.save(update_fields=["plan"])
        for plan_id in plan_ids[1:]:
            copy = lead_model.objects.create(
                plan_id=plan_id, name=lead.name, role=lead.role, email=lead.email, user_id=lead.user_id, aliases=[]
            )
            historical.objects.create(
                id=copy.pk,
                plan_id=plan_id,
                name=copy.name,
                role=copy.role,
                email=copy.email,
                user_id=copy.user_id,
                aliases=[],
                history_date=timezone.now(),
                history_type="+",
                history_change_reason=f"Split from lead {lead.pk}: leads belong to one plan",
                history_source=SPLIT_SOURCE,
            )
            for through in (measure.leads.through, measure.officers.through):
                through.objects.filter(lead_id=lead.pk, **{path: plan_id}).update(lead_id=copy.pk)
    if schema_editor.connection.vendor == "postgresql":
        # The foreign keys' deferred checks run now: PostgreSQL alters no table with pending trigger events.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0009_boardpacksnapshot_report"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicallead",
            name="aliases",
            field=models.JSONField(
                blank=True, default=list, help_text='Other spellings of the name in the plan\'s cells, e.g. "S Murphy".'
            ),
        ),
        migrations.AddField(
            model_name="historicallead",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="plans.plan",
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="aliases",
            field=models.JSONField(
                blank=True, default=list, help_text='Other spellings of the name in the plan\'s cells, e.g. "S Murphy".'
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="plan",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="leads", to="plans.plan"
            ),
        ),
        migrations.AlterField(
            model_name="historicallead",
            name="name",
            field=models.CharField(max_length=200),
        ),
        migrations.AlterField(
            model_name="historicallead",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The login of this person: they may rate the measures they lead.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="lead",
            name="name",
            field=models.CharField(max_length=200),
        ),
        migrations.AlterField(
            model_name="lead",
            name="user",
            field=models.ForeignKey(
                blank=True,
                help_text="The login of this person: they may rate the measures they lead.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="lead_records",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(leads_to_plans, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="lead",
            name="plan",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="leads", to="plans.plan"),
        ),
        migrations.AddConstraint(
            model_name="lead",
            constraint=models.UniqueConstraint(fields=("plan", "name"), name="lead_name_unique_in_plan"),
        ),
    ]
