"""A reading's value must lie inside its indicator's unit range, enforced by the database.

A CHECK constraint cannot look across tables, so this is a trigger on each backend we run on
(SQLite for development, PostgreSQL in production). Both raise an integrity error."""

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

SQLITE_FORWARD = [
    f"CREATE TRIGGER reading_value_in_unit_range_{event.lower()} BEFORE {event} ON indicators_reading "
    f"FOR EACH ROW BEGIN {SQLITE_CHECK} END;"
    for event in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS reading_value_in_unit_range_{event.lower()};" for event in ("INSERT", "UPDATE")
]

POSTGRES_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION reading_value_in_unit_range() RETURNS trigger AS $$
    DECLARE lo numeric; hi numeric;
    BEGIN
        SELECT u.min_value, u.max_value INTO lo, hi
        FROM indicators_indicator i JOIN indicators_unit u ON u.id = i.unit_id
        WHERE i.id = NEW.indicator_id;
        IF (lo IS NOT NULL AND NEW.value < lo) OR (hi IS NOT NULL AND NEW.value > hi) THEN
            RAISE EXCEPTION 'reading_value_in_unit_range: valor fuera del rango de la unidad'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER reading_value_in_unit_range BEFORE INSERT OR UPDATE OF value, indicator_id
    ON indicators_reading FOR EACH ROW EXECUTE FUNCTION reading_value_in_unit_range();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS reading_value_in_unit_range ON indicators_reading;",
    "DROP FUNCTION IF EXISTS reading_value_in_unit_range();",
]


def forward(apps, schema_editor):
    statements = POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = POSTGRES_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
