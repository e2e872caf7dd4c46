"""Offices, indicators and their readings: the measured side of the plan.

Offices and indicators belong to an entity (`core.Entity`), with codes unique within it; units are
a national catalogue (no entity, changed only by superusers) plus each entity's own. This app knows
nothing of plans, axes or targets."""

import statistics
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.errors import RuleError
from core.formatting import number, short_date
from core.models import Entity
from core.scoping import EntityOwned, EntityScopedManager, active_entity
from core.search import SearchTextField, keep_search_text
from core.text import PARAGRAPH, BoundedTextField, VisibleText, length_check

from . import access, locks
from .validation import normalize_period, period_errors, reading_text_errors, reason_errors, value_errors


class Direction(models.TextChoices):
    UP = "up", _("Mayor es mejor")
    DOWN = "down", _("Menor es mejor")


class Provenance(models.TextChoices):
    """Who vouches for a public figure."""

    CITED = "cited", _("citado del plan")
    REGISTERED = "registered", _("registrado por la municipalidad")
    DEMO = "demo", _("dato de demostración")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Mensual")
    QUARTERLY = "quarterly", _("Trimestral")
    SEMIANNUAL = "semiannual", _("Semestral")
    ANNUAL = "annual", _("Anual")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    SUBMITTED = "submitted", _("Enviada a revisión")
    APPROVED = "approved", _("Aprobada")
    REJECTED = "rejected", _("Rechazada")
    SUPERSEDED = "superseded", _("Reemplazada por una corrección")
    WITHDRAWN = "withdrawn", _("Retirada")
    # A figure the plan itself cites: public as the plan writes it, never entered, reviewed or
    # approved by anyone, and out of the workflow (no verb applies to it).
    CITED = "cited", _("Citada del plan")


code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]*$", _("Use mayúsculas, dígitos y guiones, por ejemplo AGUA-HORAS.")
)


class EntityCodeManager(models.Manager):
    def get_by_natural_key(self, ubigeo, code):
        return self.get(entity__ubigeo=ubigeo, code=code)


def _english() -> bool:
    return (get_language() or "").startswith("en")


class UnitManager(models.Manager):
    """The units a scope reaches: the national catalogue and the scope's entity's own units.
    Outside any scope, like the other scoped models, a query raises (core.scoping)."""

    def get_queryset(self):
        units = super().get_queryset()
        entity = active_entity()
        if entity is None:
            return units
        own = Q(entity__in=entity) if isinstance(entity, list | tuple) else Q(entity=entity)
        return units.filter(Q(entity__isnull=True) | own)

    def catalogue(self):
        return self.get_queryset().filter(entity__isnull=True)

    def get_by_natural_key(self, code, ubigeo=None):
        if ubigeo is None:
            return self.get(code=code, entity__isnull=True)
        return self.get(code=code, entity__ubigeo=ubigeo)


class Unit(EntityOwned):
    """A unit with its valid range and decimals. Without an entity it is the national catalogue's
    (CEPLAN's kinds of unit and the others plans use), which only a superuser changes; with one, it
    is that entity's own, for what the catalogue lacks ("audiencias", "productores")."""

    entity = models.ForeignKey(
        Entity,
        verbose_name=_("entidad"),
        on_delete=models.PROTECT,
        related_name="units",
        null=True,
        blank=True,
        help_text=_("Vacío: una unidad del catálogo nacional, que solo un superusuario cambia."),
    )
    code = models.SlugField(_("código"), max_length=40, help_text=_("Por ejemplo: porcentaje."))
    name = models.CharField(_("nombre"), max_length=80, validators=[VisibleText(_("nombre"))])
    symbol = models.CharField(
        _("símbolo"),
        max_length=40,
        validators=[VisibleText(_("símbolo"))],
        blank=True,
        help_text=_("Por ejemplo: %, h/día."),
    )
    # The English site's words for the unit; empty (an entity's own unit, say): the Spanish ones.
    name_en = models.CharField(
        _("nombre en inglés"),
        max_length=80,
        validators=[VisibleText(_("nombre en inglés"))],
        blank=True,
        help_text=_("Por ejemplo: Hours a day."),
    )
    symbol_en = models.CharField(
        _("símbolo en inglés"),
        max_length=40,
        validators=[VisibleText(_("símbolo en inglés"))],
        blank=True,
        help_text=_("Por ejemplo: %, h/day."),
    )
    min_value = models.DecimalField(_("valor mínimo"), max_digits=16, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(
        _("valor máximo"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Vacío cuando no hay tope (conteos)."),
    )
    decimals = models.PositiveSmallIntegerField(
        _("decimales"), default=0, validators=[MaxValueValidator(4)], help_text=_("0 para conteos enteros.")
    )
    history = HistoricalRecords()

    objects = UnitManager()

    class Meta:
        verbose_name = _("unidad")
        verbose_name_plural = _("unidades")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(entity__isnull=True),
                name="unit_code_unique_in_catalogue",
                violation_error_message=_("Ya hay una unidad del catálogo con ese código."),
            ),
            models.UniqueConstraint(
                fields=["entity", "code"],
                name="unit_code_unique_per_entity",
                violation_error_message=_("La entidad ya tiene una unidad con ese código."),
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lt=models.F("max_value")),
                name="unit_min_below_max",
                violation_error_message=_("El valor mínimo debe ser menor que el máximo."),
            ),
            models.CheckConstraint(condition=Q(decimals__lte=4), name="unit_decimals_at_most_4"),
        ]

    def __str__(self):
        return f"{self.name} ({self.symbol})" if self.symbol else self.name

    @property
    def display_name(self) -> str:
        """The unit's name in the active language: the English one under /en/ when it has one."""
        return self.name_en if self.name_en and _english() else self.name

    @property
    def display_symbol(self) -> str:
        """The unit's symbol in the active language ('h/day' under /en/, 'h/día' in Spanish); an
        English name without a symbol of its own keeps the Spanish symbol only if there is no name."""
        if _english() and (self.symbol_en or self.name_en):
            return self.symbol_en
        return self.symbol

    @property
    def label(self) -> str:
        """What follows a figure or titles a chart's axis: the symbol, else the name (active language)."""
        return self.display_symbol or self.display_name

    def quantity(self, value) -> str:
        """A value as people read it, with this unit's decimals and symbol: '16.8 h/día', '98.00 %'
        (and '16.8 h/day' under /en/)."""
        text = number(value, self.decimals)
        symbol = self.display_symbol
        return f"{text} {symbol}" if symbol and value is not None else text

    @property
    def is_catalogue(self) -> bool:
        return self.entity_id is None

    def clean(self):
        if self.entity_id is not None and self.code:
            # An entity's own unit never shadows a catalogue unit: a file naming the code finds one unit.
            if Unit._base_manager.filter(entity__isnull=True, code=self.code).exists():
                raise ValidationError({"code": _("Ese código es de una unidad del catálogo nacional: use esa unidad.")})
        if self.pk is None:
            return
        readings = Reading.objects.filter(indicator__unit=self)
        errors = {}
        if problem := readings.outside_range_message(self.min_value, None, gettext("El mínimo nuevo")):
            errors["min_value"] = problem
        if problem := readings.outside_range_message(None, self.max_value, gettext("El máximo nuevo")):
            errors["max_value"] = problem
        if errors:
            raise ValidationError(errors)

    def natural_key(self):
        return (self.code,) if self.entity_id is None else (self.code, self.entity.ubigeo)

    natural_key.dependencies = ["core.entity"]


DEFAULT_OFFICE = {"code": "PLANEAMIENTO", "name": _("Oficina de planeamiento (indicadores por asignar)")}


class OfficeQuerySet(models.QuerySet):
    def default_for(self, entity) -> "Office":
        """The entity's default office, created the first time it is needed: where indicators that
        nobody assigned to an office wait, in the hands of the planning office's staff."""
        office = self.filter(entity=entity, is_default=True).first()
        if office is None:
            office = Office(entity=entity, is_default=True, code=DEFAULT_OFFICE["code"], name=DEFAULT_OFFICE["name"])
            if Office.objects.filter(entity=entity, code=office.code).exists():
                office.code = f"{office.code}-POR-ASIGNAR"
            office.save()
        return office


class Office(EntityOwned):
    entity = models.ForeignKey(Entity, verbose_name=_("entidad"), on_delete=models.PROTECT, related_name="offices")
    code = models.CharField(_("código"), max_length=40, validators=[code_validator])
    name = models.CharField(_("nombre"), max_length=200, validators=[VisibleText(_("nombre"))])
    description = BoundedTextField(_("descripción"), max_length=PARAGRAPH, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personal"),
        related_name="offices",
        blank=True,
        help_text=_("Registradores y revisores que trabajan los indicadores de esta oficina."),
    )
    is_default = models.BooleanField(
        _("oficina por defecto"),
        default=False,
        help_text=_(
            "Recibe los indicadores que el plan no asigna a ninguna oficina. En el sitio público figuran como "
            "«Oficina responsable aún no asignada» hasta que se les asigne otra."
        ),
    )
    history = HistoricalRecords(m2m_fields=[members])

    objects = EntityScopedManager("entity", EntityCodeManager.from_queryset(OfficeQuerySet))

    class Meta:
        verbose_name = _("oficina")
        verbose_name_plural = _("oficinas")
        ordering = ["name"]
        constraints = [
            length_check("office", "description", PARAGRAPH),
            models.UniqueConstraint(
                fields=["entity", "code"],
                name="office_code_unique_per_entity",
                violation_error_message=_("La entidad ya tiene una oficina con ese código."),
            ),
            models.UniqueConstraint(
                fields=["entity"],
                condition=Q(is_default=True),
                name="office_one_default_per_entity",
                violation_error_message=_("La entidad ya tiene una oficina por defecto."),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.entity.ubigeo, self.code)

    natural_key.dependencies = ["core.entity"]

    @property
    def public_name(self) -> str:
        """How citizens read who answers for an indicator: the default office holds indicators no
        office has been named for yet, and says so."""
        return str(_("Oficina responsable aún no asignada")) if self.is_default else self.name


class Indicator(EntityOwned):
    entity = models.ForeignKey(Entity, verbose_name=_("entidad"), on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(
        _("código"), max_length=40, validators=[code_validator], help_text=_("Por ejemplo: AGUA-HORAS.")
    )
    name = models.CharField(_("nombre"), max_length=250, validators=[VisibleText(_("nombre"))])
    description = BoundedTextField(_("descripción"), max_length=PARAGRAPH, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unidad"), on_delete=models.PROTECT, related_name="indicators")
    direction = models.CharField(
        _("sentido"),
        max_length=4,
        choices=Direction.choices,
        default=Direction.UP,
        blank=True,
        help_text=_("Vacío cuando nadie lo fija: el plan no da un sentido a sus cifras de contexto."),
    )
    frequency = models.CharField(_("frecuencia"), max_length=12, choices=Frequency.choices, default=Frequency.ANNUAL)
    office = models.ForeignKey(
        Office, verbose_name=_("oficina responsable"), on_delete=models.PROTECT, related_name="indicators"
    )
    source = models.CharField(
        _("fuente"),
        max_length=300,
        validators=[VisibleText(_("fuente"))],
        blank=True,
        help_text=_("Por ejemplo: EPS, MINSA."),
    )
    method = BoundedTextField(_("método de cálculo"), max_length=PARAGRAPH, blank=True)
    baseline_value = models.DecimalField(_("línea de base"), max_digits=16, decimal_places=4, null=True, blank=True)
    baseline_date = models.DateField(_("fecha de la línea de base"), null=True, blank=True)
    baseline_source = models.CharField(
        _("fuente de la línea de base"),
        max_length=300,
        validators=[VisibleText(_("fuente de la línea de base"))],
        blank=True,
    )
    reference_value = models.DecimalField(
        _("valor de referencia"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Un umbral externo citado por el plan, por ejemplo menos de 27 casos de TBC por 100 mil."),
    )
    reference_note = models.CharField(
        _("nota del valor de referencia"),
        max_length=300,
        validators=[VisibleText(_("nota del valor de referencia"))],
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    search_text = SearchTextField()
    history = HistoricalRecords(excluded_fields=["search_text"])

    objects = EntityScopedManager("entity", EntityCodeManager)

    class Meta:
        verbose_name = _("indicador")
        verbose_name_plural = _("indicadores")
        ordering = ["order", "code"]
        constraints = [
            length_check("indicator", "description", PARAGRAPH),
            length_check("indicator", "method", PARAGRAPH),
            models.UniqueConstraint(
                fields=["entity", "code"],
                name="indicator_code_unique_per_entity",
                violation_error_message=_("La entidad ya tiene un indicador con ese código."),
            ),
            models.CheckConstraint(
                condition=Q(direction__in=[*Direction.values, ""]),
                name="indicator_direction_valid",
                violation_error_message=_("Sentido no válido."),
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values),
                name="indicator_frequency_valid",
                violation_error_message=_("Frecuencia no válida."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_date__isnull=False),
                name="indicator_baseline_has_date",
                violation_error_message=_("Una línea de base necesita su fecha."),
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def natural_key(self):
        return (self.entity.ubigeo, self.code)

    natural_key.dependencies = ["core.entity", "indicators.unit", "indicators.office"]

    def save(self, *args, **kwargs):
        if self.entity_id is None and self.office_id is not None:
            # An indicator belongs to the entity of the office that answers for it.
            self.entity_id = Office._base_manager.filter(pk=self.office_id).values_list("entity_id", flat=True).first()
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.entity_id is not None:
            if self.office_id is not None and Office._base_manager.filter(pk=self.office_id).values_list(
                "entity_id", flat=True
            ).first() not in {None, self.entity_id}:
                errors["office"] = _("La oficina es de otra entidad.")
            if self.unit_id is not None and Unit._base_manager.filter(pk=self.unit_id).values_list(
                "entity_id", flat=True
            ).first() not in {None, self.entity_id}:
                errors["unit"] = _("La unidad es propia de otra entidad.")
        if errors:
            raise ValidationError(errors)
        if self.pk is not None and self.unit_id is not None:
            unit = self.unit
            readings = Reading.objects.filter(indicator=self)
            if problem := readings.outside_range_message(
                unit.min_value, unit.max_value, gettext("La unidad %(unit)s") % {"unit": unit.name}
            ):
                raise ValidationError({"unit": problem})


# What a search reads of an indicator: its code, name, unit, office and source.
keep_search_text(
    Indicator, ("code", "name", "unit__name", "office__name", "source"), dependents=[(Unit, "unit"), (Office, "office")]
)


class TransitionError(RuleError):
    """A workflow step that the reading's current state does not allow, including a step that
    another person's step on the same reading got to first (a `core.errors.RuleError`: the API
    answers 409)."""


class PeriodInReview(TransitionError):
    """A submission refused because another reading of the same indicator and period is already
    in review: `existing` is that reading, for the link people need to open it."""

    def __init__(self, message, existing):
        super().__init__(message)
        self.existing = existing


EDITABLE_STATES = {"draft", "rejected"}
# The states of a public figure: approved by a reviewer, or cited from the plan. One per period.
PUBLIC_STATES = {"approved", "cited"}
# A correction in one of these states is still under way; a reading has at most one at a time.
OPEN_STATES = {"draft", "submitted", "rejected"}

# A value at least this many times the previous approved one, or at most its inverse, is atípico.
OUTLIER_RATIO = 5
CONCURRENT_CHANGE = _("Otra persona cambió esta lectura al mismo tiempo: recargue la página y vuelva a intentarlo.")
RANGE_TRIGGER = "reading_value_in_unit_range"
# The workflow's steps as the refusals name them ("No se puede aprobar una lectura en estado …").
STEP_PHRASES = {
    "edit": _("editar una lectura"),
    "submit": _("enviar a revisión una lectura"),
    "approve": _("aprobar una lectura"),
    "reject": _("rechazar una lectura"),
    "withdraw": _("retirar una lectura"),
    "correct": _("corregir una lectura"),
}
NOT_A_REVIEWER = {
    "approve": _("No puede aprobar lecturas de %(code)s: no es revisor de su oficina."),
    "reject": _("No puede rechazar lecturas de %(code)s: no es revisor de su oficina."),
}
FOUR_EYES = {
    "approve": _("No puede aprobar una lectura que usted registró o modificó: la revisa otra persona (cuatro ojos)."),
    "reject": _("No puede rechazar una lectura que usted registró o modificó: la revisa otra persona (cuatro ojos)."),
}


def conflict_from(error: IntegrityError) -> TransitionError:
    """The workflow's refusal for a database rule that a concurrent step tripped: the one place
    where an IntegrityError of a reading becomes a message for people."""
    text = str(error)
    for constraint in Reading._meta.constraints:
        if constraint.name in text:
            return TransitionError(str(constraint.violation_error_message))
    if RANGE_TRIGGER in text:
        return TransitionError(gettext("El valor quedó fuera del rango de la unidad, que cambió mientras tanto."))
    return TransitionError(str(CONCURRENT_CHANGE))


def provenance_of(is_cited: bool, is_demo: bool) -> "Provenance":
    """Who vouches for a public figure: the plan that cites it, the demo, or the municipality."""
    if is_cited:
        return Provenance.CITED
    return Provenance.DEMO if is_demo else Provenance.REGISTERED


@dataclass(slots=True)
class PublicReading:
    """A public reading as a page's chart and table show it (`ReadingQuerySet.public_rows`): its
    figure, its source and who vouches for it; who entered or reviewed it, and when, stay unread.
    A plain object, not a model instance: a page lists the whole series, and building a model
    instance a row cost more than the query."""

    pk: int
    indicator_id: int
    period: date
    value: Decimal
    source: str
    note: str
    is_demo: bool
    is_cited: bool
    is_undated: bool
    approved_at: datetime | None
    corrects_id: int | None
    correction_reason: str
    corrected_value: Decimal | None  # the value its correction replaced
    timing: str | None = None  # set by a target's page: before, during or after its term

    @property
    def provenance(self) -> "Provenance":
        return provenance_of(self.is_cited, self.is_demo)


# Its columns in the order of its fields (`timing` is the page's, not a column).
PUBLIC_READING_COLUMNS = tuple(field.name for field in fields(PublicReading) if field.name != "timing")


class ReadingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What `user` may see (`access.visibility`)."""
        return access.scope(user, self)

    def outside_range_message(self, min_value, max_value, subject) -> str | None:
        """Why a range would leave some of these readings (withdrawn ones aside) outside it, or
        None when it holds them all. Asked before a unit's range narrows, so that the database's
        range trigger never refuses a later step of a reading that was valid when entered."""
        outside = Q()
        if min_value is not None:
            outside |= Q(value__lt=min_value)
        if max_value is not None:
            outside |= Q(value__gt=max_value)
        if not outside:
            return None
        readings = self.exclude(status=ReviewStatus.WITHDRAWN).filter(outside).select_related("indicator")
        count = readings.count()
        if not count:
            return None
        example = readings.order_by("indicator__code", "period").first()
        return gettext(
            "%(subject)s deja fuera %(count)s lectura(s) ya registrada(s), por ejemplo %(code)s %(period)s: "
            "%(value)s. Corrija o retire esas lecturas primero."
        ) % {
            "subject": subject,
            "count": count,
            "code": example.indicator.code,
            "period": f"{example.period:%m/%Y}",
            "value": format(example.value.normalize(), "f"),
        }

    def review_queue(self, user):
        """Submitted readings `user` may review, the longest waiting first: of the offices where
        they are revisor (all for a superuser), never one they entered or changed (four eyes)."""
        queue = access.scope(user, self, access.ROLE_REVISOR).filter(status=ReviewStatus.SUBMITTED)
        return queue.exclude(entered_by=user).exclude(last_modified_by=user).order_by("submitted_at", "pk")

    def entry_queue(self, user):
        """Drafts and rejected readings `user` may complete and submit, the oldest period first:
        of the offices where they are registrador (all for a superuser)."""
        queue = access.scope(user, self, access.ROLE_REGISTRADOR).filter(status__in=EDITABLE_STATES)
        return queue.order_by("period", "pk")

    def with_corrected_value(self):
        """Each reading with the value its correction replaced (`corrected_value`, None for one
        that corrects nothing): what a page's table writes, without reading the replaced reading whole."""
        return self.annotate(corrected_value=models.F("corrects__value"))

    def public_rows(self) -> list[PublicReading]:
        """These readings, in their order, as `PublicReading`s: what a public page's chart and table show."""
        return [PublicReading(*row) for row in self.with_corrected_value().values_list(*PUBLIC_READING_COLUMNS)]

    def approved(self, at=None):
        """Readings public at the moment `at` (now when None): approved by then, or cited from
        the plan (public from the start, with no approval of their own), and not yet replaced by
        a correction or withdrawn by then. Any past date gives the series as it stood."""
        if at is None:
            return self.filter(status__in=PUBLIC_STATES)
        return (
            self.filter(Q(approved_at__lte=at) | Q(is_cited=True))
            .exclude(superseded_at__lte=at)
            .exclude(withdrawn_at__lte=at)
        )

    def cited(self):
        return self.filter(status=ReviewStatus.CITED)

    def demo(self):
        return self.filter(is_demo=True)

    def real(self):
        return self.filter(is_demo=False)


class ReadingManager(models.Manager.from_queryset(ReadingQuerySet)):
    def get_by_natural_key(self, uid):
        return self.get(uid=uid)

    def create_draft(self, *, user, indicator, period, value, source, note="", is_demo=False):
        """A new draft entered by `user`; PermissionDenied or ValidationError and nothing saved."""
        reading = self.model(indicator=indicator, period=period, value=value, source=source, note=note, is_demo=is_demo)
        reading.register(user)
        return reading


class Reading(EntityOwned):
    entity_path = "indicator__entity"

    uid = models.UUIDField(_("identificador"), default=uuid.uuid4, unique=True, editable=False)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicador"), on_delete=models.PROTECT, related_name="readings"
    )
    period = models.DateField(_("periodo"), help_text=_("El primer día del mes, trimestre o año que mide la lectura."))
    value = models.DecimalField(_("valor"), max_digits=16, decimal_places=4)
    # Source and note are checked by `validation.reading_text_errors` (length, control and
    # invisible characters: core.text's rule), the one door of the model, the API and the imports.
    source = models.CharField(_("fuente"), max_length=300, help_text=_("Documento o sistema de donde sale el dato."))
    note = models.TextField(_("nota"), blank=True)
    status = models.CharField(
        _("estado de revisión"),
        max_length=12,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
        help_text=_(
            "Público: `approved` (aprobada por un revisor) o `cited` (citada del plan: pública tal como el plan "
            "la escribe, nadie la registra ni la aprueba). En el flujo: draft, submitted, rejected; fuera de él: "
            "superseded, withdrawn."
        ),
    )
    is_demo = models.BooleanField(
        _("dato de demostración"), default=False, help_text=_("Creado por load_demo; nunca es un dato real.")
    )
    is_cited = models.BooleanField(
        _("citado del plan"),
        default=False,
        help_text=_(
            "Una cifra que el propio plan cita (su diagnóstico): es pública tal como el plan la escribe, "
            "sin registro, revisión ni fecha de aprobación."
        ),
    )
    is_undated = models.BooleanField(
        _("sin año en el plan"),
        default=False,
        help_text=_(
            "Una cifra citada a la que el plan no da año: su periodo solo la ordena en la serie; el sitio "
            "muestra «sin año en el plan» en lugar del año."
        ),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrado por"),
        on_delete=models.PROTECT,
        related_name="readings_entered",
        null=True,
        blank=True,
    )
    last_modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modificado por"),
        on_delete=models.PROTECT,
        related_name="readings_modified",
        null=True,
        blank=True,
    )
    submitted_at = models.DateTimeField(_("enviada el"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revisado por"),
        on_delete=models.PROTECT,
        related_name="readings_reviewed",
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("revisada el"), null=True, blank=True)
    approved_at = models.DateTimeField(
        _("aprobada el"), null=True, blank=True, help_text=_("Desde cuándo el dato es público.")
    )
    review_note = models.TextField(_("motivo del rechazo"), blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrige a"),
        on_delete=models.PROTECT,
        related_name="corrections",
        null=True,
        blank=True,
    )
    correction_reason = models.TextField(_("motivo de la corrección"), blank=True)
    superseded_at = models.DateTimeField(_("reemplazada el"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("retirada el"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("motivo del retiro"), blank=True)
    is_outlier = models.BooleanField(
        _("valor atípico"), default=False, help_text=_("Muy lejos del historial aprobado del indicador.")
    )
    created_at = models.DateTimeField(_("creada el"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizada el"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = EntityScopedManager("indicator__entity", ReadingManager)

    class Meta:
        verbose_name = _("lectura")
        verbose_name_plural = _("lecturas")
        ordering = ["indicator", "period", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=Q(status__in=["approved", "cited"]),
                name="reading_one_public_per_period",
                violation_error_message=_(
                    "Ya hay una lectura aprobada o citada del plan para este indicador y periodo."
                ),
            ),
            models.UniqueConstraint(
                fields=["corrects"],
                condition=Q(status__in=["draft", "submitted", "rejected"]),
                name="reading_one_open_correction",
                violation_error_message=_("Esta lectura ya tiene una corrección en curso."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values),
                name="reading_status_valid",
                violation_error_message=_("Estado de revisión no válido."),
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="reading_approved_has_approval_date",
                violation_error_message=_("Una lectura aprobada necesita su fecha de aprobación."),
            ),
            models.CheckConstraint(
                condition=Q(is_cited=False)
                | Q(
                    approved_at__isnull=True,
                    reviewed_at__isnull=True,
                    reviewed_by__isnull=True,
                    entered_by__isnull=True,
                    is_demo=False,
                ),
                name="reading_cited_is_not_reviewed",
                violation_error_message=_(
                    "Una cifra citada del plan no se registra ni se aprueba: no tiene revisor ni fecha de aprobación."
                ),
            ),
            models.CheckConstraint(
                condition=Q(is_undated=False) | Q(is_cited=True),
                name="reading_undated_is_cited",
                violation_error_message=_("Solo una cifra citada del plan puede no tener año."),
            ),
            models.CheckConstraint(
                condition=Q(is_cited=True, status="cited") | (Q(is_cited=False) & ~Q(status="cited")),
                name="reading_cited_has_its_own_status",
                violation_error_message=_("Una cifra citada del plan tiene el estado «citada del plan», y solo ella."),
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "status", "period"], name="reading_ind_status_period"),
            models.Index(fields=["status", "period"], name="reading_status_period"),
            models.Index(fields=["period"], name="reading_period"),
            models.Index(fields=["approved_at"], name="reading_approved_at"),
            models.Index(fields=["is_demo"], name="reading_is_demo"),
        ]

    def __str__(self):
        return f"{self.indicator.code} {short_date(self.period)}: {number(self.value)}"

    def save(self, *args, **kwargs):
        # One door: once saved, a reading changes only through a workflow verb, never through a
        # form, a history "revert" or a stray save() that would skip review and the history row.
        if not self._state.adding and not getattr(self, "_saving_a_step", False):
            raise PermissionDenied(
                gettext("Una lectura solo cambia por el flujo de revisión (editar, enviar, aprobar…).")
            )
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.uid,)

    @property
    def provenance(self) -> Provenance:
        return provenance_of(self.is_cited, self.is_demo)

    @staticmethod
    def provenance_expression():
        """`provenance` computed by the database, for exports that read values, not rows."""
        return models.Case(
            models.When(is_cited=True, then=models.Value(Provenance.CITED.value)),
            models.When(is_demo=True, then=models.Value(Provenance.DEMO.value)),
            default=models.Value(Provenance.REGISTERED.value),
            output_field=models.CharField(),
        )

    # --- validation -------------------------------------------------------------------------

    def clean(self):
        errors: dict[str, list[str]] = {}
        indicator = self.indicator if self.indicator_id else None
        if indicator is None:
            raise ValidationError({"indicator": gettext("Elija el indicador.")})
        if self.period:
            self.period = normalize_period(self.period, indicator.frequency)
            if problems := period_errors(self.period, today=timezone.localdate()):
                errors["period"] = problems
        if self.value is not None:
            unit = indicator.unit
            if problems := value_errors(
                self.value,
                min_value=unit.min_value,
                max_value=unit.max_value,
                decimals=unit.decimals,
                unit_name=unit.name,
            ):
                errors["value"] = problems
        errors.update(reading_text_errors(source=self.source, note=self.note))
        if self.period and self.status in EDITABLE_STATES | {"submitted"} and self.corrects_id is None:
            public = Reading.objects.filter(
                indicator_id=indicator.pk, period=self.period, status__in=PUBLIC_STATES
            ).exclude(pk=self.pk)
            status = public.values_list("status", flat=True).first()
            if status == ReviewStatus.CITED:
                errors.setdefault("period", []).append(
                    gettext(
                        "El plan cita una cifra de %(code)s para %(period)s: ese periodo es del plan y no se registra."
                    )
                    % {"code": indicator.code, "period": f"{self.period:%m/%Y}"}
                )
            elif status is not None:
                errors.setdefault("period", []).append(
                    gettext("Ya existe una lectura aprobada para %(code)s en %(period)s: registre una corrección.")
                    % {"code": indicator.code, "period": f"{self.period:%m/%Y}"}
                )
        if errors:
            raise ValidationError(errors)

    # --- who may do what ------------------------------------------------------------------------

    def can_edit(self, user) -> bool:
        return self.status in EDITABLE_STATES and access.may_enter(user, self.indicator)

    def can_submit(self, user) -> bool:
        return self.status in EDITABLE_STATES and access.may_enter(user, self.indicator)

    def can_review(self, user) -> bool:
        return (
            self.status == ReviewStatus.SUBMITTED
            and access.may_review(user, self.indicator)
            and user.pk not in {self.entered_by_id, self.last_modified_by_id}
        )

    def can_withdraw(self, user) -> bool:
        if self.status in {ReviewStatus.WITHDRAWN, ReviewStatus.SUPERSEDED, ReviewStatus.CITED}:
            return False
        if self.status == ReviewStatus.APPROVED:
            return access.may_review(user, self.indicator)
        return access.may_enter(user, self.indicator)

    # --- the state machine ------------------------------------------------------------------------
    # Each verb is one transaction that locks the reading's row, checks that the row is still as
    # the caller read it, and saves through `_record`: the reading, its history row and the data
    # version (bumped by ilo_plan.signals on the same save) commit together or not at all.

    def register(self, user):
        """Save this new reading as a draft entered by `user`."""
        with self._step():
            if not access.may_enter(user, self.indicator):
                raise PermissionDenied(
                    gettext(
                        "No puede registrar lecturas de %(code)s: el indicador es de la oficina %(office)s, a la que "
                        "usted no pertenece como registrador."
                    )
                    % {"code": self.indicator.code, "office": self.indicator.office}
                )
            self.status = ReviewStatus.DRAFT
            self.entered_by = self.last_modified_by = user
            self.full_clean()
            self._record(user, "registro")

    def edit(self, user, **fields):
        with self._step("edit", EDITABLE_STATES):
            if not access.may_enter(user, self.indicator):
                raise PermissionDenied(
                    gettext("No puede editar lecturas de %(code)s: no es registrador de su oficina.")
                    % {"code": self.indicator.code}
                )
            allowed = {"period", "value", "source", "note"}
            if unknown := set(fields) - allowed:
                raise ValidationError({name: gettext("Este campo no se puede editar.") for name in unknown})
            for name, value in fields.items():
                setattr(self, name, value)
            if self.status == ReviewStatus.REJECTED:
                self.status = ReviewStatus.DRAFT
            self.last_modified_by = user
            self.full_clean()
            self._record(user, "edición")

    def submit(self, user):
        with self._step("submit", EDITABLE_STATES):
            if not access.may_enter(user, self.indicator):
                raise PermissionDenied(
                    gettext("No puede enviar lecturas de %(code)s: no es registrador de su oficina.")
                    % {"code": self.indicator.code}
                )
            self.full_clean()
            self._require_period_free_for_review()
            self.status = ReviewStatus.SUBMITTED
            self.submitted_at = timezone.now()
            self.is_outlier = self.looks_like_outlier()
            self._record(user, "enviada a revisión")

    def approve(self, user, *, confirm_outlier: bool = False):
        """Make this submitted reading public. A value flagged atípico is approved only with
        `confirm_outlier`: the reviewer has compared it with the previous one (`outlier_question`)."""
        with self._step("approve", {ReviewStatus.SUBMITTED}):
            self._require_reviewer(user, "approve")
            # Approvals of one indicator queue behind each other, so the checks below see any
            # approval of the same indicator that committed while this one waited.
            Indicator.objects.select_for_update(no_key=True, of=("self",)).values_list("pk").get(pk=self.indicator_id)
            # The flag is decided now, against the approved series as it is at this approval: the
            # one computed at submission is stale once another value of the indicator is approved.
            self.is_outlier = self.looks_like_outlier()
            if self.is_outlier and not confirm_outlier:
                raise ValidationError({"confirm_outlier": self.outlier_refusal()})
            previous = None
            if self.corrects_id:
                previous = Reading.objects.select_for_update(no_key=True, of=("self",)).get(pk=self.corrects_id)
                if previous.status != ReviewStatus.APPROVED:
                    raise TransitionError(
                        gettext("No se puede aprobar esta corrección: la lectura que corrige está «%(status)s».")
                        % {"status": previous.get_status_display()}
                    )
            if (
                Reading.objects.filter(indicator_id=self.indicator_id, period=self.period, status__in=PUBLIC_STATES)
                .exclude(pk__in=[self.pk, self.corrects_id])
                .exists()
            ):
                raise TransitionError(
                    gettext(
                        "Ya hay una lectura aprobada para %(code)s en %(period)s: esta debe registrarse como su "
                        "corrección."
                    )
                    % {"code": self.indicator.code, "period": f"{self.period:%m/%Y}"}
                )
            now = timezone.now()
            if previous is not None:
                previous.status = ReviewStatus.SUPERSEDED
                previous.superseded_at = now
                previous._record(user, f"reemplazada por la corrección del {now:%d/%m/%Y}")
            self.full_clean()
            self.status = ReviewStatus.APPROVED
            self.reviewed_by, self.reviewed_at, self.approved_at = user, now, now
            self.review_note = ""
            self._record(user, "aprobada")
            self._refresh_outlier_flags()

    def reject(self, user, reason: str):
        if not (reason or "").strip():
            raise ValidationError({"review_note": gettext("Escriba el motivo del rechazo.")})
        if problems := reason_errors(reason):
            raise ValidationError({"review_note": problems})
        with self._step("reject", {ReviewStatus.SUBMITTED}):
            self._require_reviewer(user, "reject")
            self.status = ReviewStatus.REJECTED
            self.reviewed_by, self.reviewed_at = user, timezone.now()
            self.review_note = reason.strip()
            self._record(user, f"rechazada: {self.review_note}")

    def withdraw(self, user, reason: str):
        if not (reason or "").strip():
            raise ValidationError({"withdrawal_reason": gettext("Escriba el motivo del retiro.")})
        if problems := reason_errors(reason):
            raise ValidationError({"withdrawal_reason": problems})
        closed = {ReviewStatus.WITHDRAWN, ReviewStatus.SUPERSEDED, ReviewStatus.CITED}
        with self._step("withdraw", set(ReviewStatus.values) - closed):
            if not self.can_withdraw(user):
                raise PermissionDenied(
                    gettext(
                        "Solo un revisor de la oficina retira una lectura aprobada; un registrador, sus borradores."
                    )
                )
            if self.corrections.filter(status__in=OPEN_STATES).exists():
                raise TransitionError(
                    gettext(
                        "Esta lectura tiene una corrección en curso: apruébela o retírela antes de retirar la lectura."
                    )
                )
            was_public = self.status in PUBLIC_STATES
            self.status = ReviewStatus.WITHDRAWN
            self.withdrawn_at = timezone.now()
            self.withdrawal_reason = reason.strip()
            self.last_modified_by = user
            self._record(user, f"retirada: {self.withdrawal_reason}")
            if was_public:
                self._refresh_outlier_flags()

    def correct(self, user, *, value, source, note="", reason: str) -> "Reading":
        """A new draft that, once approved, replaces this approved reading; this one stays in history."""
        if not (reason or "").strip():
            raise ValidationError({"correction_reason": gettext("Escriba el motivo de la corrección.")})
        if problems := reason_errors(reason):
            raise ValidationError({"correction_reason": problems})
        with self._step("correct", {ReviewStatus.APPROVED}):
            if not access.may_enter(user, self.indicator):
                raise PermissionDenied(
                    gettext("No puede corregir lecturas de %(code)s: no es registrador de su oficina.")
                    % {"code": self.indicator.code}
                )
            if self.corrections.filter(status__in=OPEN_STATES).exists():
                raise TransitionError(gettext("Esta lectura ya tiene una corrección en curso."))
            correction = Reading(
                indicator=self.indicator,
                period=self.period,
                value=value,
                source=source,
                note=note,
                corrects=self,
                correction_reason=reason.strip(),
                entered_by=user,
                last_modified_by=user,
                is_demo=self.is_demo,
            )
            correction.full_clean()
            correction._record(user, f"corrección: {correction.correction_reason}")
        return correction

    def looks_like_outlier(self) -> bool:
        """Far from the indicator's approved history: beyond the median ± 3 median absolute
        deviations (robust to the outliers themselves) once there are three approved values, and
        always at five times or a fifth of the previous approved value, the mark of a misread
        decimal separator (9,8 % entered as 98 %). When the approved values are all equal, any
        different value is flagged."""
        previous = self.previous_approved()
        if previous is not None and previous.value and self.value and (previous.value > 0) == (self.value > 0):
            ratio = abs(self.value / previous.value)
            if ratio >= OUTLIER_RATIO or ratio <= 1 / OUTLIER_RATIO:
                return True
        values = list(
            Reading.objects.filter(indicator_id=self.indicator_id, status__in=PUBLIC_STATES)
            .exclude(pk=self.pk)
            .values_list("value", flat=True)
        )
        if len(values) < 3:
            return False
        median = statistics.median(values)
        spread = statistics.median(abs(v - median) for v in values)
        if spread == 0:
            return self.value != median
        return abs(self.value - median) > 3 * spread

    def needs_outlier_confirmation(self) -> bool:
        """Whether approving this reading now takes `confirm_outlier`: the flag as the approval
        would decide it, against the approved series as it is now (the stored one may be older)."""
        return self.status == ReviewStatus.SUBMITTED and self.looks_like_outlier()

    def _refresh_outlier_flags(self):
        """After the approved series of the indicator changed: the flag of each of its readings in
        review, recomputed against it, so the reviewer's lists and the API show it as approving
        would decide it (`approve` decides it again anyway). Stored without a step of their own:
        the flag is derived data, not a change anyone made to those readings. A reading another
        step holds at this moment is skipped (waiting for it could deadlock with that step, which
        locks the reading before the indicator); its own approval decides its flag."""
        waiting = (
            Reading.objects.select_for_update(no_key=True, skip_locked=True, of=("self",))
            .filter(indicator_id=self.indicator_id, status=ReviewStatus.SUBMITTED)
            .exclude(pk=self.pk)
        )
        for reading in waiting:
            flagged = reading.looks_like_outlier()
            if flagged != reading.is_outlier:
                Reading.objects.filter(pk=reading.pk).update(is_outlier=flagged)

    def previous_approved(self) -> "Reading | None":
        """What this value is compared with: the reading it corrects, else the latest approved
        reading of the indicator before this period, else the latest after it; None when the
        indicator has no approved reading."""
        if self.corrects_id:
            return self.corrects
        approved = Reading.objects.filter(indicator_id=self.indicator_id, status__in=PUBLIC_STATES).exclude(pk=self.pk)
        return (
            approved.filter(period__lt=self.period).order_by("-period").first() or approved.order_by("-period").first()
        )

    def outlier_question(self) -> str:
        """'9.80 % → 98.00 %: ¿confirma?', the comparison a reviewer confirms."""
        unit = self.indicator.unit
        previous = self.previous_approved()
        new = unit.quantity(self.value)
        if previous is None:
            return gettext("%(new)s: ¿confirma?") % {"new": new}
        return gettext("%(before)s → %(new)s: ¿confirma?") % {"before": unit.quantity(previous.value), "new": new}

    def outlier_refusal(self) -> str:
        previous = self.previous_approved()
        if previous is None:
            return gettext("Valor atípico. %(question)s Apruébelo confirmando el valor.") % {
                "question": self.outlier_question()
            }
        before = self.indicator.unit.quantity(previous.value)
        return gettext(
            "Valor atípico, muy lejos de lo aprobado antes (el anterior: %(before)s en %(period)s). %(question)s "
            "Apruébelo confirmando el valor."
        ) % {"before": before, "period": f"{previous.period:%m/%Y}", "question": self.outlier_question()}

    @contextmanager
    def _step(self, action=None, states=()):
        """One workflow step: a transaction in which this reading's row is locked and found as the
        caller last read it, and in one of `states`. A refused step leaves the object as the
        database has it; a database rule tripped by a concurrent step becomes a TransitionError."""
        was_new = self._state.adding
        try:
            with transaction.atomic():
                if not was_new:
                    self._lock_as_read()
                if action:
                    self._require_state(states, action)
                yield
        except IntegrityError as error:
            self._forget_unsaved_changes(was_new)
            raise conflict_from(error) from error
        except (PermissionDenied, ValidationError):
            self._forget_unsaved_changes(was_new)
            raise

    def _lock_as_read(self):
        current = (
            Reading.objects.select_for_update(no_key=True, of=("self",))
            .filter(pk=self.pk)
            .values_list("status", "updated_at")
            .first()
        )
        if current != (self.status, self.updated_at):
            raise TransitionError(str(CONCURRENT_CHANGE))

    def _forget_unsaved_changes(self, was_new):
        if was_new:
            self.pk, self._state.adding = None, True
        else:
            self.refresh_from_db()

    def _require_state(self, states, action):
        if self.status not in states:
            raise TransitionError(
                gettext("No se puede %(step)s en estado «%(status)s».")
                % {"step": STEP_PHRASES[action], "status": self.get_status_display()}
            )

    def _require_period_free_for_review(self):
        # Submissions and approvals of one indicator queue behind each other (the indicator's row
        # is locked), so two submissions of one period at once cannot both pass this check.
        Indicator.objects.select_for_update(no_key=True, of=("self",)).values_list("pk").get(pk=self.indicator_id)
        existing = (
            Reading.objects.filter(indicator_id=self.indicator_id, period=self.period, status=ReviewStatus.SUBMITTED)
            .exclude(pk=self.pk)
            .order_by("submitted_at", "pk")
            .first()
        )
        if existing is not None:
            raise PeriodInReview(
                gettext(
                    "Ya hay una lectura de %(code)s para %(period)s en revisión (n.º %(number)s, valor %(value)s): "
                    "espere su revisión o corrija esa lectura en lugar de enviar otra."
                )
                % {
                    "code": self.indicator.code,
                    "period": f"{self.period:%m/%Y}",
                    "number": existing.pk,
                    "value": number(existing.value),
                },
                existing,
            )

    def _require_reviewer(self, user, action):
        if not access.may_review(user, self.indicator):
            raise PermissionDenied(str(NOT_A_REVIEWER[action]) % {"code": self.indicator.code})
        if user.pk in {self.entered_by_id, self.last_modified_by_id}:
            raise PermissionDenied(str(FOUR_EYES[action]))

    def _record(self, user, reason):
        """Save with the history row naming who and why: the only save of an existing reading.
        A reading of a closed plan's term is a final result: nobody changes it."""
        if refused := locks.refusal(user, self.indicator_id, self.period):
            raise PermissionDenied(refused)
        self._history_user = user
        # The history column holds 100 characters; the whole reason stays in its own field.
        limit = Reading.history.model._meta.get_field("history_change_reason").max_length
        self._change_reason = Truncator(reason).chars(limit)
        self._saving_a_step = True
        try:
            self.save()
        finally:
            del self._saving_a_step
