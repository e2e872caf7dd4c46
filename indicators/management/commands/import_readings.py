"""Import a large CSV/XLSX of readings from the shell: same checks, all or nothing, up to
IMPORT_MAX_ROWS rows (the file is streamed, and refused at the limit)."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.scoping import scope_for
from indicators import imports


class Command(BaseCommand):
    help = "Importa lecturas desde un CSV o XLSX como borradores del usuario indicado (todo o nada)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="Usuario registrador dueño de las lecturas.")
        parser.add_argument("--dry-run", action="store_true", help="Solo valida; no escribe nada.")

    def handle(self, *args, file, user, dry_run, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(_("No existe el archivo %(file)s.") % {"file": file})
        try:
            owner = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as error:
            raise CommandError(_("No existe el usuario %(user)s.") % {"user": user}) from error
        started = time.monotonic()
        # As the person would in the admin: inside their entity (core.scoping).
        with path.open("rb") as stream, scope_for(owner):
            report = imports.import_file(
                stream, path.name, owner, dry_run=dry_run, progress=self.progress, limits=imports.Limits.for_command()
            )
        if not report.ok:
            for line in report.lines(limit=50):
                self.stderr.write(line)
            count = report.error_count
            raise CommandError(
                ngettext("%(count)s error: no se importó nada.", "%(count)s errores: no se importó nada.", count)
                % {"count": f"{count:,}"}
            )
        seconds = time.monotonic() - started
        verb = "validadas (sin escribir)" if dry_run else "importadas como borrador"
        self.stdout.write(self.style.SUCCESS(f"{len(report.readings)} lecturas {verb} en {seconds:.1f} s."))

    def progress(self, done, total):
        width = 30
        filled = width * done // total
        self.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="\n" if done == total else ""
        )
        self.stderr.flush()
