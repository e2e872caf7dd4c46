"""Load a plan file (docs/plan-file.md): all of it or, at the first problem found, nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.models import Entity
from ilo_plan import plan_file


class Command(BaseCommand):
    help = (
        "Carga un plan de gobierno desde un archivo de plan XLSX (docs/plan-file.md): todo o nada; "
        "cargar dos veces el mismo archivo no cambia nada."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="El archivo .xlsx.")
        parser.add_argument("--dry-run", action="store_true", help="Revisa el archivo sin escribir nada.")
        parser.add_argument(
            "--entity",
            metavar="UBIGEO",
            help="La entidad del plan, si el archivo no la dice (campo ubigeo); si la dice, debe ser la misma.",
        )

    def handle(self, *args, file, dry_run, entity, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No existe el archivo %(file)s.") % {"file": file})
        owner = None
        if entity:
            owner = Entity.objects.filter(ubigeo=entity).first()
            if owner is None:
                raise CommandError(
                    _("No hay una entidad con el ubigeo %(ubigeo)s en el directorio.") % {"ubigeo": entity}
                )
        with path.open("rb") as stream:
            report = plan_file.import_plan(stream, dry_run=dry_run, entity=owner)
        if not report.ok:
            lines = [f"{path.name}: no se cargó nada.", *report.lines(), "Corrija el archivo y vuelva a cargarlo."]
            raise CommandError("\n".join(lines))
        verb = "Revisado (sin escribir nada)" if dry_run else "Plan cargado"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {report.plan.slug}. {report.summary()}"))
