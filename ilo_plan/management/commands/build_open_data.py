"""Build the open data package of the current data version now (after a batch of approvals, or at
deploy), so that no visitor waits for it; the web builds it on first request otherwise."""

import time

from django.core.management.base import BaseCommand

from ilo_plan import open_data


class Command(BaseCommand):
    help = "Genera el paquete de datos abiertos (export.zip, un CSV por tabla, datapackage.json) de la versión actual."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Vuelve a generarlo aunque ya exista.")

    def handle(self, *args, force=False, **options):
        started = time.monotonic()
        folder = open_data.current(force=force)
        size = sum(f.stat().st_size for f in folder.iterdir())
        self.stdout.write(f"{folder} ({size / 1e6:.1f} MB) en {time.monotonic() - started:.1f} s")
