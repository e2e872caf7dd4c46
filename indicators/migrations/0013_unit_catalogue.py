"""The national catalogue of units (units without an entity, changed only by superusers): CEPLAN's
seven kinds of unit for indicators (Guía para el planeamiento institucional) and the units plans
already use. A unit already in the catalogue keeps what a superuser gave it; each one added gets
its first history row."""

from django.db import migrations
from django.utils import timezone

CATALOGUE = [
    # code, name, symbol, min, max, decimals: CEPLAN's kinds first
    ("cantidad", "Cantidad", "", "0", None, 0),
    ("numero", "Número", "", None, None, 2),
    ("porcentaje", "Porcentaje", "%", "0", "100", 2),
    ("ratio", "Ratio", "", "0", None, 2),
    ("tasa", "Tasa", "", "0", None, 2),
    ("indice", "Índice", "", None, None, 2),
    ("tasa-de-variacion", "Tasa de variación", "% var.", None, None, 2),
    # and the units plans use
    ("horas-dia", "Horas al día", "h/día", "0", "24", 1),
    ("denuncias", "Denuncias", "denuncias", "0", None, 0),
    ("casos", "Casos", "casos", "0", None, 0),
    ("intervenciones", "Intervenciones", "intervenciones", "0", None, 0),
    ("personas", "Personas", "personas", "0", None, 0),
    ("estudiantes", "Estudiantes", "estudiantes", "0", None, 0),
    ("defunciones", "Defunciones", "defunciones", "0", None, 0),
    ("nacidos-vivos", "Nacidos vivos", "nacidos vivos", "0", None, 0),
    ("rendiciones", "Rendiciones de cuentas", "rendiciones", "0", None, 0),
    ("por-100-mil", "Casos por 100 mil habitantes", "por 100 mil hab.", "0", "100000", 2),
    ("por-mil", "Por cada 1000 habitantes", "por 1000 hab.", "0", "1000", 2),
    ("m3-s", "Metros cúbicos por segundo", "m³/s", "0", None, 3),
    ("toneladas-anio", "Toneladas al año", "t/año", "0", None, 0),
]


def add(apps, schema_editor):
    Unit = apps.get_model("indicators", "Unit")
    HistoricalUnit = apps.get_model("indicators", "HistoricalUnit")
    known = set(Unit.objects.filter(entity__isnull=True).values_list("code", flat=True))
    now = timezone.now()
    for code, name, symbol, low, high, decimals in CATALOGUE:
        if code in known:
            continue
        unit = Unit.objects.create(
            code=code, name=name, symbol=symbol, min_value=low, max_value=high, decimals=decimals
        )
        HistoricalUnit.objects.create(
            id=unit.pk,
            code=code,
            name=name,
            symbol=symbol,
            min_value=low,
            max_value=high,
            decimals=decimals,
            history_date=now,
            history_type="+",
            history_change_reason="catálogo nacional de unidades",
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0012_entity_required")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
