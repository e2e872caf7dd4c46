"""A plan's entity is a record (core.Entity); its name, ubigeo, province and department as text go.
They first take an empty default, so that undoing this step can add them back to existing plans
(0005, undone, writes them from the entity)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_entities_of_peru'),
        ('goals', '0005_plans_of_entities'),
    ]

    operations = [
        *[
            migrations.AlterField(
                model_name=model,
                name="municipality",
                field=models.CharField(default="", max_length=150, verbose_name="entidad"),
            )
            for model in ("plan", "historicalplan")
        ],
        migrations.RemoveField(
            model_name='historicalplan',
            name='department',
        ),
        migrations.RemoveField(
            model_name='historicalplan',
            name='municipality',
        ),
        migrations.RemoveField(
            model_name='historicalplan',
            name='province',
        ),
        migrations.RemoveField(
            model_name='historicalplan',
            name='ubigeo',
        ),
        migrations.RemoveField(
            model_name='plan',
            name='department',
        ),
        migrations.RemoveField(
            model_name='plan',
            name='municipality',
        ),
        migrations.RemoveField(
            model_name='plan',
            name='province',
        ),
        migrations.RemoveField(
            model_name='plan',
            name='staff',
        ),
        migrations.RemoveField(
            model_name='plan',
            name='ubigeo',
        ),
        migrations.AlterField(
            model_name='plan',
            name='entity',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='core.entity', verbose_name='entidad'),
        ),
        migrations.DeleteModel(
            name='HistoricalPlan_staff',
        ),
    ]
