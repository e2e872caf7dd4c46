"""Rewrite the search words of every target and indicator (`core.search`) after writes that sent
no signal: SQL, `QuerySet.update()`, `bulk_create()`. Saves through the models keep them already."""

from django.core.management.base import BaseCommand

from core import search


class Command(BaseCommand):
    help = (
        "Rehace las palabras de búsqueda de cada meta e indicador que no coincidan con sus campos "
        "(después de escribir por SQL, sin pasar por los modelos)."
    )

    def handle(self, *args, **options):
        changed = search.refresh_all()
        self.stdout.write(f"Palabras de búsqueda rehechas: {changed}.")
