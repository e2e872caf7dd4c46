"""The range trigger of 0002 fires only when a reading's value or indicator changes.

It used to fire on every UPDATE (Django's save() sets every column), so narrowing a unit's
range made unrelated steps of older readings (submit, reject, withdraw) fail in the database.
Inserts are still always checked."""

from django.db import migrations

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
SQLITE_ON_CHANGE = [
    *SQLITE_DROP,
    f"CREATE TRIGGER reading_value_in_unit_range_insert BEFORE INSERT ON indicators_reading "
    f"FOR EACH ROW BEGIN {SQLITE_CHECK} END;",
    f"CREATE TRIGGER reading_value_in_unit_range_update BEFORE UPDATE OF value, indicator_id ON indicators_reading "
    f"FOR EACH ROW WHEN NEW.value IS NOT OLD.value OR NEW.indicator_id IS NOT OLD.indicator_id "
    f"BEGIN {SQLITE_CHECK} END;",
]
SQLITE_ON_EVERY_SAVE = [
    *SQLITE_DROP,
    *(
        f"CREATE TRIGGER reading_value_in_unit_range_{event.lower()} BEFORE {event} ON indicators_reading "
        f"FOR EACH ROW BEGIN {SQLITE_CHECK} END;"
        for event in ("INSERT", "UPDATE")
    ),
]

# The function of 0002 stays; only the triggers calling it change.
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {name} ON indicators_reading;"
    for name in ("reading_value_in_unit_range", "reading_value_in_unit_range_insert", "reading_value_in_unit_range_update")
]
POSTGRES_ON_CHANGE = [
    *POSTGRES_DROP,
    "CREATE TRIGGER reading_value_in_unit_range_insert BEFORE INSERT ON indicators_reading "
    "FOR EACH ROW EXECUTE FUNCTION reading_value_in_unit_range();",
    "CREATE TRIGGER reading_value_in_unit_range_update BEFORE UPDATE OF value, indicator_id ON indicators_reading "
    "FOR EACH ROW WHEN (OLD.value IS DISTINCT FROM NEW.value OR OLD.indicator_id IS DISTINCT FROM NEW.indicator_id) "
    "EXECUTE FUNCTION reading_value_in_unit_range();",
]
POSTGRES_ON_EVERY_SAVE = [
    *POSTGRES_DROP,
    "CREATE TRIGGER reading_value_in_unit_range BEFORE INSERT OR UPDATE OF value, indicator_id "
    "ON indicators_reading FOR EACH ROW EXECUTE FUNCTION reading_value_in_unit_range();",
]


def run(postgres, sqlite):
    def operation(apps, schema_editor):
        statements = postgres if schema_editor.connection.vendor == "postgresql" else sqlite
        for statement in statements:
            schema_editor.execute(statement)

    return operation


def drop_value_triggers_on_sqlite(apps, schema_editor):
    """For later migrations whose SQLite table rebuild the readings' range triggers would block:
    dropped before the rebuild, made again after (`create_value_triggers_on_sqlite`)."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


def create_value_triggers_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_ON_CHANGE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0005_data_version")]

    operations = [
        migrations.RunPython(
            run(POSTGRES_ON_CHANGE, SQLITE_ON_CHANGE), run(POSTGRES_ON_EVERY_SAVE, SQLITE_ON_EVERY_SAVE)
        )
    ]
