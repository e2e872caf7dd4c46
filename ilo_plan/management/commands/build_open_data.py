"""Build the open-data packages of the current data version now: the national one (every plan), and
with --plan or --all-plans the plans' own. The worker builds them after each change (ilo_plan.tasks);
this is for a deploy, a first load, or a worker that was down. A package already built for the
current version is left as it is, unless --force."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from goals.models import Plan
from ilo_plan import open_data


class Command(BaseCommand):
    help = (
        "Genera los paquetes de datos abiertos (export.zip, un CSV por tabla, datapackage.json) de la versión "
        "actual: el nacional y, con --plan o --all-plans, los de los planes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", action="append", default=[], metavar="SLUG", help="El paquete de este plan (repetible)."
        )
        parser.add_argument("--all-plans", action="store_true", help="El paquete de cada plan.")
        parser.add_argument("--force", action="store_true", help="Los vuelve a generar aunque ya existan.")

    def handle(self, *args, plan=(), all_plans=False, force=False, **options):
        plans = Plan.objects.select_related("entity").order_by("entity__ubigeo", "-period_start", "slug")
        if not all_plans:
            found = {p.slug: p for p in plans.filter(slug__in=plan)}
            missing = [slug for slug in plan if slug not in found]
            if missing:
                raise CommandError(_("No existe un plan con el identificador «%(slug)s».") % {"slug": missing[0]})
            plans = [found[slug] for slug in dict.fromkeys(plan)]
        self.report("nacional", lambda: open_data.build_national_package(force=force))
        for chosen in plans:
            self.report(chosen.slug, lambda chosen=chosen: open_data.build_plan_package(chosen, force=force))

    def report(self, name: str, build):
        started = time.monotonic()
        built = build()
        what = "generado" if built.written else "ya estaba generado"
        self.stdout.write(f"{name}: {built} ({built.size / 1e6:.1f} MB), {what}, en {time.monotonic() - started:.1f} s")
