"""Offices, indicators and units belong to an entity (units: the national catalogue when they
have none); codes are unique within an entity. The entity is filled by 0011 and required by 0012.

SQLite rebuilds a table to change its constraints, which its triggers on readings (the unit-range
check of 0002 and 0006, naming indicators_indicator and indicators_unit) do not survive: they are
dropped here and made again, as 0006 left them, at the end of 0012."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SQLITE_CHECK = """
SELECT RAISE(ABORT, 'reading_value_in_unit_range: valor fuera del rango de la unidad')
WHERE EXISTS (
    SELECT 1 FROM indicators_indicator i JOIN indicators_unit u ON u.id = i.unit_id
    WHERE i.id = NEW.indicator_id
      AND ((u.min_value IS NOT NULL AND NEW.value < u.min_value)
           OR (u.max_value IS NOT NULL AND NEW.value > u.max_value))
);
"""
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS reading_value_in_unit_range_{event};" for event in ("insert", "update")]
SQLITE_CREATE = [
    *SQLITE_DROP,
    f"CREATE TRIGGER reading_value_in_unit_range_insert BEFORE INSERT ON indicators_reading "
    f"FOR EACH ROW BEGIN {SQLITE_CHECK} END;",
    f"CREATE TRIGGER reading_value_in_unit_range_update BEFORE UPDATE OF value, indicator_id ON indicators_reading "
    f"FOR EACH ROW WHEN NEW.value IS NOT OLD.value OR NEW.indicator_id IS NOT OLD.indicator_id "
    f"BEGIN {SQLITE_CHECK} END;",
]


def on_sqlite(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_entities_of_peru'),
        ('indicators', '0009_range_check_per_statement_on_insert'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(on_sqlite(SQLITE_DROP), on_sqlite(SQLITE_CREATE)),
        migrations.AddField(
            model_name='historicalindicator',
            name='entity',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.entity', verbose_name='entidad'),
        ),
        migrations.AddField(
            model_name='historicaloffice',
            name='entity',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.entity', verbose_name='entidad'),
        ),
        migrations.AddField(
            model_name='historicaloffice',
            name='is_default',
            field=models.BooleanField(default=False, help_text='Recibe los indicadores que el plan no asigna a ninguna oficina. En el sitio público figuran como «Oficina responsable aún no asignada» hasta que se les asigne otra.', verbose_name='oficina por defecto'),
        ),
        migrations.AddField(
            model_name='historicalunit',
            name='entity',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Vacío: una unidad del catálogo nacional, que solo un superusuario cambia.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.entity', verbose_name='entidad'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='entity',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='indicators', to='core.entity', verbose_name='entidad'),
        ),
        migrations.AddField(
            model_name='office',
            name='entity',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='offices', to='core.entity', verbose_name='entidad'),
        ),
        migrations.AddField(
            model_name='office',
            name='is_default',
            field=models.BooleanField(default=False, help_text='Recibe los indicadores que el plan no asigna a ninguna oficina. En el sitio público figuran como «Oficina responsable aún no asignada» hasta que se les asigne otra.', verbose_name='oficina por defecto'),
        ),
        migrations.AddField(
            model_name='unit',
            name='entity',
            field=models.ForeignKey(blank=True, help_text='Vacío: una unidad del catálogo nacional, que solo un superusuario cambia.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='units', to='core.entity', verbose_name='entidad'),
        ),
        migrations.AlterField(
            model_name='historicalindicator',
            name='code',
            field=models.CharField(help_text='Por ejemplo: AGUA-HORAS.', max_length=40, validators=[django.core.validators.RegexValidator('^[A-Z0-9][A-Z0-9-]*$', 'Use mayúsculas, dígitos y guiones, por ejemplo AGUA-HORAS.')], verbose_name='código'),
        ),
        migrations.AlterField(
            model_name='historicaloffice',
            name='code',
            field=models.CharField(max_length=40, validators=[django.core.validators.RegexValidator('^[A-Z0-9][A-Z0-9-]*$', 'Use mayúsculas, dígitos y guiones, por ejemplo AGUA-HORAS.')], verbose_name='código'),
        ),
        migrations.AlterField(
            model_name='indicator',
            name='code',
            field=models.CharField(help_text='Por ejemplo: AGUA-HORAS.', max_length=40, validators=[django.core.validators.RegexValidator('^[A-Z0-9][A-Z0-9-]*$', 'Use mayúsculas, dígitos y guiones, por ejemplo AGUA-HORAS.')], verbose_name='código'),
        ),
        migrations.AlterField(
            model_name='office',
            name='code',
            field=models.CharField(max_length=40, validators=[django.core.validators.RegexValidator('^[A-Z0-9][A-Z0-9-]*$', 'Use mayúsculas, dígitos y guiones, por ejemplo AGUA-HORAS.')], verbose_name='código'),
        ),
        migrations.AlterField(
            model_name='unit',
            name='code',
            field=models.SlugField(help_text='Por ejemplo: porcentaje.', max_length=40, verbose_name='código'),
        ),
        migrations.AddConstraint(
            model_name='indicator',
            constraint=models.UniqueConstraint(fields=('entity', 'code'), name='indicator_code_unique_per_entity', violation_error_message='La entidad ya tiene un indicador con ese código.'),
        ),
        migrations.AddConstraint(
            model_name='office',
            constraint=models.UniqueConstraint(fields=('entity', 'code'), name='office_code_unique_per_entity', violation_error_message='La entidad ya tiene una oficina con ese código.'),
        ),
        migrations.AddConstraint(
            model_name='office',
            constraint=models.UniqueConstraint(condition=models.Q(('is_default', True)), fields=('entity',), name='office_one_default_per_entity', violation_error_message='La entidad ya tiene una oficina por defecto.'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.UniqueConstraint(condition=models.Q(('entity__isnull', True)), fields=('code',), name='unit_code_unique_in_catalogue', violation_error_message='Ya hay una unidad del catálogo con ese código.'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.UniqueConstraint(fields=('entity', 'code'), name='unit_code_unique_per_entity', violation_error_message='La entidad ya tiene una unidad con ese código.'),
        ),
    ]
