"""Each target keeps its words folded for the search (`core.search`), indexed by trigrams on PostgreSQL."""

from django.db import migrations

import core.search

PATHS = ("code", "sentence", "objective__text", "unit")


def fill(apps, schema_editor):
    core.search.refresh(apps.get_model("goals", "Target")._base_manager.all(), PATHS)


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0010_text_length_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="target",
            name="search_text",
            field=core.search.SearchTextField(),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(*core.search.trigram_index("goals_target", "target_search_text_trgm")),
    ]
