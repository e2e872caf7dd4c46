"""Plausible, clearly marked demo readings and one demo account per role."""

import random
import secrets
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from goals.models import Milestone, Plan, Project, Target
from indicators.models import DataVersion, Office, Reading, ReviewStatus
from indicators.roles import ROLE_AUDITOR, ROLE_REGISTRADOR, ROLE_REVISOR

DEMO_USERS = [
    ("demo-registrador", ROLE_REGISTRADOR, False),
    ("demo-revisor", ROLE_REVISOR, False),
    ("demo-auditor", ROLE_AUDITOR, False),
    ("demo-admin", None, True),
]
DEMO_SOURCE = "DATO DE DEMOSTRACIÓN (inventado por load_demo; no es un dato real)"

# A yearly path per indicator, from 2019 to 2022; monthly indicators interpolate with noise.
# Chosen so that the statuses differ from one target to the next.
PATHS = {
    "AGUA-HORAS": [9, 11, 13, 15.5],
    "ANEMIA-36M": [19.5, 17.8, 14.9, 10.6],
    "ECE-SEC-LECTURA": [30.1, None, 33.4, 38.0],
    "VIOLENCIA-FAMILIAR": [820, 910, 1005, 1090],
    "PESCADORES-BENEFICIADOS": [300, 650, 1100, 1600],
    "ACTORES-SENSIBILIZADOS": [10, 25, 45, 72],
    "AGUAS-RESIDUALES-TRATADAS": [35, 38, 40, 42],
    "GOBIERNO-ELECTRONICO": [8, 20, 33, 48],
    "RENDICION-CUENTAS": [1, 1, 0, 1],
}
DEMO_MILESTONES = {
    "RELLENO-SANITARIO": [
        ("Expediente técnico aprobado", 2, date(2019, 11, 15)),
        ("Terreno saneado", 1, date(2020, 9, 1)),
        ("Obra ejecutada", 4, None),
        ("Relleno en funcionamiento", 3, None),
    ],
    "MONITOREO-AIRE": [
        ("Convenio con DIGESA", 1, date(2019, 8, 1)),
        ("Estaciones instaladas", 3, date(2021, 5, 20)),
        ("Reportes públicos en línea", 1, date(2022, 3, 1)),
    ],
    "ILO-CIUDAD-INTELIGENTE": [
        ("Alianza empresa-universidad-municipio firmada", 1, date(2020, 2, 10)),
        ("Piloto diseñado", 1, None),
        ("Piloto implementado", 2, None),
    ],
}


class Command(BaseCommand):
    help = "Carga lecturas de demostración (marcadas como tales) y una cuenta de demostración por rol."

    def handle(self, *args, **options):
        # Demo accounts include a superuser with a printed password: never on a production server.
        if not settings.DEBUG:
            raise CommandError(
                "load_demo no se ejecuta con DJANGO_DEBUG apagado: crea cuentas de demostración, un "
                "superusuario incluido, y datos inventados. Úselo solo en una copia de desarrollo."
            )
        if not Plan.objects.filter(slug=settings.PLAN_SLUG).exists():
            raise CommandError("Primero cargue el plan: python manage.py load_plan")
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
            DataVersion.bump()  # bulk inserts send no signals
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
        target_offices = Office.objects.filter(indicators__targets__isnull=False).distinct()
        passwords, users = [], {}
        for username, role, superuser in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(username, password=password, is_staff=True, is_superuser=superuser)
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
        targets = Target.objects.filter(indicator__code__in=PATHS).select_related("indicator__unit")
        readings = []
        for target in targets:
            indicator = target.indicator
            for period, value in self.series(rng, indicator.code, indicator.frequency, indicator.unit.decimals):
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
        water = Target.objects.get(indicator__code="AGUA-HORAS").indicator
        for month, status in ((1, ReviewStatus.SUBMITTED), (2, ReviewStatus.SUBMITTED), (3, ReviewStatus.DRAFT)):
            readings.append(
                Reading(
                    indicator=water,
                    period=date(2023, month, 1),
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

    @staticmethod
    def series(rng, code, frequency, decimals):
        path = PATHS[code]
        quantum = Decimal(1).scaleb(-decimals)
        if frequency == "monthly":
            for year_index in range(4):
                start = path[year_index]
                end = path[year_index + 1] if year_index < 3 else path[3] + (path[3] - path[2]) / 2
                for month in range(12):
                    value = start + (end - start) * month / 12 + rng.uniform(-0.6, 0.6)
                    yield date(2019 + year_index, month + 1, 1), Decimal(str(max(value, 0))).quantize(quantum)
            return
        for year_index, value in enumerate(path):
            if value is None:  # no survey that year (ECE 2020 was not applied)
                continue
            noisy = value if decimals == 0 and value < 5 else value * (1 + rng.uniform(-0.02, 0.02))
            yield date(2019 + year_index, 1, 1), Decimal(str(noisy)).quantize(quantum)

    @staticmethod
    def published(period, frequency):
        """When such a figure would be approved: a month after its period ends."""
        if frequency == "monthly":
            year, month = (period.year + 1, 1) if period.month == 12 else (period.year, period.month + 1)
            return date(year, month, 15)
        return date(period.year + 1, 2, 15)

    def create_milestones(self):
        milestones = []
        for code, items in DEMO_MILESTONES.items():
            project = Project.objects.get(plan__slug=settings.PLAN_SLUG, code=code)
            start = project.milestones.count()
            for order, (name, weight, done) in enumerate(items, start + 1):
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
