"""API of the plan: plan, axes, dimensions, problems, objectives, targets with their status,
projects and milestones. `?as_of=AAAA-MM-DD` gives the statuses as they stood that day."""

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from indicators.api import READ_ERRORS
from indicators.api_support import ConditionalMixin, CSVListMixin, parse_as_of, stream_csv

from . import progress, public, wording
from .evaluation import evaluate_targets
from .models import Dimension, Milestone, Objective, Plan, Problem, Project, StrategicAxis, Target, TargetKind

AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATE, description="Estado tal como estaba ese día (AAAA-MM-DD). Por defecto, hoy."
)


class RollupSerializer(serializers.Serializer):
    """Count of targets per status and their mean progress."""

    total = serializers.IntegerField()
    mean_progress = serializers.FloatField(
        allow_null=True, help_text="Promedio del avance de las metas con avance medible (cumplidas = 100)."
    )
    measured = serializers.IntegerField(help_text="Cuántas metas cubre el promedio.")
    achieved = serializers.IntegerField()
    on_track = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    off_track = serializers.IntegerField()
    not_achieved = serializers.IntegerField()
    no_data = serializers.IntegerField()


def rollup_data(rollup: progress.Rollup) -> dict:
    return {
        "total": rollup.total,
        "mean_progress": rollup.mean_progress,
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
    class Meta:
        model = Plan
        fields = [
            "id",
            "slug",
            "title",
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
        ]


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
    dimension = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Problem
        fields = ["id", "code", "dimension", "order", "text"]


class ObjectiveSerializer(serializers.ModelSerializer):
    problem = serializers.SlugRelatedField(slug_field="code", read_only=True)
    axis = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = Objective
        fields = ["id", "code", "problem", "axis", "order", "text"]


class ProjectSerializer(serializers.ModelSerializer):
    objective = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "code", "name", "objective", "cui", "description"]


class MilestoneSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "project", "order", "name", "weight", "planned_date", "done_date", "evidence", "is_demo"]


class TargetSerializer(serializers.ModelSerializer):
    objective = serializers.CharField(source="objective.code", read_only=True)
    axis = serializers.IntegerField(source="objective.axis.number", read_only=True)
    dimension = serializers.CharField(source="objective.problem.dimension.slug", read_only=True)
    indicator = serializers.CharField(source="indicator.code", read_only=True, allow_null=True, default=None)
    project = serializers.CharField(source="project.code", read_only=True, allow_null=True, default=None)
    status = serializers.CharField(source="evaluation.status", read_only=True, help_text="achieved, on_track, ...")
    status_label = StatusLabelField(source="evaluation.status", read_only=True)
    reason = serializers.CharField(
        source="evaluation.reason.code", read_only=True, help_text="Código del motivo del estado (metodología)."
    )
    reason_values = ReasonValuesField(
        source="evaluation.reason", read_only=True, help_text="Las cifras del motivo: fechas ISO, cifras, años."
    )
    explanation = ExplanationField(
        source="*", read_only=True, help_text="El motivo en palabras (Accept-Language: es o en)."
    )
    final = serializers.BooleanField(
        source="evaluation.final", read_only=True, help_text="El plazo venció: el estado es el resultado final."
    )
    maintain = serializers.BooleanField(
        source="evaluation.maintain", read_only=True, help_text="La línea de base ya cumplía la meta: mantenerla."
    )
    progress = serializers.FloatField(
        source="evaluation.progress",
        read_only=True,
        allow_null=True,
        help_text="Avance 0-100 desde la línea de base hacia la meta; 100 si está cumplida; "
        "nulo sin datos del periodo o sin línea de base.",
    )
    expected = serializers.FloatField(
        source="evaluation.expected", read_only=True, allow_null=True, help_text="Avance esperado 0-100 a la fecha."
    )
    pace = serializers.FloatField(source="evaluation.pace", read_only=True, allow_null=True)
    projection = serializers.FloatField(
        source="evaluation.projection",
        read_only=True,
        allow_null=True,
        help_text="Valor proyectado al plazo (mínimos cuadrados); nulo tras el plazo.",
    )
    latest_value = serializers.DecimalField(
        source="evaluation.latest_value",
        max_digits=16,
        decimal_places=4,
        read_only=True,
        allow_null=True,
        help_text="El último dato del periodo de la meta.",
    )
    latest_period = serializers.DateField(source="evaluation.latest_period", read_only=True, allow_null=True)
    as_of = serializers.DateField(read_only=True, help_text="Fecha de la evaluación.")

    class Meta:
        model = Target
        fields = [
            "id",
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


class TargetFilter(django_filters.FilterSet):
    axis = django_filters.NumberFilter(field_name="objective__axis__number", min_value=1, max_value=99)
    dimension = django_filters.CharFilter(field_name="objective__problem__dimension__slug")
    kind = django_filters.ChoiceFilter(choices=TargetKind.choices)
    status = django_filters.ChoiceFilter(
        choices=[(s.value, wording.STATUS_LABELS[s]) for s in progress.Status],
        method="by_status",
        help_text="Estado calculado a la fecha as_of.",
    )

    class Meta:
        model = Target
        fields = ["axis", "dimension", "kind", "status"]

    def by_status(self, queryset, name, value):
        return queryset  # applied after evaluation, in TargetViewSet.list


class PlanViewSet(ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """El plan de gobierno (uno por municipalidad y periodo)."""

    queryset = Plan.objects.order_by("period_start")
    serializer_class = PlanSerializer
    lookup_field = "slug"
    csv_filename = "planes.csv"


class RollupViewSetMixin:
    """Axes and dimensions carry the roll-up of their targets at `as_of`."""

    rollup_key = None

    def get_serializer_context(self):
        context = super().get_serializer_context()
        as_of = parse_as_of(self.request)
        rows = public.target_statuses(public.current_plan(), as_of=as_of)
        context["rollups"] = public.rollup_by(rows, key=self.rollup_key)
        return context


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF], responses={200: AxisSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(parameters=[AS_OF]),
)
class AxisViewSet(ConditionalMixin, CSVListMixin, RollupViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Los ejes estratégicos, con el resumen de estados de sus metas. Se buscan por número."""

    queryset = StrategicAxis.objects.select_related("plan").order_by("plan", "number")
    serializer_class = AxisSerializer
    lookup_field = "number"
    lookup_value_regex = "[0-9]{1,3}"
    rollup_key = staticmethod(lambda target: target.objective.axis_id)
    csv_filename = "ejes.csv"


@extend_schema_view(list=extend_schema(parameters=[AS_OF]), retrieve=extend_schema(parameters=[AS_OF]))
class DimensionViewSet(ConditionalMixin, CSVListMixin, RollupViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Las cuatro dimensiones de la sección VII, con el resumen de estados de sus metas."""

    queryset = Dimension.objects.select_related("plan").order_by("plan", "number")
    serializer_class = DimensionSerializer
    lookup_field = "slug"
    rollup_key = staticmethod(lambda target: target.objective.problem.dimension_id)
    csv_filename = "dimensiones.csv"


class ProblemViewSet(ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Problemas identificados (sección VII)."""

    queryset = Problem.objects.select_related("dimension").order_by("dimension__number", "order")
    serializer_class = ProblemSerializer
    filterset_fields = {"dimension__slug": ["exact"]}
    csv_filename = "problemas.csv"


class ObjectiveViewSet(ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Objetivos estratégicos, con su problema y su eje (el eje es una decisión editorial)."""

    queryset = Objective.objects.select_related("problem", "axis").order_by("code")
    serializer_class = ObjectiveSerializer
    filterset_fields = {"axis__number": ["exact"], "problem__dimension__slug": ["exact"]}
    csv_filename = "objetivos.csv"


class ProjectViewSet(ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Proyectos que nombran los objetivos, con su CUI cuando lo tienen."""

    queryset = Project.objects.select_related("objective").order_by("code")
    serializer_class = ProjectSerializer
    lookup_field = "code"
    csv_filename = "proyectos.csv"


class MilestoneViewSet(ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Hitos ponderados de los proyectos."""

    queryset = Milestone.objects.select_related("project").order_by("project__code", "order")
    serializer_class = MilestoneSerializer
    filterset_fields = {"project__code": ["exact"], "is_demo": ["exact"]}
    ordering_fields = ["order", "planned_date", "done_date"]
    csv_filename = "hitos.csv"


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF], responses={200: TargetSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(parameters=[AS_OF], responses={200: TargetSerializer, **READ_ERRORS}),
)
class TargetViewSet(ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Metas al 2022 con su avance, avance esperado, ritmo, proyección, estado y la explicación del
    estado, calculados como en el sitio público. Se buscan por código (p. ej. S1.1-M)."""

    queryset = Target.objects.for_public().order_by("objective__problem__dimension__number", "objective__code")
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["code", "deadline"]
    csv_filename = "metas.csv"

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
