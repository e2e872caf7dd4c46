"""A database from before entities moves into the entity its plan names, without losing a row or a
history record: its offices, indicators and plans become the entity's, its units the national
catalogue, its plan's staff the entity's staff (their history too), and it can be undone."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import Membership
from goals.models import Plan
from indicators.models import Indicator, Office, Reading, Unit

BEFORE_ENTITIES = [("indicators", "0009_range_check_per_statement_on_insert"), ("goals", "0003_plans_as_data")]
WHEN = datetime(2020, 5, 1, 12, tzinfo=UTC)


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets).apps if targets else None


def with_history(apps, model_name, **values):
    """A row and its first history row, as the site wrote both."""
    model = apps.get_model(*model_name.split("."))
    history = apps.get_model(model._meta.app_label, f"Historical{model.__name__}")
    row = model.objects.create(**values)
    kept = {f.attname for f in history._meta.concrete_fields}
    fields = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields if f.attname in kept}
    history.objects.create(**fields, history_date=WHEN, history_type="+", history_change_reason="alta")
    return row


@pytest.mark.slow  # migrates back and forth
@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_entities_moves_into_its_plans_entity():
    apps = migrate(BEFORE_ENTITIES)
    try:
        apps.get_model("indicators", "Unit").objects.all().delete()  # the catalogue came later
        user = apps.get_model("auth", "User").objects.create(username="rosa", is_staff=True)
        unit = with_history(apps, "indicators.Unit", code="horas-dia", name="Horas al día", decimals=1)
        office = with_history(apps, "indicators.Office", code="GSP", name="Gerencia de Servicios Públicos")
        office.members.add(user)
        water = with_history(
            apps, "indicators.Indicator", code="AGUA-HORAS", name="Horas de agua", unit=unit, office=office
        )
        loose = with_history(apps, "indicators.Indicator", code="SUELTO", name="Sin plan", unit=unit, office=office)
        with_history(
            apps,
            "indicators.Reading",
            indicator=water,
            period=date(2020, 1, 1),
            value=Decimal(12),
            source="EPS",
            status="approved",
            approved_at=WHEN,
        )
        plan = with_history(
            apps,
            "goals.Plan",
            slug="antes-2019-2022",
            title="Plan de antes",
            municipality="Municipalidad Provincial de Ilo",
            party="Partido",
            period_start=date(2019, 1, 1),
            period_end=date(2022, 12, 31),
        )
        plan.staff.add(user)
        staff_history = apps.get_model("goals", "HistoricalPlan_staff")
        staff_history.objects.create(
            id=plan.staff.through.objects.get().pk,
            history=apps.get_model("goals", "HistoricalPlan").objects.get(id=plan.pk),
            plan=plan,
            user=user,
        )
        dimension = apps.get_model("goals", "Dimension").objects.create(plan=plan, number=1, slug="s", name="Social")
        problem = apps.get_model("goals", "Problem").objects.create(plan=plan, code="S1", dimension=dimension, text="P")
        objective = apps.get_model("goals", "Objective").objects.create(
            plan=plan, code="S1.1", problem=problem, text="O"
        )
        apps.get_model("goals", "Target").objects.create(
            plan=plan,
            code="S1.1-M",
            objective=objective,
            sentence="18 horas",
            value=18,
            unit="h",
            deadline=date(2022, 12, 31),
            indicator=water,
        )
        counts = {
            name: apps.get_model(*name.split(".")).objects.count()
            for name in [
                "indicators.HistoricalUnit",
                "indicators.HistoricalOffice",
                "indicators.HistoricalIndicator",
                "indicators.HistoricalReading",
                "goals.HistoricalPlan",
                "indicators.Reading",
            ]
        }
    finally:
        migrate()
    moved = Plan.objects.select_related("entity").get(slug="antes-2019-2022")
    ilo = moved.entity
    assert (ilo.ubigeo, ilo.title) == ("1803", "Municipalidad Provincial de Ilo")
    assert Office.objects.get(code="GSP").entity == ilo
    assert {i.code: i.entity for i in Indicator.objects.all()} == {"AGUA-HORAS": ilo, "SUELTO": ilo}
    assert Unit.objects.get(code="horas-dia").entity is None  # the national catalogue
    assert Unit.objects.filter(entity__isnull=True, code__in=["cantidad", "tasa-de-variacion"]).count() == 2
    assert Membership.objects.get(user__username="rosa").entity == ilo
    # Not a row or a history record lost; history rows know their entity.
    assert Reading.objects.count() == counts["indicators.Reading"]
    assert Office.history.filter(entity=ilo).count() == counts["indicators.HistoricalOffice"]
    assert Indicator.history.filter(entity=ilo).count() == counts["indicators.HistoricalIndicator"]
    assert Reading.history.count() == counts["indicators.HistoricalReading"]
    assert Plan.history.filter(entity=ilo).count() == counts["goals.HistoricalPlan"]
    # The catalogue's own first rows are added, the old unit's history kept.
    assert Unit.history.count() >= counts["indicators.HistoricalUnit"]
    assert Unit.history.filter(code="horas-dia", history_date=WHEN).exists()
    staff = Membership.history.filter(user__username="rosa", history_change_reason__startswith="personal del plan")
    assert staff.count() == 1 and staff.get().history_date == WHEN
    assert loose.pk and water.pk  # both moved, neither copied
