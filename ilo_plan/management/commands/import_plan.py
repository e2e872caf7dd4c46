"""Load a plan file (docs/plan-file.md): all of it or, at the first problem found, nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ilo_plan import plan_file


class Command(BaseCommand):
    help = (
        "Carga un plan de gobierno desde un archivo de plan XLSX (docs/plan-file.md): todo o nada; "
        "cargar dos veces el mismo archivo no cambia nada."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="El archivo .xlsx.")
        parser.add_argument("--dry-run", action="store_true", help="Revisa el archivo sin escribir nada.")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No existe el archivo {file}.")
        with path.open("rb") as stream:
            report = plan_file.import_plan(stream, dry_run=dry_run)
        if not report.ok:
            lines = [f"{path.name}: no se cargó nada.", *report.lines(), "Corrija el archivo y vuelva a cargarlo."]
            raise CommandError("\n".join(lines))
        verb = "Revisado (sin escribir nada)" if dry_run else "Plan cargado"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {report.plan.slug}. {report.summary()}"))
