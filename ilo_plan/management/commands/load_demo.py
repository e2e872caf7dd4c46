"""Plausible, clearly marked demo readings and one demo account per role."""

import json
import random
import secrets
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import versions
from core.models import Membership
from goals.models import Milestone, Plan, Project, Target
from indicators.access import ROLE_ADMINISTRADOR, ROLE_AUDITOR, ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Office, Reading, ReviewStatus

# username, role, superuser, staff of the featured plan's entity
DEMO_USERS = [
    ("demo-registrador", ROLE_REGISTRADOR, False, True),
    ("demo-revisor", ROLE_REVISOR, False, True),
    ("demo-administrador", ROLE_ADMINISTRADOR, False, True),
    ("demo-auditor", ROLE_AUDITOR, False, False),
    ("demo-admin", None, True, False),
]
DEMO_SOURCE = "Dato de demostración (no es un dato real)"
# One file per plan (fixtures/demo/<slug>.json): a yearly path per indicator from the plan's first
# year, monthly indicators interpolated with noise, chosen so that the statuses differ from one
# target to the next; the indicator whose readings wait in the review queue; project milestones.
DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"


class Command(BaseCommand):
    help = "Carga lecturas de demostración (marcadas como tales) y una cuenta de demostración por rol."

    def handle(self, *args, **options):
        # Demo accounts include a superuser with a printed password: never on a production server.
        if not settings.DEBUG:
            raise CommandError(
                "load_demo no se ejecuta con DJANGO_DEBUG apagado: crea cuentas de demostración, un "
                "superusuario incluido, y datos inventados. Úselo solo en una copia de desarrollo."
            )
        plan = Plan.objects.featured()
        if plan is None:
            raise CommandError(_("Primero cargue el plan: python manage.py load_plan"))
        demo_file = DEMO_DIR / f"{plan.slug}.json"
        if not demo_file.is_file():
            raise CommandError(
                _("No hay datos de demostración para el plan %(slug)s (%(file)s).")
                % {"slug": plan.slug, "file": demo_file.name}
            )
        self.plan, self.demo = plan, json.loads(demo_file.read_text(encoding="utf-8"))
        if Reading.objects.demo().exists() or get_user_model().objects.filter(username__startswith="demo-").exists():
            self.stdout.write(
                "Los datos de demostración ya están cargados (las contraseñas se mostraron la primera vez). "
                "Para empezar de nuevo: python manage.py clear_demo && python manage.py load_demo"
            )
            return
        rng = random.Random(2019)
        with transaction.atomic():
            passwords, users = self.create_accounts()
            count = self.create_readings(rng, users)
            milestones = self.create_milestones()
            # Bulk inserts send no signals: the plan's pages, and its offices' work, changed.
            offices = Office.objects.filter(entity=plan.entity).values_list("pk", flat=True)
            versions.bump(versions.plan_scope(plan.pk), *(versions.office_scope(pk) for pk in offices))
        self.stdout.write(
            self.style.WARNING(
                f"Datos de demostración cargados: {count} lecturas y {milestones} hitos, "
                "todos marcados como demostración."
            )
        )
        self.stdout.write("\nCuentas de demostración (se muestran solo esta vez):")
        for username, password in passwords:
            self.stdout.write(f"  usuario: {username:<18} contraseña: {password}")
        self.stdout.write("Entre en http://127.0.0.1:8000/admin/\n")

    def create_accounts(self):
        User = get_user_model()
        entity = self.plan.entity
        target_offices = Office.objects.filter(entity=entity, indicators__targets__isnull=False).distinct()
        passwords, users = [], {}
        for username, role, superuser, member in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(username, password=password, is_staff=True, is_superuser=superuser)
            if member:
                Membership.objects.create(user=user, entity=entity)
            if role:
                user.groups.add(Group.objects.get_or_create(name=role)[0])
            if role in (ROLE_REGISTRADOR, ROLE_REVISOR):
                # From the office's side, so the office's history records the new member.
                for office in target_offices:
                    office.members.add(user)
            passwords.append((username, password))
            users[username] = user
        return passwords, users

    def create_readings(self, rng, users):
        registrador, revisor = users["demo-registrador"], users["demo-revisor"]
        targets = Target.objects.filter(plan=self.plan, indicator__code__in=self.demo["paths"]).select_related(
            "indicator__unit"
        )
        readings = []
        for target in targets:
            indicator = target.indicator
            path = self.demo["paths"][indicator.code]
            for period, value in self.series(rng, path, indicator.frequency, indicator.unit.decimals, self.first_year):
                approved_at = timezone.make_aware(
                    datetime.combine(self.published(period, indicator.frequency), time(10))
                )
                readings.append(
                    Reading(
                        indicator=indicator,
                        period=period,
                        value=value,
                        source=DEMO_SOURCE,
                        is_demo=True,
                        status=ReviewStatus.APPROVED,
                        entered_by=registrador,
                        last_modified_by=registrador,
                        submitted_at=approved_at,
                        reviewed_by=revisor,
                        reviewed_at=approved_at,
                        approved_at=approved_at,
                    )
                )
        # A few readings waiting in the queue, so the review workflow has something to show.
        queued = Target.objects.get(plan=self.plan, indicator__code=self.demo["queue_indicator"]).indicator
        for month, status in ((1, ReviewStatus.SUBMITTED), (2, ReviewStatus.SUBMITTED), (3, ReviewStatus.DRAFT)):
            readings.append(
                Reading(
                    indicator=queued,
                    period=date(self.plan.period_end.year + 1, month, 1),
                    value=Decimal("15.8") + month,
                    source=DEMO_SOURCE,
                    is_demo=True,
                    status=status,
                    entered_by=registrador,
                    last_modified_by=registrador,
                    submitted_at=timezone.now() if status == ReviewStatus.SUBMITTED else None,
                )
            )
        bulk_create_with_history(
            readings, Reading, batch_size=500, default_user=registrador, default_change_reason="demostración"
        )
        return len(readings)

    @property
    def first_year(self) -> int:
        return self.plan.period_start.year

    @staticmethod
    def series(rng, path, frequency, decimals, first_year):
        quantum = Decimal(1).scaleb(-decimals)
        last = len(path) - 1
        if frequency == "monthly":
            for year_index in range(len(path)):
                start = path[year_index]
                end = path[year_index + 1] if year_index < last else path[last] + (path[last] - path[last - 1]) / 2
                for month in range(12):
                    value = start + (end - start) * month / 12 + rng.uniform(-0.6, 0.6)
                    yield date(first_year + year_index, month + 1, 1), Decimal(str(max(value, 0))).quantize(quantum)
            return
        for year_index, value in enumerate(path):
            if value is None:  # no data that year (a survey not applied)
                continue
            noisy = value if decimals == 0 and value < 5 else value * (1 + rng.uniform(-0.02, 0.02))
            yield date(first_year + year_index, 1, 1), Decimal(str(noisy)).quantize(quantum)

    @staticmethod
    def published(period, frequency):
        """When such a figure would be approved: a month after its period ends."""
        if frequency == "monthly":
            year, month = (period.year + 1, 1) if period.month == 12 else (period.year, period.month + 1)
            return date(year, month, 15)
        return date(period.year + 1, 2, 15)

    def create_milestones(self):
        milestones = []
        for code, items in self.demo["milestones"].items():
            project = Project.objects.get(plan=self.plan, code=code)
            start = project.milestones.count()
            for order, item in enumerate(items, start + 1):
                name, weight = item["name"], item["weight"]
                done = date.fromisoformat(item["done"]) if item["done"] else None
                milestones.append(
                    Milestone(
                        project=project,
                        order=order,
                        name=f"{name} (demostración)",
                        weight=weight,
                        planned_date=done,
                        done_date=done,
                        evidence="Dato de demostración",
                        is_demo=True,
                    )
                )
        bulk_create_with_history(milestones, Milestone, default_change_reason="demostración")
        return len(milestones)
