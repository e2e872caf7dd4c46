"""API of offices, units, indicators and readings: read for everyone, write through the workflow."""

from datetime import datetime

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse

from . import pg_csv, roles, validation
from .api_support import ConditionalMixin, CSVListMixin, can_see_people
from .forms import checked
from .models import Indicator, Office, PeriodInReview, Provenance, Reading, ReviewStatus, Unit

ERRORS = {
    400: OpenApiResponse(description="Datos no válidos: un mensaje en español por campo."),
    403: OpenApiResponse(description="El usuario no puede hacer esto (rol, oficina o cuatro ojos)."),
    404: OpenApiResponse(description="No existe."),
    409: OpenApiResponse(description="El estado de la lectura no permite este paso, u otra persona la cambió antes."),
    429: OpenApiResponse(description="Demasiadas solicitudes: vea la cabecera Retry-After."),
}
READ_ERRORS = {k: ERRORS[k] for k in (400, 404, 429)}


class OfficeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Office
        fields = ["id", "code", "name", "description"]


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "name", "symbol", "min_value", "max_value", "decimals"]


class IndicatorSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Código de la unidad.")
    unit_symbol = serializers.CharField(source="unit.symbol", read_only=True)
    office = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Código de la oficina.")

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "description",
            "unit",
            "unit_symbol",
            "direction",
            "frequency",
            "office",
            "source",
            "method",
            "baseline_value",
            "baseline_date",
            "baseline_source",
            "reference_value",
            "reference_note",
        ]


class ReadingSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Código del indicador.")
    office = serializers.CharField(source="indicator.office.code", read_only=True, help_text="Oficina responsable.")
    entered_by = serializers.SerializerMethodField(help_text="Usuario que la registró (solo personal y auditores).")
    reviewed_by = serializers.SerializerMethodField(help_text="Usuario que la revisó (solo personal y auditores).")
    provenance = serializers.ChoiceField(
        choices=Provenance.choices,
        read_only=True,
        help_text="Quién respalda la cifra: cited (citada del plan: sin registro, revisión ni fecha de "
        "aprobación), registered (registrada y aprobada por la municipalidad) o demo.",
    )

    class Meta:
        model = Reading
        fields = [
            "id",
            "uid",
            "indicator",
            "office",
            "period",
            "value",
            "source",
            "note",
            "provenance",
            "status",
            "is_demo",
            "is_outlier",
            "submitted_at",
            "reviewed_at",
            "approved_at",
            "corrects",
            "correction_reason",
            "superseded_at",
            "withdrawn_at",
            "entered_by",
            "reviewed_by",
            "created_at",
            "updated_at",
        ]

    def get_entered_by(self, obj) -> str | None:
        return obj.entered_by.username if obj.entered_by_id and self._people() else None

    def get_reviewed_by(self, obj) -> str | None:
        return obj.reviewed_by.username if obj.reviewed_by_id and self._people() else None

    def _people(self):
        request = self.context.get("request")
        return can_see_people(request.user if request else None)


@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "string"}],
        "description": 'Un número JSON, o su texto como lo escriben las personas: 16.8, "16,8", "1,095.5". '
        '"1.150" y "1,150" son 1150 en unidades enteras y se rechazan por ambiguos en unidades con decimales.',
        "example": "16,8",
    }
)
class ValueField(serializers.Field):
    """A value as a JSON number or as text; read by the one parser (`validation.parse_value`) with
    the indicator's unit, in the serializer's `validate`, once the indicator is known."""

    default_error_messages = {"invalid": 'Escriba el valor como número o como texto (16.8 o "16,8").'}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return str(value)


def parse_value_for(attrs, indicator):
    """`attrs["value"]` read for `indicator`'s unit (None: unknown, ambiguous text refused)."""
    if "value" not in attrs:
        return attrs
    try:
        attrs["value"] = validation.parse_value(attrs["value"], indicator.unit.decimals if indicator else None)
    except ValueError as error:
        raise serializers.ValidationError({"value": [str(error)]}) from error
    return attrs


class ReadingWriteSerializer(serializers.Serializer):
    """Parses types and the shared text limits (`indicators.validation`); every other rule is
    checked by the model's workflow, as in the admin. The value is read with the unit of the
    indicator given, or, on an edit, of the reading's (`context["indicator"]`)."""

    indicator = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Indicator.objects.select_related("unit", "office"),
        help_text="Código del indicador, por ejemplo AGUA-HORAS.",
        error_messages={"does_not_exist": "No existe un indicador con el código {value}."},
    )
    period = serializers.DateField(help_text="Fecha dentro del periodo medido; se guarda su primer día.")
    value = ValueField()
    source = serializers.CharField(allow_blank=True, validators=[checked(validation.source_errors)])
    note = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[checked(validation.note_errors)]
    )

    def validate(self, attrs):
        return parse_value_for(attrs, attrs.get("indicator") or self.context.get("indicator"))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Motivo (rechazo o retiro); queda en el historial.")


class ApprovalSerializer(serializers.Serializer):
    confirm_outlier = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true para aprobar un valor marcado como atípico (is_outlier) tras compararlo con el anterior "
        "aprobado; sin él, esa aprobación responde 400 con un mensaje que nombra el valor anterior.",
    )


class CorrectionSerializer(serializers.Serializer):
    value = ValueField()
    source = serializers.CharField(validators=[checked(validation.source_errors)])
    note = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[checked(validation.note_errors)]
    )
    reason = serializers.CharField()

    def validate(self, attrs):
        return parse_value_for(attrs, self.context.get("indicator"))


class HistorySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    history_type = serializers.CharField(help_text="+ creada, ~ modificada, - eliminada.")
    history_change_reason = serializers.CharField(allow_null=True)
    history_user = serializers.CharField(allow_null=True, help_text="Solo para personal y auditores.")
    status = serializers.CharField()
    period = serializers.DateField()
    value = serializers.DecimalField(max_digits=16, decimal_places=4)
    source = serializers.CharField()
    note = serializers.CharField()
    changes = serializers.DictField(help_text="Campo: [antes, después] respecto de la versión anterior.")


class ReadingFilter(django_filters.FilterSet):
    """Filters on readings themselves; those by plan, target, axis or dimension are added by the
    plan's app (`goals.api.PlanReadingFilter`), since this app knows nothing of plans."""

    indicator = django_filters.CharFilter(field_name="indicator__code", help_text="Código del indicador.")
    office = django_filters.CharFilter(field_name="indicator__office__code", help_text="Código de la oficina.")
    period_from = django_filters.DateFilter(field_name="period", lookup_expr="gte", help_text="Desde (AAAA-MM-DD).")
    period_to = django_filters.DateFilter(field_name="period", lookup_expr="lte", help_text="Hasta (AAAA-MM-DD).")
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices, help_text="Estado de revisión (personal).")
    is_demo = django_filters.BooleanFilter(help_text="Solo datos de demostración (true) o solo reales (false).")
    provenance = django_filters.ChoiceFilter(
        choices=Provenance.choices, method="by_provenance", help_text="cited, registered o demo."
    )

    class Meta:
        model = Reading
        fields = [
            "indicator",
            "office",
            "period_from",
            "period_to",
            "status",
            "is_demo",
            "provenance",
        ]

    def by_provenance(self, queryset, name, value):
        return queryset.alias(provenance_code=Reading.provenance_expression()).filter(provenance_code=value)


class OfficeViewSet(ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Oficinas de la municipalidad responsables de los indicadores."""

    queryset = Office.objects.order_by("code")
    serializer_class = OfficeSerializer
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    filterset_fields = ["code"]
    csv_filename = "oficinas.csv"


class IndicatorViewSet(ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Indicadores: los que miden metas y los de contexto del diagnóstico. Se buscan por código."""

    queryset = Indicator.objects.select_related("unit", "office").order_by("order", "code")
    serializer_class = IndicatorSerializer
    lookup_field = "code"
    filterset_fields = {"office__code": ["exact"], "frequency": ["exact"], "direction": ["exact"]}
    ordering_fields = ["code", "name", "order"]
    csv_filename = "indicadores.csv"


# Where each serializer field lives in the database, for the CSV export's values_list.
CSV_PATHS = {
    "indicator": "indicator__code",
    "office": "indicator__office__code",
    "corrects": "corrects_id",
    "provenance": Reading.provenance_expression(),
    "entered_by": "entered_by__username",
    "reviewed_by": "reviewed_by__username",
}


@extend_schema_view(
    list=extend_schema(responses={200: ReadingSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(responses={200: ReadingSerializer, **READ_ERRORS}),
    create=extend_schema(request=ReadingWriteSerializer, responses={201: ReadingSerializer, **ERRORS}),
    partial_update=extend_schema(request=ReadingWriteSerializer, responses={200: ReadingSerializer, **ERRORS}),
)
class ReadingViewSet(
    ConditionalMixin, CSVListMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Lecturas de los indicadores. El público ve solo las aprobadas; el personal, lo que su rol
    permite; los auditores, todo. Registrar (POST), editar (PATCH) y los pasos de revisión pasan por
    el mismo flujo que la administración."""

    serializer_class = ReadingSerializer
    filterset_class = ReadingFilter
    ordering_fields = ["period", "value", "approved_at", "created_at", "id"]
    ordering = ["indicator__code", "period", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    csv_filename = "lecturas.csv"

    def get_queryset(self):
        return Reading.objects.visible_to(self.request.user).select_related(
            "indicator__office", "entered_by", "reviewed_by"
        )

    def list(self, request, *args, **kwargs):
        # On PostgreSQL the CSV is written by the database (`pg_csv`), byte for byte the same as
        # `csv_rows` below, which SQLite keeps.
        if getattr(request.accepted_renderer, "format", None) == "csv" and pg_csv.available():
            header, columns, hidden = self.csv_columns()
            queryset = self.filter_queryset(self.get_queryset())
            return pg_csv.readings_response(queryset, header, columns, hidden, self.csv_filename)
        return super().list(request, *args, **kwargs)

    def csv_columns(self):
        """The CSV's header, the value each column reads, and the columns hidden from this user."""
        header = list(ReadingSerializer.Meta.fields)
        columns = [CSV_PATHS.get(name, name) for name in header]
        hidden = (
            set() if can_see_people(self.request.user) else {header.index("entered_by"), header.index("reviewed_by")}
        )
        return header, columns, hidden

    def csv_rows(self, queryset):
        # A million rows: values_list, not a serializer per row.
        header, columns, hidden = self.csv_columns()
        rows = queryset.values_list(*columns).iterator(chunk_size=5000)
        return header, ([None if i in hidden else _text(v) for i, v in enumerate(row)] for row in rows)

    def create(self, request, *args, **kwargs):
        data = self._parse(ReadingWriteSerializer, request.data)
        reading = Reading.objects.create_draft(user=request.user, **data)
        return Response(ReadingSerializer(reading, context=self.get_serializer_context()).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        reading = self.get_object()
        fields = self._parse(ReadingWriteSerializer, request.data, partial=True, indicator=reading.indicator)
        fields.pop("indicator", None)
        reading.edit(request.user, **fields)
        return Response(ReadingSerializer(reading, context=self.get_serializer_context()).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={
            200: ReadingSerializer,
            **ERRORS,
            409: OpenApiResponse(
                description="El estado de la lectura no permite este paso, otra persona la cambió antes, u otra "
                "lectura del mismo indicador y periodo ya está en revisión: entonces `existing` trae su `id` y "
                "su `url`."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Enviar a revisión (registrador de la oficina). Se rechaza (409) si otra lectura del mismo
        indicador y periodo ya está en revisión; la respuesta enlaza esa lectura."""
        reading = self.get_object()
        try:
            reading.submit(request.user)
        except PeriodInReview as refusal:
            existing = refusal.existing
            url = reverse("reading-detail", args=[existing.pk], request=request)
            return Response({"detail": refusal.messages, "existing": {"id": existing.pk, "url": url}}, status=409)
        return Response(ReadingSerializer(reading, context=self.get_serializer_context()).data)

    @extend_schema(request=ApprovalSerializer, responses={200: ReadingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Aprobar (revisor de la oficina que no la registró ni la modificó). Un valor marcado como
        atípico (`is_outlier`) se aprueba solo con `{"confirm_outlier": true}`; sin él, 400 con un
        mensaje que compara el valor con el anterior aprobado."""
        confirm = self._parse(ApprovalSerializer, request.data)["confirm_outlier"]
        return self._step(lambda r: r.approve(request.user, confirm_outlier=confirm))

    @extend_schema(request=ReasonSerializer, responses={200: ReadingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Rechazar con un motivo (revisor de la oficina)."""
        reason = self._parse(ReasonSerializer, request.data)["reason"]
        return self._step(lambda r: r.reject(request.user, reason))

    @extend_schema(request=ReasonSerializer, responses={200: ReadingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Retirar con un motivo; la lectura queda en el historial."""
        reason = self._parse(ReasonSerializer, request.data)["reason"]
        return self._step(lambda r: r.withdraw(request.user, reason))

    @extend_schema(request=CorrectionSerializer, responses={201: ReadingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Registrar la corrección de una lectura aprobada: un borrador nuevo que pasa por revisión."""
        reading = self.get_object()
        data = self._parse(CorrectionSerializer, request.data, indicator=reading.indicator)
        correction = reading.correct(request.user, **data)
        return Response(ReadingSerializer(correction, context=self.get_serializer_context()).data, status=201)

    @extend_schema(
        responses={200: HistorySerializer(many=True), **READ_ERRORS},
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], required=False)],
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        """Todas las versiones de la lectura: quién, cuándo, qué cambió y por qué. Quien no ve los
        borradores de la lectura (el público, el personal de otras oficinas) ve solo las versiones que
        fueron públicas, comparadas entre sí, y ningún usuario en los cambios."""
        reading = self.get_object()
        user = request.user
        people = can_see_people(user)
        records = reading.history.select_related("history_user").order_by("history_date", "history_id")
        everything = roles.sees_everything(user) or reading.indicator.office_id in roles.office_ids(user)
        if not everything:
            # Compared only with each other, so no draft value shows even as the "before" of a change.
            records = records.filter(status=ReviewStatus.APPROVED)
        # What a public version's changes may name: the public fields, never who entered or reviewed it.
        public_fields = set(ReadingSerializer.Meta.fields) - {"entered_by", "reviewed_by"}
        rows, previous = [], None
        for record in records:
            changes = {}
            if previous is not None:
                delta = record.diff_against(previous)
                changes = {
                    c.field: [_text(c.old), _text(c.new)]
                    for c in delta.changes
                    if everything or c.field in public_fields
                }
            rows.append(
                {
                    "history_id": record.history_id,
                    "history_date": record.history_date,
                    "history_type": record.history_type,
                    "history_change_reason": record.history_change_reason,
                    "history_user": record.history_user.username if (people and record.history_user) else None,
                    "status": record.status,
                    "period": record.period,
                    "value": record.value,
                    "source": record.source,
                    "note": record.note,
                    "changes": changes,
                }
            )
            previous = record
        rows.reverse()
        return Response(HistorySerializer(rows, many=True).data)

    def _step(self, step):
        reading = self.get_object()
        step(reading)
        return Response(ReadingSerializer(reading, context=self.get_serializer_context()).data)

    @staticmethod
    def _parse(serializer_class, data, partial=False, indicator=None):
        serializer = serializer_class(data=data, partial=partial, context={"indicator": indicator})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


def _text(value):
    """A value as the JSON renders it, so that CSV and JSON agree cell for cell."""
    if isinstance(value, datetime):
        text = timezone.localtime(value).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return None if value is None else str(value)
