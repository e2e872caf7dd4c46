"""Plans and alignment levels as data: the annex of a database loaded before them keeps its objectives, its
source plans and the order of each row, and the step can be undone."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from alignment.models import AlignmentLevel, AlignmentRow
from core.models import Membership
from goals import models as goals_models

BEFORE_LEVELS = [("alignment", "0001_initial"), ("goals", "0002_plan_sections")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets).apps if targets else None


@pytest.mark.slow  # migrates back and forth
@pytest.mark.django_db(transaction=True)
def test_the_annex_moves_to_levels_and_ordered_links_and_back():
    apps = migrate(BEFORE_LEVELS)
    try:
        Plan = apps.get_model("goals", "Plan")
        plan = Plan.objects.create(
            slug="antes",
            title="Plan de antes",
            municipality="Municipalidad Provincial de Ilo",
            party="Partido",
            period_start=date(2019, 1, 1),
            period_end=date(2022, 12, 31),
        )
        axis = apps.get_model("goals", "StrategicAxis").objects.create(plan=plan, number=1, name="Eje", objective="O")
        Objective = apps.get_model("alignment", "AlignmentObjective")

        def objective(level, number, source):
            return Objective.objects.create(
                plan=plan, level=level, number=number, text=f"{level} {number}", source_plan=source
            )

        national = objective("national", 1, "Plan nacional")
        eighth, first = objective("regional", 8, "Plan regional"), objective("regional", 1, "Plan regional")
        provincial = objective("provincial", 1, "Plan provincial")
        row = apps.get_model("alignment", "AlignmentRow").objects.create(
            plan=plan, number=1, axis=axis, national=national
        )
        row.regional.add(eighth)  # the annex lists regional objective 8 first
        row.regional.add(first)
        row.provincial.add(provincial)
        apps.get_model("auth", "User").objects.create(username="rosa", is_staff=True)
    finally:
        migrate()
    # goals 0003: the only plan is the featured one, and the staff who saw it keep seeing it (goals 0005: as
    # staff of the plan's entity, which its name tells).
    migrated = goals_models.Plan.objects.select_related("entity").get(slug="antes")
    assert (migrated.is_featured, migrated.entity.ubigeo) == (True, "1803")
    assert Membership.objects.get(user__username="rosa").entity == migrated.entity
    levels = AlignmentLevel.objects.filter(plan__slug="antes").order_by("order")
    assert [(level.code, level.name, level.source_plan) for level in levels] == [
        ("national", "Nacional", "Plan nacional"),
        ("regional", "Regional", "Plan regional"),
        ("provincial", "Provincial", "Plan provincial"),
    ]
    row = AlignmentRow.objects.get(plan__slug="antes", number=1)
    links = [(link.objective.level.code, link.objective.number) for link in row.links.order_by("order")]
    assert links == [("national", 1), ("regional", 8), ("regional", 1), ("provincial", 1)]
    assert row.links.first().history.get().history_change_reason.startswith("migración")

    apps = migrate(BEFORE_LEVELS)  # and back
    try:
        row = apps.get_model("alignment", "AlignmentRow").objects.get(plan__slug="antes", number=1)
        assert (row.national.level, row.national.number) == ("national", 1)
        assert sorted(row.regional.values_list("number", flat=True)) == [1, 8]
        assert apps.get_model("alignment", "AlignmentObjective").objects.get(number=8).source_plan == "Plan regional"
    finally:
        migrate()
