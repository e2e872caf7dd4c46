"""API of the alignment: the plan's levels, their objectives, and the annex rows, each with its
objectives by level, its axis, and the roll-up of the targets beneath it at `as_of`."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from core.api_support import ConditionalMixin, CSVListMixin
from core.api_support import _cell as csv_cell
from goals.api import AS_OF, PlanScopedMixin, RollupSerializer, RollupViewSetMixin, rollup_data
from goals.progress import rollup

from .models import AlignmentLevel, AlignmentLink, AlignmentObjective, AlignmentRow


class AlignmentLevelSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.slug", read_only=True)

    class Meta:
        model = AlignmentLevel
        fields = ["id", "plan", "code", "name", "source_plan", "order"]


class AlignmentObjectiveSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.slug", read_only=True)
    level = serializers.CharField(source="level.code", read_only=True, help_text=_("Identificador del nivel."))
    level_name = serializers.CharField(source="level.name", read_only=True)
    source_plan = serializers.CharField(source="level.source_plan", read_only=True)

    class Meta:
        model = AlignmentObjective
        fields = ["id", "plan", "level", "level_name", "number", "text", "source_plan"]


class LinkedObjectiveSerializer(serializers.Serializer):
    level = serializers.CharField(source="objective.level.code")
    number = serializers.IntegerField(source="objective.number")
    text = serializers.CharField(source="objective.text")


class AlignmentRowSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.slug", read_only=True)
    objectives = LinkedObjectiveSerializer(
        source="links",
        many=True,
        read_only=True,
        help_text=_("Los objetivos de la fila, por nivel y en el orden del anexo."),
    )
    axis = serializers.IntegerField(source="axis.number", read_only=True)
    axis_objective = serializers.CharField(source="axis.annex_objective", read_only=True)
    rollup = serializers.SerializerMethodField(help_text=_("Metas del eje por estado, a la fecha as_of."))

    class Meta:
        model = AlignmentRow
        fields = ["id", "plan", "number", "objectives", "axis", "axis_objective", "rollup"]

    @extend_schema_field(RollupSerializer)
    def get_rollup(self, obj):
        return rollup_data(self.context["rollups"].get(obj.axis_id, rollup([])))


@extend_schema_view(list=extend_schema(parameters=[AS_OF]), retrieve=extend_schema(parameters=[AS_OF]))
class AlignmentRowViewSet(
    PlanScopedMixin, ConditionalMixin, CSVListMixin, RollupViewSetMixin, viewsets.ReadOnlyModelViewSet
):
    """La matriz de articulación: cada fila con sus objetivos de cada nivel (en el orden del anexo)
    y el eje del plan al que llegan. En CSV, `objectives` es «nivel número: texto», separados por «|»."""

    serializer_class = AlignmentRowSerializer
    rollup_key = staticmethod(lambda target: target.objective.axis_id)
    csv_filename = "alineamiento.csv"

    def get_queryset(self):
        return (
            AlignmentRow.objects.select_related("plan", "axis")
            .prefetch_related(
                Prefetch(
                    "links",
                    queryset=AlignmentLink.objects.select_related("objective__level").order_by(
                        "objective__level__order", "order", "pk"
                    ),
                )
            )
            .order_by("plan", "number")
        )

    def csv_rows(self, queryset):
        serializer = self.get_serializer()
        header = list(serializer.fields)

        def rows():
            for obj in queryset:
                data = serializer.to_representation(obj)
                data["objectives"] = "|".join(f"{o['level']} {o['number']}: {o['text']}" for o in data["objectives"])
                yield [csv_cell(data[name]) for name in header]

        return header, rows()


class AlignmentObjectiveViewSet(PlanScopedMixin, ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Los objetivos de los planes con los que se articula el plan, por nivel."""

    serializer_class = AlignmentObjectiveSerializer
    filterset_fields = {"level__code": ["exact"]}
    csv_filename = "objetivos-articulacion.csv"

    def get_queryset(self):
        return AlignmentObjective.objects.select_related("plan", "level").order_by("plan", "level__order", "number")


class AlignmentLevelViewSet(PlanScopedMixin, ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Los niveles de articulación del plan (nacional, regional, provincial u otros), en su orden."""

    serializer_class = AlignmentLevelSerializer
    csv_filename = "niveles-articulacion.csv"

    def get_queryset(self):
        return AlignmentLevel.objects.select_related("plan").order_by("plan", "order", "pk")
