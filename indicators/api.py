"""API of offices, units, indicators and readings: read for everyone, write through the workflow."""

from datetime import datetime

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, F, When
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core import cells
from core.api_support import ConditionalMixin, CSVListMixin
from core.scoping import EntityScopedAPIMixin, FilterSet, UbigeoFilter

from . import access, pg_csv, validation
from .forms import checked
from .models import PUBLIC_STATES, Indicator, Office, PeriodInReview, Provenance, Reading, ReviewStatus

ERRORS = {
    400: OpenApiResponse(
        description=_("Datos no válidos: un mensaje por campo, en el idioma pedido (Accept-Language).")
    ),
    403: OpenApiResponse(description=_("El usuario no puede hacer esto (rol, oficina o cuatro ojos).")),
    404: OpenApiResponse(description=_("No existe.")),
    409: OpenApiResponse(
        description=_("El estado de la lectura no permite este paso, u otra persona la cambió antes.")
    ),
    429: OpenApiResponse(description=_("Demasiadas solicitudes: vea la cabecera Retry-After.")),
}
READ_ERRORS = {k: ERRORS[k] for k in (400, 404, 429)}


ENTITY_HELP = _("Ubigeo de la entidad (municipalidad o gobierno regional) dueña del registro.")
UNIT_DECIMALS_HELP = _(
    "Con los decimales de su unidad (16.8, no 16.8000), sin quitar nunca una cifra distinta de cero."
)


class UnitDecimalField(serializers.DecimalField):
    """A stored decimal written with the decimals of its unit (`cells.decimal_text`): `decimals` is
    a function of the serialized object (a reading, an indicator, a target) giving them."""

    def __init__(self, decimals, **kwargs):
        self.decimals = decimals
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("read_only", True)
        help_text = kwargs.get("help_text")
        kwargs["help_text"] = format_lazy("{} {}", help_text, UNIT_DECIMALS_HELP) if help_text else UNIT_DECIMALS_HELP
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        return None if value is None else (value, self.decimals(instance))

    def to_representation(self, value):
        amount, decimals = value
        return cells.decimal_text(amount, decimals)


class RoundedFloatField(serializers.FloatField):
    """A computed float (progress, projection) rounded at the output only (`cells.rounded`):
    `decimals` is a number, or a function of the serialized object."""

    def __init__(self, decimals, **kwargs):
        self.decimals = decimals
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        decimals = self.decimals(instance) if callable(self.decimals) else self.decimals
        return None if value is None else (value, decimals)

    def to_representation(self, value):
        amount, decimals = value
        return cells.rounded(amount, decimals)


class OfficeSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(source="entity.ubigeo", read_only=True, help_text=ENTITY_HELP)

    class Meta:
        model = Office
        fields = ["id", "entity", "code", "name", "description"]


class IndicatorSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(source="entity.ubigeo", read_only=True, help_text=ENTITY_HELP)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("Código de la unidad."))
    unit_symbol = serializers.CharField(source="unit.symbol", read_only=True)
    unit_symbol_en = serializers.CharField(
        source="unit.symbol_en", read_only=True, help_text=_("Símbolo de la unidad en inglés (vacío: el castellano).")
    )
    office = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("Código de la oficina."))
    baseline_value = UnitDecimalField(
        lambda indicator: indicator.unit.decimals, allow_null=True, help_text=_("Línea de base, en la unidad.")
    )
    reference_value = UnitDecimalField(
        lambda indicator: indicator.unit.decimals, allow_null=True, help_text=_("Valor de referencia, en la unidad.")
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "entity",
            "code",
            "name",
            "description",
            "unit",
            "unit_symbol",
            "unit_symbol_en",
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
    entity = serializers.CharField(source="indicator.entity.ubigeo", read_only=True, help_text=ENTITY_HELP)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("Código del indicador."))
    office = serializers.CharField(source="indicator.office.code", read_only=True, help_text=_("Oficina responsable."))
    entered_by = serializers.SerializerMethodField(help_text=_("Usuario que la registró (solo personal y auditores)."))
    reviewed_by = serializers.SerializerMethodField(help_text=_("Usuario que la revisó (solo personal y auditores)."))
    value = UnitDecimalField(
        lambda reading: reading.indicator.unit.decimals, help_text=_("Valor, en la unidad del indicador.")
    )
    provenance = serializers.ChoiceField(
        choices=Provenance.choices,
        read_only=True,
        help_text=_(
            "Quién respalda la cifra: cited (citada del plan: sin registro, revisión ni fecha de "
            "aprobación), registered (registrada y aprobada por la municipalidad) o demo."
        ),
    )

    class Meta:
        model = Reading
        fields = [
            "id",
            "uid",
            "entity",
            "indicator",
            "office",
            "period",
            "value",
            "source",
            "note",
            "provenance",
            "status",
            "is_undated",
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
        return obj.entered_by.username if obj.entered_by_id and self._people(obj) else None

    def get_reviewed_by(self, obj) -> str | None:
        return obj.reviewed_by.username if obj.reviewed_by_id and self._people(obj) else None

    def _people(self, obj):
        """Staff read the names of their own entity's staff; national auditors, everyone's."""
        request = self.context.get("request")
        return access.may_see_people(request.user if request else None, obj.indicator.entity_id)


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

    default_error_messages = {"invalid": _('Escriba el valor como número o como texto (16.8 o "16,8").')}

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


class IndicatorCodeField(serializers.CharField):
    # The text's length is checked before the lookup: the validators would see an Indicator.
    """An indicator named by its code, found among the indicators the caller's scope reaches (their
    entity's: `core.scoping`), or in the entity `entity` names where the scope reaches several."""

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        if len(code) > Indicator._meta.get_field("code").max_length:
            raise serializers.ValidationError(
                gettext("No existe un indicador con el código %(code)s… en su entidad.") % {"code": code[:40]}
            )
        indicators = Indicator.objects.select_related("unit", "office", "entity").filter(code=code)
        ubigeo = (self.parent.initial_data or {}).get("entity") if hasattr(self.parent, "initial_data") else None
        if ubigeo:
            indicators = indicators.filter(entity__ubigeo=str(ubigeo))
        found = list(indicators[:2])
        if not found:
            raise serializers.ValidationError(
                gettext("No existe un indicador con el código %(code)s en su entidad.") % {"code": code[:40]}
            )
        if len(found) > 1:
            raise serializers.ValidationError(
                gettext("Hay un indicador %(code)s en varias entidades: indique cuál con «entity» (su ubigeo).")
                % {"code": code[:40]}
            )
        return found[0]


class ReadingWriteSerializer(serializers.Serializer):
    """Parses types and the shared text limits (`indicators.validation`); every other rule is
    checked by the model's workflow, as in the admin. The value is read with the unit of the
    indicator given, or, on an edit, of the reading's (`context["indicator"]`)."""

    indicator = IndicatorCodeField(help_text=_("Código del indicador, por ejemplo AGUA-HORAS."))
    entity = serializers.CharField(
        required=False,
        max_length=6,
        write_only=True,
        help_text=_("Ubigeo de la entidad del indicador: solo hace falta a quien trabaja con varias entidades."),
    )
    period = serializers.DateField(help_text=_("Fecha dentro del periodo medido; se guarda su primer día."))
    value = ValueField()
    source = serializers.CharField(allow_blank=True, validators=[checked(validation.source_errors)])
    note = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[checked(validation.note_errors)]
    )

    def validate(self, attrs):
        attrs.pop("entity", None)
        return parse_value_for(attrs, attrs.get("indicator") or self.context.get("indicator"))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Motivo (rechazo o retiro); queda en el historial."))


class ApprovalSerializer(serializers.Serializer):
    confirm_outlier = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "true para aprobar un valor marcado como atípico (is_outlier) tras compararlo con el anterior "
            "aprobado; sin él, esa aprobación responde 400 con un mensaje que nombra el valor anterior."
        ),
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


# simple-history's kinds of change as stable codes, and in words.
HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
HISTORY_TYPE_LABELS = {"created": _("creado"), "changed": _("cambiado"), "deleted": _("borrado")}
PEOPLE_FIELDS = ("entered_by", "reviewed_by")


class HistorySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    history_type = serializers.ChoiceField(
        choices=list(HISTORY_TYPES.values()),
        help_text=_("Tipo de cambio: created (creado), changed (cambiado) o deleted (borrado)."),
    )
    history_type_label = serializers.CharField(
        help_text=_("El tipo de cambio en palabras, en el idioma de la respuesta.")
    )
    history_change_reason = serializers.CharField(allow_null=True)
    history_user = serializers.CharField(
        allow_null=True,
        help_text=_(
            "Nombre de usuario de quien hizo el cambio: solo para el personal de la entidad y los auditores; "
            "nulo para los demás."
        ),
    )
    status = serializers.CharField()
    period = serializers.DateField()
    value = serializers.CharField(help_text=format_lazy("{} {}", _("Valor en esta versión."), UNIT_DECIMALS_HELP))
    source = serializers.CharField()
    note = serializers.CharField()
    changes = serializers.DictField(
        help_text=_(
            "Campo: [antes, después] respecto de la versión anterior, como texto. Quién registró y quién "
            "revisó (entered_by, reviewed_by) van como nombres de usuario, como history_user, y nulos para quien "
            "no puede ver nombres; los valores, con los decimales de la unidad; sí/no como true/false."
        )
    )


class ReadingFilter(FilterSet):
    """Filters on readings themselves; those by plan, target, axis or dimension are added by the
    plan's app (`goals.api.PlanReadingFilter`), since this app knows nothing of plans."""

    entity = UbigeoFilter(field_name="indicator__entity__ubigeo", help_text=ENTITY_HELP)
    indicator = django_filters.CharFilter(field_name="indicator__code", help_text=_("Código del indicador."))
    office = django_filters.CharFilter(field_name="indicator__office__code", help_text=_("Código de la oficina."))
    period_from = django_filters.DateFilter(field_name="period", lookup_expr="gte", help_text=_("Desde (AAAA-MM-DD)."))
    period_to = django_filters.DateFilter(field_name="period", lookup_expr="lte", help_text=_("Hasta (AAAA-MM-DD)."))
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices, help_text=_("Estado de revisión (personal)."))
    is_demo = django_filters.BooleanFilter(help_text=_("Solo datos de demostración (true) o solo reales (false)."))
    provenance = django_filters.ChoiceFilter(
        choices=Provenance.choices, method="by_provenance", help_text=_("cited, registered o demo.")
    )

    class Meta:
        model = Reading
        fields = [
            "entity",
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


class CodeLookupMixin:
    """Detail pages found by a code that is unique within an entity: `?entity=<ubigeo>` (or the
    filters a subclass adds, such as `?plan=`) says which entity's when several have it."""

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        found = list(queryset.filter(**{self.lookup_field: self.kwargs[self.lookup_field]})[:2])
        if not found:
            raise exceptions.NotFound(gettext("No existe."))
        if len(found) > 1:
            raise exceptions.ValidationError(
                {"entity": [gettext("Varias entidades usan ese código: indique cuál con ?entity=<ubigeo>.")]}
            )
        self.check_object_permissions(self.request, found[0])
        return found[0]


class OfficeFilter(FilterSet):
    entity = UbigeoFilter(field_name="entity__ubigeo", help_text=ENTITY_HELP)

    class Meta:
        model = Office
        fields = ["entity", "code"]


class OfficeViewSet(CodeLookupMixin, ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Oficinas de las entidades, responsables de los indicadores. `?entity=<ubigeo>`: las de una entidad."""

    serializer_class = OfficeSerializer
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    filterset_class = OfficeFilter
    csv_filename = "oficinas.csv"

    def get_queryset(self):
        return Office.objects.select_related("entity").order_by("entity__ubigeo", "code")


class IndicatorFilter(FilterSet):
    entity = UbigeoFilter(field_name="entity__ubigeo", help_text=ENTITY_HELP)

    class Meta:
        model = Indicator
        fields = {"office__code": ["exact"], "frequency": ["exact"], "direction": ["exact"]}


class IndicatorViewSet(CodeLookupMixin, ConditionalMixin, CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """Indicadores: los que miden metas y los de contexto del diagnóstico. Se buscan por código
    (único en su entidad: `?entity=<ubigeo>` cuando varias entidades lo usan)."""

    serializer_class = IndicatorSerializer
    lookup_field = "code"
    filterset_class = IndicatorFilter
    ordering_fields = ["code", "name", "order"]
    csv_filename = "indicadores.csv"

    def get_queryset(self):
        return Indicator.objects.select_related("unit", "office", "entity").order_by("entity__ubigeo", "order", "code")


# Where each serializer field lives in the database, for the CSV export's values_list.
CSV_PATHS = {
    "entity": "indicator__entity__ubigeo",
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
    EntityScopedAPIMixin,
    ConditionalMixin,
    CSVListMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Lecturas de los indicadores. El público ve solo las públicas (aprobadas o citadas del plan, estado
    `cited`); el personal, lo que su rol
    permite; los auditores, todo. Registrar (POST), editar (PATCH) y los pasos de revisión pasan por
    el mismo flujo que la administración."""

    serializer_class = ReadingSerializer
    filterset_class = ReadingFilter
    ordering_fields = ["period", "value", "approved_at", "created_at", "id"]
    ordering = ["indicator__code", "period", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [IsAuthenticatedOrReadOnly, access.ReadingPermission]
    csv_filename = "lecturas.csv"

    def get_queryset(self):
        return Reading.objects.visible_to(self.request.user).select_related(
            "indicator__office", "indicator__entity", "indicator__unit", "entered_by", "reviewed_by"
        )

    def filter_queryset(self, queryset):
        """The client's `?ordering=`, with the id to break ties: pages and CSV rows come in one order,
        whichever path (Python or PostgreSQL's COPY) writes them."""
        queryset = super().filter_queryset(queryset)
        order = [str(key) for key in queryset.query.order_by]
        if order and not {"id", "-id", "pk", "-pk"} & set(order):
            queryset = queryset.order_by(*queryset.query.order_by, "id")
        return queryset

    def list(self, request, *args, **kwargs):
        # On PostgreSQL the CSV is written by the database (`pg_csv`), byte for byte the same as
        # `csv_rows` below, which SQLite keeps.
        if getattr(request.accepted_renderer, "format", None) == "csv" and pg_csv.available():
            header, columns, hidden = self.csv_columns()
            columns[header.index("value")] = pg_csv.UnitValue()
            queryset = self.filter_queryset(self.get_queryset())
            return pg_csv.readings_response(queryset, header, columns, hidden, self.csv_filename)
        return super().list(request, *args, **kwargs)

    def csv_columns(self):
        """The CSV's header, the value each column reads, and the columns hidden from this user:
        the names of who entered and reviewed, but for the readings of their own entity (or every
        entity's, for those above the entities)."""
        header = list(ReadingSerializer.Meta.fields)
        columns = [CSV_PATHS.get(name, name) for name in header]
        allowed = access.people_entity(self.request.user)
        hidden = set()
        for name in ("entered_by", "reviewed_by"):
            index = header.index(name)
            if allowed is False:
                hidden.add(index)
            elif allowed is not None:
                columns[index] = Case(
                    When(indicator__entity_id=allowed, then=F(columns[index])), default=None, output_field=CharField()
                )
        return header, columns, hidden

    def csv_rows(self, queryset):
        # A million rows: values_list, not a serializer per row.
        header, columns, hidden = self.csv_columns()
        return header, reading_csv_rows(queryset, header, columns, hidden)

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
        people = access.may_see_people(user, reading.indicator.entity_id)
        records = reading.history.select_related("history_user").order_by("history_date", "history_id")
        everything = access.sees_drafts(user, reading.indicator)
        if not everything:
            # Compared only with each other, so no draft value shows even as the "before" of a change.
            records = records.filter(status__in=PUBLIC_STATES)
        # What a public version's changes may name: the public fields, never who entered or reviewed it.
        public_fields = set(ReadingSerializer.Meta.fields) - {"entered_by", "reviewed_by"}
        decimals = reading.indicator.unit.decimals
        records, deltas, previous = list(records), [], None
        for record in records:
            changes = []
            if previous is not None:
                changes = [c for c in record.diff_against(previous).changes if everything or c.field in public_fields]
            deltas.append(changes)
            previous = record
        # Who entered and reviewed, as usernames (as history_user), for those who may read names.
        ids = {v for changes in deltas for c in changes if c.field in PEOPLE_FIELDS for v in (c.old, c.new) if v}
        names = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")) if people else {}

        def shown(field, value):
            if field in PEOPLE_FIELDS:
                return names.get(value) if people else None
            if field == "value":
                return cells.decimal_text(value, decimals)
            return _text(value)

        rows = []
        for record, changes in zip(records, deltas, strict=True):
            kind = HISTORY_TYPES.get(record.history_type, record.history_type)
            rows.append(
                {
                    "history_id": record.history_id,
                    "history_date": record.history_date,
                    "history_type": kind,
                    "history_type_label": str(HISTORY_TYPE_LABELS.get(kind, kind)),
                    "history_change_reason": record.history_change_reason,
                    "history_user": record.history_user.username if (people and record.history_user) else None,
                    "status": record.status,
                    "period": record.period,
                    "value": cells.decimal_text(record.value, decimals),
                    "source": record.source,
                    "note": record.note,
                    "changes": {c.field: [shown(c.field, c.old), shown(c.field, c.new)] for c in changes},
                }
            )
        rows.reverse()
        data = HistorySerializer(rows, many=True).data
        if getattr(request.accepted_renderer, "format", None) == "csv":
            # One cell: `value=12.0→13.0|status=submitted→approved` (empty for null).
            for row in data:
                row["changes"] = "|".join(
                    f"{field}={'' if old is None else old}→{'' if new is None else new}"
                    for field, (old, new) in row["changes"].items()
                )
        return Response(data)

    def _step(self, step):
        reading = self.get_object()
        step(reading)
        return Response(ReadingSerializer(reading, context=self.get_serializer_context()).data)

    @staticmethod
    def _parse(serializer_class, data, partial=False, indicator=None):
        serializer = serializer_class(data=data, partial=partial, context={"indicator": indicator})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


DECIMALS_PATH = "indicator__unit__decimals"


def reading_csv_rows(readings, header: list[str], columns: list, hidden: set[int]):
    """The CSV cells of readings read as values (no serializer per row), as the serializer writes
    them: the value with its unit's decimals, the hidden columns empty. PostgreSQL writes the same
    bytes itself (`pg_csv`, with `pg_csv.UnitValue`)."""
    value = header.index("value")
    for *row, decimals in readings.values_list(*columns, DECIMALS_PATH).iterator(chunk_size=5000):
        cells_of_row = [None if i in hidden else _text(v) for i, v in enumerate(row)]
        cells_of_row[value] = cells.decimal_text(row[value], decimals)
        yield cells_of_row


def _text(value):
    """A value as the JSON renders it, so that CSV and JSON agree cell for cell; yes/no as
    `true`/`false` (`cells`)."""
    if isinstance(value, bool):
        return cells.boolean(value)
    if isinstance(value, datetime):
        text = timezone.localtime(value).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return None if value is None else str(value)
