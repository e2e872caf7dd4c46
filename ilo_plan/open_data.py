"""The open data as Frictionless Data Packages: one per plan and one of every plan (the national
package), each built for a data version by the worker, stored through Django's storage API and
served as files.

What a package holds (one CSV per table, UTF-8 with a BOM, every cell made inert by
`core.spreadsheets`, and `datapackage.json` describing each column in Spanish):

- the API's public lists, with the API's own columns and cells (its querysets and serializers, read
  straight from the database: never through its views, so neither a throttle nor a request can
  break a build);
- `units`: the units the readings are measured in;
- `reading-history`: every public step of every reading that was ever published: approved,
  changed while published, replaced by a correction, withdrawn; with when, the status, the reason
  and the responsible office. Like the API's public history, it names no person and holds no draft,
  submission or rejection (those are for auditors, through the API with a token);
- `superseded-readings`: the values that were published and are no longer: replaced by a
  correction (with the correction's reason) or withdrawn (with the withdrawal's reason).

A plan's package holds its own rows: its plan, axes, dimensions, problems, objectives, targets,
projects, milestones and alignment; its indicators (those of its targets and of its diagnosis),
their readings, history and replaced values, the units they use, and its entity's offices. The
national package holds every plan's (what `?plan=all` answers).

Each package is built for one data version (`core.versions`: a plan's is its plan's and the shared
counter, the national one every public counter), read in the same snapshot as the data it labels,
under a lock per package (PostgreSQL's advisory lock: one build at a time across servers). The
files go to `STORAGES["open_data"]` under `national/v<counter>/` or `plans/<plan id>/v<counter>/`,
every CSV also gzip-compressed, and `ready.json` last: a version is servable once its marker
exists; older versions are removed once a newer one is ready. A request never builds: it is sent
the newest ready version and, when that is not the current one, queues the build
(`ilo_plan.tasks`)."""

from __future__ import annotations

import csv
import fcntl
import gzip
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise, cached_property
from django.utils.http import quote_etag
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from rest_framework import serializers

from core import cells, spreadsheets, versions
from indicators import pg_csv
from indicators.models import Indicator, Reading, ReviewStatus, Unit

from .models import SiteSettings

ADVISORY_LOCK_NAMESPACE = 7_140_001  # pg_advisory_lock(namespace, package): the builds' locks
NATIONAL_LOCK_ID = 0  # plans' ids start at 1
ZIP_NAME = "export.zip"
DESCRIPTOR = "datapackage.json"
READY = "ready.json"
GZIP_SUFFIX = ".gz"

# --- the tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str  # the resource name and the file's stem
    title: object  # lazy text: Spanish in the package, translated on the open-data page
    description: object


API_TABLES = [
    Table(
        "plans",
        _("Planes"),
        _("Cada plan de gobierno cargado: periodo, municipalidad y documento fuente."),
    ),
    Table(
        "axes",
        _("Ejes estratégicos"),
        _("Los ejes estratégicos de cada plan, con el resumen de sus metas."),
    ),
    Table(
        "dimensions",
        _("Dimensiones"),
        _("Las dimensiones (social, económica, ambiental, institucional) de cada plan."),
    ),
    Table(
        "problems",
        _("Problemas"),
        _("Los problemas identificados en cada dimensión."),
    ),
    Table(
        "objectives",
        _("Objetivos"),
        _("Los objetivos estratégicos: su problema y su eje."),
    ),
    Table(
        "targets",
        _("Metas"),
        _("Las metas, con su estado y avance calculados a la fecha de la exportación."),
    ),
    Table(
        "projects",
        _("Proyectos"),
        _("Los proyectos de inversión de los que dependen los objetivos."),
    ),
    Table(
        "milestones",
        _("Avances de los proyectos"),
        _("Los hitos de cada proyecto: peso, fecha prevista y fecha cumplida."),
    ),
    Table(
        "offices",
        _("Oficinas"),
        _("Las oficinas municipales responsables de los indicadores."),
    ),
    Table(
        "indicators",
        _("Indicadores"),
        _("Los indicadores: unidad, dirección, frecuencia, fuente, método y línea de base."),
    ),
    Table(
        "readings",
        _("Datos publicados"),
        _(
            "Cada dato (lectura) público y vigente de cada indicador: aprobado por la entidad o citado del plan "
            "(estado `cited`)."
        ),
    ),
    Table(
        "alignment",
        _("Alineamiento"),
        _("Las filas de la matriz de alineamiento con los planes nacional, regional y provincial."),
    ),
    Table(
        "alignment-levels",
        _("Niveles de alineamiento"),
        _("Los niveles de planeamiento con los que se alinea cada plan."),
    ),
    Table(
        "alignment-objectives",
        _("Objetivos de alineamiento"),
        _("Los objetivos nacionales, regionales y provinciales."),
    ),
]
OWN_TABLES = [
    Table(
        "units",
        _("Unidades"),
        _("Las unidades de medida de los indicadores, con su rango válido y sus decimales."),
    ),
    Table(
        "reading-history",
        _("Historial de los datos publicados"),
        _(
            "Cada paso público de cada dato que llegó a publicarse: aprobación, cambio, reemplazo por una "
            "corrección o retiro; cuándo, con qué estado y por qué. No nombra personas ni incluye borradores, "
            "envíos o rechazos."
        ),
    ),
    Table(
        "superseded-readings",
        _("Valores reemplazados y retirados"),
        _(
            "Los datos que se publicaron y ya no están vigentes: reemplazados por una corrección o retirados, "
            "con el motivo."
        ),
    ),
]
TABLES = API_TABLES + OWN_TABLES
TABLE_NAMES = [table.name for table in TABLES]

# Descriptions of columns the serializers leave unexplained, and the unit of each measured value.
DESCRIPTIONS = {
    "id": _("Identificador interno del registro."),
    "plan": _("Identificador (slug) del plan."),
    "rollup": _("Resumen de las metas que cubre: cantidad por estado y avance promedio (clave=valor separados por |)."),
    "objectives": _("Objetivos nacionales, regionales y provinciales de la fila (separados por |)."),
    "status_label": _("El estado en palabras."),
    "unit": _("Código de la unidad (ver la tabla units)."),
    "unit_symbol": _("Símbolo de la unidad."),
    "unit_symbol_en": _("Símbolo de la unidad en inglés (vacío: el mismo que en castellano)."),
    "office": _("Código de la oficina responsable (ver la tabla offices)."),
    "indicator": _("Código del indicador (ver la tabla `indicators`)."),
    "corrects": _("id del dato que esta corrección reemplaza."),
    "objective": _("Código del objetivo."),
    "project": _("Código del proyecto."),
    "dimension": _("Identificador (slug) de la dimensión."),
    "axis": _("Número del eje estratégico."),
    "problem": _("Código del problema."),
    "baseline_date": _("Fecha de la línea de base."),
    "pace": _("Ritmo: avance ÷ avance esperado (1 = al ritmo previsto)."),
    "latest_period": _("Periodo del último dato del periodo de la meta."),
    "axis_objective": _("Objetivo del eje como lo enuncia el anexo de alineamiento."),
    "level_name": _("Nombre del nivel de planeamiento."),
    "source_plan": _("Plan de origen del objetivo (nacional, regional o provincial)."),
}
# Where a serializer's own words are not enough for someone reading the file alone.
OVERRIDES = {
    "id": _("Identificador interno del registro."),
    ("targets", "status"): _(
        "Estado de la meta a la fecha as_of: no_data, achieved, not_achieved, on_track, at_risk u "
        "off_track (ver la metodología)."
    ),
}
UNITS = {
    ("readings", "value"): _("la unidad del indicador (`indicators.unit`)"),
    ("reading-history", "value"): _("la unidad del indicador (`indicators.unit`)"),
    ("superseded-readings", "value"): _("la unidad del indicador (`indicators.unit`)"),
    ("indicators", "baseline_value"): _("la unidad del indicador (columna unit)"),
    ("indicators", "reference_value"): _("la unidad del indicador (columna unit)"),
    ("targets", "value"): _("la unidad de la meta (columna unit)"),
    ("targets", "baseline_value"): _("la unidad de la meta (columna unit)"),
    ("targets", "latest_value"): _("la unidad de la meta (columna unit)"),
    ("targets", "projection"): _("la unidad de la meta (columna unit)"),
    ("targets", "progress"): _("porcentaje (0-100)"),
    ("targets", "expected"): _("porcentaje (0-100)"),
    ("plans", "area_km2"): _("km²"),
    ("plans", "distance_to_capital_km"): _("km"),
    ("plans", "population"): _("habitantes"),
    ("milestones", "weight"): _("peso relativo dentro del proyecto"),
}


def _frictionless_type(field) -> str:
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return "integer"
    if isinstance(field, serializers.DecimalField | serializers.FloatField):
        return "number"
    if isinstance(field, serializers.DateTimeField):
        return "datetime"
    if isinstance(field, serializers.DateField):
        return "date"
    return "string"


def _serializer_fields(table: str) -> list[dict]:
    """The columns of an API table, described in the active language from the serializer's own
    label and help text. A column whose words are not translatable (a plain string in the
    serializer) is described in Spanish and marked `lang: "es"` when the language is another."""
    from .api import router

    viewset = {prefix: viewset for prefix, viewset, _ in router.registry}[table]
    # Built in Spanish, and whether a label says more than the column's name decided on the Spanish
    # label: DRF leaves out a label that repeats the name in the language it is built in, so every
    # language describes a column from the same parts.
    with translation.override("es"):
        serializer_fields = list(viewset.serializer_class().fields.items())
        automatic = {name: name.replace("_", " ").capitalize() for name, _field in serializer_fields}
        says_more = {name: bool(f.label) and str(f.label) != automatic[name] for name, f in serializer_fields}
    spanish = translation.get_language() in ("es", settings.LANGUAGE_CODE)
    fields = []
    for name, field in serializer_fields:
        words = [text for text in (field.label if says_more[name] else "", field.help_text or "") if text]
        if (table, name) in OVERRIDES or name in OVERRIDES:
            words = []  # described by this module's own (translatable) words
        if not spanish and not all(isinstance(text, Promise) for text in words):
            with translation.override("es"):
                fields.append({**_serializer_field(table, name, field, says_more[name]), "lang": "es"})
            continue
        fields.append(_serializer_field(table, name, field, says_more[name]))
    return fields


def _serializer_field(table: str, name: str, field, says_more: bool) -> dict:
    label = str(field.label) if says_more else ""
    help_text = str(field.help_text or "")
    parts = [p[:-1] if p.endswith(".") and not p.endswith("...") else p for p in (label, help_text) if p]
    description = ". ".join(parts) + "." if parts else str(DESCRIPTIONS.get(name, ""))
    description = str(OVERRIDES.get((table, name)) or OVERRIDES.get(name) or description)
    if isinstance(field, serializers.ChoiceField) and field.choices:
        values = "; ".join(f"`{key}` ({choice})" for key, choice in field.choices.items())
        description += " " + gettext("Valores: %(values)s.") % {"values": values}
    return {"name": name, "type": _frictionless_type(field), "description": description.strip()}


HISTORY_COLUMNS = [
    ("history_id", "integer", _("Identificador del paso en el historial.")),
    ("reading_id", "integer", _("id del dato (tabla `readings` o `superseded-readings`).")),
    ("reading_uid", "string", _("Identificador estable (UUID) del dato.")),
    ("indicator", "string", DESCRIPTIONS["indicator"]),
    (
        "office",
        "string",
        _("Oficina responsable del indicador: quien registra y revisa sus datos (no se publican nombres)."),
    ),
    ("period", "date", _("Periodo que mide el dato: el primer día del mes, trimestre o año.")),
    ("value", "number", _("Valor del dato en este paso.")),
    ("source", "string", _("Fuente del dato en este paso.")),
    ("note", "string", _("Nota del dato en este paso.")),
    (
        "status",
        "string",
        _(
            "Estado tras el paso: `approved` (aprobado y publicado), `cited` (citado del plan: público sin registro "
            "ni aprobación), `superseded` (reemplazado por una corrección) o `withdrawn` (retirado)."
        ),
    ),
    ("step", "string", _("Tipo de paso: `created` (creado), `changed` (cambiado), `deleted` (borrado).")),
    ("step_at", "datetime", _("Cuándo se dio el paso.")),
    (
        "reason",
        "string",
        _("El motivo registrado con el paso (abreviado a 100 caracteres; el completo está en `superseded-readings`)."),
    ),
    ("approved_at", "datetime", _("Cuándo se aprobó el dato.")),
    ("corrects", "integer", DESCRIPTIONS["corrects"]),
]
SUPERSEDED_COLUMNS = [
    ("id", "integer", _("id del dato que dejó de estar vigente.")),
    ("uid", "string", _("Identificador estable (UUID) del dato.")),
    ("indicator", "string", DESCRIPTIONS["indicator"]),
    ("office", "string", DESCRIPTIONS["office"]),
    ("period", "date", _("Periodo que mide el dato.")),
    ("value", "number", _("El valor que se publicó.")),
    ("source", "string", _("Fuente del valor publicado.")),
    ("note", "string", _("Nota del valor publicado.")),
    (
        "provenance",
        "string",
        _(
            "Quién respalda la cifra: `cited` (citada del plan), `registered` (registrada por la municipalidad) o "
            "`demo`."
        ),
    ),
    ("status", "string", _("`superseded` (reemplazado por una corrección) o `withdrawn` (retirado).")),
    ("approved_at", "datetime", _("Cuándo se aprobó el valor.")),
    ("superseded_at", "datetime", _("Cuándo lo reemplazó una corrección aprobada.")),
    (
        "corrected_by",
        "integer",
        _("id de la corrección que lo reemplazó (tabla `readings`, o esta misma si también fue reemplazada)."),
    ),
    ("correction_reason", "string", _("Motivo de la corrección que lo reemplazó.")),
    ("withdrawn_at", "datetime", _("Cuándo se retiró.")),
    ("withdrawal_reason", "string", _("Motivo del retiro.")),
]
UNIT_COLUMNS = [
    ("entity", "string", _("Ubigeo de la entidad dueña de la unidad; vacío: una unidad del catálogo nacional.")),
    ("code", "string", _("Código de la unidad.")),
    ("name", "string", _("Nombre de la unidad.")),
    ("symbol", "string", _("Símbolo con que se muestran los valores.")),
    ("name_en", "string", _("Nombre de la unidad en inglés (vacío: el castellano).")),
    ("symbol_en", "string", _("Símbolo en inglés (vacío: el castellano).")),
    ("min_value", "number", _("Valor mínimo válido (vacío: sin mínimo).")),
    ("max_value", "number", _("Valor máximo válido (vacío: sin máximo).")),
    ("decimals", "integer", _("Decimales con que se registran y muestran los valores.")),
]
OWN_COLUMNS = {"units": UNIT_COLUMNS, "reading-history": HISTORY_COLUMNS, "superseded-readings": SUPERSEDED_COLUMNS}


def table_fields(table: str, language: str = "es") -> list[dict]:
    """Each column of a table as a Table Schema field: name, type, description and, for measured
    values, the unit. In Spanish, as `datapackage.json` holds them, whatever language is active
    (a build may run inside an English request); the open-data pages ask for theirs."""
    with translation.override(language):
        if table in OWN_COLUMNS:
            fields = [{"name": n, "type": t, "description": str(d)} for n, t, d in OWN_COLUMNS[table]]
        else:
            fields = _serializer_fields(table)
        for field in fields:
            unit = UNITS.get((table, field["name"]))
            if unit:
                with translation.override(field.get("lang", language)):
                    field["unit"] = str(unit)
                    field["description"] += " " + gettext("Unidad: %(unit)s.") % {"unit": field["unit"]}
    return fields


TYPE_LABELS = {
    "string": _("texto"),
    "number": _("número"),
    "integer": _("entero"),
    "date": _("fecha"),
    "datetime": _("fecha y hora"),
    "boolean": _("sí/no"),
}


def dictionary() -> list[dict]:
    """The data dictionary the open-data pages show: each table with its columns, in the active
    language (the site's words, translated; `datapackage.json` keeps the Spanish)."""
    tables = []
    for table in TABLES:
        fields = [
            {**field, "type_label": TYPE_LABELS[field["type"]]}
            for field in table_fields(table.name, translation.get_language() or settings.LANGUAGE_CODE)
        ]
        tables.append({"table": table, "fields": fields})
    return tables


# --- what a package holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Package:
    """The national package (`plan` None: every plan's rows) or one plan's."""

    plan: object = None  # goals.models.Plan

    @property
    def key(self) -> str:
        """Its folder in the storage."""
        return "national" if self.plan is None else f"plans/{self.plan.pk}"

    @property
    def label(self) -> str:
        """Its name in ETags and messages."""
        return "national" if self.plan is None else f"plan-{self.plan.pk}"

    @property
    def scopes(self):
        """The data versions it is built for."""
        return versions.PUBLIC if self.plan is None else versions.of_plan(self.plan.pk)

    @property
    def lock_id(self) -> int:
        return NATIONAL_LOCK_ID if self.plan is None else self.plan.pk

    def folder(self, version: int) -> str:
        return f"{self.key}/v{version}"


def national() -> Package:
    return Package()


def of_plan(plan) -> Package:
    return Package(plan)


class Selection:
    """The rows of one package: every plan's (national) or one plan's, with the indicators the
    plan measures or cites (read once: every table of indicators and readings filters on them)."""

    def __init__(self, plan=None):
        self.plan = plan

    @cached_property
    def indicator_ids(self) -> list[int]:
        from goals import public

        return sorted({row["indicator_id"] for row in public.plan_indicator_ids(self.plan)})

    def of_plans(self, queryset, plan_field: str = "plan"):
        return queryset if self.plan is None else queryset.filter(**{plan_field: self.plan.pk})

    def of_indicators(self, queryset, indicator_field: str = "indicator_id"):
        return queryset if self.plan is None else queryset.filter(**{f"{indicator_field}__in": self.indicator_ids})

    def of_entity(self, queryset, entity_field: str = "entity"):
        return queryset if self.plan is None else queryset.filter(**{entity_field: self.plan.entity_id})


# --- writing the files ----------------------------------------------------------------------


def _stamp(value) -> str | None:
    """A moment as the API writes it: local time, ISO 8601, `Z` for UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        text = timezone.localtime(value).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return value.isoformat()


def spreadsheet_file(table: str) -> str:
    """The table for Excel in Spanish, beside the package's own CSV: `readings.excel-es.csv`."""
    return f"{table}.{cells.SPREADSHEET}.csv"


SPREADSHEET_FILES = {spreadsheet_file(table) for table in TABLE_NAMES}


def _write_spreadsheet_copy(directory: Path, table: str) -> None:
    """`<table>.excel-es.csv` from `<table>.csv`, for Excel in Spanish (`cells`): `;` between
    columns, decimal comma in the number columns, `sí`/`no`, moments as `2026-01-31 14:05:00` in the
    site's time zone; UTF-8 with a BOM, every cell quoted, inert. Not part of the Frictionless
    package (its descriptor describes the machine CSV), nor of the zip."""
    types = {field["name"]: field["type"] for field in table_fields(table)}
    with open(directory / f"{table}.csv", encoding="utf-8-sig", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        kinds = [types.get(name) for name in header]
        rows = (cells.spreadsheet_row(row, kinds) for row in reader)
        with open(directory / spreadsheet_file(table), "w", encoding="utf-8", newline="") as out:
            for line in spreadsheets.csv_lines(header, rows, delimiter=cells.SPREADSHEET_DELIMITER):
                out.write(line)


def is_complete(found: dict) -> bool:
    """Whether a ready version holds every file of today's layout (a version built before the
    spreadsheet copies existed is built again)."""
    return all(spreadsheet_file(table) in found.get("files", {}) for table in TABLE_NAMES)


def _write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        for line in spreadsheets.csv_lines(header, rows):
            out.write(line)


def _viewsets() -> dict:
    from .api import router

    return {prefix: viewset for prefix, viewset, _ in router.registry}


def _write_api_table(path: Path, name: str, rows, context: dict) -> None:
    """A list as the API writes it in CSV (`CSVListMixin.csv_rows`, or the viewset's own, such as the
    alignment's objectives in one cell): the same columns and cells. The viewset is only a holder
    of that method here: it gets the rows from the caller and a serializer whose context is given,
    since nothing in a build is a request."""
    viewset = _viewsets()[name]()
    serializer = viewset.serializer_class(context=context)
    viewset.get_serializer = lambda *args, **kwargs: serializer
    header, lines = viewset.csv_rows(rows)
    _write_csv(path, header, lines)


def _evaluated_targets(selection: Selection) -> list:
    """The targets as the API lists them, each with its evaluation as of today
    (`TargetViewSet.evaluated` without its request's `?as_of=`)."""
    from goals.evaluation import evaluate_targets

    targets = list(selection.of_plans(_viewsets()["targets"]().get_queryset()))
    evaluations = evaluate_targets(targets)
    today = timezone.localdate()
    for target in targets:
        target.evaluation = evaluations[target.pk]
        target.as_of = today
    return targets


def _write_api_tables(directory: Path, selection: Selection) -> None:
    from goals import public
    from goals.models import Plan

    viewsets = _viewsets()
    targets = _evaluated_targets(selection)
    statuses = [public.TargetStatus(target, target.evaluation, []) for target in targets]

    def rollups(name):  # what RollupViewSetMixin gives the serializer: the roll-up of each group's targets
        return {"rollups": public.rollup_by(statuses, key=viewsets[name].rollup_key)}

    featured = Plan.objects.featured()
    by_plan = {
        "plans": ("pk", {"featured_id": featured.pk if featured else None}),
        "axes": ("plan", rollups("axes")),
        "dimensions": ("plan", rollups("dimensions")),
        "problems": ("plan", {}),
        "objectives": ("plan", {}),
        "projects": ("plan", {}),
        "milestones": ("project__plan", {}),
        "alignment": ("plan", rollups("alignment")),
        "alignment-levels": ("plan", {}),
        "alignment-objectives": ("plan", {}),
    }
    for name, (plan_field, context) in by_plan.items():
        rows = selection.of_plans(viewsets[name]().get_queryset(), plan_field)
        _write_api_table(directory / f"{name}.csv", name, rows, context)
    _write_api_table(directory / "targets.csv", "targets", targets, {})
    offices = selection.of_entity(viewsets["offices"]().get_queryset())
    _write_api_table(directory / "offices.csv", "offices", offices, {})
    indicators = selection.of_indicators(viewsets["indicators"]().get_queryset(), "pk")
    _write_api_table(directory / "indicators.csv", "indicators", indicators, {})
    _write_readings(directory / "readings.csv", selection)


def _write_readings(path: Path, selection: Selection) -> None:
    """The approved readings as an anonymous client gets them in CSV (`ReadingViewSet.list`): the
    serializer's columns read as values (a million rows: no serializer per row), written by
    PostgreSQL itself where it runs (`indicators.pg_csv`, byte for byte the Python path's). Who
    entered and who reviewed each reading stay empty, as the serializer leaves them for anyone but
    the entity's own staff (`ReadingSerializer._people`)."""
    from indicators.api import CSV_PATHS, ReadingSerializer, ReadingViewSet, reading_csv_rows

    header = list(ReadingSerializer().fields)
    columns = [CSV_PATHS.get(name, name) for name in header]
    hidden = {header.index("entered_by"), header.index("reviewed_by")}
    readings = selection.of_indicators(Reading.objects.visible_to(AnonymousUser())).order_by(*ReadingViewSet.ordering)
    if pg_csv.available():
        keys = pg_csv.plain_ordering(readings)
        columns[header.index("value")] = pg_csv.UnitValue()
        query = readings.order_by().values_list(*columns, *(path for path, _ in keys)).query
        inner, params = query.sql_with_params()
        with connection.cursor() as cursor:
            inner_sql = cursor.mogrify(inner, params).decode()
        sql = pg_csv.line_sql(header, inner_sql, hidden, [descending for _, descending in keys])
        with open(path, "wb") as out:
            out.write("".join(spreadsheets.csv_lines(header, [])).encode("utf-8"))
            for chunk in pg_csv.copy_lines(sql, timezone.get_current_timezone_name()):
                out.write(chunk)
        return
    _write_csv(path, header, reading_csv_rows(readings, header, columns, hidden))


def _write_units(path: Path, selection: Selection) -> None:
    units = Unit.objects.select_related("entity").order_by("entity__ubigeo", "code")
    if selection.plan is not None:
        units = units.filter(pk__in=Indicator.objects.filter(pk__in=selection.indicator_ids).values("unit_id"))
    rows = (
        [u.entity.ubigeo if u.entity_id else "", u.code, u.name, u.symbol, u.name_en, u.symbol_en]
        + [cells.decimal_text(u.min_value, u.decimals), cells.decimal_text(u.max_value, u.decimals), u.decimals]
        for u in units
    )
    _write_csv(path, [c[0] for c in UNIT_COLUMNS], rows)


def _was_published():
    """Readings that were public at some moment: approved once, or cited from the plan."""
    from django.db.models import Q

    return Q(approved_at__isnull=False) | Q(is_cited=True)


PUBLIC_STEPS = [ReviewStatus.APPROVED, ReviewStatus.CITED, ReviewStatus.SUPERSEDED, ReviewStatus.WITHDRAWN]
STEP_WORDS = {"+": "created", "~": "changed", "-": "deleted"}


def _write_history(path: Path, selection: Selection) -> None:
    records = (
        # A version that was approved, or replaced or withdrawn after being approved (a draft that is
        # withdrawn never had an approval date): what the public saw, and how it stopped being so.
        selection.of_indicators(Reading.history.filter(status__in=PUBLIC_STEPS))
        .filter(_was_published())
        .order_by("history_date", "history_id")
        .values_list(
            "history_id",
            "id",
            "uid",
            "indicator__code",
            "indicator__office__code",
            "period",
            "value",
            "source",
            "note",
            "status",
            "history_type",
            "history_date",
            "history_change_reason",
            "approved_at",
            "corrects_id",
            "indicator__unit__decimals",
        )
    )
    rows = (
        [
            hid,
            rid,
            str(uid),
            code,
            office,
            _stamp(period),
            cells.decimal_text(value, decimals),
            source,
            note,
            status,
            STEP_WORDS.get(kind, kind),
            _stamp(at),
            reason,
            _stamp(approved),
            corrects,
        ]
        for (
            hid,
            rid,
            uid,
            code,
            office,
            period,
            value,
            source,
            note,
            status,
            kind,
            at,
            reason,
            approved,
            corrects,
            decimals,
        ) in records.iterator(chunk_size=5000)
    )
    _write_csv(path, [c[0] for c in HISTORY_COLUMNS], rows)


def _write_superseded(path: Path, selection: Selection) -> None:
    corrections = dict(
        selection.of_indicators(
            Reading.objects.filter(corrects__isnull=False, status__in=[ReviewStatus.APPROVED, ReviewStatus.SUPERSEDED])
        ).values_list("corrects_id", "pk")
    )
    reasons = dict(Reading.objects.filter(pk__in=corrections.values()).values_list("pk", "correction_reason"))
    readings = (
        selection.of_indicators(Reading.objects.filter(status__in=[ReviewStatus.SUPERSEDED, ReviewStatus.WITHDRAWN]))
        .filter(_was_published())
        .order_by("indicator__code", "period", "id")
        .values_list(
            "pk",
            "uid",
            "indicator__code",
            "indicator__office__code",
            "period",
            "value",
            "source",
            "note",
            Reading.provenance_expression(),
            "status",
            "approved_at",
            "superseded_at",
            "withdrawn_at",
            "withdrawal_reason",
            "indicator__unit__decimals",
        )
    )
    rows = []
    for (
        pk,
        uid,
        code,
        office,
        period,
        value,
        source,
        note,
        provenance,
        status,
        approved,
        superseded,
        withdrawn,
        why,
        decimals,
    ) in readings.iterator(chunk_size=5000):
        corrected_by = corrections.get(pk) if status == ReviewStatus.SUPERSEDED else None
        rows.append(
            [
                pk,
                str(uid),
                code,
                office,
                _stamp(period),
                cells.decimal_text(value, decimals),
                source,
                note,
                provenance,
                status,
                _stamp(approved),
                _stamp(superseded),
                corrected_by,
                reasons.get(corrected_by, "") if corrected_by else "",
                _stamp(withdrawn),
                why,
            ]
        )
    _write_csv(path, [c[0] for c in SUPERSEDED_COLUMNS], rows)


def _titles(plans: list, limit: int = 3) -> str:
    """The plans a text is about, named when they are few; counted when they are many (a national
    deployment has hundreds)."""
    if not plans:
        return "los planes de gobierno"
    if len(plans) <= limit:
        return ", ".join(p.title for p in plans)
    return f"{len(plans)} planes de gobierno"


def _publisher(site, entities: list) -> str:
    """Who publishes: the site's setting; else the entity, when every plan is one entity's."""
    if site.publisher:
        return site.publisher
    return entities[0].title if len(entities) == 1 else "Entidades con su plan de gobierno en este sitio"


def descriptor(package: Package, version: versions.Version) -> dict:
    """`datapackage.json`: what the package is, which data version it holds, who publishes it under
    which licence, and each table's schema."""
    from goals.models import Plan

    site = SiteSettings.load()
    if package.plan is None:
        plans = list(Plan.objects.select_related("entity").order_by("period_start", "slug"))
        name, title = "seguimiento-plan-de-gobierno", "Seguimiento de los planes de gobierno: datos abiertos"
    else:
        plans = [package.plan]
        name = f"seguimiento-{package.plan.slug}"
        title = f"Seguimiento del {package.plan.title} ({package.plan.municipality}): datos abiertos"
    entities = list({p.entity_id: p.entity for p in plans}.values())
    sources = [{"title": p.source_document or p.title} for p in plans]
    sources.append({"title": "Datos registrados y aprobados por la entidad en este sistema de seguimiento"})
    result = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": "Metas, indicadores y datos aprobados de "
        + _titles(plans)
        + ", con su historial público y los valores corregidos o retirados. Solo datos públicos.",
        "version": str(version.counter),
        "created": _stamp(timezone.now()),
        "licenses": [{"name": site.license_id, "title": site.license_title, "path": site.license_url}],
        "sources": sources,
        "keywords": ["plan de gobierno", "metas", "indicadores", "rendición de cuentas", "datos abiertos"],
        "resources": [],
    }
    if version.changed_at:
        result["modified"] = _stamp(version.changed_at)
    contributor = {"title": _publisher(site, entities), "role": "publisher"}
    if site.contact_email:
        contributor["email"] = site.contact_email
    result["contributors"] = [contributor]
    for table in TABLES:
        result["resources"].append(
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "title": str(table.title),
                "description": str(table.description),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {"fields": table_fields(table.name), "missingValues": [""]},
            }
        )
    return result


def write_tables(directory: Path, package: Package, version: versions.Version) -> None:
    """Every table and `datapackage.json` of `package` into `directory`, from the database as the
    caller's transaction sees it."""
    selection = Selection(package.plan)
    # The site's Spanish (es-pe), as the API answers it: the words and the numbers' format alike.
    with translation.override(settings.LANGUAGE_CODE):
        _write_api_tables(directory, selection)
        _write_units(directory / "units.csv", selection)
        _write_history(directory / "reading-history.csv", selection)
        _write_superseded(directory / "superseded-readings.csv", selection)
        for name in TABLE_NAMES:
            _write_spreadsheet_copy(directory, name)
        content = descriptor(package, version)
    (directory / DESCRIPTOR).write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")


def compress(directory: Path, changed_at) -> None:
    """Next to each CSV its gzip (`<name>.csv.gz`, sent to clients that accept it: the national
    readings are hundreds of MB as text), and `export.zip` of every table and the descriptor. Both
    carry the data's own date (zipfile's default would be 1980)."""
    moment = timezone.localtime(changed_at or timezone.now())
    for name in [f"{t}.csv" for t in TABLE_NAMES] + [spreadsheet_file(t) for t in TABLE_NAMES]:
        source = directory / name
        with (
            open(source, "rb") as raw,
            gzip.GzipFile(
                directory / f"{name}{GZIP_SUFFIX}", "wb", compresslevel=6, mtime=int(moment.timestamp())
            ) as packed,
        ):
            shutil.copyfileobj(raw, packed, 1024 * 1024)
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    with zipfile.ZipFile(directory / ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name in [DESCRIPTOR] + [f"{t}.csv" for t in TABLE_NAMES]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(directory / name, "rb") as source, bundle.open(info, "w") as member:
                shutil.copyfileobj(source, member, 1024 * 1024)


# --- the storage --------------------------------------------------------------------------------


class FolderStorage(FileSystemStorage):
    """The default open-data storage: Django's FileSystemStorage at OPEN_DATA_ROOT, read when first
    used and again whenever the setting changes (as FileSystemStorage follows MEDIA_ROOT), so that
    each test's own OPEN_DATA_ROOT is where its packages go."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.OPEN_DATA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "OPEN_DATA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def storage():
    """Where packages live: `STORAGES["open_data"]` (the local file system by default; any
    django-storages backend, such as S3, by settings, so that every server serves the same files)."""
    return storages["open_data"]


class _LocalFile(File):
    """A file the build wrote: FileSystemStorage moves it into place instead of copying it (it
    offers itself as an upload's temporary file); other storages read it as any file."""

    def temporary_file_path(self):
        return self.file.name


def _delete(store, name: str) -> None:
    if store.exists(name):
        store.delete(name)


def publish(package: Package, version: versions.Version, directory: Path) -> dict:
    """Put every file of `directory` under the version's folder, then the marker that makes it
    servable. Returns the marker."""
    store = storage()
    folder = package.folder(version.counter)
    _delete(store, f"{folder}/{READY}")  # a rebuild of the same version is not served while it changes
    files = {}
    for path in sorted(directory.iterdir()):
        name = f"{folder}/{path.name}"
        files[path.name] = path.stat().st_size
        _delete(store, name)  # left by a build that died before its marker
        with open(path, "rb") as handle:
            saved = store.save(name, _LocalFile(handle, name=path.name))
        if saved != name:
            raise RuntimeError(f"La copia de {name} se guardó como {saved}.")
    marker = {
        "package": package.key,
        "version": version.counter,
        "changed_at": _stamp(version.changed_at),
        "built_at": _stamp(timezone.now()),
        "files": files,
    }
    store.save(f"{folder}/{READY}", ContentFile(json.dumps(marker, indent=2).encode("utf-8")))
    return marker


def stored_versions(package: Package) -> list[int]:
    """The versions with a folder in the storage, ready or not, newest first."""
    try:
        folders, _ = storage().listdir(package.key)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted((int(f[1:]) for f in folders if f.startswith("v") and f[1:].isdigit()), reverse=True)


def marker(package: Package, version: int) -> dict | None:
    """The marker of a ready version, or None."""
    store = storage()
    name = f"{package.folder(version)}/{READY}"
    if not store.exists(name):
        return None
    try:
        with store.open(name, "rb") as handle:
            return json.loads(handle.read())
    except FileNotFoundError:  # removed between the two calls, as a newer version landed
        return None


def remove_version(package: Package, version: int) -> None:
    """The marker first, so that nothing starts sending a version whose files are going."""
    store = storage()
    folder = package.folder(version)
    _delete(store, f"{folder}/{READY}")
    try:
        _, names = store.listdir(folder)
    except FileNotFoundError:
        names = []
    for name in names:
        _delete(store, f"{folder}/{name}")
    try:  # a local folder would stay behind empty; object stores have no folders
        os.rmdir(store.path(folder))
    except (NotImplementedError, OSError):
        pass


def clean(package: Package, keep: int) -> list[int]:
    """Remove the versions older than `keep`, ready or left half-written by a build that died. A
    download under way keeps reading its file (POSIX frees it at close). A newer version stays: a
    build that read its version before a change may finish after the build that read it after."""
    removed = [version for version in stored_versions(package) if version < keep]
    for version in removed:
        remove_version(package, version)
    return removed


# --- building, once per version and package ---------------------------------------------------------


@contextmanager
def build_lock(package: Package, wait: bool = True):
    """One build of a package at a time: PostgreSQL's advisory lock, across every server; a file
    lock on SQLite (a development machine, one server). Yields whether it is held: always when
    `wait`, else only if nobody else was building."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if wait:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, package.lock_id])
                held = True
            else:
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, package.lock_id])
                held = cursor.fetchone()[0]
            try:
                yield held
            finally:
                if held:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, package.lock_id])
        return
    folder = Path(settings.OPEN_DATA_ROOT) / ".locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{package.label}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = True
        except BlockingIOError:
            held = False
        try:
            yield held
        finally:
            if held:
                fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def snapshot():
    """One view of the database for reading a version and the data it labels. On PostgreSQL a
    repeatable-read transaction (its first statement sets it: a version read in it never labels
    rows of a later version, committed while the build runs); SQLite's transaction holds its
    snapshot from the first read. Inside a caller's transaction (the tests'), that one."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
        return
    with transaction.atomic():
        yield


@dataclass(frozen=True)
class Built:
    """What a build call left: the package's version, and whether this call wrote it."""

    package: Package
    version: int
    written: bool
    size: int

    def __str__(self) -> str:
        return self.package.folder(self.version)


def build_package(package: Package, force: bool = False) -> Built:
    """Build the package of the current data version, unless it is ready already (or `force`);
    then remove older versions. Waits while another process builds the same package."""
    # Public data of every entity, read as the operator (the worker and manage.py do so already; a
    # thread of their own would start in no scope at all).
    with scopes_disabled(), build_lock(package), tempfile.TemporaryDirectory(prefix="datos-abiertos-") as work:
        directory = Path(work)
        with snapshot():
            version = versions.current(package.scopes)
            found = None if force else marker(package, version.counter)
            if found is not None and not is_complete(found):
                found = None
            if found is None:
                write_tables(directory, package, version)
        if found is not None:
            return Built(package, version.counter, False, sum(found.get("files", {}).values()))
        compress(directory, version.changed_at)
        published = publish(package, version, directory)
        clean(package, keep=version.counter)
    return Built(package, version.counter, True, sum(published["files"].values()))


def build_national_package(force: bool = False) -> Built:
    """Every plan's package (`/api/v1/export.zip`)."""
    return build_package(national(), force=force)


def build_plan_package(plan, force: bool = False) -> Built:
    """One plan's package (`/planes/<slug>/datos/export.zip`)."""
    return build_package(of_plan(plan), force=force)


# --- serving ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Servable:
    """A ready version of a package, to send now."""

    package: Package
    version: int
    marker: dict
    is_current: bool

    def name(self, file_name: str) -> str:
        return f"{self.package.folder(self.version)}/{file_name}"

    def etag(self, encoding: str = "") -> str:
        """Names the version; its build's marker tells apart two builds of one version number (a
        counter that went back, when a plan was deleted); each encoding is its own representation."""
        digest = hashlib.sha256(json.dumps(self.marker, sort_keys=True).encode()).hexdigest()[:10]
        suffix = f"-{encoding}" if encoding else ""
        return quote_etag(f"open-data-{self.package.label}-v{self.version}-{digest}{suffix}")


def servable(package: Package) -> Servable | None:
    """The newest ready version of the package: the current data version's when it is built, else
    the one before it (its ETag and descriptor say which version it is); None when none is."""
    current = versions.cached(package.scopes).counter
    found = marker(package, current)
    if found is not None:
        return Servable(package, current, found, True)
    for version in stored_versions(package):
        found = None if version == current else marker(package, version)
        if found is not None:
            return Servable(package, version, found, version > current)
    return None


def queue_build(package: Package):
    """Ask the worker for the package of the current version (a request never builds it)."""
    from ilo_plan import tasks

    if package.plan is None:
        return tasks.enqueue_once(tasks.build_national_package)
    return tasks.enqueue_once(tasks.refresh_plan, package.plan.pk)
