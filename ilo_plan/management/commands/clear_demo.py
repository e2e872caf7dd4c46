"""Remove the demo readings, milestones and accounts, and nothing else."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from core import versions
from goals.models import Milestone
from ilo_plan.context_processors import plans_with_demo_data
from indicators.models import Reading


class Command(BaseCommand):
    help = "Elimina las lecturas, hitos y cuentas de demostración, y nada más."

    def handle(self, *args, **options):
        with transaction.atomic():
            showing = list(plans_with_demo_data())
            demo = Reading.objects.demo()
            ids = list(demo.values_list("pk", flat=True))
            # Corrections point at the reading they correct: remove them first.
            Reading.objects.filter(pk__in=ids, corrects__isnull=False).delete()
            deleted_readings, _ = Reading.objects.filter(pk__in=ids).delete()
            Reading.history.filter(id__in=ids).delete()
            milestone_ids = list(Milestone.objects.filter(is_demo=True).values_list("pk", flat=True))
            Milestone.objects.filter(pk__in=milestone_ids).delete()
            Milestone.history.filter(id__in=milestone_ids).delete()
            users = get_user_model().objects.filter(username__startswith="demo-")
            user_count = users.count()
            users.delete()
            versions.bump(*(versions.plan_scope(pk) for pk in showing))
        self.stdout.write(
            self.style.SUCCESS(
                f"Datos de demostración eliminados: {len(ids)} lecturas, {len(milestone_ids)} hitos, "
                f"{user_count} cuentas."
            )
        )
