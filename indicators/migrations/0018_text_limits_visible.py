"""Limits on the text staff types (core.text): descriptions and methods are a paragraph at most
(a validator and a CHECK on the column), and names, sources and symbols refuse bidirectional
controls and zero-width characters (a validator only)."""

import importlib

from django.db import migrations, models

import core.text

# SQLite rebuilds `indicator` to add the CHECKs, and the readings' unit-range triggers (0006), which
# name that table, block the rebuild: they are dropped first and made again last, as 0017 does.
VALUE_RANGE = importlib.import_module("indicators.migrations.0006_range_trigger_on_value_change")


drop_value_triggers = VALUE_RANGE.drop_value_triggers_on_sqlite
create_value_triggers = VALUE_RANGE.create_value_triggers_on_sqlite


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0017_unit_english_names"),
    ]

    operations = [
        migrations.RunPython(drop_value_triggers, create_value_triggers),
        migrations.AlterField(
            model_name="historicalindicator",
            name="baseline_source",
            field=models.CharField(
                blank=True,
                max_length=300,
                validators=[core.text.VisibleText("fuente de la línea de base")],
                verbose_name="fuente de la línea de base",
            ),
        ),
        migrations.AlterField(
            model_name="historicalindicator",
            name="description",
            field=core.text.BoundedTextField(blank=True, max_length=2000, verbose_name="descripción"),
        ),
        migrations.AlterField(
            model_name="historicalindicator",
            name="method",
            field=core.text.BoundedTextField(blank=True, max_length=2000, verbose_name="método de cálculo"),
        ),
        migrations.AlterField(
            model_name="historicalindicator",
            name="name",
            field=models.CharField(max_length=250, validators=[core.text.VisibleText("nombre")], verbose_name="nombre"),
        ),
        migrations.AlterField(
            model_name="historicalindicator",
            name="reference_note",
            field=models.CharField(
                blank=True,
                max_length=300,
                validators=[core.text.VisibleText("nota del valor de referencia")],
                verbose_name="nota del valor de referencia",
            ),
        ),
        migrations.AlterField(
            model_name="historicalindicator",
            name="source",
            field=models.CharField(
                blank=True,
                help_text="Por ejemplo: EPS, MINSA.",
                max_length=300,
                validators=[core.text.VisibleText("fuente")],
                verbose_name="fuente",
            ),
        ),
        migrations.AlterField(
            model_name="historicaloffice",
            name="description",
            field=core.text.BoundedTextField(blank=True, max_length=2000, verbose_name="descripción"),
        ),
        migrations.AlterField(
            model_name="historicaloffice",
            name="name",
            field=models.CharField(max_length=200, validators=[core.text.VisibleText("nombre")], verbose_name="nombre"),
        ),
        migrations.AlterField(
            model_name="historicalunit",
            name="name",
            field=models.CharField(max_length=80, validators=[core.text.VisibleText("nombre")], verbose_name="nombre"),
        ),
        migrations.AlterField(
            model_name="historicalunit",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Por ejemplo: Hours a day.",
                max_length=80,
                validators=[core.text.VisibleText("nombre en inglés")],
                verbose_name="nombre en inglés",
            ),
        ),
        migrations.AlterField(
            model_name="historicalunit",
            name="symbol",
            field=models.CharField(
                blank=True,
                help_text="Por ejemplo: %, h/día.",
                max_length=40,
                validators=[core.text.VisibleText("símbolo")],
                verbose_name="símbolo",
            ),
        ),
        migrations.AlterField(
            model_name="historicalunit",
            name="symbol_en",
            field=models.CharField(
                blank=True,
                help_text="Por ejemplo: %, h/day.",
                max_length=40,
                validators=[core.text.VisibleText("símbolo en inglés")],
                verbose_name="símbolo en inglés",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="baseline_source",
            field=models.CharField(
                blank=True,
                max_length=300,
                validators=[core.text.VisibleText("fuente de la línea de base")],
                verbose_name="fuente de la línea de base",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="description",
            field=core.text.BoundedTextField(blank=True, max_length=2000, verbose_name="descripción"),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="method",
            field=core.text.BoundedTextField(blank=True, max_length=2000, verbose_name="método de cálculo"),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="name",
            field=models.CharField(max_length=250, validators=[core.text.VisibleText("nombre")], verbose_name="nombre"),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="reference_note",
            field=models.CharField(
                blank=True,
                max_length=300,
                validators=[core.text.VisibleText("nota del valor de referencia")],
                verbose_name="nota del valor de referencia",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="source",
            field=models.CharField(
                blank=True,
                help_text="Por ejemplo: EPS, MINSA.",
                max_length=300,
                validators=[core.text.VisibleText("fuente")],
                verbose_name="fuente",
            ),
        ),
        migrations.AlterField(
            model_name="office",
            name="description",
            field=core.text.BoundedTextField(blank=True, max_length=2000, verbose_name="descripción"),
        ),
        migrations.AlterField(
            model_name="office",
            name="name",
            field=models.CharField(max_length=200, validators=[core.text.VisibleText("nombre")], verbose_name="nombre"),
        ),
        migrations.AlterField(
            model_name="unit",
            name="name",
            field=models.CharField(max_length=80, validators=[core.text.VisibleText("nombre")], verbose_name="nombre"),
        ),
        migrations.AlterField(
            model_name="unit",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Por ejemplo: Hours a day.",
                max_length=80,
                validators=[core.text.VisibleText("nombre en inglés")],
                verbose_name="nombre en inglés",
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="symbol",
            field=models.CharField(
                blank=True,
                help_text="Por ejemplo: %, h/día.",
                max_length=40,
                validators=[core.text.VisibleText("símbolo")],
                verbose_name="símbolo",
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="symbol_en",
            field=models.CharField(
                blank=True,
                help_text="Por ejemplo: %, h/day.",
                max_length=40,
                validators=[core.text.VisibleText("símbolo en inglés")],
                verbose_name="símbolo en inglés",
            ),
        ),
        migrations.RunPython(create_value_triggers, drop_value_triggers),
    ]
