"""The data every database gets from its migrations: the directory of entities, the national unit
catalogue and the roles with their permissions. A transactional test (real connections, the live
server of the browser tests) empties the database after it, so the next one gets them back here."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group

from core.entities import DEFAULT_LIST, load_list, read_list
from core.models import Entity
from indicators.models import Unit


def restore():
    if not Entity.objects.exists():
        load_list(read_list(DEFAULT_LIST.read_bytes()), Entity, Entity.history.model)
    if not Unit.objects.filter(entity__isnull=True).exists():
        importlib.import_module("indicators.migrations.0013_unit_catalogue").add(apps, None)
    if Group.objects.filter(name="administrador", permissions__isnull=False).exists():
        return
    # The roles' migrations mark each app as having models while they create its permissions, then
    # unmark it, which is right for a migration's state and wrong for the running registry (dumpdata
    # skips an app so unmarked): the marks are put back as they were.
    marks = {config.label: config.models_module for config in apps.get_app_configs()}
    try:
        importlib.import_module("ilo_plan.migrations.0002_roles").create_roles(apps, None)
        importlib.import_module("ilo_plan.migrations.0004_entity_administrador").create_role(apps, None)
    finally:
        for config in apps.get_app_configs():
            config.models_module = marks[config.label]
