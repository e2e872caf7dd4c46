"""The plan file: a whole plan de gobierno in one XLSX workbook (docs/plan-file.md), read, checked
and written all or nothing; and written back out from the database (the template, a plan's file).

Reading goes through the bounded, streamed XLSX reader every import shares
(`indicators.workbooks`). Every problem is collected, each naming its sheet, row and column
("hoja metas, fila 4, columna comparador: «~» no es un comparador"), and a file with any
problem writes nothing. Writing finds every record by its natural key and saves only what
differs, so importing the same file twice changes nothing, history included.

Sheets (names and columns forgive accents and case):
- plan: campo, valor (one row per field: slug, titulo, entidad, ...).
- ejes (optional): numero, nombre, objetivo[, objetivo_anexo].
- metas: one row per target; a row with an empty `meta` is an objective without a target.
- articulacion (optional): nivel, plan_fuente, objetivo, eje[, numero].
- proyectos (optional): codigo, nombre, objetivo[, cui, descripcion].
Codes follow the rows: problem S1 (first letters of the dimension, then its place), objective
S1.1, target S1.1-M (S1.1-M2 for a second target of the same objective)."""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max, Q
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy, ngettext

from alignment.models import AlignmentLevel, AlignmentLink, AlignmentObjective, AlignmentRow
from core.entities import legacy_entity
from core.models import Entity
from core.scoping import scope
from goals.models import (
    Dimension,
    Objective,
    Plan,
    Problem,
    Project,
    StrategicAxis,
    Target,
    TargetKind,
)
from indicators import access, units
from indicators.models import Direction, Frequency, Indicator, Office, Unit
from indicators.spreadsheets import XML_ILLEGAL, is_risky
from indicators.validation import parse_value, quoted, shortened
from indicators.workbooks import MB, FileRefused, bounded_workbook, sheet_rows

MAX_ROWS_PER_SHEET = 5000
MAX_UNPACKED_BYTES = 20 * MB
MAX_MESSAGES = 100
CHANGE_REASON = "importación del archivo de plan"


# --- what the file holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    help: str = ""


SHEETS: dict[str, list[Column]] = {
    "plan": [
        Column("campo", True, "El nombre del dato: slug, titulo, entidad, ... (ver las filas de abajo)."),
        Column("valor", True, "Su valor."),
    ],
    "ejes": [
        Column("numero", True, "1, 2, 3 ..."),
        Column("nombre", True, "El eje estratégico como lo enuncia el plan."),
        Column("objetivo", True, "El objetivo del plan para ese eje."),
        Column("objetivo_anexo", False, "El objetivo como lo escribe el anexo de articulación, si difiere."),
    ],
    "metas": [
        Column("dimension", True, "Social, Económica, Ambiental, Institucional (u otra)."),
        Column("problema", True, "El problema identificado. Filas con el mismo texto comparten el problema."),
        Column("objetivo", True, "El objetivo estratégico. Filas con el mismo texto comparten el objetivo."),
        Column("meta", True, "La meta como la escribe el plan. Vacía: un objetivo sin meta."),
        Column("eje", False, "Número del eje (hoja ejes) al que pertenece el objetivo."),
        Column("codigo_indicador", False, "Código del indicador (AGUA-HORAS); si existe se reutiliza."),
        Column("indicador", False, "Nombre del indicador, si el código es nuevo."),
        Column(
            "unidad",
            True,
            "La unidad de la meta, como la dice el plan: %, horas al día, denuncias ... "
            "Vacía en un entregable sin número.",
        ),
        Column("tipo", True, "numero, entregable o recurrente."),
        Column(
            "comparador",
            True,
            "<, <=, >=, > o = (también ≤ y ≥). Un entregable con comparador, valor_meta y unidad vacíos: "
            "uno entregado (≥ 1).",
        ),
        Column("valor_meta", True, "El número de la meta. Vacío en un entregable sin número."),
        Column("linea_base", False, "Valor de la línea de base, si el plan la da."),
        Column("anio_linea_base", False, "Año de la línea de base."),
        Column("fuente_linea_base", False, "De dónde sale la línea de base."),
        Column("fecha_meta", False, "Plazo (dd/mm/aaaa, o una fecha de Excel); vacío: el fin del periodo."),
        Column("unidad_indicador", False, "Unidad del indicador nuevo, si no es la de la meta."),
        Column("oficina", False, "Oficina responsable del indicador nuevo (código o nombre)."),
        Column("frecuencia", False, "Del indicador nuevo: mensual, trimestral, semestral o anual (por defecto)."),
        Column(
            "proyecto", False, "Código del proyecto (hoja proyectos) de cuyos hitos sale el avance de un entregable."
        ),
    ],
    "articulacion": [
        Column("nivel", True, "nacional, regional, provincial u otro nivel."),
        Column("plan_fuente", True, "El plan de ese nivel: Plan Estratégico de Desarrollo Nacional ..."),
        Column("objetivo", True, "El objetivo de ese plan."),
        Column("eje", False, "Número del eje del plan con que se articula. Vacío: el objetivo se lista sin fila."),
        Column("numero", False, "El número del objetivo en su plan; vacío: el orden de aparición."),
    ],
    "proyectos": [
        Column("codigo", True, "Código del proyecto: PTAR-NORTE."),
        Column("nombre", True, "Nombre del proyecto."),
        Column("objetivo", True, "El texto del objetivo (hoja metas) que lo nombra."),
        Column("cui", False, "Código Único de Inversiones (7 dígitos), si lo tiene."),
        Column("descripcion", False, "Descripción."),
    ],
}
REQUIRED_SHEETS = ["plan", "metas"]


@dataclass(frozen=True)
class PlanField:
    campo: str
    attribute: str
    kind: str = "text"
    required: bool = False
    # False: a fact of the entity, not of the plan (read to find the entity, written out from it).
    on_plan: bool = True


PLAN_FIELDS = [
    PlanField("slug", "slug", required=True),
    PlanField("titulo", "title", required=True),
    PlanField("ubigeo", "entity.ubigeo", on_plan=False),
    PlanField("entidad", "entity.title", on_plan=False),
    PlanField("organizacion_politica", "party", required=True),
    PlanField("inicio", "period_start", "date", required=True),
    PlanField("fin", "period_end", "date", required=True),
    PlanField("fuente", "source_document"),
    PlanField("provincia", "entity.province", on_plan=False),
    PlanField("departamento", "entity.department", on_plan=False),
    PlanField("fecha_creacion", "province_created_on", "date"),
    PlanField("superficie_km2", "area_km2", "decimal"),
    PlanField("poblacion", "population", "integer"),
    PlanField("poblacion_fuente", "population_source"),
    PlanField("poblacion_anio", "population_year", "integer"),
    PlanField("distancia_lima_km", "distance_to_capital_km", "integer"),
    PlanField("latitud", "latitude_range"),
    PlanField("longitud", "longitude_range"),
    PlanField("ubicacion", "location"),
]

KINDS = {"numero": TargetKind.NUMBER, "entregable": TargetKind.DELIVERED, "recurrente": TargetKind.RECURRING}
COMPARATORS = {"<": "<", "<=": "<=", ">=": ">=", ">": ">", "=": "=", "≤": "<=", "≥": ">=", "=<": "<=", "=>": ">="}
FREQUENCIES = {
    "mensual": Frequency.MONTHLY,
    "trimestral": Frequency.QUARTERLY,
    "semestral": Frequency.SEMIANNUAL,
    "anual": Frequency.ANNUAL,
}
# The levels of Peru's planning system keep the codes the site's addresses already use.
LEVEL_CODES = {"nacional": "national", "regional": "regional", "provincial": "provincial", "local": "local"}


# --- problems -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = [gettext("hoja %(sheet)s") % {"sheet": self.sheet}] if self.sheet else []
        if self.row is not None:
            where.append(gettext("fila %(row)s") % {"row": self.row})
        if self.column:
            where.append(gettext("columna %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


class CellProblem(ValueError):
    """A cell's value refused, with the Spanish reason."""


@dataclass
class Report:
    """What an import did, or would do, or why it cannot."""

    errors: list[CellError] = field(default_factory=list)
    error_count: int = 0
    plan: Plan | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    targets: list = field(default_factory=list)
    # Each counted plural name ("metas") with its singular ("meta"), for "1 meta, 3 metas".
    singular: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.error_count

    def add(self, sheet, row, column, message):
        self.error_count += 1
        if len(self.errors) < MAX_MESSAGES:
            self.errors.append(CellError(sheet, row, column, message))

    def lines(self, limit: int = MAX_MESSAGES) -> list[str]:
        shown = [str(error) for error in self.errors[:limit]]
        if (hidden := self.error_count - len(shown)) > 0:
            shown.append(
                ngettext("… y %(count)s error más.", "… y %(count)s errores más.", hidden) % {"count": f"{hidden:,}"}
            )
        return shown

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def summary(self) -> str:
        def part(counter):
            counts = [counted(n, self.singular.get(name, name), name) for name, n in counter.items() if n]
            return ", ".join(counts) or gettext("nada")

        return gettext("creados: %(created)s; actualizados: %(updated)s.") % {
            "created": part(self.created),
            "updated": part(self.updated),
        }


def counted(count: int, singular, plural) -> str:
    """'1 plan de gobierno', '3 metas': the model's own names (verbose_name and verbose_name_plural,
    already in the active language), the one its count takes. Both languages of the site take the
    singular for one only; a catalogue entry with the noun as a placeholder cannot say more
    (msgfmt refuses a plural form whose placeholder differs from the singular's)."""
    return f"{count} {singular if count == 1 else plural}"


# --- reading cells ------------------------------------------------------------------------------


def plain(text) -> str:
    """A sheet or column name as the file may write it: accents, case and spaces forgiven."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def is_blank(cell) -> bool:
    return cell is None or not str(cell).strip()


def as_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, datetime):
        cell = cell.date()
    if isinstance(cell, date):
        return cell.isoformat()
    return re.sub(r"[ \t]+", " ", str(cell)).strip()


def same_text(text: str) -> str:
    """The key by which two rows name the same problem, objective or axis: spaces folded."""
    return re.sub(r"\s+", " ", text).strip()


def as_number(cell) -> Decimal:
    try:
        return parse_value(cell)
    except ValueError as error:
        raise CellProblem(str(error)) from error


def as_integer(cell, low=None, high=None) -> int:
    value = as_number(cell)
    if value != value.to_integral_value():
        raise CellProblem(gettext("%(cell)s no es un número entero.") % {"cell": quoted(as_text(cell))})
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise CellProblem(
            gettext("%(value)s está fuera de rango (%(low)s a %(high)s).") % {"value": value, "low": low, "high": high}
        )
    return value


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def as_date(cell) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = as_text(cell)
    for pattern in DATE_FORMATS if len(text) <= 10 else []:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellProblem(gettext("%(cell)s no es una fecha: use dd/mm/aaaa (31/12/2026).") % {"cell": quoted(text)})


def as_year(cell) -> int:
    return as_integer(cell, 1900, 2200)


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, dict]]
    columns: set[str]


def read_sheets(data, report: Report) -> dict[str, Sheet]:
    """Every known sheet as (row number as Excel shows it, {column: cell}); other sheets (the
    template's instructions) are left alone. Problems go to `report`."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    sheets: dict[str, Sheet] = {}
    try:
        label = gettext("para un archivo de plan de %(count)s filas por hoja") % {"count": f"{MAX_ROWS_PER_SHEET:,}"}
        advice = gettext("divida el plan.")
        with bounded_workbook(stream, MAX_UNPACKED_BYTES, label, advice) as workbook:
            for worksheet in workbook.worksheets:
                name = plain(worksheet.title)
                if name not in SHEETS:
                    continue
                if name in sheets:
                    report.add(name, None, None, gettext("la hoja está dos veces en el libro."))
                    continue
                sheets[name] = read_sheet(name, sheet_rows(worksheet), report)
    except FileRefused as refusal:
        report.add(None, None, None, str(refusal))
    except Exception as error:  # a corrupt workbook can raise many things; the user needs one sentence
        report.add(
            None, None, None, gettext("No se pudo leer el archivo: %(error)s") % {"error": shortened(error, 200)}
        )
    for name in REQUIRED_SHEETS:
        if report.ok and name not in sheets:
            report.add(
                name,
                None,
                None,
                gettext("falta la hoja «%(sheet)s». El libro debe tener las hojas plan y metas.") % {"sheet": name},
            )
    return sheets


def read_sheet(name: str, rows, report: Report) -> Sheet:
    known = {column.name for column in SHEETS[name]}
    positions = None
    sheet = Sheet(name, [], set())
    for number, row in enumerate(rows, start=1):
        if number > 2 * MAX_ROWS_PER_SHEET:
            raise FileRefused(too_many_rows(name))
        if all(is_blank(cell) for cell in row):
            continue
        if positions is None:
            header = [plain(cell) for cell in row]
            positions = {}
            for index, column in enumerate(header):
                if not column:
                    continue
                if column not in known:
                    report.add(
                        name, number, as_text(row[index]), gettext("columna desconocida.") + " " + expected(name)
                    )
                elif column in positions:
                    report.add(name, number, column, gettext("la columna está dos veces."))
                else:
                    positions[column] = index
            for column in SHEETS[name]:
                if column.required and column.name not in positions:
                    report.add(name, number, column.name, gettext("falta la columna.") + " " + expected(name))
            sheet.columns = set(positions)
            continue
        if len(sheet.rows) >= MAX_ROWS_PER_SHEET:
            raise FileRefused(too_many_rows(name))
        sheet.rows.append((number, {column: row[i] if i < len(row) else None for column, i in positions.items()}))
    return sheet


def too_many_rows(name: str) -> str:
    return gettext("La hoja %(sheet)s pasa de %(count)s filas.") % {"sheet": name, "count": f"{MAX_ROWS_PER_SHEET:,}"}


def expected(name: str) -> str:
    return gettext("Se esperan: %(columns)s.") % {"columns": ", ".join(c.name for c in SHEETS[name])}


# --- the plan the file describes ---------------------------------------------------------------


@dataclass
class Origin:
    sheet: str
    row: int


@dataclass
class DraftIndicator:
    code: str
    name: str
    unit_text: str
    office_text: str
    frequency: str
    direction: str
    baseline: tuple | None
    origin: Origin


@dataclass
class DraftTarget:
    objective_key: str
    sentence: str
    kind: str
    comparator: str
    value: Decimal
    unit: str
    deadline: date | None
    indicator_code: str
    project_code: str
    baseline: tuple | None
    origin: Origin
    code: str = ""
    order: int = 0


@dataclass
class Draft:
    plan: dict = field(default_factory=dict)
    plan_origin: dict = field(default_factory=dict)
    axes: dict = field(default_factory=dict)  # number → {name, objective, annex_objective, origin}
    dimensions: dict = field(default_factory=dict)  # slug → {name, number, prefix, origin}
    problems: dict = field(default_factory=dict)  # text → {dimension, order, code, origin}
    objectives: dict = field(default_factory=dict)  # text → {problem, axis, order, code, origin}
    targets: list[DraftTarget] = field(default_factory=list)
    indicators: dict = field(default_factory=dict)  # code → DraftIndicator (first row naming it)
    projects: dict = field(default_factory=dict)  # code → {name, objective, cui, description, origin}
    levels: dict = field(default_factory=dict)  # code → {name, source_plan, order, origin}
    alignment_objectives: dict = field(default_factory=dict)  # (level, text) → {number, origin}
    rows: dict = field(default_factory=dict)  # axis number → {number, links: [(level, text)]}


def parse(sheets: dict[str, Sheet], report: Report) -> Draft:
    draft = Draft()
    parse_plan(sheets["plan"], draft, report)
    if "ejes" in sheets:
        parse_axes(sheets["ejes"], draft, report)
    parse_targets(sheets["metas"], draft, report)
    if "proyectos" in sheets:
        parse_projects(sheets["proyectos"], draft, report)
    if "articulacion" in sheets:
        parse_alignment(sheets["articulacion"], draft, report)
    return draft


def cell(report: Report, sheet: str, number: int, column: str, parser, value):
    """`parser(value)`, or None with the problem reported against the cell."""
    try:
        return parser(value)
    except CellProblem as problem:
        report.add(sheet, number, column, str(problem))
        return None


def parse_plan(sheet: Sheet, draft: Draft, report: Report):
    fields = {f.campo: f for f in PLAN_FIELDS}
    parsers = {"text": as_text, "date": as_date, "decimal": as_number, "integer": lambda c: as_integer(c, 0)}
    failed = set()
    for number, row in sheet.rows:
        name = plain(row.get("campo"))
        if name not in fields:
            report.add(
                "plan",
                number,
                "campo",
                gettext("%(cell)s no es un campo del plan. Campos: %(fields)s.")
                % {"cell": quoted(as_text(row.get("campo"))), "fields": ", ".join(fields)},
            )
            continue
        if name in draft.plan:
            report.add(
                "plan",
                number,
                "campo",
                gettext("el campo %(field)s ya está en la fila %(row)s.")
                % {"field": name, "row": draft.plan_origin[name]},
            )
            continue
        spec, value = fields[name], row.get("valor")
        draft.plan_origin[name] = number
        if is_blank(value):
            draft.plan[name] = "" if spec.kind == "text" else None
            continue
        draft.plan[name] = cell(report, "plan", number, "valor", parsers[spec.kind], value)
        if draft.plan[name] is None:
            failed.add(name)
    for spec in PLAN_FIELDS:
        if not spec.required or spec.campo in failed:
            continue
        if spec.campo not in draft.plan_origin:
            report.add("plan", None, "campo", gettext("falta el campo %(field)s.") % {"field": spec.campo})
        elif is_blank(draft.plan[spec.campo]):
            report.add(
                "plan",
                draft.plan_origin[spec.campo],
                "valor",
                gettext("falta el valor de %(field)s.") % {"field": spec.campo},
            )
    start, end = draft.plan.get("inicio"), draft.plan.get("fin")
    if isinstance(start, date) and isinstance(end, date) and start >= end:
        report.add("plan", draft.plan_origin["fin"], "valor", gettext("el periodo debe terminar después de empezar."))


def parse_axes(sheet: Sheet, draft: Draft, report: Report):
    for number, row in sheet.rows:
        axis = cell(report, "ejes", number, "numero", lambda c: as_integer(c, 1, 99), row.get("numero"))
        name, objective = as_text(row.get("nombre")), as_text(row.get("objetivo"))
        for column, text in (("nombre", name), ("objetivo", objective)):
            if not text:
                report.add("ejes", number, column, gettext("está vacía."))
        if axis is None:
            continue
        if axis in draft.axes:
            report.add(
                "ejes",
                number,
                "numero",
                gettext("el eje %(axis)s ya está en la fila %(row)s.")
                % {"axis": axis, "row": draft.axes[axis]["origin"].row},
            )
            continue
        draft.axes[axis] = {"name": name, "objective": objective, "origin": Origin("ejes", number)}
        if "objetivo_anexo" in sheet.columns:
            draft.axes[axis]["annex_objective"] = as_text(row.get("objetivo_anexo"))


def axis_number(report, sheet, number, value, draft) -> int | None:
    if is_blank(value):
        return None
    axis = cell(report, sheet, number, "eje", lambda c: as_integer(c, 1, 99), value)
    if axis is not None and axis not in draft.axes:
        known = ", ".join(str(n) for n in sorted(draft.axes)) or gettext("ninguno: falta la hoja ejes")
        report.add(
            sheet,
            number,
            "eje",
            gettext("no hay eje %(axis)s en la hoja ejes (ejes: %(known)s).") % {"axis": axis, "known": known},
        )
        return None
    return axis


def parse_targets(sheet: Sheet, draft: Draft, report: Report):
    end = draft.plan.get("fin") if isinstance(draft.plan.get("fin"), date) else None
    for number, row in sheet.rows:
        dimension_name = as_text(row.get("dimension"))
        problem, objective = same_text(as_text(row.get("problema"))), same_text(as_text(row.get("objetivo")))
        for column, text in (("dimension", dimension_name), ("problema", problem), ("objetivo", objective)):
            if not text:
                report.add("metas", number, column, gettext("está vacía."))
        if not (dimension_name and problem and objective):
            continue
        slug = slugify(dimension_name)[:40]
        if not slug:
            report.add(
                "metas",
                number,
                "dimension",
                gettext("%(cell)s no es un nombre de dimensión.") % {"cell": quoted(dimension_name)},
            )
            continue
        known = draft.dimensions.get(slug)
        if known is None:
            draft.dimensions[slug] = {
                "name": dimension_name,
                "number": len(draft.dimensions) + 1,
                "origin": Origin("metas", number),
            }
        elif known["name"] != dimension_name:
            report.add(
                "metas",
                number,
                "dimension",
                gettext(
                    "%(cell)s y %(other)s (fila %(row)s) dan el mismo identificador «%(slug)s»: escriba la dimensión "
                    "igual en todas las filas."
                )
                % {
                    "cell": quoted(dimension_name),
                    "other": quoted(known["name"]),
                    "row": known["origin"].row,
                    "slug": slug,
                },
            )
            continue
        if problem not in draft.problems:
            order = 1 + sum(1 for p in draft.problems.values() if p["dimension"] == slug)
            draft.problems[problem] = {"dimension": slug, "order": order, "origin": Origin("metas", number)}
        elif draft.problems[problem]["dimension"] != slug:
            first = draft.problems[problem]
            report.add(
                "metas",
                number,
                "problema",
                gettext("el mismo problema está en la dimensión %(dimension)s (fila %(row)s).")
                % {"dimension": draft.dimensions[first["dimension"]]["name"], "row": first["origin"].row},
            )
            continue
        axis = axis_number(report, "metas", number, row.get("eje"), draft)
        if objective not in draft.objectives:
            order = 1 + sum(1 for o in draft.objectives.values() if o["problem"] == problem)
            draft.objectives[objective] = {
                "problem": problem,
                "axis": axis,
                "order": order,
                "origin": Origin("metas", number),
            }
        else:
            first = draft.objectives[objective]
            if first["problem"] != problem:
                report.add(
                    "metas",
                    number,
                    "objetivo",
                    gettext("el mismo objetivo está con otro problema (fila %(row)s).") % {"row": first["origin"].row},
                )
                continue
            if not is_blank(row.get("eje")) and axis != first["axis"]:
                report.add(
                    "metas",
                    number,
                    "eje",
                    gettext("el mismo objetivo tiene el eje %(axis)s en la fila %(row)s.")
                    % {"axis": first["axis"] or gettext("(ninguno)"), "row": first["origin"].row},
                )
        parse_target(number, row, objective, end, draft, report)


TARGET_COLUMNS = [
    "codigo_indicador",
    "indicador",
    "unidad",
    "tipo",
    "comparador",
    "valor_meta",
    "linea_base",
    "anio_linea_base",
    "fuente_linea_base",
    "fecha_meta",
    "unidad_indicador",
    "oficina",
    "frecuencia",
    "proyecto",
]


# A delivered target's row with these three empty means one thing delivered: ≥ 1 entregable.
NUMBERLESS_DELIVERED = ("comparador", "valor_meta", "unidad")
DELIVERED_UNIT = "entregable"


def parse_target(number, row, objective, end, draft: Draft, report: Report):
    sentence = same_text(as_text(row.get("meta")))
    if not sentence:
        if filled := [c for c in TARGET_COLUMNS if not is_blank(row.get(c))]:
            report.add(
                "metas", number, filled[0], gettext("la fila no tiene meta: deje vacías las columnas de la meta.")
            )
        return
    errors_before = report.error_count
    kind_text = plain(row.get("tipo"))
    kind = KINDS.get(kind_text)
    if kind is None:
        report.add(
            "metas",
            number,
            "tipo",
            gettext("%(cell)s no es un tipo de meta: use numero, entregable o recurrente.")
            % {"cell": quoted(as_text(row.get("tipo")))},
        )
    if kind == TargetKind.DELIVERED and all(is_blank(row.get(c)) for c in NUMBERLESS_DELIVERED):
        # A thing delivered needs no number: "01 relleno sanitario en funcionamiento" is one delivered.
        comparator, value, unit = ">=", Decimal(1), DELIVERED_UNIT
    else:
        comparator_text = as_text(row.get("comparador")).replace(" ", "")
        comparator = COMPARATORS.get(comparator_text)
        if comparator is None:
            report.add(
                "metas",
                number,
                "comparador",
                gettext("%(cell)s no es un comparador: use <, <=, >=, > o =.") % {"cell": quoted(comparator_text)},
            )
        value = cell(report, "metas", number, "valor_meta", as_number, row.get("valor_meta"))
        unit = as_text(row.get("unidad"))
        if not unit:
            report.add(
                "metas", number, "unidad", gettext("está vacía: escriba la unidad de la meta como la dice el plan.")
            )
    deadline = end
    if not is_blank(row.get("fecha_meta")):
        deadline = cell(report, "metas", number, "fecha_meta", as_date, row.get("fecha_meta"))
    baseline = parse_baseline(number, row, report)
    code = as_text(row.get("codigo_indicador")).upper()
    if kind in (TargetKind.NUMBER, TargetKind.RECURRING) and not code:
        report.add(
            "metas",
            number,
            "codigo_indicador",
            gettext("una meta de tipo %(kind)s necesita su indicador: escriba su código (y su nombre, si es nuevo).")
            % {"kind": kind_text},
        )
    if code:
        parse_indicator(number, row, code, unit, comparator, baseline, draft, report)
    project = as_text(row.get("proyecto")).upper()
    if report.error_count > errors_before:
        return
    draft.targets.append(
        DraftTarget(
            objective_key=objective,
            sentence=sentence,
            kind=kind,
            comparator=comparator,
            value=value,
            unit=unit,
            deadline=deadline,
            indicator_code=code,
            project_code=project,
            baseline=baseline,
            origin=Origin("metas", number),
        )
    )


def parse_baseline(number, row, report: Report):
    value, year = row.get("linea_base"), row.get("anio_linea_base")
    if is_blank(value) and is_blank(year):
        if not is_blank(row.get("fuente_linea_base")):
            report.add("metas", number, "fuente_linea_base", gettext("hay fuente pero no línea de base."))
        return None
    if is_blank(value) or is_blank(year):
        missing = "linea_base" if is_blank(value) else "anio_linea_base"
        report.add("metas", number, missing, gettext("una línea de base necesita su valor y su año."))
        return None
    parsed = cell(report, "metas", number, "linea_base", as_number, value)
    year = cell(report, "metas", number, "anio_linea_base", as_year, year)
    if parsed is None or year is None:
        return None
    return parsed, date(year, 1, 1), as_text(row.get("fuente_linea_base"))


def parse_indicator(number, row, code, unit, comparator, baseline, draft: Draft, report: Report):
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]*", code) or len(code) > 40:
        report.add(
            "metas",
            number,
            "codigo_indicador",
            gettext("%(cell)s no es un código: use mayúsculas, dígitos y guiones, hasta 40 caracteres (AGUA-HORAS).")
            % {"cell": quoted(code)},
        )
        return
    frequency = Frequency.ANNUAL
    if not is_blank(row.get("frecuencia")):
        frequency = FREQUENCIES.get(plain(row.get("frecuencia")))
        if frequency is None:
            report.add(
                "metas",
                number,
                "frecuencia",
                gettext("%(cell)s no es una frecuencia: use mensual, trimestral, semestral o anual.")
                % {"cell": quoted(as_text(row.get("frecuencia")))},
            )
            return
    direction = {"<": Direction.DOWN, "<=": Direction.DOWN, ">": Direction.UP, ">=": Direction.UP}.get(comparator, "")
    draft.indicators.setdefault(
        code,
        DraftIndicator(
            code=code,
            name=as_text(row.get("indicador")),
            unit_text=as_text(row.get("unidad_indicador")) or unit,
            office_text=as_text(row.get("oficina")),
            frequency=frequency,
            direction=direction,
            baseline=baseline,
            origin=Origin("metas", number),
        ),
    )


def parse_projects(sheet: Sheet, draft: Draft, report: Report):
    for number, row in sheet.rows:
        code = as_text(row.get("codigo")).upper()
        objective = same_text(as_text(row.get("objetivo")))
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9.-]*", code) or len(code) > 40:
            report.add(
                "proyectos",
                number,
                "codigo",
                gettext("%(cell)s no es un código: use mayúsculas, dígitos y guiones.") % {"cell": quoted(code)},
            )
            continue
        if code in draft.projects:
            report.add(
                "proyectos",
                number,
                "codigo",
                gettext("el proyecto %(code)s ya está en la fila %(row)s.")
                % {"code": code, "row": draft.projects[code]["origin"].row},
            )
            continue
        if objective not in draft.objectives:
            report.add("proyectos", number, "objetivo", gettext("ese objetivo no está en la hoja metas."))
            continue
        draft.projects[code] = {
            "name": as_text(row.get("nombre")),
            "objective": objective,
            "cui": as_text(row.get("cui")),
            "description": as_text(row.get("descripcion")),
            "origin": Origin("proyectos", number),
        }
    for target in draft.targets:
        if target.project_code and target.project_code not in draft.projects:
            report.add(
                "metas",
                target.origin.row,
                "proyecto",
                gettext("el proyecto %(code)s no está en la hoja proyectos.") % {"code": target.project_code},
            )


def parse_alignment(sheet: Sheet, draft: Draft, report: Report):
    numbered: dict[str, set[int]] = {}
    pending = []
    for number, row in sheet.rows:
        level_name, source, text = (
            as_text(row.get("nivel")),
            as_text(row.get("plan_fuente")),
            as_text(row.get("objetivo")),
        )
        for column, value in (("nivel", level_name), ("plan_fuente", source), ("objetivo", text)):
            if not value:
                report.add("articulacion", number, column, gettext("está vacía."))
        if not (level_name and source and text):
            continue
        text = same_text(text)
        code = LEVEL_CODES.get(plain(level_name)) or slugify(level_name)[:40]
        if not code:
            report.add(
                "articulacion",
                number,
                "nivel",
                gettext("%(cell)s no es un nombre de nivel.") % {"cell": quoted(level_name)},
            )
            continue
        level = draft.levels.setdefault(
            code,
            {
                "name": level_name,
                "source_plan": source,
                "order": len(draft.levels) + 1,
                "origin": Origin("articulacion", number),
            },
        )
        if level["source_plan"] != source:
            report.add(
                "articulacion",
                number,
                "plan_fuente",
                gettext("el nivel %(level)s ya tiene el plan %(plan)s en la fila %(row)s.")
                % {"level": level_name, "plan": quoted(level["source_plan"]), "row": level["origin"].row},
            )
            continue
        axis = axis_number(report, "articulacion", number, row.get("eje"), draft)
        given = None
        if not is_blank(row.get("numero")):
            given = cell(report, "articulacion", number, "numero", lambda c: as_integer(c, 1, 999), row.get("numero"))
        key = (code, text)
        known = draft.alignment_objectives.get(key)
        if known is None:
            known = draft.alignment_objectives[key] = {"number": given, "origin": Origin("articulacion", number)}
            if given is not None:
                if given in numbered.setdefault(code, set()):
                    report.add(
                        "articulacion",
                        number,
                        "numero",
                        gettext("otro objetivo del nivel %(level)s tiene el número %(number)s.")
                        % {"level": level_name, "number": given},
                    )
                numbered[code].add(given)
            else:
                pending.append(key)
        elif given is not None and known["number"] not in (None, given):
            report.add(
                "articulacion",
                number,
                "numero",
                gettext("el mismo objetivo tiene el número %(number)s en la fila %(row)s.")
                % {"number": known["number"], "row": known["origin"].row},
            )
        if axis is not None:
            row_draft = draft.rows.setdefault(axis, {"number": len(draft.rows) + 1, "links": []})
            if key not in row_draft["links"]:
                row_draft["links"].append(key)
    for key in pending:  # objectives without a number take the next free ones, in the order they appear
        used = numbered.setdefault(key[0], set())
        draft.alignment_objectives[key]["number"] = next_free = max(used, default=0) + 1
        used.add(next_free)


# --- codes --------------------------------------------------------------------------------------


def assign_codes(draft: Draft):
    """Problem S1, objective S1.1, target S1.1-M (then -M2 ...): the dimension's shortest prefix
    of its slug that no other dimension shares, then the place of each row."""
    letters = {slug: re.sub(r"[^A-Z0-9]", "", slug.upper()) or "D" for slug in draft.dimensions}
    for slug, word in letters.items():
        others = [w for s, w in letters.items() if s != slug]
        size = 1
        while size < len(word) and any(other.startswith(word[:size]) for other in others):
            size += 1
        draft.dimensions[slug]["prefix"] = word[:size]
    for problem in draft.problems.values():
        problem["code"] = f"{draft.dimensions[problem['dimension']]['prefix']}{problem['order']}"
    for objective in draft.objectives.values():
        objective["code"] = f"{draft.problems[objective['problem']]['code']}.{objective['order']}"
    seen: Counter = Counter()
    for target in draft.targets:
        seen[target.objective_key] += 1
        place = seen[target.objective_key]
        target.order = place
        target.code = draft.objectives[target.objective_key]["code"] + ("-M" if place == 1 else f"-M{place}")


# --- writing ------------------------------------------------------------------------------------

MESSAGE_COLUMNS = {
    "entity": "ubigeo",
    "title": "titulo",
    "party": "organizacion_politica",
    "period_start": "inicio",
    "period_end": "fin",
    "slug": "slug",
}


class Refused(Exception):
    """A record the database or a model rule refused: where it came from and why."""

    def __init__(self, origin: Origin | None, column: str | None, message: str):
        super().__init__(message)
        self.origin, self.column = origin, column


class Writer:
    """Saves the draft through the models, finding each record by its natural key and saving
    only what differs; counts what it created, updated and left as it was."""

    def __init__(self, draft: Draft, report: Report, user, entity: Entity):
        self.draft, self.report, self.user, self.entity = draft, report, user, entity

    def save(self, model, lookup: dict, values: dict, origin: Origin | None, columns: dict | None = None):
        obj = model._default_manager.filter(**lookup).first()
        name = model._meta.verbose_name_plural
        self.report.singular[name] = model._meta.verbose_name
        if obj is None:
            obj = model(**lookup, **values)
            counter = self.report.created
        else:
            if all(getattr(obj, key) == value for key, value in values.items()):
                self.report.unchanged[name] += 1
                return obj
            for key, value in values.items():
                setattr(obj, key, value)
            counter = self.report.updated
        try:
            obj.full_clean()
        except ValidationError as error:
            key, messages = next(iter(error.message_dict.items()))
            raise Refused(origin, (columns or {}).get(key, key), " ".join(messages)) from error
        obj._change_reason = CHANGE_REASON
        if self.user is not None:
            obj._history_user = self.user
        obj.save()
        counter[name] += 1
        return obj

    def write(self) -> Plan:
        draft = self.draft
        # Only the fields the file names: a plan's facts entered in the admin stay when a file
        # leaves them out.
        plan_values = {
            spec.attribute: draft.plan[spec.campo] for spec in PLAN_FIELDS if spec.on_plan and spec.campo in draft.plan
        }
        plan_values.pop("slug")
        plan_values["entity"] = self.entity
        plan_columns = {spec.attribute: "valor" for spec in PLAN_FIELDS}
        plan = self.save(
            Plan, {"slug": draft.plan["slug"]}, plan_values, Origin("plan", draft.plan_origin.get("slug")), plan_columns
        )
        axes = {
            number: self.save(
                StrategicAxis,
                {"plan": plan, "number": number},
                {key: a[key] for key in ("name", "objective", "annex_objective") if key in a},
                a["origin"],
                {"name": "nombre", "objective": "objetivo", "annex_objective": "objetivo_anexo"},
            )
            for number, a in draft.axes.items()
        }
        dimensions = {
            slug: self.save(
                Dimension,
                {"plan": plan, "number": d["number"]},
                {"slug": slug, "name": d["name"]},
                d["origin"],
                {"slug": "dimension", "name": "dimension"},
            )
            for slug, d in draft.dimensions.items()
        }
        problems = {
            text: self.save(
                Problem,
                {"plan": plan, "code": p["code"]},
                {"dimension": dimensions[p["dimension"]], "order": p["order"], "text": text},
                p["origin"],
                {"text": "problema", "dimension": "dimension"},
            )
            for text, p in draft.problems.items()
        }
        objectives = {
            text: self.save(
                Objective,
                {"plan": plan, "code": o["code"]},
                {
                    "problem": problems[o["problem"]],
                    "axis": axes.get(o["axis"]),
                    "order": o["order"],
                    "text": text,
                },
                o["origin"],
                {"text": "objetivo", "axis": "eje", "problem": "problema"},
            )
            for text, o in draft.objectives.items()
        }
        projects = {
            code: self.save(
                Project,
                {"plan": plan, "code": code},
                {
                    "name": p["name"],
                    "objective": objectives[p["objective"]],
                    "cui": p["cui"],
                    "description": p["description"],
                },
                p["origin"],
                {"name": "nombre", "cui": "cui", "description": "descripcion", "objective": "objetivo"},
            )
            for code, p in draft.projects.items()
        }
        indicators = self.indicators()
        for target in draft.targets:
            indicator = indicators.get(target.indicator_code)
            own = None
            if target.baseline is not None and indicator is not None:
                value, when, source = target.baseline
                if (indicator.baseline_value, indicator.baseline_date) != (value, when):
                    own = target.baseline  # a shared indicator keeps its own baseline; this term has another
            self.report.targets.append(
                self.save(
                    Target,
                    {"plan": plan, "code": target.code},
                    {
                        "objective": objectives[target.objective_key],
                        "sentence": target.sentence,
                        "kind": target.kind,
                        "comparator": target.comparator,
                        "value": target.value,
                        "unit": target.unit,
                        "deadline": target.deadline,
                        "indicator": indicator,
                        "project": projects.get(target.project_code),
                        "order": target.order,
                        "baseline_value": own[0] if own else None,
                        "baseline_date": own[1] if own else None,
                        "baseline_source": own[2] if own else "",
                    },
                    target.origin,
                    {
                        "sentence": "meta",
                        "kind": "tipo",
                        "comparator": "comparador",
                        "value": "valor_meta",
                        "unit": "unidad",
                        "deadline": "fecha_meta",
                        "indicator": "codigo_indicador",
                        "project": "proyecto",
                        "baseline_value": "linea_base",
                    },
                )
            )
        self.alignment(plan, axes)
        return plan

    def indicators(self) -> dict[str, Indicator]:
        """The indicators the file names: the entity's own by code (its series continue across its
        terms), and the new ones created in it."""
        draft = self.draft
        existing = {
            i.code: i
            for i in Indicator.objects.filter(entity=self.entity, code__in=list(draft.indicators)).select_related(
                "unit"
            )
        }
        order = (
            (Indicator.objects.filter(entity=self.entity).aggregate(last=Max("order"))["last"] or 0)
            if len(existing) < len(draft.indicators)
            else 0
        )
        for code, item in draft.indicators.items():
            if code in existing:
                continue
            if not item.name:
                raise Refused(
                    item.origin,
                    "indicador",
                    gettext("el indicador %(code)s no existe: escriba su nombre para crearlo.") % {"code": code},
                )
            order += 1
            baseline = item.baseline or (None, None, "")
            existing[code] = self.save(
                Indicator,
                {"entity": self.entity, "code": code},
                {
                    "name": item.name,
                    "unit": self.unit(item),
                    "office": self.office(item),
                    "frequency": item.frequency,
                    "direction": item.direction,
                    "baseline_value": baseline[0],
                    "baseline_date": baseline[1],
                    "baseline_source": baseline[2],
                    "order": order,
                },
                item.origin,
                {"name": "indicador", "unit": "unidad", "office": "oficina", "baseline_value": "linea_base"},
            )
        return existing

    def unit(self, item: DraftIndicator) -> Unit:
        """The unit the file names: one of the national catalogue or of the entity's own, found by
        code, symbol or name (`indicators.units`); a text close to a catalogue unit is refused with
        the catalogue's names; a unit none of them is becomes the entity's own. A catalogue unit is
        never changed by a file."""
        reachable = Unit.objects.filter(Q(entity__isnull=True) | Q(entity=self.entity)).order_by("name")
        match = units.find_unit(item.unit_text, reachable)
        if match.unit is not None:
            return match.unit
        if match.near:
            raise Refused(
                item.origin,
                "unidad",
                gettext(
                    "%(cell)s se parece a %(near)s, pero no es ninguna: escriba una de las unidades del catálogo "
                    "nacional (%(catalogue)s) o una unidad distinta."
                )
                % {
                    "cell": quoted(item.unit_text),
                    "near": units.choices(match.near),
                    "catalogue": units.choices(Unit.objects.catalogue()),
                },
            )
        # A new unit of the entity's own, without a range: the file does not say one; its staff set it.
        code = slugify(item.unit_text)[:40] or "unidad"
        if Unit.objects.catalogue().filter(code=code).exists():
            code = f"{code}-propia"[:40]
        values = {"name": item.unit_text[:80], "symbol": item.unit_text[:40], "decimals": 2}
        return self.save(
            Unit, {"entity": self.entity, "code": code}, values, item.origin, {"code": "unidad", "name": "unidad"}
        )

    def office(self, item: DraftIndicator) -> Office:
        """The office the file names, among the entity's (by code or name), created in the entity
        when it has none such; without one, the entity's default office (`Office.default_for`)."""
        if not item.office_text:
            return Office.objects.default_for(self.entity)
        text = item.office_text
        code = re.sub(r"[^A-Z0-9-]", "", slugify(text).upper())[:40] or "OFICINA"
        for office in Office.objects.filter(entity=self.entity):
            if plain(text) in {plain(office.code), plain(office.name)} or office.code == code:
                return office
        return self.save(
            Office,
            {"entity": self.entity, "code": code},
            {"name": text[:200]},
            item.origin,
            {"code": "oficina", "name": "oficina"},
        )

    def alignment(self, plan: Plan, axes: dict):
        draft = self.draft
        levels = {
            code: self.save(
                AlignmentLevel,
                {"plan": plan, "code": code},
                {"name": level["name"], "source_plan": level["source_plan"], "order": level["order"]},
                level["origin"],
                {"name": "nivel", "source_plan": "plan_fuente", "code": "nivel"},
            )
            for code, level in draft.levels.items()
        }
        objectives = {
            key: self.save(
                AlignmentObjective,
                {"plan": plan, "level": levels[key[0]], "number": item["number"]},
                {"text": key[1]},
                item["origin"],
                {"text": "objetivo", "number": "numero"},
            )
            for key, item in draft.alignment_objectives.items()
        }
        for axis, item in draft.rows.items():
            row = self.save(
                AlignmentRow, {"plan": plan, "number": item["number"]}, {"axis": axes[axis]}, None, {"axis": "eje"}
            )
            for order, key in enumerate(item["links"], start=1):
                self.save(AlignmentLink, {"row": row, "objective": objectives[key]}, {"order": order}, None)


# --- the whole import ---------------------------------------------------------------------------


def import_plan(data, user=None, dry_run: bool = False, entity: Entity | None = None) -> Report:
    """Read, check and (unless `dry_run`, or on any problem) write a plan file, all or nothing.

    `user` is who imports from the admin: the administrador of the plan's entity (an existing plan
    must be open), or a superuser; None is the shell command, which may do both. The plan's entity
    is the one its `ubigeo` names (else its `entidad`'s name, else `entity`, else the importer's
    own); everything is written inside that entity's scope (core.scoping), so a file can change
    nothing of another entity, whatever codes it names."""
    report = Report()
    sheets = read_sheets(data, report)
    if not report.ok:
        return report
    draft = parse(sheets, report)
    if not report.ok:
        return report
    assign_codes(draft)
    owner = plan_entity(draft, user, entity, report)
    if not report.ok:
        return report
    check_permission(draft, user, owner, report)
    if not report.ok:
        return report
    try:
        with transaction.atomic(), scope(entity=owner.pk):
            report.plan = Writer(draft, report, user, owner).write()
            if dry_run:
                transaction.set_rollback(True)
    except Refused as refusal:
        origin = refusal.origin
        report.add(origin.sheet if origin else None, origin.row if origin else None, refusal.column, str(refusal))
    except PermissionDenied as refusal:
        report.add(None, None, None, str(refusal))
    except DatabaseError as error:
        report.add(
            None, None, None, gettext("La base de datos rechazó el plan: %(error)s") % {"error": shortened(error, 200)}
        )
    if not report.ok:
        report.plan = None
        report.targets = []
    return report


def plan_entity(draft: Draft, user, given: Entity | None, report: Report) -> Entity | None:
    """The entity whose term the file is: the one its ubigeo names, else the one its `entidad`
    names ("Municipalidad Provincial de …"), else `given` (the command's --entity), else the
    importer's own. A file of another entity than the importer's is refused."""
    ubigeo, name = draft.plan.get("ubigeo") or "", draft.plan.get("entidad") or ""
    if ubigeo.isdigit() and len(ubigeo) in (1, 3, 5):
        ubigeo = ubigeo.zfill(len(ubigeo) + 1)  # a spreadsheet drops the leading zero of 040101
    row = draft.plan_origin.get("ubigeo") or draft.plan_origin.get("entidad")
    own = access.entity_id(user) if user is not None else None
    found = None
    if ubigeo:
        found = Entity.objects.filter(ubigeo=ubigeo).first()
        if found is None:
            report.add(
                "plan",
                row,
                "valor",
                gettext("no hay una entidad con el ubigeo %(ubigeo)s en el directorio.") % {"ubigeo": quoted(ubigeo)},
            )
            return None
    elif name:
        found = legacy_entity(Entity, municipality=name)
        if found is None and given is None and own is None:
            report.add(
                "plan",
                row,
                "valor",
                gettext("no se sabe qué entidad es %(name)s: escriba su ubigeo (campo ubigeo).")
                % {"name": quoted(name)},
            )
            return None
    found = found or given or (Entity.objects.filter(pk=own).first() if own else None)
    if found is None:
        report.add("plan", None, "campo", gettext("falta el campo ubigeo: el código INEI de la entidad del plan."))
        return None
    if given is not None and found != given:
        report.add(
            "plan",
            row,
            "valor",
            gettext("el archivo es de %(found)s (%(ubigeo)s), no de %(given)s.")
            % {"found": found, "ubigeo": found.ubigeo, "given": given},
        )
    if own is not None and found.pk != own:
        report.add(
            "plan",
            row,
            "valor",
            gettext("el archivo es de %(found)s (%(ubigeo)s): usted trabaja para otra entidad y no puede cargarlo.")
            % {"found": found, "ubigeo": found.ubigeo},
        )
    return found


def check_permission(draft: Draft, user, entity: Entity, report: Report):
    slug = draft.plan.get("slug")
    row = draft.plan_origin.get("slug")
    existing = Plan._base_manager.filter(slug=slug).select_related("entity").first()
    if existing is not None and existing.entity_id != entity.pk:
        report.add(
            "plan",
            row,
            "valor",
            gettext("el identificador %(slug)s ya es de un plan de %(entity)s: elija otro.")
            % {"slug": slug, "entity": existing.entity},
        )
        return
    if user is None:
        return
    if not may_import(user, entity):
        report.add("plan", row, "valor", str(IMPORT_REFUSAL))
    elif existing is not None and not Plan.objects.editable_by(user).filter(pk=existing.pk).exists():
        if existing.is_closed:
            refusal = gettext("no puede cambiar el plan %(slug)s: está cerrado.")
        else:
            refusal = gettext("no puede cambiar el plan %(slug)s: no es de su entidad.")
        report.add("plan", row, "valor", refusal % {"slug": slug})


IMPORT_REFUSAL = gettext_lazy(
    "solo el administrador de la entidad (o un superusuario) carga el archivo de un plan: pídaselo a quien "
    "administra el personal de su entidad."
)


def may_import(user, entity: Entity | None = None) -> bool:
    """Whether `user` loads plan files (of `entity`, when given): a superuser, or an entity's
    administrador for its own entity."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return access.is_entity_admin(user) and (entity is None or access.entity_id(user) == entity.pk)


# --- writing a plan out -------------------------------------------------------------------------

KIND_NAMES = {value: name for name, value in KINDS.items()}
# How the instructions sheet names what each plan field holds (the file is in Spanish).
KIND_WORDS = {"text": "texto", "date": "fecha dd/mm/aaaa", "decimal": "decimal", "integer": "número entero"}
FREQUENCY_NAMES = {value: name for name, value in FREQUENCIES.items()}
INSTRUCTIONS = [
    "Archivo de plan: un plan de gobierno completo, para cargarlo sin programar.",
    "Cárguelo en la administración (Planes de gobierno › Importar un archivo de plan) o con",
    "python manage.py import_plan ARCHIVO.xlsx. Se revisa completo: si una celda tiene un error, no se carga nada.",
    "Cargarlo dos veces no cambia nada; corregido y cargado de nuevo, actualiza el plan del mismo slug.",
    "Hojas: plan (campo, valor), ejes (opcional), metas, articulacion (opcional), proyectos (opcional).",
    "Los nombres de hojas y columnas admiten tildes y mayúsculas. Esta hoja no se lee.",
    "La guía completa, con cada hoja y columna, está en el sitio: /guia/archivo-de-plan/.",
]


def plan_workbook(plan: Plan | None = None) -> bytes:
    """The plan as a plan file (import it and nothing changes), or, without a plan, the empty
    template: every sheet with its headers, each header with a note saying what goes there."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    workbook = Workbook()
    workbook.remove(workbook.active)
    rows = plan_rows(plan) if plan is not None else {"plan": [[spec.campo, None] for spec in PLAN_FIELDS]}
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        sheet.append([column.name for column in columns])
        for header, column in zip(sheet[1], columns, strict=True):
            required = "Obligatoria. " if column.required else "Opcional. "
            header.comment = Comment(required + column.help, "plantilla")
        for row in rows.get(name, []):
            sheet.append(row)
            as_inert_text(sheet[sheet.max_row])
    notes = workbook.create_sheet("instrucciones")
    for line in INSTRUCTIONS:
        notes.append([line])
    for spec in PLAN_FIELDS:
        kind = KIND_WORDS[spec.kind]
        notes.append([f"plan · {spec.campo}: {'obligatorio' if spec.required else 'opcional'} ({kind})"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_inert_text(cells):
    """Text stays text: openpyxl would store a string starting with `=` as a formula (the same
    rule as `indicators.spreadsheets.xlsx_bytes`)."""
    for written in cells:
        if isinstance(written.value, str):
            written.value = XML_ILLEGAL.sub("\ufffd", written.value)
            if is_risky(written.value):
                written.data_type = "s"
                written.quotePrefix = True


def number(value: Decimal | None):
    return None if value is None else (int(value) if value == value.to_integral_value() else float(value))


def plan_rows(plan: Plan) -> dict[str, list[list]]:
    rows: dict[str, list[list]] = {}
    rows["plan"] = []
    for spec in PLAN_FIELDS:
        value = plan
        for name in spec.attribute.split("."):
            value = getattr(value, name)
        if value in (None, ""):
            continue
        rows["plan"].append([spec.campo, number(value) if isinstance(value, Decimal) else value])
    rows["ejes"] = [[a.number, a.name, a.objective, a.annex_objective] for a in plan.axes.order_by("number")]
    targets = Target.objects.filter(plan=plan).select_related("indicator__unit", "indicator__office", "project")
    by_objective: dict[int, list[Target]] = {}
    for target in targets.order_by("objective_id", "order", "code"):
        by_objective.setdefault(target.objective_id, []).append(target)
    rows["metas"] = []
    objectives = Objective.objects.filter(plan=plan).select_related("problem__dimension", "axis")
    for objective in objectives.order_by("problem__dimension__number", "problem__order", "order"):
        start = [objective.problem.dimension.name, objective.problem.text, objective.text]
        axis = objective.axis.number if objective.axis_id else None
        items = by_objective.get(objective.pk) or [None]
        for target in items:
            if target is None:
                rows["metas"].append([*start, None, axis] + [None] * (len(SHEETS["metas"]) - 5))
                continue
            indicator = target.indicator
            baseline = target.baseline
            rows["metas"].append(
                [
                    *start,
                    target.sentence,
                    axis,
                    indicator.code if indicator else None,
                    indicator.name if indicator else None,
                    target.unit,
                    KIND_NAMES[target.kind],
                    target.comparator,
                    number(target.value),
                    number(baseline.value),
                    baseline.date.year if baseline.date else None,
                    baseline.source or None,
                    target.deadline if target.deadline != plan.period_end else None,
                    indicator.unit.name if indicator else None,
                    indicator.office.code if indicator else None,
                    FREQUENCY_NAMES[indicator.frequency] if indicator else None,
                    target.project.code if target.project_id else None,
                ]
            )
    rows["proyectos"] = [
        [p.code, p.name, p.objective.text, p.cui or None, p.description or None]
        for p in Project.objects.filter(plan=plan).select_related("objective").order_by("code")
    ]
    rows["articulacion"] = []
    listed = set()
    links = AlignmentLink.objects.filter(row__plan=plan).select_related("row__axis", "objective__level")
    for link in links.order_by("row__number", "order", "pk"):
        objective = link.objective
        listed.add(objective.pk)
        rows["articulacion"].append(alignment_row(objective, link.row.axis.number))
    unlinked = AlignmentObjective.objects.filter(plan=plan).exclude(pk__in=listed).select_related("level")
    for objective in unlinked.order_by("level__order", "number"):
        rows["articulacion"].append(alignment_row(objective, None))
    return rows


def alignment_row(objective: AlignmentObjective, axis: int | None) -> list:
    level = objective.level
    return [level.name, level.source_plan, objective.text, axis, objective.number]
