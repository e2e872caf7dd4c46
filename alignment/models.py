"""Annex VIII: how the plan's axes align with national, regional and provincial objectives."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goals.models import Plan, StrategicAxis


class Level(models.TextChoices):
    NATIONAL = "national", _("Nacional (Plan Bicentenario)")
    REGIONAL = "regional", _("Regional (PDRC Moquegua)")
    PROVINCIAL = "provincial", _("Provincial (PDLC Ilo al 2030)")


class AlignmentObjectiveManager(models.Manager):
    def get_by_natural_key(self, plan_slug, level, number):
        return self.get(plan__slug=plan_slug, level=level, number=number)


class AlignmentObjective(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="alignment_objectives"
    )
    level = models.CharField(_("nivel"), max_length=10, choices=Level.choices)
    number = models.PositiveSmallIntegerField(
        _("número"), help_text=_("El número con que lo lista el plan (secciones 2.1, 2.2 o el anexo).")
    )
    text = models.CharField(_("objetivo"), max_length=300)
    source_plan = models.CharField(
        _("plan de origen"), max_length=200, help_text=_("Por ejemplo: Plan de Desarrollo Regional Concertado.")
    )
    history = HistoricalRecords()

    objects = AlignmentObjectiveManager()

    class Meta:
        verbose_name = _("objetivo de articulación")
        verbose_name_plural = _("objetivos de articulación")
        ordering = ["plan", "level", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "level", "number"], name="alignment_objective_unique_number"),
            models.CheckConstraint(
                condition=models.Q(level__in=Level.values),
                name="alignment_objective_level_valid",
                violation_error_message=_("Nivel no válido."),
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.number}: {self.text}"

    def get_absolute_url(self):
        return reverse("alignment:objective-detail", args=[self.level, self.number])

    def natural_key(self):
        return (*self.plan.natural_key(), self.level, self.number)

    natural_key.dependencies = ["goals.plan"]


class AlignmentRowManager(models.Manager):
    def get_by_natural_key(self, plan_slug, number):
        return self.get(plan__slug=plan_slug, number=number)


class AlignmentRow(models.Model):
    """One row of the annex: a national objective, its regional and provincial objectives,
    and the plan axis they come down to."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="alignment_rows")
    number = models.PositiveSmallIntegerField(_("número de fila"))
    axis = models.ForeignKey(
        StrategicAxis, verbose_name=_("eje del plan"), on_delete=models.PROTECT, related_name="alignment_rows"
    )
    national = models.ForeignKey(
        AlignmentObjective,
        verbose_name=_("objetivo nacional"),
        on_delete=models.PROTECT,
        related_name="national_rows",
        limit_choices_to={"level": Level.NATIONAL},
    )
    regional = models.ManyToManyField(
        AlignmentObjective,
        verbose_name=_("objetivos regionales"),
        related_name="regional_rows",
        limit_choices_to={"level": Level.REGIONAL},
    )
    provincial = models.ManyToManyField(
        AlignmentObjective,
        verbose_name=_("objetivos provinciales"),
        related_name="provincial_rows",
        limit_choices_to={"level": Level.PROVINCIAL},
    )
    history = HistoricalRecords(m2m_fields=[regional, provincial])

    objects = AlignmentRowManager()

    class Meta:
        verbose_name = _("fila del anexo de articulación")
        verbose_name_plural = _("filas del anexo de articulación")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="alignment_row_unique_number")]

    def __str__(self):
        return f"Fila {self.number}: {self.national.text} → eje {self.axis.number}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.number)

    natural_key.dependencies = ["goals.plan", "goals.strategicaxis", "alignment.alignmentobjective"]
