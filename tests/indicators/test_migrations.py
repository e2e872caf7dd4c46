"""Migrations that change data must cope with the data production already holds."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indicators.models import Reading

BEFORE_ONE_OPEN_CORRECTION = ("indicators", "0006_range_trigger_on_value_change")


def migrate(targets=None):
    """To `targets`, or back to the latest migrations of every app (later ones included); the
    models as they stood at `targets`."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets).apps if targets else None


@pytest.mark.slow  # migrates back and forth
@pytest.mark.django_db(transaction=True)
def test_duplicate_open_corrections_are_withdrawn_before_the_rule_is_added(monkeypatch):
    # Offices and indicators without a plan to say whose they are: the operator names the entity.
    monkeypatch.setenv("ENTITY_OF_EXISTING_RECORDS", "1803")
    # Rows written with the models of that moment: later migrations add columns today's models know.
    apps = migrate([BEFORE_ONE_OPEN_CORRECTION])
    try:
        unit = apps.get_model("indicators", "Unit").objects.create(code="pct", name="Porcentaje", decimals=2)
        office = apps.get_model("indicators", "Office").objects.create(code="OF", name="Oficina")
        indicator = apps.get_model("indicators", "Indicator").objects.create(
            code="IND", name="Indicador", unit=unit, office=office
        )
        HistoricalReading = apps.get_model("indicators", "HistoricalReading")
        ReadingThen = apps.get_model("indicators", "Reading")

        def reading(status, **extra):
            row = ReadingThen.objects.create(
                indicator=indicator, period=date(2021, 1, 1), value=Decimal(10), source="Fuente", status=status, **extra
            )
            kept = {f.attname for f in HistoricalReading._meta.concrete_fields}
            fields = {
                f.attname: getattr(row, f.attname) for f in ReadingThen._meta.concrete_fields if f.attname in kept
            }
            HistoricalReading.objects.create(
                **fields, history_date=row.created_at, history_type="+", history_change_reason="registro"
            )
            return row

        original = reading("approved", approved_at=datetime(2021, 2, 1, tzinfo=UTC))
        first, second = (reading(status, corrects=original) for status in ("draft", "submitted"))
    finally:
        migrate()
    assert Reading.objects.get(pk=first.pk).status == "draft"
    withdrawn = Reading.objects.get(pk=second.pk)
    assert (withdrawn.status, withdrawn.withdrawn_at is not None) == ("withdrawn", True)
    assert "otra corrección de la misma lectura" in withdrawn.withdrawal_reason
    latest = withdrawn.history.latest("history_id")
    assert (latest.status, latest.history_change_reason) == ("withdrawn", "retirada al migrar (corrección duplicada)")
