"""The role that runs an entity: its administrador manages its staff (core.Membership), offices,
indicators, own units and plans, all of them inside its own entity (core.scoping). It does not
enter or review readings unless it also holds those roles. Other roles also see the directory.

Idempotent like 0002: each group gets the permissions it lacks and keeps those a superuser gave."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_APPS = ["indicators", "goals", "alignment", "core"]
ADMINISTRADOR = {
    "view": {app: "*" for app in VIEW_APPS},
    "add": {"goals": "*", "alignment": "*", "indicators": ["office", "indicator", "unit"], "core": ["membership"]},
    "change": {"goals": "*", "alignment": "*", "indicators": ["office", "indicator", "unit"], "core": ["membership"]},
}


def create_role(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="administrador")
    for action, grants in ADMINISTRADOR.items():
        for app, models in grants.items():
            query = Permission.objects.filter(content_type__app_label=app, codename__startswith=f"{action}_")
            if models != "*":
                query = query.filter(content_type__model__in=models)
            group.permissions.add(*query.exclude(content_type__model__startswith="historical"))
    # The other roles read the directory too (the entity their records belong to).
    core_views = Permission.objects.filter(content_type__app_label="core", codename__startswith="view_")
    for name in ("registrador", "revisor", "auditor"):
        role, _ = Group.objects.get_or_create(name=name)
        role.permissions.add(*core_views.exclude(content_type__model__startswith="historical"))


class Migration(migrations.Migration):
    dependencies = [
        ("ilo_plan", "0003_site_settings"),
        ("core", "0002_entities_of_peru"),
        ("goals", "0006_plan_entity_required"),
        ("indicators", "0013_unit_catalogue"),
    ]

    operations = [migrations.RunPython(create_role, migrations.RunPython.noop)]
