"""The three staff roles as groups, with their model permissions (they were created by
indicators 0003_roles, which may not depend on the apps above it).

Idempotent: on a database where the roles exist, each group gets the permissions it lacks (the
models added since, such as the alignment levels) and keeps every permission a superuser gave it
by hand. No role gets any permission on API token models (see 0001_roles_see_no_tokens)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ["indicators", "goals", "alignment"]
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
        for action, models in grants.items():
            query = Permission.objects.filter(content_type__app_label__in=APPS, codename__startswith=f"{action}_")
            if models != "*":
                query = query.filter(content_type__model__in=models)
            group.permissions.add(*query)


class Migration(migrations.Migration):
    dependencies = [
        ("ilo_plan", "0001_roles_see_no_tokens"),
        ("indicators", "0008_reading_provenance"),
        ("goals", "0003_plans_as_data"),
        ("alignment", "0004_alignment_levels_replace_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
