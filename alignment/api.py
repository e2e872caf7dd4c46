"""API of the annex matrix: one row per annex row, with its objectives, its axis, and the
roll-up of the targets beneath it at `as_of`."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from goals.api import AS_OF, RollupSerializer, RollupViewSetMixin, rollup_data
from goals.progress import rollup
from indicators.api_support import ConditionalMixin, CSVListMixin

from .models import AlignmentObjective, AlignmentRow


class AlignmentObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlignmentObjective
        fields = ["id", "level", "number", "text", "source_plan"]


class AlignmentRowSerializer(serializers.ModelSerializer):
    national = serializers.CharField(source="national.text", read_only=True)
    regional = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    provincial = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    axis = serializers.IntegerField(source="axis.number", read_only=True)
    axis_objective = serializers.CharField(source="axis.annex_objective", read_only=True)
    rollup = serializers.SerializerMethodField(help_text="Metas del eje por estado, a la fecha as_of.")

    class Meta:
        model = AlignmentRow
        fields = ["id", "number", "national", "regional", "provincial", "axis", "axis_objective", "rollup"]

    @extend_schema_field(RollupSerializer)
    def get_rollup(self, obj):
        return rollup_data(self.context["rollups"].get(obj.axis_id, rollup([])))


@extend_schema_view(list=extend_schema(parameters=[AS_OF]), retrieve=extend_schema(parameters=[AS_OF]))
class AlignmentRowViewSet(ConditionalMixin, CSVListMixin, RollupViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """La matriz del anexo VIII: objetivo nacional, regionales y provinciales, y el eje del plan."""

    queryset = (
        AlignmentRow.objects.select_related("national", "axis")
        .prefetch_related("regional", "provincial")
        .order_by("plan", "number")
    )
    serializer_class = AlignmentRowSerializer
    rollup_key = staticmethod(lambda target: target.objective.axis_id)
    csv_filename = "alineamiento.csv"


class AlignmentObjectiveViewSet(ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Objetivos nacionales, regionales y provinciales con los que se articula el plan."""

    queryset = AlignmentObjective.objects.order_by("level", "number")
    serializer_class = AlignmentObjectiveSerializer
    filterset_fields = ["level"]
    csv_filename = "objetivos-articulacion.csv"
