"""Load the whole plan from fixtures/, in one transaction, idempotently.

Why a second loader beside `ilo_plan.plan_file.import_plan`: the two read different things.
The fixtures are the seed plan as Django serialises it (natural keys), and hold what a plan file
has no sheet for: the plan's own sections (II, III, VI, its footnotes: `goals.PlanSection`), the
figures the plan cites (`indicators.Reading`, cited, 06_diagnosis_readings.json), indicators
that no target measures, and what the metas sheet does not carry of an indicator (description,
method, reference value) or of an office (its name, its members). They are written by developers and checked in
review, so each record is validated (`full_clean`) and saved as it is, stopping at the first
refusal. A plan file is what staff upload: one workbook for the plan's structure only, every
cell checked and every problem reported before anything is written. The two agree on the plan
they share (tests/test_plan_file_seed.py, tests/test_fixtures.py compare them)."""

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import versions
from goals.models import Plan

DEFAULT_DIR = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = "Carga el plan completo desde fixtures/ (una sola transacción; cargarlo dos veces no cambia nada)."

    def add_arguments(self, parser):
        parser.add_argument("--fixtures-dir", default=str(DEFAULT_DIR), help="Carpeta con los archivos JSON.")

    def handle(self, *args, fixtures_dir, **options):
        files = sorted(Path(fixtures_dir).glob("*.json"))
        if not files:
            raise CommandError(_("No hay archivos de datos en %(folder)s.") % {"folder": fixtures_dir})
        counts: Counter[str] = Counter()
        with transaction.atomic():
            for path in files:
                for record in self.records(path):
                    self.save(path, record)
                    counts[record.object._meta.verbose_name_plural] += 1
            # Fixtures save raw, without signals: every plan, and what every plan shows, changed.
            plans = Plan.objects.values_list("pk", flat=True)
            versions.bump(versions.SHARED, *(versions.plan_scope(pk) for pk in plans))
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Plan cargado: {summary}."))

    def records(self, path):
        try:
            with path.open(encoding="utf-8") as stream:
                yield from serializers.deserialize("json", stream, handle_forward_references=False)
        except serializers.base.DeserializationError as error:
            raise CommandError(
                _("%(file)s: no se pudo leer: %(error)s") % {"file": self.name_of(path), "error": error}
            ) from error

    def save(self, path, record):
        obj = record.object
        where = f"{self.name_of(path)}: {obj._meta.label} {self.key_of(obj)}"
        # A record found by its natural key is an update, not a duplicate of itself.
        obj._state.adding = obj.pk is None or not type(obj)._default_manager.filter(pk=obj.pk).exists()
        self.fill_timestamps(obj)
        self.keep_site_choices(obj)
        try:
            obj.full_clean()
        except ValidationError as error:
            details = "; ".join(
                _("campo «%(field)s»: %(messages)s") % {"field": field, "messages": " ".join(messages)}
                for field, messages in error.message_dict.items()
            )
            raise CommandError(", ".join((where, details))) from error
        try:
            with transaction.atomic():
                record.save()
        except DatabaseError as error:
            raise CommandError(
                _("%(where)s: la base de datos lo rechazó: %(error)s") % {"where": where, "error": error}
            ) from error

    @staticmethod
    def keep_site_choices(obj):
        """What the site decided about a record it already has (which plan is featured, whether it
        is closed) is not the plan's data: loading the fixtures again keeps it."""
        fields = getattr(type(obj), "SITE_FIELDS", ())
        if fields and not obj._state.adding:
            stored = type(obj)._default_manager.filter(pk=obj.pk).values(*fields).get()
            for name in fields:
                setattr(obj, name, stored[name])

    @staticmethod
    def fill_timestamps(obj):
        """Creation and update times say when this database got a record, so fixtures leave them
        out rather than invent them: a new record gets now, a known one keeps its own."""
        fields = [
            f for f in obj._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        missing = [f.attname for f in fields if getattr(obj, f.attname) is None]
        if not missing:
            return
        stored = None if obj._state.adding else type(obj)._default_manager.filter(pk=obj.pk).values(*missing).first()
        now = timezone.now().replace(microsecond=0)  # as a JSON dump keeps it, so dumps round-trip
        for name in missing:
            setattr(obj, name, stored[name] if stored else now)

    @staticmethod
    def key_of(obj):
        natural_key = getattr(obj, "natural_key", None)
        try:
            return repr(natural_key()) if natural_key else f"pk={obj.pk}"
        except Exception:  # a broken foreign key cannot build its natural key; the pk still helps
            return f"pk={obj.pk}"

    @staticmethod
    def name_of(path: Path) -> str:
        try:
            return str(path.relative_to(settings.BASE_DIR))
        except ValueError:
            return str(path)
