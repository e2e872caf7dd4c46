"""The database itself refuses rows that break the plan's rules, whatever the form."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from goals.models import Milestone, Plan, Project, StrategicAxis, Target
from indicators.models import Reading, Unit
from tests.factories import make_count_unit, make_indicator, make_plan_tree, make_reading

pytestmark = pytest.mark.django_db


def refused(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_axis_number_is_unique_per_plan():
    target = make_plan_tree()
    refused(lambda: StrategicAxis.objects.create(plan=target.plan, number=1, name="Otro", objective="Otro"))


def test_one_approved_reading_per_indicator_and_period():
    indicator = make_indicator()
    make_reading(indicator, date(2020, 1, 1), Decimal(10))
    refused(lambda: make_reading(indicator, date(2020, 1, 1), Decimal(11)))
    make_reading(indicator, date(2020, 1, 1), Decimal(11), status="draft")  # drafts may coexist


@pytest.mark.parametrize("value", [Decimal("-1"), Decimal("100.01")])
def test_a_value_outside_the_unit_range_is_refused_on_insert(value):
    indicator = make_indicator()
    refused(lambda: make_reading(indicator, value=value))


def test_one_value_outside_the_range_refuses_a_whole_bulk_insert():
    # PostgreSQL checks the inserted rows once per statement (migration 0009), SQLite per row.
    indicator = make_indicator()
    rows = [Reading(indicator=indicator, period=date(2020, m, 1), value=Decimal(m), source="Fuente") for m in (1, 2, 3)]
    rows[1].value = Decimal("100.5")
    refused(lambda: Reading.objects.bulk_create(rows))
    assert not Reading.objects.filter(indicator=indicator).exists()
    Reading.objects.bulk_create([rows[0], rows[2]])
    assert Reading.objects.filter(indicator=indicator).count() == 2


def test_a_value_outside_the_unit_range_is_refused_on_update():
    reading = make_reading(make_indicator(), value=Decimal(50))
    refused(lambda: Reading.objects.filter(pk=reading.pk).update(value=Decimal(101)))


def test_counts_have_no_upper_bound_but_no_negatives():
    indicator = make_indicator(unit=make_count_unit())
    make_reading(indicator, value=Decimal(6571))
    refused(lambda: make_reading(indicator, date(2021, 1, 1), value=Decimal(-3)))


def test_bad_comparator_kind_and_status_are_refused():
    target = make_plan_tree()
    refused(lambda: Target.objects.filter(pk=target.pk).update(comparator="≈"))
    refused(lambda: Target.objects.filter(pk=target.pk).update(kind="maybe"))
    reading = make_reading(target.indicator)
    refused(lambda: Reading.objects.filter(pk=reading.pk).update(status="published"))


def test_a_numeric_target_needs_its_indicator():
    target = make_plan_tree()
    refused(lambda: Target.objects.filter(pk=target.pk).update(indicator=None))


def test_an_approved_reading_needs_its_approval_date():
    indicator = make_indicator()
    refused(
        lambda: Reading.objects.create(
            indicator=indicator, period=date(2020, 1, 1), value=1, source="x", status="approved"
        )
    )


def test_milestone_weight_must_be_positive():
    target = make_plan_tree()
    project = Project.objects.create(plan=target.plan, code="P", name="Proyecto", objective=target.objective)
    refused(lambda: Milestone.objects.create(project=project, order=1, name="Hito", weight=0))


def test_plan_period_must_run_forward():
    target = make_plan_tree()
    refused(lambda: Plan.objects.filter(pk=target.plan.pk).update(period_end=date(2018, 1, 1)))


def test_at_most_one_open_correction_per_reading():
    indicator = make_indicator()
    original = make_reading(indicator, date(2020, 1, 1))
    make_reading(indicator, date(2020, 1, 1), status="draft", corrects=original)
    refused(lambda: make_reading(indicator, date(2020, 1, 1), status="submitted", corrects=original))
    make_reading(indicator, date(2020, 1, 1), status="withdrawn", corrects=original)  # closed ones may pile up


def test_the_range_trigger_fires_only_when_the_value_or_indicator_changes():
    indicator = make_indicator()
    reading = make_reading(indicator, value=Decimal(80), status="draft")
    Unit.objects.filter(pk=indicator.unit_id).update(max_value=Decimal(50))
    Reading.objects.filter(pk=reading.pk).update(status="submitted", value=Decimal(80))  # unrelated step
    refused(lambda: Reading.objects.filter(pk=reading.pk).update(value=Decimal(79)))
    refused(lambda: make_reading(indicator, date(2021, 1, 1), value=Decimal(51)))
