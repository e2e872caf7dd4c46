"""The open data as a Frictionless Data Package, built once per data version and served as files.

What the package holds (one CSV per table, UTF-8 with a BOM, every cell made inert by
`indicators.spreadsheets`, and `datapackage.json` describing each column in Spanish):

- the API's public lists, exactly as `?format=csv&plan=all` answers an anonymous client;
- `units`: the units the readings are measured in;
- `reading-history`: every public step of every reading that was ever published: approved,
  changed while published, replaced by a correction, withdrawn; with when, the status, the reason
  and the responsible office. Like the API's public history, it names no person and holds no draft,
  submission or rejection (those are for auditors, through the API with a token);
- `superseded-readings`: the values that were published and are no longer: replaced by a
  correction (with the correction's reason) or withdrawn (with the withdrawal's reason).

The files live under `settings.OPEN_DATA_ROOT/v<counter>/`, one folder per data version; the
first request after a change (or `manage.py build_open_data`) builds them under a lock (a
PostgreSQL advisory lock, or a file lock on other databases) so that concurrent first requests
build once; older versions are removed."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from indicators import spreadsheets
from indicators.models import DataVersion, Reading, ReviewStatus, Unit

from .models import SiteSettings

ADVISORY_LOCK_KEY = 7_140_001  # any constant: the one lock of the open-data build
ZIP_NAME = "export.zip"
DESCRIPTOR = "datapackage.json"

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
        _("Cada dato (lectura) aprobado y vigente de cada indicador."),
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
    "id": "Identificador interno del registro.",
    "plan": "Identificador (slug) del plan.",
    "rollup": "Resumen de las metas que cubre: cantidad por estado y avance promedio (clave=valor separados por |).",
    "objectives": "Objetivos nacionales, regionales y provinciales de la fila (separados por |).",
    "status_label": "El estado en palabras.",
    "unit": "Código de la unidad (ver la tabla units).",
    "unit_symbol": "Símbolo de la unidad.",
    "office": "Código de la oficina responsable (ver la tabla offices).",
    "indicator": "Código del indicador (ver la tabla `indicators`).",
    "corrects": "id del dato que esta corrección reemplaza.",
    "objective": "Código del objetivo.",
    "project": "Código del proyecto.",
    "dimension": "Identificador (slug) de la dimensión.",
    "axis": "Número del eje estratégico.",
    "problem": "Código del problema.",
    "baseline_date": "Fecha de la línea de base.",
    "pace": "Ritmo: avance ÷ avance esperado (1 = al ritmo previsto).",
    "latest_period": "Periodo del último dato del periodo de la meta.",
    "axis_objective": "Objetivo del eje como lo enuncia el anexo de alineamiento.",
    "level_name": "Nombre del nivel de planeamiento.",
    "source_plan": "Plan de origen del objetivo (nacional, regional o provincial).",
}
# Where a serializer's own words are not enough for someone reading the file alone.
OVERRIDES = {
    "id": "Identificador interno del registro.",
    ("targets", "status"): "Estado de la meta a la fecha as_of: no_data, achieved, not_achieved, on_track, at_risk u "
    "off_track (ver la metodología).",
}
UNITS = {
    ("readings", "value"): "la unidad del indicador (`indicators.unit`)",
    ("reading-history", "value"): "la unidad del indicador (`indicators.unit`)",
    ("superseded-readings", "value"): "la unidad del indicador (`indicators.unit`)",
    ("indicators", "baseline_value"): "la unidad del indicador (columna unit)",
    ("indicators", "reference_value"): "la unidad del indicador (columna unit)",
    ("targets", "value"): "la unidad de la meta (columna unit)",
    ("targets", "baseline_value"): "la unidad de la meta (columna unit)",
    ("targets", "latest_value"): "la unidad de la meta (columna unit)",
    ("targets", "projection"): "la unidad de la meta (columna unit)",
    ("targets", "progress"): "porcentaje (0-100)",
    ("targets", "expected"): "porcentaje (0-100)",
    ("plans", "area_km2"): "km²",
    ("plans", "distance_to_capital_km"): "km",
    ("plans", "population"): "habitantes",
    ("milestones", "weight"): "peso relativo dentro del proyecto",
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
    from .api import router

    viewset = {prefix: viewset for prefix, viewset, _ in router.registry}[table]
    fields = []
    for name, field in viewset.serializer_class().fields.items():
        automatic_label = name.replace("_", " ").capitalize()
        label = str(field.label) if field.label and str(field.label) != automatic_label else ""
        help_text = str(field.help_text or "")
        parts = [p[:-1] if p.endswith(".") and not p.endswith("...") else p for p in (label, help_text) if p]
        description = ". ".join(parts) + "." if parts else DESCRIPTIONS.get(name, "")
        description = OVERRIDES.get((table, name)) or OVERRIDES.get(name) or description
        if isinstance(field, serializers.ChoiceField) and field.choices:
            description += " Valores: " + "; ".join(f"`{key}` ({label})" for key, label in field.choices.items()) + "."
        fields.append({"name": name, "type": _frictionless_type(field), "description": description.strip()})
    return fields


HISTORY_COLUMNS = [
    ("history_id", "integer", "Identificador del paso en el historial."),
    ("reading_id", "integer", "id del dato (tabla `readings` o `superseded-readings`)."),
    ("reading_uid", "string", "Identificador estable (UUID) del dato."),
    ("indicator", "string", DESCRIPTIONS["indicator"]),
    (
        "office",
        "string",
        "Oficina responsable del indicador: quien registra y revisa sus datos (no se publican nombres).",
    ),
    ("period", "date", "Periodo que mide el dato: el primer día del mes, trimestre o año."),
    ("value", "number", "Valor del dato en este paso."),
    ("source", "string", "Fuente del dato en este paso."),
    ("note", "string", "Nota del dato en este paso."),
    (
        "status",
        "string",
        "Estado tras el paso: `approved` (publicado), `superseded` (reemplazado por una corrección) o `withdrawn` "
        "(retirado).",
    ),
    ("step", "string", "Tipo de paso: `created` (creado), `changed` (cambiado), `deleted` (borrado)."),
    ("step_at", "datetime", "Cuándo se dio el paso."),
    (
        "reason",
        "string",
        "El motivo registrado con el paso (abreviado a 100 caracteres; el completo está en `superseded-readings`).",
    ),
    ("approved_at", "datetime", "Cuándo se aprobó el dato."),
    ("corrects", "integer", DESCRIPTIONS["corrects"]),
]
SUPERSEDED_COLUMNS = [
    ("id", "integer", "id del dato que dejó de estar vigente."),
    ("uid", "string", "Identificador estable (UUID) del dato."),
    ("indicator", "string", DESCRIPTIONS["indicator"]),
    ("office", "string", DESCRIPTIONS["office"]),
    ("period", "date", "Periodo que mide el dato."),
    ("value", "number", "El valor que se publicó."),
    ("source", "string", "Fuente del valor publicado."),
    ("note", "string", "Nota del valor publicado."),
    (
        "provenance",
        "string",
        "Quién respalda la cifra: `cited` (citada del plan), `registered` (registrada por la municipalidad) o `demo`.",
    ),
    ("status", "string", "`superseded` (reemplazado por una corrección) o `withdrawn` (retirado)."),
    ("approved_at", "datetime", "Cuándo se aprobó el valor."),
    ("superseded_at", "datetime", "Cuándo lo reemplazó una corrección aprobada."),
    (
        "corrected_by",
        "integer",
        "id de la corrección que lo reemplazó (tabla `readings`, o esta misma si también fue reemplazada).",
    ),
    ("correction_reason", "string", "Motivo de la corrección que lo reemplazó."),
    ("withdrawn_at", "datetime", "Cuándo se retiró."),
    ("withdrawal_reason", "string", "Motivo del retiro."),
]
UNIT_COLUMNS = [
    ("entity", "string", "Ubigeo de la entidad dueña de la unidad; vacío: una unidad del catálogo nacional."),
    ("code", "string", "Código de la unidad."),
    ("name", "string", "Nombre de la unidad."),
    ("symbol", "string", "Símbolo con que se muestran los valores."),
    ("min_value", "number", "Valor mínimo válido (vacío: sin mínimo)."),
    ("max_value", "number", "Valor máximo válido (vacío: sin máximo)."),
    ("decimals", "integer", "Decimales con que se registran y muestran los valores."),
]
OWN_COLUMNS = {"units": UNIT_COLUMNS, "reading-history": HISTORY_COLUMNS, "superseded-readings": SUPERSEDED_COLUMNS}


def table_fields(table: str) -> list[dict]:
    """Each column of a table as a Table Schema field: name, type, description (Spanish) and, for
    measured values, the unit."""
    with translation.override("es"):
        if table in OWN_COLUMNS:
            fields = [{"name": n, "type": t, "description": d} for n, t, d in OWN_COLUMNS[table]]
        else:
            fields = _serializer_fields(table)
    for field in fields:
        unit = UNITS.get((table, field["name"]))
        if unit:
            field["description"] += f" Unidad: {unit}."
            field["unit"] = unit
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
    """The data dictionary the open-data page shows: each table with its columns."""
    tables = []
    for table in TABLES:
        fields = [{**field, "type_label": TYPE_LABELS[field["type"]]} for field in table_fields(table.name)]
        tables.append({"table": table, "fields": fields})
    return tables


# --- writing the files ----------------------------------------------------------------------


def _stamp(value) -> str | None:
    """A moment as the API writes it: local time, ISO 8601, `Z` for UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        text = timezone.localtime(value).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return value.isoformat()


def _number(value) -> str | None:
    return None if value is None else str(value)


def _write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        for line in spreadsheets.csv_lines(header, rows):
            out.write(line)


def _write_api_table(path: Path, name: str) -> None:
    """The API list as an anonymous client downloads it, so the file holds exactly the public data."""
    from .api import router

    view = {prefix: viewset for prefix, viewset, _ in router.registry}[name].as_view({"get": "list"})
    response = view(RequestFactory().get(f"/api/v1/{name}/", {"format": "csv", "plan": "all"}))
    with open(path, "wb") as out:
        for chunk in response.streaming_content:
            out.write(chunk if isinstance(chunk, bytes) else chunk.encode())


def _write_units(path: Path) -> None:
    rows = (
        [u.entity.ubigeo if u.entity_id else "", u.code, u.name, u.symbol]
        + [_number(u.min_value), _number(u.max_value), u.decimals]
        for u in Unit.objects.select_related("entity").order_by("entity__ubigeo", "code")
    )
    _write_csv(path, [c[0] for c in UNIT_COLUMNS], rows)


def _was_published():
    """Readings that were public at some moment: approved once, or cited from the plan."""
    from django.db.models import Q

    return Q(approved_at__isnull=False) | Q(is_cited=True)


PUBLIC_STEPS = [ReviewStatus.APPROVED, ReviewStatus.SUPERSEDED, ReviewStatus.WITHDRAWN]
STEP_WORDS = {"+": "created", "~": "changed", "-": "deleted"}


def _write_history(path: Path) -> None:
    records = (
        # A version that was approved, or replaced or withdrawn after being approved (a draft that is
        # withdrawn never had an approval date): what the public saw, and how it stopped being so.
        Reading.history.filter(status__in=PUBLIC_STEPS)
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
            _number(value),
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
        ) in records.iterator(chunk_size=5000)
    )
    _write_csv(path, [c[0] for c in HISTORY_COLUMNS], rows)


def _write_superseded(path: Path) -> None:
    corrections = dict(
        Reading.objects.filter(
            corrects__isnull=False, status__in=[ReviewStatus.APPROVED, ReviewStatus.SUPERSEDED]
        ).values_list("corrects_id", "pk")
    )
    reasons = dict(Reading.objects.filter(pk__in=corrections.values()).values_list("pk", "correction_reason"))
    readings = (
        Reading.objects.filter(status__in=[ReviewStatus.SUPERSEDED, ReviewStatus.WITHDRAWN])
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
    ) in readings.iterator(chunk_size=5000):
        corrected_by = corrections.get(pk) if status == ReviewStatus.SUPERSEDED else None
        rows.append(
            [
                pk,
                str(uid),
                code,
                office,
                _stamp(period),
                _number(value),
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


def descriptor(version: int, changed_at) -> dict:
    """`datapackage.json`: what the package is, who publishes it under which licence, and each
    table's schema."""
    from goals.models import Plan

    site = SiteSettings.load()
    plans = list(Plan.objects.order_by("period_start", "slug"))
    publisher = site.publisher or ", ".join(
        sorted({f"Municipalidad de {p.municipality}" for p in plans if p.municipality})
    )
    sources = [{"title": p.source_document or p.title} for p in plans]
    sources.append({"title": "Datos registrados y aprobados por la municipalidad en este sistema de seguimiento"})
    package = {
        "profile": "tabular-data-package",
        "name": "seguimiento-plan-de-gobierno",
        "title": "Seguimiento del plan de gobierno municipal: datos abiertos",
        "description": "Metas, indicadores y datos aprobados de "
        + (", ".join(p.title for p in plans) or "los planes de gobierno")
        + ", con su historial público y los valores corregidos o retirados. Solo datos públicos.",
        "version": str(version),
        "created": _stamp(timezone.now()),
        "licenses": [{"name": site.license_id, "title": site.license_title, "path": site.license_url}],
        "sources": sources,
        "keywords": ["plan de gobierno", "metas", "indicadores", "rendición de cuentas", "datos abiertos"],
        "resources": [],
    }
    if changed_at:
        package["modified"] = _stamp(changed_at)
    contributor = {"title": publisher or "Municipalidad", "role": "publisher"}
    if site.contact_email:
        contributor["email"] = site.contact_email
    package["contributors"] = [contributor]
    for table in TABLES:
        package["resources"].append(
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
    return package


def build(directory: Path, version: int, changed_at) -> None:
    """Write every table, `datapackage.json` and `export.zip` into `directory` (a new folder)."""
    directory.mkdir(parents=True)
    with translation.override("es"):
        for table in API_TABLES:
            _write_api_table(directory / f"{table.name}.csv", table.name)
        _write_units(directory / "units.csv")
        _write_history(directory / "reading-history.csv")
        _write_superseded(directory / "superseded-readings.csv")
        package = descriptor(version, changed_at)
    (directory / DESCRIPTOR).write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    # The entries carry the data's own date (zipfile's default would be 1980).
    moment = timezone.localtime(changed_at or timezone.now())
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    with zipfile.ZipFile(directory / ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name in [DESCRIPTOR] + [f"{t}.csv" for t in TABLE_NAMES]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(directory / name, "rb") as source, bundle.open(info, "w") as member:
                shutil.copyfileobj(source, member, 1024 * 1024)


# --- once per data version, under a lock ------------------------------------------------------


def root() -> Path:
    return Path(settings.OPEN_DATA_ROOT)


def version_dir(version: int) -> Path:
    return root() / f"v{version}"


@contextmanager
def build_lock(wait: bool = True):
    """One builder at a time, across processes: PostgreSQL's advisory lock (across servers),
    a file lock elsewhere (across the processes of one server). Yields whether this process holds
    it: always when `wait`, else only if nobody else was building."""
    root().mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if wait:
                cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
                held = True
            else:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
                held = cursor.fetchone()[0]
            try:
                yield held
            finally:
                if held:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
    else:
        with open(root() / ".lock", "w") as handle:
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


def current(force: bool = False) -> Path:
    """The folder of the current data version's package, built now if it does not exist yet."""
    version, changed_at = DataVersion.current()
    final = version_dir(version)
    if final.is_dir() and not force:
        return final
    with build_lock():
        return _build_holding_the_lock(version, changed_at, final, force)


def servable() -> Path:
    """The package to send a visitor now. The current version's when it is built; when nobody is
    building it, this request builds it (the first visitor after a change pays, once); while
    another process is building it, the newest older package, at once, instead of holding a
    worker for the build's minute (two such downloads would hold both workers of a small server).
    An older package says which data version it is (its descriptor, its ETag); only when there is
    none does the visitor wait for the build."""
    version, changed_at = DataVersion.current()
    final = version_dir(version)
    if final.is_dir():
        return final
    with build_lock(wait=False) as held:
        if held:
            return _build_holding_the_lock(version, changed_at, final, force=False)
    older = [child for child in root().iterdir() if child.name.startswith("v") and 0 <= _version_of(child) < version]
    if older:
        return max(older, key=_version_of)
    return current()


def _build_holding_the_lock(version: int, changed_at, final: Path, force: bool) -> Path:
    if final.is_dir() and not force:  # another request built it while this one waited
        return final
    staging = root() / f".tmp-{version}-{uuid.uuid4().hex}"
    try:
        build(staging, version, changed_at)
        if final.is_dir():
            shutil.rmtree(final)
        os.rename(staging, final)  # atomic: a folder that exists is complete
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    clean(keep=final)
    return final


def _version_of(folder: Path) -> int:
    return int(folder.name[1:]) if folder.name[1:].isdigit() else -1


def clean(keep: Path) -> list[Path]:
    """Remove the folders of older versions (an open download keeps reading its file: POSIX frees it
    at close) and staging folders older than a day (a build that died). A newer version's folder
    stays: a request that read the version before an approval may build after the request that
    read it after."""
    removed = []
    for child in root().iterdir():
        stale_staging = child.name.startswith(".tmp-") and time.time() - child.stat().st_mtime > 86400
        older = child.name.startswith("v") and _version_of(child) < _version_of(keep)
        if child.is_dir() and child != keep and (older or stale_staging):
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child)
    return removed
