"""No role sees anyone's API token.

indicators 0003_roles gave every role `view` on DRF's token models, so any staff member could read
every key (the superuser's included) in the admin. This takes every permission on a token model
(DRF's authtoken and knox) away from the three role groups.

It also deleted the old plaintext DRF keys and so depended on DRF's `authtoken` app; that app is no
longer installed, and 0005_drop_drf_tokens drops the keys' whole table wherever it is left (knox
replaced them and they no longer authenticate, so nothing is lost but the leak)."""

from django.db import migrations

ROLES = ["registrador", "revisor", "auditor"]
TOKEN_APPS = ["authtoken", "knox"]


def remove_token_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    token_permissions = Permission.objects.filter(content_type__app_label__in=TOKEN_APPS)
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*token_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_roles"),
        ("knox", "0009_extend_authtoken_field"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(remove_token_permissions, migrations.RunPython.noop),
    ]
