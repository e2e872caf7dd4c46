"""Each indicator keeps its words folded for the search (`core.search`), indexed by trigrams on PostgreSQL."""

import importlib

from django.db import migrations

import core.search

# SQLite rebuilds `indicator` to add a column; the readings' unit-range triggers block it (0017).
TRIGGERS = importlib.import_module("indicators.migrations.0018_text_limits_visible")

PATHS = ("code", "name", "unit__name", "office__name", "source")


def fill(apps, schema_editor):
    core.search.refresh(apps.get_model("indicators", "Indicator")._base_manager.all(), PATHS)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0019_text_length_checks"),
    ]

    operations = [
        migrations.RunPython(TRIGGERS.drop_value_triggers, TRIGGERS.create_value_triggers),
        migrations.AddField(
            model_name="indicator",
            name="search_text",
            field=core.search.SearchTextField(),
        ),
        migrations.RunPython(TRIGGERS.create_value_triggers, TRIGGERS.drop_value_triggers),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(*core.search.trigram_index("indicators_indicator", "indicator_search_text_trgm")),
    ]
