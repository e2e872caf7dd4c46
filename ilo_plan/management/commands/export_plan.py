"""Write a plan as a plan file (docs/plan-file.md); importing it back changes nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from goals.models import Plan
from ilo_plan import plan_file


class Command(BaseCommand):
    help = "Escribe un plan como archivo de plan XLSX; sin slug, la plantilla vacía."

    def add_arguments(self, parser):
        parser.add_argument("output", help="El archivo .xlsx que se escribe.")
        parser.add_argument("--plan", help="El slug del plan; sin él, la plantilla vacía.")

    def handle(self, *args, output, plan, **options):
        record = None
        if plan:
            record = Plan.objects.filter(slug=plan).first()
            if record is None:
                raise CommandError(_("No existe un plan con el slug %(slug)s.") % {"slug": plan})
        Path(output).write_bytes(plan_file.plan_workbook(record))
        self.stdout.write(self.style.SUCCESS(f"Escrito {output}."))
