"""Load a newer INEI ubigeo list into the directory of entities (core/data/README.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from core.entities import DEFAULT_LIST, ListRefused, load_list, read_list
from core.models import Entity


class Command(BaseCommand):
    help = (
        "Carga o actualiza el directorio de entidades desde una lista de ubigeos del INEI (CSV con las columnas "
        "ubigeo, departamento, provincia, distrito): agrega las nuevas, actualiza los nombres, nunca cambia un "
        "nombre corregido a mano ni borra una entidad."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_LIST), help="El CSV (por defecto, el incluido).")
        parser.add_argument("--dry-run", action="store_true", help="Dice qué cambiaría, sin escribir nada.")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No existe el archivo %(file)s.") % {"file": file})
        try:
            places = read_list(path.read_bytes())
        except ListRefused as refusal:
            raise CommandError(
                _("%(file)s: %(refusal)s No se cargó nada.") % {"file": path.name, "refusal": refusal}
            ) from refusal
        with transaction.atomic():
            report = load_list(places, Entity, Entity.history.model)
            if dry_run:
                transaction.set_rollback(True)
        verb = "Revisado (sin escribir nada)" if dry_run else "Directorio cargado"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {report.summary()}"))
