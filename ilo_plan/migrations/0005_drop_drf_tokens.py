"""DRF's plaintext tokens leave the database: knox replaced them (they no longer authenticate) and
`rest_framework.authtoken` is no longer installed.

A database that once had the app installed still holds its table, its content types and their
permissions (listed in the groups' admin), and its migrations' records. This drops the table and
deletes the rest, so the database looks as if the app had never been installed (installing it
again would create its table again). A database that never had it: nothing to do."""

from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder

TABLE = "authtoken_token"


def drop_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")
    # Their permissions go with them (and out of every group); admin log entries keep their text.
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="authtoken").delete()
    MigrationRecorder(connection).migration_qs.filter(app="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ilo_plan", "0004_entity_administrador"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(drop_drf_tokens, migrations.RunPython.noop, elidable=True),
    ]
