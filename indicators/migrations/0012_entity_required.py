"""Every office and indicator has its entity (0011 gave one to those recorded before), and
SQLite's range triggers, dropped by 0010 while its tables were rebuilt, are made again."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

before = importlib.import_module("indicators.migrations.0010_entity_owns_offices_indicators_units")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_entities_of_peru'),
        ('indicators', '0011_entities_of_existing_records'),
    ]

    operations = [
        migrations.AlterField(
            model_name='indicator',
            name='entity',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='indicators', to='core.entity', verbose_name='entidad'),
        ),
        migrations.AlterField(
            model_name='office',
            name='entity',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='offices', to='core.entity', verbose_name='entidad'),
        ),
        migrations.RunPython(before.on_sqlite(before.SQLITE_CREATE), before.on_sqlite(before.SQLITE_DROP)),
    ]
