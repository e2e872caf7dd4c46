"""The plan as data: plan, axes, dimensions, problem → objective → target rows, projects."""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Entity
from core.scoping import EntityOwned, EntityScopedManager
from core.search import SearchTextField, keep_search_text
from core.text import PARAGRAPH, SECTION, BoundedTextField, VisibleText, length_check
from indicators import access
from indicators.models import Indicator, Reading
from indicators.units import find_unit


class Comparator(models.TextChoices):
    # The same five strings as goals.progress.Comparator (a test holds them equal); the
    # pure module stays free of Django.
    LT = "<", _("menor que")
    LE = "<=", _("menor o igual que")
    GE = ">=", _("mayor o igual que")
    GT = ">", _("mayor que")
    EQ = "=", _("igual a")


class SectionPart(models.TextChoices):
    """The page of the site that shows a section: the diagnosis; the frame and the alignment; the
    principles and the objectives' policies."""

    DIAGNOSIS = "diagnosis", _("Diagnóstico")
    ALIGNMENT = "alignment", _("Articulación")
    PRINCIPLES = "principles", _("Principios y objetivos")


class TargetKind(models.TextChoices):
    NUMBER = "number", _("Valor numérico")
    DELIVERED = "delivered", _("Entregable")
    RECURRING = "recurring", _("Deber recurrente")


plan_code_validator = RegexValidator(r"^[A-Z0-9][A-Z0-9.-]*$", _("Use mayúsculas, dígitos, puntos y guiones."))


# `?plan=all` asks the API for every plan, so no plan may take that slug.
RESERVED_PLAN_SLUGS = {"all"}


def plan_slug_not_reserved(value):
    if value in RESERVED_PLAN_SLUGS:
        raise ValidationError(_("«%(value)s» está reservado: elija otro identificador."), params={"value": value})


# What the apps above ask of every plan a public page shows (the alignment app: whether the plan
# records one), registered by their AppConfig.ready: answered in the plan's own query, where a
# template tag asking would cost each page one query more. name → a function of the plan's
# OuterRef giving a boolean expression.
_site_flags: dict = {}


def provide_site_flag(name: str, expression):
    _site_flags[name] = expression


class PlanQuerySet(models.QuerySet):
    def for_site(self):
        """Plans with their entity and what the public pages need to know of their parts, in the same query."""
        plan = OuterRef("pk")
        return self.select_related("entity").annotate(
            has_axes=Exists(StrategicAxis.objects.filter(plan=plan)),
            has_diagnosis=Exists(PlanSection.objects.filter(plan=plan, part=SectionPart.DIAGNOSIS)),
            has_principles=Exists(PlanSection.objects.filter(plan=plan, part=SectionPart.PRINCIPLES)),
            shows_demo_data=demo_data_of(plan),
            **{name: expression(plan) for name, expression in _site_flags.items()},
        )

    def visible_to(self, user):
        """The plans `user` may see in the admin: every plan for superusers and national
        auditors, their entity's plans for its staff."""
        if access.sees_everything(user):
            return self.all()
        entity = access.entity_id(user)
        if entity is None:
            return self.none()
        return self.filter(entity_id=entity)

    def editable_by(self, user):
        """The plans whose records `user` may change: their entity's plans while open;
        superusers change every plan, closed ones included. (Which records at all comes from the
        role's permissions.)"""
        if user and user.is_authenticated and user.is_superuser:
            return self.all()
        entity = access.entity_id(user)
        if entity is None:
            return self.none()
        return self.filter(entity_id=entity, is_closed=False)

    def current_first(self):
        """An entity's plans, the term under way (or the latest) first."""
        return self.order_by("-period_start", "slug")


class PlanManager(models.Manager.from_queryset(PlanQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def featured(self, among=None):
        """The plan the site shows at its root: the one flagged as featured; while none is, the
        latest term of a site whose plans are all of one entity (a single-municipality
        deployment). None otherwise: the root then shows the directory of every entity.
        Read from `among` (a queryset of plans: `for_site()` built already, or only their ids
        for a caller that needs no more), `for_site()` by default."""
        site = self.for_site() if among is None else among
        # One plan at most is flagged (a unique constraint): no ORDER BY to compile and plan.
        flagged = next(iter(site.filter(is_featured=True).order_by()), None)
        if flagged is not None:
            return flagged
        entities = list(self.order_by().values_list("entity_id", flat=True).distinct()[:2])
        if len(entities) != 1:
            return None
        return site.order_by("-period_start", "pk").first()


def demo_data_of(plan):
    """An expression true when the plan (a pk or an OuterRef) shows demo data: a demo reading of an
    indicator one of its targets measures, or a demo milestone of one of its projects."""
    return Exists(Reading.objects.filter(is_demo=True, indicator__targets__plan=plan)) | Exists(
        Milestone.objects.filter(is_demo=True, project__plan=plan)
    )


class Plan(EntityOwned):
    """One term of an entity: its plan de gobierno, filed with the JNE."""

    entity = models.ForeignKey(Entity, verbose_name=_("entidad"), on_delete=models.PROTECT, related_name="plans")
    slug = models.SlugField(
        _("identificador"),
        max_length=60,
        unique=True,
        validators=[plan_slug_not_reserved],
        help_text=_("En las direcciones del sitio (/planes/<identificador>/). Por ejemplo: municipio-2023-2026."),
    )
    title = models.CharField(_("título"), max_length=250, validators=[VisibleText(_("título"))])
    party = models.CharField(
        _("organización política"), max_length=150, validators=[VisibleText(_("organización política"))]
    )
    period_start = models.DateField(_("inicio del periodo"))
    period_end = models.DateField(_("fin del periodo"))
    province_created_on = models.DateField(_("fecha de creación de la provincia"), null=True, blank=True)
    area_km2 = models.DecimalField(_("extensión (km²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    population = models.PositiveIntegerField(_("población total"), null=True, blank=True)
    population_source = models.CharField(
        _("fuente de la población"), max_length=150, validators=[VisibleText(_("fuente de la población"))], blank=True
    )
    population_year = models.PositiveSmallIntegerField(_("año de la población"), null=True, blank=True)
    distance_to_capital_km = models.PositiveIntegerField(_("distancia a Lima (km)"), null=True, blank=True)
    latitude_range = models.CharField(
        _("latitud"),
        max_length=100,
        validators=[VisibleText(_("latitud"))],
        blank=True,
        help_text=_("Por ejemplo: 17°38'15\" S"),
    )
    longitude_range = models.CharField(
        _("longitud"), max_length=100, validators=[VisibleText(_("longitud"))], blank=True
    )
    location = BoundedTextField(_("ubicación física"), max_length=PARAGRAPH, blank=True)
    source_document = models.CharField(
        _("documento fuente"), max_length=250, validators=[VisibleText(_("documento fuente"))], blank=True
    )
    is_featured = models.BooleanField(
        _("plan destacado"),
        default=False,
        help_text=_("El plan que muestra la portada del sitio (/). Solo uno a la vez."),
    )
    is_closed = models.BooleanField(
        _("cerrado"),
        default=False,
        help_text=_(
            "Terminado su periodo, el plan queda de solo lectura: solo un superusuario cambia sus registros, y las "
            "lecturas de su periodo ya no cambian. Su resultado es entonces el resultado final."
        ),
    )
    closed_at = models.DateTimeField(_("cerrado el"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cerrado por"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = EntityScopedManager("entity", PlanManager)

    # Decided on the site, not part of the plan's data: reloading the fixtures keeps them.
    SITE_FIELDS = ("is_featured", "is_closed", "closed_at", "closed_by_id")

    class Meta:
        verbose_name = _("plan de gobierno")
        verbose_name_plural = _("planes de gobierno")
        ordering = ["-period_start"]
        constraints = [
            length_check("plan", "location", PARAGRAPH),
            models.CheckConstraint(
                condition=Q(period_start__lt=models.F("period_end")),
                name="plan_period_ordered",
                violation_error_message=_("El periodo debe empezar antes de terminar."),
            ),
            models.UniqueConstraint(
                fields=["is_featured"],
                condition=Q(is_featured=True),
                name="plan_one_featured",
                violation_error_message=_("Ya hay un plan destacado: quítele la marca antes de destacar otro."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("goals:plan-home", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def validate_unique(self, exclude=None):
        # The slug is unique across every entity (it is the plan's address), so it is checked
        # against every plan, not only the ones the person's scope reaches.
        super().validate_unique(exclude)
        if self.slug and (exclude is None or "slug" not in exclude):
            if Plan._base_manager.filter(slug=self.slug).exclude(pk=self.pk).exists():
                raise ValidationError({"slug": _("Ya existe un plan con ese identificador.")})

    def clean(self):
        super().clean()
        if self.is_closed and self.period_end and self.period_end >= timezone.localdate():
            raise ValidationError(
                {
                    "is_closed": _("Un plan se cierra cuando termina su periodo: el %(end)s.")
                    % {"end": formats.date_format(self.period_end, "SHORT_DATE_FORMAT")}
                }
            )

    def may_be_closed_by(self, user) -> bool:
        """Closing a plan is a staff decision: a superuser's, or a revisor's of the plan's entity."""
        return access.acts_as(user, access.ROLE_REVISOR) and (
            user.is_superuser or access.entity_id(user) == self.entity_id
        )

    def close(self, user, today: date | None = None):
        """Close the plan: its term's readings become its final results, and nothing of its term
        changes any more (`goals.closing`). Recorded: who closed it and when, in the plan and in
        its history."""
        if not self.may_be_closed_by(user):
            raise PermissionDenied(_("Solo un superusuario o un revisor de la entidad del plan puede cerrarlo."))
        if self.is_closed:
            raise ValidationError(_("El plan «%(plan)s» ya está cerrado.") % {"plan": self.title})
        today = today or timezone.localdate()
        if self.period_end >= today:
            raise ValidationError(
                _("Un plan se cierra cuando termina su periodo: el %(end)s.")
                % {"end": formats.date_format(self.period_end, "SHORT_DATE_FORMAT")}
            )
        self.is_closed = True
        self.closed_at = timezone.now()
        self.closed_by = user
        self._history_user = user
        self.save(update_fields=["is_closed", "closed_at", "closed_by"])

    @cached_property
    def shows_demo_data(self) -> bool:
        """Whether a page of the plan must say it shows demo data: a demo reading of one of its
        indicators or a demo milestone of one of its projects. `for_site()` answers it in the
        plan's own query; a plan got otherwise asks once."""
        return Plan.objects.filter(pk=self.pk).filter(demo_data_of(OuterRef("pk"))).exists()

    @property
    def municipality(self) -> str:
        """The entity's name as the site shows it ("Municipalidad Provincial de …")."""
        return self.entity.title

    @property
    def term(self) -> str:
        """The years of the term as people say them: 2019-2022."""
        return f"{self.period_start.year}-{self.period_end.year}"


class PlanSectionManager(models.Manager):
    def get_by_natural_key(self, plan_slug, code):
        return self.get(plan__slug=plan_slug, code=code)


class PlanSection(EntityOwned):
    """A part of the plan's own text, kept whole: every section of a plan de gobierno but its
    province's facts (fields of the plan) and its summary table (the targets): the frame and the
    alignment, the principles, the diagnosis, the objectives' policies, and the annex's heading.
    A heading with no text of its own (the diagnosis's title above its numbered parts) has an
    empty text. The figures it cites are readings of the indicators it lists, so the diagnosis
    page needs no knowledge of indicator codes."""

    entity_path = "plan__entity"

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sections")
    part = models.CharField(_("parte del sitio"), max_length=10, choices=SectionPart.choices)
    code = models.CharField(
        _("numeración"),
        max_length=20,
        validators=[VisibleText(_("numeración"))],
        help_text=_("Como la numera el plan, por ejemplo: V.1 o 2.2."),
    )
    title = models.CharField(_("título"), max_length=200)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    text = BoundedTextField(
        _("texto"),
        max_length=SECTION,
        blank=True,
        help_text=_(
            "Como lo escribe el plan. Párrafos separados por una línea en blanco; «- » empieza un elemento de lista. "
            "Vacío para un título sin texto propio."
        ),
    )
    notes = BoundedTextField(
        _("notas al pie"), max_length=SECTION, blank=True, help_text=_("Las notas del plan en esta sección.")
    )
    indicators = models.ManyToManyField(
        Indicator,
        verbose_name=_("indicadores citados"),
        related_name="plan_sections",
        blank=True,
        help_text=_("Los indicadores de contexto cuyas cifras cita esta sección."),
    )
    history = HistoricalRecords(m2m_fields=[indicators])

    objects = EntityScopedManager("plan__entity", PlanSectionManager)

    class Meta:
        verbose_name = _("sección del plan")
        verbose_name_plural = _("secciones del plan")
        ordering = ["plan", "order"]
        constraints = [
            length_check("plansection", "text", SECTION),
            length_check("plansection", "notes", SECTION),
            models.UniqueConstraint(fields=["plan", "code"], name="plan_section_code_unique_per_plan"),
            models.CheckConstraint(
                condition=Q(part__in=SectionPart.values),
                name="plan_section_part_valid",
                violation_error_message=_("Parte del sitio no válida."),
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["goals.plan", "indicators.indicator"]


class PlanNumberManager(models.Manager):
    def get_by_natural_key(self, plan_slug, number):
        return self.get(plan__slug=plan_slug, number=number)


class StrategicAxis(EntityOwned):
    entity_path = "plan__entity"

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="axes")
    number = models.PositiveSmallIntegerField(_("número"), validators=[MinValueValidator(1)])
    name = models.CharField(
        _("eje estratégico"),
        max_length=300,
        validators=[VisibleText(_("eje estratégico"))],
        help_text=_("Como lo enuncia la sección II."),
    )
    objective = models.CharField(
        _("objetivo del plan"),
        max_length=300,
        validators=[VisibleText(_("objetivo del plan"))],
        help_text=_("Como lo enuncia la sección VI."),
    )
    annex_objective = models.CharField(
        _("objetivo en el anexo"),
        max_length=300,
        validators=[VisibleText(_("objetivo en el anexo"))],
        blank=True,
        help_text=_("Como lo enuncia el anexo VIII."),
    )
    history = HistoricalRecords()

    objects = EntityScopedManager("plan__entity", PlanNumberManager)

    class Meta:
        verbose_name = _("eje estratégico")
        verbose_name_plural = _("ejes estratégicos")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="axis_number_unique_per_plan",
                violation_error_message=_("Ya existe un eje con ese número en el plan."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="axis_number_positive"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def get_absolute_url(self):
        return reverse("goals:axis-detail", args=[self.plan.slug, self.number])

    def natural_key(self):
        return (*self.plan.natural_key(), self.number)

    natural_key.dependencies = ["goals.plan"]


class Dimension(EntityOwned):
    entity_path = "plan__entity"

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="dimensions")
    number = models.PositiveSmallIntegerField(_("número"), validators=[MinValueValidator(1)])
    slug = models.SlugField(_("identificador"), max_length=40, help_text=_("Por ejemplo: social."))
    name = models.CharField(_("nombre"), max_length=100, validators=[VisibleText(_("nombre"))])
    history = HistoricalRecords()

    objects = EntityScopedManager("plan__entity", PlanNumberManager)

    class Meta:
        verbose_name = _("dimensión")
        verbose_name_plural = _("dimensiones")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="dimension_number_unique_per_plan"),
            models.UniqueConstraint(fields=["plan", "slug"], name="dimension_slug_unique_per_plan"),
        ]

    def __str__(self):
        return f"Dimensión {self.name}"

    def get_absolute_url(self):
        return reverse("goals:dimension-detail", args=[self.plan.slug, self.slug])

    def natural_key(self):
        return (*self.plan.natural_key(), self.number)

    natural_key.dependencies = ["goals.plan"]


class PlanCodeManager(models.Manager):
    def get_by_natural_key(self, plan_slug, code):
        return self.get(plan__slug=plan_slug, code=code)


class Problem(EntityOwned):
    entity_path = "plan__entity"

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="problems")
    code = models.CharField(
        _("código"), max_length=20, validators=[plan_code_validator], help_text=_("Por ejemplo: S1.")
    )
    dimension = models.ForeignKey(
        Dimension, verbose_name=_("dimensión"), on_delete=models.PROTECT, related_name="problems"
    )
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    text = BoundedTextField(
        _("problema identificado"),
        max_length=PARAGRAPH,
    )
    history = HistoricalRecords()

    objects = EntityScopedManager("plan__entity", PlanCodeManager)

    class Meta:
        verbose_name = _("problema")
        verbose_name_plural = _("problemas")
        ordering = ["dimension__number", "order"]
        constraints = [
            length_check("problem", "text", PARAGRAPH),
            models.UniqueConstraint(fields=["plan", "code"], name="problem_code_unique_per_plan"),
        ]

    def __str__(self):
        return f"{self.code}. {self.text[:80]}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["goals.plan", "goals.dimension"]

    def clean(self):
        same_plan(self, "dimension")


class Objective(EntityOwned):
    entity_path = "plan__entity"

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(
        _("código"), max_length=20, validators=[plan_code_validator], help_text=_("Por ejemplo: S1.1.")
    )
    problem = models.ForeignKey(
        Problem, verbose_name=_("problema"), on_delete=models.PROTECT, related_name="objectives"
    )
    axis = models.ForeignKey(
        StrategicAxis,
        verbose_name=_("eje estratégico"),
        on_delete=models.PROTECT,
        related_name="objectives",
        null=True,
        blank=True,
        help_text=_("Vacío si el plan no tiene ejes. Cuando el plan no lo dice, es una decisión editorial."),
    )
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    text = BoundedTextField(
        _("objetivo estratégico"),
        max_length=PARAGRAPH,
    )
    history = HistoricalRecords()

    objects = EntityScopedManager("plan__entity", PlanCodeManager)

    class Meta:
        verbose_name = _("objetivo estratégico")
        verbose_name_plural = _("objetivos estratégicos")
        ordering = ["problem__dimension__number", "problem__order", "order"]
        constraints = [
            length_check("objective", "text", PARAGRAPH),
            models.UniqueConstraint(fields=["plan", "code"], name="objective_code_unique_per_plan"),
        ]

    def __str__(self):
        return f"{self.code}. {self.text[:80]}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["goals.plan", "goals.problem", "goals.strategicaxis"]

    def clean(self):
        same_plan(self, "problem", "axis")


class Project(EntityOwned):
    entity_path = "plan__entity"

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="projects")
    code = models.CharField(
        _("código"), max_length=40, validators=[plan_code_validator], help_text=_("Por ejemplo: PTAR-NORTE.")
    )
    name = models.CharField(_("nombre"), max_length=250, validators=[VisibleText(_("nombre"))])
    objective = models.ForeignKey(
        Objective, verbose_name=_("objetivo"), on_delete=models.PROTECT, related_name="projects"
    )
    cui = models.CharField(
        _("Código Único de Inversiones (CUI)"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^\d{7}$", _("El CUI tiene 7 dígitos."))],
        help_text=_("Del Banco de Inversiones del MEF, cuando el proyecto ya tiene uno."),
    )
    description = BoundedTextField(_("descripción"), max_length=PARAGRAPH, blank=True)
    history = HistoricalRecords()

    objects = EntityScopedManager("plan__entity", PlanCodeManager)

    class Meta:
        verbose_name = _("proyecto")
        verbose_name_plural = _("proyectos")
        ordering = ["name"]
        constraints = [
            length_check("project", "description", PARAGRAPH),
            models.UniqueConstraint(fields=["plan", "code"], name="project_code_unique_per_plan"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["goals.plan", "goals.objective"]

    def clean(self):
        same_plan(self, "objective")


class MilestoneManager(models.Manager):
    def get_by_natural_key(self, plan_slug, project_code, order):
        return self.get(project__plan__slug=plan_slug, project__code=project_code, order=order)


class Milestone(EntityOwned):
    entity_path = "project__plan__entity"

    project = models.ForeignKey(
        Project, verbose_name=_("proyecto"), on_delete=models.CASCADE, related_name="milestones"
    )
    order = models.PositiveSmallIntegerField(_("orden"))
    name = models.CharField(_("hito"), max_length=250, validators=[VisibleText(_("hito"))])
    weight = models.DecimalField(
        _("peso"), max_digits=6, decimal_places=2, default=1, help_text=_("Cuánto pesa en el avance del proyecto.")
    )
    planned_date = models.DateField(_("fecha prevista"), null=True, blank=True)
    done_date = models.DateField(_("fecha de cumplimiento"), null=True, blank=True)
    evidence = models.CharField(_("evidencia"), max_length=300, validators=[VisibleText(_("evidencia"))], blank=True)
    is_demo = models.BooleanField(_("dato de demostración"), default=False)
    history = HistoricalRecords()

    objects = EntityScopedManager("project__plan__entity", MilestoneManager)

    class Meta:
        verbose_name = _("hito")
        verbose_name_plural = _("hitos")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="milestone_order_unique_per_project"),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="milestone_weight_positive",
                violation_error_message=_("El peso debe ser mayor que cero."),
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.order}. {self.name}"

    def natural_key(self):
        return (*self.project.natural_key(), self.order)

    natural_key.dependencies = ["goals.project"]


class TargetQuerySet(models.QuerySet):
    def for_public(self, plan=None):
        """Targets with everything a public page or the API shows, in one query. Given the `plan`
        the page already holds, only that plan's targets, without joining the plan again: the
        caller sets `target.plan` (``goals.public.target_statuses`` does)."""
        if plan is not None:
            return self.filter(plan=plan).select_related(*PUBLIC_TARGET_PARTS)
        return self.select_related("plan__entity", *PUBLIC_TARGET_PARTS)


# What a public page shows of a target besides its plan.
PUBLIC_TARGET_PARTS = (
    "objective__axis",
    "objective__problem__dimension",
    "indicator__unit",
    "indicator__office",
    "project",
)


class TargetManager(PlanCodeManager.from_queryset(TargetQuerySet)):
    pass


class Target(EntityOwned):
    entity_path = "plan__entity"

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(
        _("código"), max_length=20, validators=[plan_code_validator], help_text=_("Por ejemplo: S1.1-M.")
    )
    objective = models.ForeignKey(
        Objective, verbose_name=_("objetivo"), on_delete=models.PROTECT, related_name="targets"
    )
    sentence = BoundedTextField(
        _("meta (como la enuncia el plan)"),
        max_length=PARAGRAPH,
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=TargetKind.choices, default=TargetKind.NUMBER)
    comparator = models.CharField(_("comparador"), max_length=2, choices=Comparator.choices, default=Comparator.GE)
    value = models.DecimalField(_("valor meta"), max_digits=16, decimal_places=4)
    unit = models.CharField(
        _("unidad"),
        max_length=80,
        validators=[VisibleText(_("unidad"))],
        help_text=_("Como la dice el plan: horas al día, %, denuncias."),
    )
    deadline = models.DateField(_("plazo"))
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicador"),
        on_delete=models.PROTECT,
        related_name="targets",
        null=True,
        blank=True,
        help_text=_("Mide la meta numérica o recurrente."),
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("proyecto"),
        on_delete=models.PROTECT,
        related_name="targets",
        null=True,
        blank=True,
        help_text=_("Para un entregable: su avance sale de los hitos ponderados del proyecto."),
    )
    baseline_value = models.DecimalField(
        _("línea de base propia"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "Solo si el plan fija una línea de base distinta de la del indicador (un indicador que "
            "mide metas de dos periodos guarda una serie; cada plan, su línea de base). Vacía: la del indicador."
        ),
    )
    baseline_date = models.DateField(_("fecha de la línea de base propia"), null=True, blank=True)
    baseline_source = models.CharField(
        _("fuente de la línea de base propia"),
        max_length=300,
        validators=[VisibleText(_("fuente de la línea de base propia"))],
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    search_text = SearchTextField()
    history = HistoricalRecords(excluded_fields=["search_text"])

    objects = EntityScopedManager("plan__entity", TargetManager)

    class Meta:
        verbose_name = _("meta")
        verbose_name_plural = _("metas")
        ordering = ["objective__problem__dimension__number", "objective__problem__order", "objective__order", "order"]
        constraints = [
            length_check("target", "sentence", PARAGRAPH),
            models.UniqueConstraint(fields=["plan", "code"], name="target_code_unique_per_plan"),
            models.CheckConstraint(
                condition=Q(comparator__in=Comparator.values),
                name="target_comparator_valid",
                violation_error_message=_("Comparador no válido: use <, <=, >=, > o =."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TargetKind.values),
                name="target_kind_valid",
                violation_error_message=_("Tipo de meta no válido."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="number") | Q(indicator__isnull=False),
                name="target_number_has_indicator",
                violation_error_message=_("Una meta numérica necesita su indicador."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_date__isnull=False),
                name="target_baseline_has_date",
                violation_error_message=_("Una línea de base necesita su fecha."),
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.sentence}"

    def get_absolute_url(self):
        return reverse("goals:target-detail", args=[self.plan.slug, self.code])

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["goals.plan", "goals.objective", "goals.project", "indicators.indicator"]

    def clean(self):
        same_plan(self, "objective", "project")
        if self.indicator_id is not None and self.plan_id is not None:
            entities = set(
                Indicator._base_manager.filter(pk=self.indicator_id).values_list("entity_id", flat=True)
            ) | set(Plan._base_manager.filter(pk=self.plan_id).values_list("entity_id", flat=True))
            if len(entities) > 1:
                raise ValidationError({"indicator": _("El indicador es de otra entidad.")})

    @property
    def unit_label(self) -> str:
        """The target's unit in the active language: the plan's words ("horas al día", "%"), or,
        under /en/, its indicator's unit in English when those words name that unit ("h/day").
        Words that name something else ("pescadores") stay the plan's, in Spanish."""
        unit = self.indicator.unit if self.indicator_id else None
        english = (get_language() or "").startswith("en")
        if english and unit is not None and unit.name_en and find_unit(self.unit, [unit]).unit is not None:
            return unit.label
        return self.unit

    @property
    def baseline(self) -> "Baseline":
        """The target's baseline: its own when the plan sets one apart from the indicator's, else
        the indicator's; Baseline(None, None, "") when neither has one."""
        if self.baseline_value is not None:
            return Baseline(self.baseline_value, self.baseline_date, self.baseline_source)
        if self.indicator_id and self.indicator.baseline_value is not None:
            indicator = self.indicator
            return Baseline(indicator.baseline_value, indicator.baseline_date, indicator.baseline_source)
        return Baseline(None, None, "")


# What a search reads of a target: its code, its sentence, its objective's text and its unit.
keep_search_text(Target, ("code", "sentence", "objective__text", "unit"), dependents=[(Objective, "objective")])


class Baseline(NamedTuple):
    value: Decimal | None
    date: date | None
    source: str


def same_plan(obj, *fields):
    """A record of a plan points only at records of the same plan (ValidationError otherwise)."""
    errors = {}
    for name in fields:
        related = getattr(obj, name) if getattr(obj, f"{name}_id") is not None else None
        if related is not None and obj.plan_id is not None and related.plan_id != obj.plan_id:
            errors[name] = _("Pertenece a otro plan.")
    if errors:
        raise ValidationError(errors)
