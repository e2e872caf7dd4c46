"""Migrations that change data must cope with the data production already holds."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indicators.models import Reading
from tests.factories import make_indicator, make_reading

BEFORE_ONE_OPEN_CORRECTION = ("indicators", "0006_range_trigger_on_value_change")


def migrate(targets=None):
    """To `targets`, or back to the latest migrations of every app (later ones included)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_duplicate_open_corrections_are_withdrawn_before_the_rule_is_added():
    migrate([BEFORE_ONE_OPEN_CORRECTION])
    try:
        indicator = make_indicator()
        original = make_reading(indicator, date(2021, 1, 1))
        first, second = (
            make_reading(indicator, date(2021, 1, 1), status=status, corrects=original)
            for status in ("draft", "submitted")
        )
    finally:
        migrate()
    assert Reading.objects.get(pk=first.pk).status == "draft"
    withdrawn = Reading.objects.get(pk=second.pk)
    assert (withdrawn.status, withdrawn.withdrawn_at is not None) == ("withdrawn", True)
    assert "otra corrección de la misma lectura" in withdrawn.withdrawal_reason
    latest = withdrawn.history.latest("history_id")
    assert (latest.status, latest.history_change_reason) == ("withdrawn", "retirada al migrar (corrección duplicada)")
