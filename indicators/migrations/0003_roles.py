"""The three staff roles as groups, with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ["indicators", "goals", "alignment", "authtoken"]
ROLES = {
    "registrador": {"view": "*", "add": ["reading"], "change": ["reading"]},
    "revisor": {"view": "*", "change": ["reading"]},
    "auditor": {"view": "*"},
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for action, models in grants.items():
            query = Permission.objects.filter(content_type__app_label__in=APPS, codename__startswith=f"{action}_")
            if models != "*":
                query = query.filter(content_type__model__in=models)
            permissions.extend(query)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_reading_value_in_unit_range"),
        ("goals", "0001_initial"),
        ("alignment", "0001_initial"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
