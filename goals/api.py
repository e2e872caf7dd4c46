"""API of the plan: plan, axes, dimensions, problems, objectives, targets with their status,
projects and milestones. `?as_of=AAAA-MM-DD` gives the statuses as they stood that day."""

import django_filters
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, serializers, viewsets
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core import cells
from core.api_support import ConditionalMixin, CSVListMixin, parse_as_of, stream_csv
from core.models import Entity, EntityKind, fold
from core.scoping import UBIGEO_MESSAGE, FilterSet, UbigeoFilter
from indicators.api import (
    READ_ERRORS,
    IndicatorViewSet,
    ReadingFilter,
    ReadingViewSet,
    RoundedFloatField,
    UnitDecimalField,
)
from indicators.models import Indicator

from . import progress, public, wording
from .evaluation import evaluate_targets
from .models import Dimension, Milestone, Objective, Plan, Problem, Project, StrategicAxis, Target, TargetKind

AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATE, description="Estado tal como estaba ese día (AAAA-MM-DD). Por defecto, hoy."
)


ALL_PLANS = "all"
PLAN_HELP = _(
    "Identificador del plan (p. ej. ilo-2019-2022); `all`: todos los planes. Sin él, el plan destacado "
    "(el que muestra la portada del sitio), o todos los planes de la entidad que nombre `entity`."
)
ENTITY_FILTER_HELP = _("Ubigeo de la entidad (p. ej. 1803): solo sus registros.")


def entity_param(request) -> str | None:
    """`?entity=<ubigeo>`, checked: digits only (an unknown ubigeo simply matches nothing)."""
    value = (request.query_params.get("entity") or "").strip()
    if value and not (value.isdigit() and len(value) in (2, 4, 6)):
        raise exceptions.ValidationError({"entity": [str(UBIGEO_MESSAGE)]})
    return value or None


def plan_scope(request) -> Plan | str | None:
    """The plan `?plan=<slug>` names; without it, every plan of the entity `?entity=` names, else
    the featured plan; ALL_PLANS for `?plan=all`; None when there is no plan at all. An unknown
    slug is a 400."""
    if not hasattr(request, "_plan_scope"):
        slug = request.query_params.get("plan")
        if slug == ALL_PLANS or (not slug and entity_param(request)):
            scope = ALL_PLANS
        elif not slug:
            scope = Plan.objects.featured()
        else:
            scope = Plan.objects.filter(slug=slug).first()
            if scope is None:
                raise exceptions.ValidationError(
                    {"plan": [gettext("No existe un plan con el identificador «%(slug)s».") % {"slug": slug[:60]}]}
                )
        request._plan_scope = scope
    return request._plan_scope


class PlanFilterBackend(BaseFilterBackend):
    """`?plan=` on every list and detail of a plan's records (the view names the path to the
    plan in `plan_field`): lookups by code or number are unambiguous within one plan."""

    def filter_queryset(self, request, queryset, view):
        scope = plan_scope(request)
        if ubigeo := entity_param(request):
            queryset = queryset.filter(**{f"{view.plan_field}__entity__ubigeo": ubigeo})
        if scope == ALL_PLANS:
            return queryset
        return queryset.filter(**{view.plan_field: scope}) if scope else queryset.none()

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "plan",
                "required": False,
                "in": "query",
                "description": str(PLAN_HELP),
                "schema": {"type": "string"},
            },
            {
                "name": "entity",
                "required": False,
                "in": "query",
                "description": str(ENTITY_FILTER_HELP),
                "schema": {"type": "string"},
            },
        ]


class PlanScopedMixin:
    plan_field = "plan"
    filter_backends = [PlanFilterBackend, *api_settings.DEFAULT_FILTER_BACKENDS]


class RollupSerializer(serializers.Serializer):
    """Count of targets per status and their mean progress."""

    total = serializers.IntegerField()
    mean_progress = serializers.FloatField(
        allow_null=True,
        help_text=_("Promedio del avance de las metas con avance medible (cumplidas = 100), redondeado a un decimal."),
    )
    measured = serializers.IntegerField(help_text=_("Cuántas metas cubre el promedio."))
    achieved = serializers.IntegerField()
    on_track = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    off_track = serializers.IntegerField()
    not_achieved = serializers.IntegerField()
    no_data = serializers.IntegerField()


def rollup_data(rollup: progress.Rollup) -> dict:
    return {
        "total": rollup.total,
        "mean_progress": cells.rounded(rollup.mean_progress, cells.PERCENT_DECIMALS),
        "measured": rollup.measured,
        **{status.value: count for status, count in rollup.counts.items()},
    }


class StatusLabelField(serializers.CharField):
    def to_representation(self, value):
        return wording.status_label(value)


@extend_schema_field(OpenApiTypes.STR)
class ExplanationField(serializers.Field):
    """Reads the whole target (source="*"): the words need its indicator's frequency."""

    def to_representation(self, value):
        return wording.explain_target(value, value.evaluation)


@extend_schema_field({"type": "object", "additionalProperties": True})
class ReasonValuesField(serializers.Field):
    def to_representation(self, value):
        return wording.reason_data(value)


class PlanSerializer(serializers.ModelSerializer):
    featured = serializers.SerializerMethodField(
        help_text=_("El plan de la portada (/): el marcado como destacado o, sin marca, el del periodo más reciente.")
    )
    closed = serializers.BooleanField(
        source="is_closed",
        read_only=True,
        help_text=_(
            "Cerrado por el personal tras su periodo: su resultado es final y las lecturas de su periodo ya no "
            "cambian. Mientras no se cierre, un dato del periodo aprobado más tarde todavía cuenta."
        ),
    )
    closed_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("Cuándo se cerró el plan (null: abierto).")
    )
    entity = serializers.CharField(source="entity.ubigeo", read_only=True, help_text=_("Ubigeo de la entidad."))
    municipality = serializers.CharField(
        source="entity.title", read_only=True, help_text=_("La entidad: municipalidad o gobierno regional.")
    )
    department = serializers.CharField(
        source="entity.department", read_only=True, help_text=_("Departamento de la entidad, como lo escribe el INEI.")
    )
    province = serializers.CharField(
        source="entity.province",
        read_only=True,
        help_text=_("Provincia de la entidad (vacía en un gobierno regional)."),
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "slug",
            "title",
            "entity",
            "municipality",
            "province",
            "department",
            "party",
            "period_start",
            "period_end",
            "province_created_on",
            "area_km2",
            "population",
            "population_source",
            "population_year",
            "distance_to_capital_km",
            "latitude_range",
            "longitude_range",
            "source_document",
            "featured",
            "closed",
            "closed_at",
        ]

    def get_featured(self, obj) -> bool:
        return obj.pk == self.context["featured_id"]


class AxisSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    rollup = serializers.SerializerMethodField()

    class Meta:
        model = StrategicAxis
        fields = ["id", "plan", "number", "name", "objective", "annex_objective", "rollup"]

    @extend_schema_field(RollupSerializer)
    def get_rollup(self, obj):
        return rollup_data(self.context["rollups"].get(obj.pk, progress.rollup([])))


class DimensionSerializer(AxisSerializer):
    class Meta:
        model = Dimension
        fields = ["id", "plan", "number", "slug", "name", "rollup"]


class ProblemSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    dimension = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Problem
        fields = ["id", "plan", "code", "dimension", "order", "text"]


# The objective → axis link is the site team's reading, not the plan's (the methodology page, /metodologia/).
AXIS_HELP = _(
    "Número del eje estratégico del objetivo. La agrupación de los objetivos por eje la hizo el equipo del "
    "sitio; el plan no la indica (ver /metodologia/)."
)


class ObjectiveSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    problem = serializers.SlugRelatedField(slug_field="code", read_only=True)
    axis = serializers.SlugRelatedField(slug_field="number", read_only=True, help_text=AXIS_HELP)

    class Meta:
        model = Objective
        fields = ["id", "plan", "code", "problem", "axis", "order", "text"]


class ProjectSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    objective = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "plan", "code", "name", "objective", "cui", "description"]


class MilestoneSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="project.plan.slug", read_only=True)
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "plan",
            "project",
            "order",
            "name",
            "weight",
            "planned_date",
            "done_date",
            "evidence",
            "is_demo",
        ]


# A projection of a target measured by no indicator (a delivered thing: its milestones' share).
COMPUTED_DECIMALS = 2


def target_decimals(target, computed: bool = False) -> int | None:
    """The decimals of the unit of the indicator measuring the target; none without one (a stored
    value then keeps its own digits, a computed one gets two)."""
    if target.indicator_id is not None:
        return target.indicator.unit.decimals
    return COMPUTED_DECIMALS if computed else None


class TargetSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.slug", read_only=True)
    objective = serializers.CharField(source="objective.code", read_only=True)
    axis = serializers.IntegerField(
        source="objective.axis.number", read_only=True, allow_null=True, default=None, help_text=AXIS_HELP
    )
    dimension = serializers.CharField(source="objective.problem.dimension.slug", read_only=True)
    indicator = serializers.CharField(source="indicator.code", read_only=True, allow_null=True, default=None)
    project = serializers.CharField(source="project.code", read_only=True, allow_null=True, default=None)
    status = serializers.CharField(source="evaluation.status", read_only=True, help_text=_("achieved, on_track, ..."))
    status_label = StatusLabelField(source="evaluation.status", read_only=True)
    reason = serializers.CharField(
        source="evaluation.reason.code", read_only=True, help_text=_("Código del motivo del estado (metodología).")
    )
    reason_values = ReasonValuesField(
        source="evaluation.reason", read_only=True, help_text=_("Las cifras del motivo: fechas ISO, cifras, años.")
    )
    explanation = ExplanationField(
        source="*", read_only=True, help_text=_("El motivo en palabras (Accept-Language: es o en).")
    )
    final = serializers.BooleanField(
        source="evaluation.final", read_only=True, help_text=_("El plazo venció: el estado es el resultado final.")
    )
    maintain = serializers.BooleanField(
        source="evaluation.maintain", read_only=True, help_text=_("La línea de base ya cumplía la meta: mantenerla.")
    )
    value = UnitDecimalField(lambda target: target_decimals(target), help_text=_("Valor meta, como lo fija el plan."))
    progress = RoundedFloatField(
        cells.PERCENT_DECIMALS,
        source="evaluation.progress",
        allow_null=True,
        help_text=_(
            "Avance 0-100 desde la línea de base hacia la meta; 100 si está cumplida; "
            "nulo sin datos del periodo o sin línea de base. Redondeado a un decimal (57.3); el estado se decide "
            "con el valor sin redondear."
        ),
    )
    expected = RoundedFloatField(
        cells.PERCENT_DECIMALS,
        source="evaluation.expected",
        allow_null=True,
        help_text=_("Avance esperado 0-100 a la fecha, redondeado a un decimal."),
    )
    pace = RoundedFloatField(
        cells.PACE_DECIMALS,
        source="evaluation.pace",
        allow_null=True,
        help_text=_("Ritmo: avance ÷ avance esperado (1 = al ritmo previsto), redondeado a dos decimales."),
    )
    projection = RoundedFloatField(
        lambda target: target_decimals(target, computed=True),
        source="evaluation.projection",
        allow_null=True,
        help_text=_(
            "Valor proyectado al plazo (mínimos cuadrados); nulo tras el plazo. Redondeado a los decimales "
            "de la unidad del indicador (16.9 en horas al día con un decimal); el estado se decide con el valor sin "
            "redondear."
        ),
    )
    latest_value = UnitDecimalField(
        lambda target: target_decimals(target),
        source="evaluation.latest_value",
        allow_null=True,
        help_text=_("El último dato del periodo de la meta."),
    )
    latest_period = serializers.DateField(source="evaluation.latest_period", read_only=True, allow_null=True)
    baseline_value = UnitDecimalField(
        lambda target: target_decimals(target),
        source="baseline.value",
        allow_null=True,
        help_text=_("La línea de base de la meta: la propia si el plan fija una, si no la del indicador."),
    )
    baseline_date = serializers.DateField(source="baseline.date", read_only=True, allow_null=True)
    as_of = serializers.DateField(read_only=True, help_text=_("Fecha de la evaluación."))

    class Meta:
        model = Target
        fields = [
            "id",
            "plan",
            "code",
            "objective",
            "axis",
            "dimension",
            "sentence",
            "kind",
            "comparator",
            "value",
            "unit",
            "deadline",
            "indicator",
            "project",
            "baseline_value",
            "baseline_date",
            "status",
            "status_label",
            "reason",
            "reason_values",
            "explanation",
            "final",
            "maintain",
            "progress",
            "expected",
            "pace",
            "projection",
            "latest_value",
            "latest_period",
            "as_of",
        ]


class TargetFilter(FilterSet):
    axis = django_filters.NumberFilter(field_name="objective__axis__number", min_value=1, max_value=99)
    dimension = django_filters.CharFilter(field_name="objective__problem__dimension__slug")
    kind = django_filters.ChoiceFilter(choices=TargetKind.choices)
    status = django_filters.ChoiceFilter(
        choices=[(s.value, wording.STATUS_LABELS[s]) for s in progress.Status],
        method="by_status",
        help_text=_("Estado calculado a la fecha as_of."),
    )

    class Meta:
        model = Target
        fields = ["axis", "dimension", "kind", "status"]

    def by_status(self, queryset, name, value):
        return queryset  # applied after evaluation, in TargetViewSet.list


class PlanFilter(FilterSet):
    entity = UbigeoFilter(field_name="entity__ubigeo", help_text=ENTITY_FILTER_HELP)
    department = django_filters.CharFilter(
        method="by_place", help_text=_("Código (2 dígitos) o nombre del departamento de la entidad.")
    )
    province = django_filters.CharFilter(method="by_place", help_text=_("Código (4 dígitos) o nombre de la provincia."))

    class Meta:
        model = Plan
        fields = ["entity", "department", "province"]

    def by_place(self, queryset, name, value):
        return queryset.filter(entity__in=entities_in_place(name, value))


def entities_in_place(level: str, value: str):
    """The entities of a department or province named by its ubigeo or by its name (accents and
    case forgiven; there are 25 departments and 196 provinces, compared here)."""
    value = value.strip()
    if value.isdigit():
        return Entity.objects.filter(ubigeo__startswith=value)
    names = [
        name for name in Entity.objects.order_by().values_list(level, flat=True).distinct() if fold(name) == fold(value)
    ]
    return Entity.objects.filter(**{f"{level}__in": names})


class PlanViewSet(ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Los planes de gobierno (uno por entidad y periodo), todos. `featured` marca el de la portada.
    Se filtran por entidad (`entity`), departamento o provincia."""

    serializer_class = PlanSerializer
    lookup_field = "slug"
    filterset_class = PlanFilter
    csv_filename = "planes.csv"

    def get_queryset(self):
        return Plan.objects.select_related("entity").order_by("entity__ubigeo", "period_start", "slug")

    def get_serializer_context(self):
        featured = Plan.objects.featured(among=Plan.objects.only("pk"))
        return {**super().get_serializer_context(), "featured_id": featured.pk if featured else None}


class EntityPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["slug", "title", "period_start", "period_end", "is_closed"]


class EntitySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="title", read_only=True, help_text=_("Como la nombra el sitio."))
    place = serializers.CharField(
        source="name", read_only=True, help_text=_("El lugar, como lo escribe la lista del INEI.")
    )
    plans = EntityPlanSerializer(
        many=True, read_only=True, help_text=_("Sus planes cargados, el más reciente primero.")
    )

    class Meta:
        model = Entity
        fields = ["ubigeo", "kind", "name", "place", "department", "province", "plans"]


class EntityFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=EntityKind.choices, help_text=_("region, provincial o distrital."))
    department = django_filters.CharFilter(
        method="by_place", help_text=_("Código (2 dígitos) o nombre del departamento.")
    )
    province = django_filters.CharFilter(method="by_place", help_text=_("Código (4 dígitos) o nombre de la provincia."))
    has_plan = django_filters.BooleanFilter(method="by_plan", help_text=_("true: solo las que tienen un plan cargado."))
    q = django_filters.CharFilter(method="by_text", help_text=_("Busca por nombre o ubigeo."))

    class Meta:
        model = Entity
        fields = ["kind", "department", "province", "has_plan", "q"]

    def by_place(self, queryset, name, value):
        return queryset.filter(pk__in=entities_in_place(name, value).values("pk"))

    def by_plan(self, queryset, name, value):
        return queryset.filter(plans__isnull=not value).distinct()

    def by_text(self, queryset, name, value):
        return queryset.filter(pk__in=Entity.objects.search(value).values("pk"))


class EntityViewSet(ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Las entidades del Perú (gobiernos regionales, municipalidades provinciales y distritales),
    por ubigeo del INEI, con sus planes cargados. Se filtran por departamento, provincia y tipo."""

    serializer_class = EntitySerializer
    lookup_field = "ubigeo"
    lookup_value_regex = "[0-9]{2,6}"
    filterset_class = EntityFilter
    csv_filename = "entidades.csv"

    def get_queryset(self):
        return Entity.objects.prefetch_related(
            Prefetch("plans", queryset=Plan.objects.order_by("-period_start", "slug"))
        ).order_by("ubigeo")


class RollupViewSetMixin:
    """Axes and dimensions carry the roll-up of their targets at `as_of`."""

    rollup_key = None

    def get_serializer_context(self):
        context = super().get_serializer_context()
        as_of = parse_as_of(self.request)
        scope = plan_scope(self.request)
        rows = public.target_statuses(None if scope == ALL_PLANS else scope, as_of=as_of) if scope else []
        context["rollups"] = public.rollup_by(rows, key=self.rollup_key)
        return context


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF], responses={200: AxisSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(parameters=[AS_OF]),
)
class AxisViewSet(PlanScopedMixin, ConditionalMixin, CSVListMixin, RollupViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Los ejes estratégicos, con el resumen de estados de sus metas. Se buscan por número."""

    serializer_class = AxisSerializer
    lookup_field = "number"
    lookup_value_regex = "[0-9]{1,3}"
    rollup_key = staticmethod(lambda target: target.objective.axis_id)
    csv_filename = "ejes.csv"

    def get_queryset(self):
        return StrategicAxis.objects.select_related("plan").order_by("plan", "number")


@extend_schema_view(list=extend_schema(parameters=[AS_OF]), retrieve=extend_schema(parameters=[AS_OF]))
class DimensionViewSet(
    PlanScopedMixin, ConditionalMixin, CSVListMixin, RollupViewSetMixin, viewsets.ReadOnlyModelViewSet
):
    """Las cuatro dimensiones de la sección VII, con el resumen de estados de sus metas."""

    serializer_class = DimensionSerializer
    lookup_field = "slug"
    rollup_key = staticmethod(lambda target: target.objective.problem.dimension_id)
    csv_filename = "dimensiones.csv"

    def get_queryset(self):
        return Dimension.objects.select_related("plan").order_by("plan", "number")


class ProblemViewSet(PlanScopedMixin, ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Problemas identificados (sección VII)."""

    serializer_class = ProblemSerializer
    filterset_fields = {"dimension__slug": ["exact"]}
    csv_filename = "problemas.csv"

    def get_queryset(self):
        return Problem.objects.select_related("plan", "dimension").order_by("plan", "dimension__number", "order")


class ObjectiveViewSet(PlanScopedMixin, ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Objetivos estratégicos, con su problema y su eje (el eje es una decisión editorial)."""

    serializer_class = ObjectiveSerializer
    filterset_fields = {"axis__number": ["exact"], "problem__dimension__slug": ["exact"]}
    csv_filename = "objetivos.csv"

    def get_queryset(self):
        return Objective.objects.select_related("plan", "problem", "axis").order_by("plan", "code")


class ProjectViewSet(PlanScopedMixin, ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Proyectos que nombran los objetivos, con su CUI cuando lo tienen."""

    serializer_class = ProjectSerializer
    lookup_field = "code"
    csv_filename = "proyectos.csv"

    def get_queryset(self):
        return Project.objects.select_related("plan", "objective").order_by("plan", "code")


class MilestoneViewSet(PlanScopedMixin, ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Hitos ponderados de los proyectos."""

    plan_field = "project__plan"
    serializer_class = MilestoneSerializer
    filterset_fields = {"project__code": ["exact"], "is_demo": ["exact"]}
    ordering_fields = ["order", "planned_date", "done_date"]
    csv_filename = "hitos.csv"

    def get_queryset(self):
        return Milestone.objects.select_related("project__plan").order_by("project__plan", "project__code", "order")


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF], responses={200: TargetSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(parameters=[AS_OF], responses={200: TargetSerializer, **READ_ERRORS}),
)
class TargetViewSet(PlanScopedMixin, ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Metas del plan con su avance, avance esperado, ritmo, proyección, estado y la explicación del
    estado, calculados como en el sitio público. Se buscan por código (p. ej. S1.1-M)."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["code", "deadline"]
    csv_filename = "metas.csv"

    def get_queryset(self):
        return Target.objects.for_public().order_by(
            "plan", "objective__problem__dimension__number", "objective__code", "order"
        )

    def evaluated(self, targets):
        """Attach each target's evaluation at `as_of` (two queries for the whole list)."""
        as_of = parse_as_of(self.request)
        evaluations = evaluate_targets(targets, as_of)
        for target in targets:
            target.evaluation = evaluations[target.pk]
            target.as_of = as_of or timezone.localdate()
        return targets

    def list(self, request, *args, **kwargs):
        targets = self.evaluated(list(self.filter_queryset(self.get_queryset())))
        if wanted := request.query_params.get("status"):
            targets = [t for t in targets if t.evaluation.status == wanted]
        if getattr(request.accepted_renderer, "format", None) == "csv":
            header, rows = self.csv_rows(targets)
            return stream_csv(header, rows, self.csv_filename)
        page = self.paginate_queryset(targets)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        target = self.evaluated([self.get_object()])[0]
        return Response(self.get_serializer(target).data)


TARGET_LOOKUPS = {
    "target": "code",
    "axis": "objective__axis__number",
    "dimension": "objective__problem__dimension__slug",
}


class PlanReadingFilter(ReadingFilter):
    """The readings filters that know of plans: `indicators` knows nothing of targets or axes."""

    plan = django_filters.CharFilter(
        method="by_plan", help_text=format_lazy("{} {}", PLAN_HELP, _("Filtra por los indicadores del plan."))
    )
    target = django_filters.CharFilter(method="by_target", help_text=_("Código de la meta (en el plan de `plan`)."))
    axis = django_filters.NumberFilter(method="by_target", min_value=1, max_value=99, help_text=_("Número del eje."))
    dimension = django_filters.CharFilter(method="by_target", help_text=_("Dimensión, p. ej. social."))

    class Meta(ReadingFilter.Meta):
        fields = [*ReadingFilter.Meta.fields, "plan", "target", "axis", "dimension"]

    def by_target(self, queryset, name, value):
        # A subquery, not a join: an indicator measuring two targets must not repeat its readings.
        targets = Target.objects.filter(**{TARGET_LOOKUPS[name]: value})
        scope = plan_scope(self.request)
        if scope != ALL_PLANS:
            targets = targets.filter(plan=scope)
        return queryset.filter(indicator_id__in=targets.values("indicator_id"))

    def by_plan(self, queryset, name, value):
        scope = plan_scope(self.request)
        if scope == ALL_PLANS:
            return queryset
        return queryset.filter(indicator_id__in=public.plan_indicators(scope).values("pk"))


class PlanReadingViewSet(ReadingViewSet):
    __doc__ = ReadingViewSet.__doc__
    filterset_class = PlanReadingFilter


class PlanIndicatorFilter(FilterSet):
    entity = UbigeoFilter(field_name="entity__ubigeo", help_text=ENTITY_FILTER_HELP)
    plan = django_filters.CharFilter(
        method="by_plan",
        help_text=format_lazy("{} {}", PLAN_HELP, _("Los indicadores de sus metas y de su diagnóstico.")),
    )

    class Meta:
        model = Indicator
        fields = {"office__code": ["exact"], "frequency": ["exact"], "direction": ["exact"]}

    def by_plan(self, queryset, name, value):
        scope = plan_scope(self.request)
        return queryset if scope == ALL_PLANS else queryset.filter(pk__in=public.plan_indicators(scope).values("pk"))


class PlanIndicatorViewSet(IndicatorViewSet):
    __doc__ = IndicatorViewSet.__doc__
    filterset_class = PlanIndicatorFilter
    filterset_fields = None
