import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_entities_of_peru"),
        ("goals", "0003_plans_as_data"),
        ("indicators", "0011_entities_of_existing_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalplan",
            name="entity",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="core.entity",
                verbose_name="entidad",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="entity",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plans",
                to="core.entity",
                verbose_name="entidad",
            ),
        ),
    ]
