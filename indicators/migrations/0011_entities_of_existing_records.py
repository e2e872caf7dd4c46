"""Give the offices and indicators recorded before entities existed to the entity that used them:
the entity of the plans that measure or cite each indicator (the earliest such plan when several
entities' plans share it; before entities, any plan could), told by what each plan said of itself
(ubigeo, else the name of its entity: `core.entities.legacy_entity`). An office whose indicators
went to several entities is copied into each, with its members. Units all become the national
catalogue. Each person on an office's staff becomes staff of that office's entity. History rows
get the entity of their record, and nothing is deleted.

The plans live in the app above this one, so this migration reads them only when the historical
state has them (a database migrated before); a new database has no records to move. Records that
no plan names go to the earliest plan's entity, or to the one the environment variable
ENTITY_OF_EXISTING_RECORDS names (a ubigeo), which a database without plans needs."""

import os

from django.db import migrations
from django.db.models import Count

# For a database with offices or indicators but no plan to tell whose they are.
ENVIRONMENT = "ENTITY_OF_EXISTING_RECORDS"


def plans_entities(apps, Entity):
    """{plan id: entity}, and {indicator id: [plan ids, earliest term first]}; empty without plans."""
    from core.entities import legacy_entity

    try:
        Plan = apps.get_model("goals", "Plan")
        Target = apps.get_model("goals", "Target")
        PlanSection = apps.get_model("goals", "PlanSection")
    except LookupError:
        return {}, {}
    fields = {f.name for f in Plan._meta.fields}
    entities = {}
    for plan in Plan.objects.order_by("period_start", "pk"):
        found = legacy_entity(
            Entity,
            ubigeo=getattr(plan, "ubigeo", "") if "ubigeo" in fields else "",
            municipality=getattr(plan, "municipality", "") if "municipality" in fields else "",
            province=getattr(plan, "province", "") if "province" in fields else "",
            department=getattr(plan, "department", "") if "department" in fields else "",
        )
        if found is None:
            raise RuntimeError(
                f"El plan «{plan.slug}» no dice de qué entidad es (ubigeo o nombre de la entidad): "
                "escriba su ubigeo en la administración antes de migrar."
            )
        entities[plan.pk] = found
    order = {plan_id: index for index, plan_id in enumerate(entities)}
    users = {}
    for indicator_id, plan_id in Target.objects.filter(indicator__isnull=False).values_list("indicator_id", "plan_id"):
        users.setdefault(indicator_id, set()).add(plan_id)
    for plan_id, indicator_id in PlanSection.indicators.through.objects.values_list(
        "plansection__plan_id", "indicator_id"
    ):
        users.setdefault(indicator_id, set()).add(plan_id)
    return entities, {key: sorted(value, key=order.get) for key, value in users.items()}


def assign(apps, schema_editor):
    Entity = apps.get_model("core", "Entity")
    Membership = apps.get_model("core", "Membership")
    Office = apps.get_model("indicators", "Office")
    Indicator = apps.get_model("indicators", "Indicator")
    HistoricalOffice = apps.get_model("indicators", "HistoricalOffice")
    HistoricalIndicator = apps.get_model("indicators", "HistoricalIndicator")
    if not Office.objects.filter(entity__isnull=True).exists() and not Indicator.objects.filter(
        entity__isnull=True
    ).exists():
        return
    plan_entity, plans_of = plans_entities(apps, Entity)
    told = os.environ.get(ENVIRONMENT, "").strip()
    if told:
        default = Entity.objects.filter(ubigeo=told).first()
        if default is None:
            raise RuntimeError(f"{ENVIRONMENT}={told}: no hay una entidad con ese ubigeo.")
    elif plan_entity:
        default = next(iter(plan_entity.values()))  # the earliest term's entity: indicators no plan names
    else:
        raise RuntimeError(
            "Hay oficinas o indicadores sin entidad y ningún plan que diga de qué entidad son: cargue su plan "
            f"(con su ubigeo) antes de migrar, o diga el ubigeo de su entidad en la variable {ENVIRONMENT}."
        )
    for indicator in Indicator.objects.filter(entity__isnull=True):
        plans = plans_of.get(indicator.pk)
        indicator.entity = plan_entity[plans[0]] if plans else default
        indicator.save(update_fields=["entity"])
    for office in Office.objects.filter(entity__isnull=True).annotate(n=Count("indicators")):
        by_entity = {}
        for indicator in Indicator.objects.filter(office=office):
            by_entity.setdefault(indicator.entity_id, []).append(indicator.pk)
        owner = max(by_entity, key=lambda key: len(by_entity[key])) if by_entity else default.pk
        office.entity_id = owner
        office.save(update_fields=["entity"])
        for entity_id, indicator_ids in by_entity.items():
            if entity_id == owner:
                continue
            copy = Office.objects.create(
                entity_id=entity_id, code=office.code, name=office.name, description=office.description
            )
            copy.members.set(office.members.all())
            Indicator.objects.filter(pk__in=indicator_ids).update(office=copy)
    for office in Office.objects.all():
        HistoricalOffice.objects.filter(id=office.pk, entity__isnull=True).update(entity_id=office.entity_id)
        for user_id in office.members.values_list("pk", flat=True):
            if not Membership.objects.filter(user_id=user_id).exists():
                Membership.objects.create(user_id=user_id, entity_id=office.entity_id)
    for indicator in Indicator.objects.all():
        HistoricalIndicator.objects.filter(id=indicator.pk, entity__isnull=True).update(entity_id=indicator.entity_id)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0010_entity_owns_offices_indicators_units")]

    operations = [migrations.RunPython(assign, migrations.RunPython.noop)]
