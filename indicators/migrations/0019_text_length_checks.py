"""The database's half of the limits of 0018: a CHECK on the length of each bounded text, for
what bypasses validation (a queryset's update, a bulk insert)."""

import importlib

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

# SQLite rebuilds `indicator` to add a constraint; the readings' unit-range triggers block it (0017).
TRIGGERS = importlib.import_module("indicators.migrations.0018_text_limits_visible")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_text_limits_visible"),
        ("indicators", "0018_text_limits_visible"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(TRIGGERS.drop_value_triggers, TRIGGERS.create_value_triggers),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("description"), 2000
                ),
                name="indicator_description_max_length",
                violation_error_message="Un texto pasa del largo máximo de su campo.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("method"), 2000
                ),
                name="indicator_method_max_length",
                violation_error_message="Un texto pasa del largo máximo de su campo.",
            ),
        ),
        migrations.AddConstraint(
            model_name="office",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("description"), 2000
                ),
                name="office_description_max_length",
                violation_error_message="Un texto pasa del largo máximo de su campo.",
            ),
        ),
        migrations.RunPython(TRIGGERS.create_value_triggers, TRIGGERS.drop_value_triggers),
    ]
