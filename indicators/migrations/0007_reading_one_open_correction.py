"""At most one open correction (draft, submitted or rejected) per corrected reading.

Two corrections of one reading could be created at once before this rule: every open one but
the oldest is withdrawn first, with a history row that says why, so the index can be built."""

from django.db import migrations, models
from django.utils import timezone

OPEN = ["draft", "submitted", "rejected"]
REASON = "Retirada al migrar: otra corrección de la misma lectura ya estaba en curso."


def withdraw_duplicate_open_corrections(apps, schema_editor):
    Reading = apps.get_model("indicators", "Reading")
    HistoricalReading = apps.get_model("indicators", "HistoricalReading")
    tracked = [f.attname for f in HistoricalReading._meta.fields if not f.attname.startswith("history_")]
    kept = set()
    now = timezone.now()
    for reading in Reading.objects.filter(corrects__isnull=False, status__in=OPEN).order_by("corrects_id", "id"):
        if reading.corrects_id not in kept:
            kept.add(reading.corrects_id)
            continue
        reading.status, reading.withdrawn_at, reading.withdrawal_reason = "withdrawn", now, REASON
        reading.save()
        HistoricalReading.objects.create(
            **{name: getattr(reading, name) for name in tracked},
            history_date=now,
            history_type="~",
            history_change_reason="retirada al migrar (corrección duplicada)",
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_range_trigger_on_value_change")]

    operations = [
        migrations.RunPython(withdraw_duplicate_open_corrections, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="reading",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["draft", "submitted", "rejected"])),
                fields=("corrects",),
                name="reading_one_open_correction",
                violation_error_message="Esta lectura ya tiene una corrección en curso.",
            ),
        ),
    ]
