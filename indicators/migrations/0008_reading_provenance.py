"""Provenance of a public figure: cited from the plan, registered by the municipality, or demo.

Figures the plan itself cites (its diagnosis) were stored as if a reviewer had approved them on
01/10/2018, a date nobody approved anything. They become `is_cited`: public as the plan writes
them, with no approval date, reviewer or registrar. Also: an indicator's direction may be blank,
since the plan gives none for its context figures."""

import importlib

from django.conf import settings
from django.db import migrations, models

# Only the readings load_plan wrote from the plan's text: approved, never through the workflow.
PLAN_READINGS = {
    "status": "approved",
    "is_demo": False,
    "entered_by__isnull": True,
    "reviewed_by__isnull": True,
    "source__startswith": "Plan de Gobierno Municipal",
}


def mark_cited(apps, schema_editor):
    Reading = apps.get_model("indicators", "Reading")
    Reading.objects.filter(**PLAN_READINGS).update(is_cited=True, approved_at=None, reviewed_at=None)


def unmark_cited(apps, schema_editor):
    # Going back, the constraint "approved ⇒ approval date" needs one: the plan's publication
    # is the only honest moment, and it is unknown, so the reverse keeps the loading date.
    Reading = apps.get_model("indicators", "Reading")
    for reading in Reading.objects.filter(is_cited=True):
        reading.approved_at = reading.created_at
        reading.save(update_fields=["approved_at"])


# SQLite rebuilds a table to change its constraints, and cannot rebuild `indicator` while the
# unit-range triggers on `reading` (as 0006 left them) point at it: they are dropped first and put
# back last. PostgreSQL alters tables in place and keeps its trigger.
VALUE_RANGE = importlib.import_module("indicators.migrations.0006_range_trigger_on_value_change")


drop_value_triggers = VALUE_RANGE.drop_value_triggers_on_sqlite
create_value_triggers = VALUE_RANGE.create_value_triggers_on_sqlite


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0007_reading_one_open_correction"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_value_triggers, create_value_triggers),
        migrations.RemoveConstraint(
            model_name="indicator",
            name="indicator_direction_valid",
        ),
        migrations.RemoveConstraint(
            model_name="reading",
            name="reading_approved_has_approval_date",
        ),
        migrations.AddField(
            model_name="historicalreading",
            name="is_cited",
            field=models.BooleanField(
                default=False,
                help_text="Una cifra que el propio plan cita (su diagnóstico): es pública tal como el plan la escribe, sin registro, revisión ni fecha de aprobación.",
                verbose_name="citado del plan",
            ),
        ),
        migrations.AddField(
            model_name="reading",
            name="is_cited",
            field=models.BooleanField(
                default=False,
                help_text="Una cifra que el propio plan cita (su diagnóstico): es pública tal como el plan la escribe, sin registro, revisión ni fecha de aprobación.",
                verbose_name="citado del plan",
            ),
        ),
        migrations.RunPython(mark_cited, unmark_cited),
        migrations.AlterField(
            model_name="historicalindicator",
            name="direction",
            field=models.CharField(
                blank=True,
                choices=[("up", "Mayor es mejor"), ("down", "Menor es mejor")],
                default="up",
                help_text="Vacío cuando nadie lo fija: el plan no da un sentido a sus cifras de contexto.",
                max_length=4,
                verbose_name="sentido",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="direction",
            field=models.CharField(
                blank=True,
                choices=[("up", "Mayor es mejor"), ("down", "Menor es mejor")],
                default="up",
                help_text="Vacío cuando nadie lo fija: el plan no da un sentido a sus cifras de contexto.",
                max_length=4,
                verbose_name="sentido",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=models.Q(("direction__in", ["up", "down", ""])),
                name="indicator_direction_valid",
                violation_error_message="Sentido no válido.",
            ),
        ),
        migrations.AddConstraint(
            model_name="reading",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "approved"), _negated=True),
                    ("approved_at__isnull", False),
                    ("is_cited", True),
                    _connector="OR",
                ),
                name="reading_approved_has_approval_date",
                violation_error_message="Una lectura aprobada necesita su fecha de aprobación.",
            ),
        ),
        migrations.AddConstraint(
            model_name="reading",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_cited", False),
                    models.Q(
                        ("approved_at__isnull", True),
                        ("entered_by__isnull", True),
                        ("is_demo", False),
                        ("reviewed_at__isnull", True),
                        ("reviewed_by__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="reading_cited_is_not_reviewed",
                violation_error_message="Una cifra citada del plan no se registra ni se aprueba: no tiene revisor ni fecha de aprobación.",
            ),
        ),
        migrations.RunPython(create_value_triggers, drop_value_triggers),
    ]
