"""How a plan's axes align with the objectives of other plans (national, regional, provincial,
or any level a plan names): the levels, their objectives, and the annex rows that link them to
an axis, all as data."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import EntityOwned, EntityScopedManager
from core.text import VisibleText
from goals.models import Plan, StrategicAxis, same_plan


class AlignmentLevelManager(models.Manager):
    def get_by_natural_key(self, plan_slug, code):
        return self.get(plan__slug=plan_slug, code=code)


class AlignmentLevel(EntityOwned):
    """A level of planning the plan aligns with, in the plan's order: for a municipal plan in Peru
    usually the national plan, the regional one and the provincial one."""

    entity_path = "plan__entity"

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="alignment_levels")
    code = models.SlugField(
        _("identificador"), max_length=40, help_text=_("En las direcciones del sitio. Por ejemplo: national, regional.")
    )
    name = models.CharField(
        _("nivel"), max_length=80, validators=[VisibleText(_("nivel"))], help_text=_("Por ejemplo: Nacional.")
    )
    source_plan = models.CharField(
        _("plan de origen"),
        max_length=200,
        validators=[VisibleText(_("plan de origen"))],
        help_text=_("Por ejemplo: Plan de Desarrollo Regional Concertado."),
    )
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    history = HistoricalRecords()

    objects = EntityScopedManager("plan__entity", AlignmentLevelManager)

    class Meta:
        verbose_name = _("nivel de articulación")
        verbose_name_plural = _("niveles de articulación")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="alignment_level_code_unique_per_plan",
                violation_error_message=_("Ya existe un nivel con ese identificador en el plan."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.source_plan})"

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["goals.plan"]


class AlignmentObjectiveManager(models.Manager):
    def get_by_natural_key(self, plan_slug, level, number):
        return self.get(plan__slug=plan_slug, level__code=level, number=number)


class AlignmentObjective(EntityOwned):
    entity_path = "plan__entity"

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="alignment_objectives"
    )
    level = models.ForeignKey(
        AlignmentLevel, verbose_name=_("nivel"), on_delete=models.PROTECT, related_name="objectives"
    )
    number = models.PositiveSmallIntegerField(
        _("número"), help_text=_("El número con que lo lista el plan (su texto de articulación o el anexo).")
    )
    text = models.CharField(_("objetivo"), max_length=300, validators=[VisibleText(_("objetivo"))])
    history = HistoricalRecords()

    objects = EntityScopedManager("plan__entity", AlignmentObjectiveManager)

    class Meta:
        verbose_name = _("objetivo de articulación")
        verbose_name_plural = _("objetivos de articulación")
        ordering = ["plan", "level__order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "level", "number"], name="alignment_objective_unique_number"),
        ]

    def __str__(self):
        return f"{self.level.name} {self.number}: {self.text}"

    def get_absolute_url(self):
        return reverse("alignment:objective-detail", args=[self.plan.slug, self.level.code, self.number])

    def natural_key(self):
        return (*self.plan.natural_key(), self.level.code, self.number)

    natural_key.dependencies = ["goals.plan", "alignment.alignmentlevel"]

    def clean(self):
        same_plan(self, "level")


class AlignmentRowManager(models.Manager):
    def get_by_natural_key(self, plan_slug, number):
        return self.get(plan__slug=plan_slug, number=number)


class AlignmentRow(EntityOwned):
    """One row of the annex: objectives of each level, in the annex's order, and the plan axis
    they come down to."""

    entity_path = "plan__entity"

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="alignment_rows")
    number = models.PositiveSmallIntegerField(_("número de fila"))
    axis = models.ForeignKey(
        StrategicAxis, verbose_name=_("eje del plan"), on_delete=models.PROTECT, related_name="alignment_rows"
    )
    objectives = models.ManyToManyField(
        AlignmentObjective,
        verbose_name=_("objetivos"),
        through="AlignmentLink",
        related_name="rows",
    )
    history = HistoricalRecords()

    objects = EntityScopedManager("plan__entity", AlignmentRowManager)

    class Meta:
        verbose_name = _("fila del anexo de articulación")
        verbose_name_plural = _("filas del anexo de articulación")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="alignment_row_unique_number")]

    def __str__(self):
        return f"Fila {self.number} → eje {self.axis.number}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.number)

    natural_key.dependencies = ["goals.plan", "goals.strategicaxis"]

    def clean(self):
        same_plan(self, "axis")


class AlignmentLinkManager(models.Manager):
    def get_by_natural_key(self, plan_slug, row_number, level, number):
        return self.get(
            row__plan__slug=plan_slug,
            row__number=row_number,
            objective__level__code=level,
            objective__number=number,
        )


class AlignmentLink(EntityOwned):
    """One objective in one annex row, at its place in the row (the annex's order, not the
    objectives' numbers: row 1 may list regional objective 8 before 1)."""

    entity_path = "row__plan__entity"

    row = models.ForeignKey(AlignmentRow, verbose_name=_("fila"), on_delete=models.CASCADE, related_name="links")
    objective = models.ForeignKey(
        AlignmentObjective, verbose_name=_("objetivo"), on_delete=models.PROTECT, related_name="links"
    )
    order = models.PositiveSmallIntegerField(_("orden en la fila"), default=0)
    history = HistoricalRecords()

    objects = EntityScopedManager("row__plan__entity", AlignmentLinkManager)

    class Meta:
        verbose_name = _("objetivo de la fila")
        verbose_name_plural = _("objetivos de la fila")
        ordering = ["row", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["row", "objective"],
                name="alignment_link_unique",
                violation_error_message=_("Ese objetivo ya está en la fila."),
            ),
        ]

    def __str__(self):
        return f"{self.row} · {self.objective}"

    def natural_key(self):
        return (*self.row.natural_key(), self.objective.level.code, self.objective.number)

    natural_key.dependencies = ["alignment.alignmentrow", "alignment.alignmentobjective"]

    def clean(self):
        if self.row_id and self.objective_id and self.row.plan_id != self.objective.plan_id:
            raise ValidationError({"objective": _("Pertenece a otro plan.")})
