"""The English site's names and symbols of the national catalogue's units ('Hours a day', 'h/day').
A unit left without them (an entity's own unit) shows its Spanish words under /en/ too. A catalogue
unit a superuser already gave English words keeps them; each one filled gets a history row."""

import importlib

from django.db import migrations, models
from django.utils import timezone

# SQLite rebuilds `unit` to add its fields, and the readings' unit-range triggers (0006), which
# name the unit table, block the rebuild: they are dropped first and made again last, as 0015 does.
# PostgreSQL alters the table in place and keeps its triggers.
VALUE_RANGE = importlib.import_module("indicators.migrations.0006_range_trigger_on_value_change")


drop_value_triggers = VALUE_RANGE.drop_value_triggers_on_sqlite
create_value_triggers = VALUE_RANGE.create_value_triggers_on_sqlite


ENGLISH = {
    # code: (name, symbol)
    "cantidad": ("Count", ""),
    "numero": ("Number", ""),
    "porcentaje": ("Percentage", "%"),
    "ratio": ("Ratio", ""),
    "tasa": ("Rate", ""),
    "indice": ("Index", ""),
    "tasa-de-variacion": ("Rate of change", "% change"),
    "horas-dia": ("Hours a day", "h/day"),
    "denuncias": ("Reports", "reports"),
    "casos": ("Cases", "cases"),
    "intervenciones": ("Interventions", "interventions"),
    "personas": ("People", "people"),
    "estudiantes": ("Students", "students"),
    "defunciones": ("Deaths", "deaths"),
    "nacidos-vivos": ("Live births", "live births"),
    "rendiciones": ("Public accountability hearings", "hearings"),
    "por-100-mil": ("Cases per 100,000 inhabitants", "per 100,000 inhabitants"),
    "por-mil": ("Per 1,000 inhabitants", "per 1,000 inhabitants"),
    "m3-s": ("Cubic metres per second", "m³/s"),
    "toneladas-anio": ("Tonnes a year", "t/year"),
}

FIELDS = ["id", "entity_id", "code", "name", "symbol", "min_value", "max_value", "decimals"]


def fill(apps, schema_editor):
    Unit = apps.get_model("indicators", "Unit")
    HistoricalUnit = apps.get_model("indicators", "HistoricalUnit")
    now = timezone.now()
    for unit in Unit.objects.filter(entity__isnull=True, code__in=ENGLISH, name_en=""):
        unit.name_en, unit.symbol_en = ENGLISH[unit.code]
        unit.save(update_fields=["name_en", "symbol_en"])
        HistoricalUnit.objects.create(
            **{name: getattr(unit, name) for name in FIELDS},
            name_en=unit.name_en,
            symbol_en=unit.symbol_en,
            history_date=now,
            history_type="~",
            history_change_reason="nombres en inglés del catálogo nacional de unidades",
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0016_undated_cited_figures")]

    operations = [
        migrations.RunPython(drop_value_triggers, create_value_triggers),
        migrations.AddField(
            model_name="historicalunit",
            name="name_en",
            field=models.CharField(
                blank=True, help_text="Por ejemplo: Hours a day.", max_length=80, verbose_name="nombre en inglés"
            ),
        ),
        migrations.AddField(
            model_name="historicalunit",
            name="symbol_en",
            field=models.CharField(
                blank=True, help_text="Por ejemplo: %, h/day.", max_length=40, verbose_name="símbolo en inglés"
            ),
        ),
        migrations.AddField(
            model_name="unit",
            name="name_en",
            field=models.CharField(
                blank=True, help_text="Por ejemplo: Hours a day.", max_length=80, verbose_name="nombre en inglés"
            ),
        ),
        migrations.AddField(
            model_name="unit",
            name="symbol_en",
            field=models.CharField(
                blank=True, help_text="Por ejemplo: %, h/day.", max_length=40, verbose_name="símbolo en inglés"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_value_triggers, drop_value_triggers),
    ]
