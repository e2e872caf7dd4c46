"""The directory of every government of Peru, from INEI's ubigeo list shipped in core/data/
(`core.entities`): 25 regional governments and every provincial and district municipality, each
with its first history row. Idempotent: a database that has them keeps them (and their corrected
names)."""

from django.db import migrations


def load(apps, schema_editor):
    from core.entities import DEFAULT_LIST, load_list, read_list

    load_list(
        read_list(DEFAULT_LIST.read_bytes()),
        apps.get_model("core", "Entity"),
        apps.get_model("core", "HistoricalEntity"),
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
