"""Each plan becomes a term of its entity (from its ubigeo, else the name of its entity:
`core.entities.legacy_entity`), its history rows too; and the people a plan listed as its staff
become staff of that entity (`core.Membership`), each row of the plan's staff history becoming a
row of their membership's history, so no record of who worked on what, and since when, is lost."""

from django.db import migrations


def assign(apps, schema_editor):
    from core.entities import legacy_entity

    Entity = apps.get_model("core", "Entity")
    Membership = apps.get_model("core", "Membership")
    HistoricalMembership = apps.get_model("core", "HistoricalMembership")
    Plan = apps.get_model("goals", "Plan")
    HistoricalPlan = apps.get_model("goals", "HistoricalPlan")
    StaffHistory = apps.get_model("goals", "HistoricalPlan_staff")
    for plan in Plan.objects.filter(entity__isnull=True).order_by("period_start", "pk"):
        entity = legacy_entity(
            Entity,
            ubigeo=plan.ubigeo,
            municipality=plan.municipality,
            province=plan.province,
            department=plan.department,
        )
        if entity is None:
            raise RuntimeError(
                f"El plan «{plan.slug}» no dice de qué entidad es (ubigeo o nombre de la entidad): "
                "escriba su ubigeo en la administración antes de migrar."
            )
        plan.entity = entity
        plan.save(update_fields=["entity"])
        HistoricalPlan.objects.filter(id=plan.pk).update(entity=entity)
        for user in plan.staff.all():
            Membership.objects.get_or_create(user=user, defaults={"entity": entity})
    memberships = {m.user_id: m for m in Membership.objects.all()}
    rows = []
    for record in StaffHistory.objects.select_related("history").order_by("m2m_history_id"):
        membership = memberships.get(record.user_id)
        if membership is None:
            continue
        version = record.history
        rows.append(
            HistoricalMembership(
                id=membership.pk,
                user_id=membership.user_id,
                entity_id=membership.entity_id,
                history_date=version.history_date,
                history_user_id=version.history_user_id,
                history_type="~",
                history_change_reason=f"personal del plan «{version.slug}» (antes de que el personal fuera de la entidad)"[
                    :100
                ],
            )
        )
    HistoricalMembership.objects.bulk_create(rows, batch_size=500)


def back(apps, schema_editor):
    """The entity's name and place written back as the plan's text, as they were before."""
    Plan = apps.get_model("goals", "Plan")
    prefixes = {
        "region": "Gobierno Regional de",
        "provincial": "Municipalidad Provincial de",
        "distrital": "Municipalidad Distrital de",
    }
    for plan in Plan.objects.select_related("entity").filter(entity__isnull=False):
        entity = plan.entity
        plan.municipality = entity.display_name or f"{prefixes[entity.kind]} {entity.name}"
        plan.ubigeo, plan.province, plan.department = entity.ubigeo, entity.province, entity.department
        plan.save(update_fields=["municipality", "ubigeo", "province", "department"])


class Migration(migrations.Migration):
    dependencies = [("goals", "0004_plan_entity"), ("core", "0001_initial")]

    operations = [migrations.RunPython(assign, back)]
