"""Reading a plan file into a `Draft`: the bounded, streamed XLSX reader every import shares
(`indicators.workbooks`), each cell parsed and every problem collected with its sheet, row and
column; the codes of problems, objectives and targets follow the rows. Nothing is written here."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import slugify
from django.utils.translation import gettext

from alignment.models import AlignmentLevel, AlignmentObjective
from core.models import Entity
from core.sheets import ErrorReport, is_blank, plain_name
from core.text import VisibleText, invisible_message
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
from indicators.models import Direction, Frequency, Indicator, Office, Unit
from indicators.validation import parse_value, quoted, shortened
from indicators.workbooks import FileRefused, bounded_workbook, sheet_rows

from .schema import (
    COMPARATORS,
    DELIVERED_UNIT,
    FREQUENCIES,
    KINDS,
    LEVEL_CODES,
    MAX_ROWS_PER_SHEET,
    MAX_UNPACKED_BYTES,
    NUMBERLESS_DELIVERED,
    PLAN_FIELDS,
    REQUIRED_SHEETS,
    SHEETS,
    TARGET_COLUMNS,
)

# --- problems -----------------------------------------------------------------------------------


class CellProblem(ValueError):
    """A cell's value refused, with the Spanish reason."""


@dataclass
class Report(ErrorReport):
    """What an import did, or would do, or why it cannot: its errors (`core.sheets`, each naming
    its sheet, row and column), and what it created, updated and left as it was."""

    plan: Plan | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    targets: list = field(default_factory=list)
    # Each counted plural name ("metas") with its singular ("meta"), for "1 meta, 3 metas".
    singular: dict = field(default_factory=dict)

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
                name = plain_name(worksheet.title)
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
            header = [plain_name(cell) for cell in row]
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
        cells = {column: row[i] if i < len(row) else None for column, i in positions.items()}
        for column, model_field in TEXT_FIELDS.get(name, {}).items():
            if column in cells and not text_fits(report, name, number, column, cells[column], model_field):
                cells[column] = None  # refused: the report says why; nothing is written
        sheet.rows.append((number, cells))
    return sheet


# The model field each text column is written to: its limits (length, invisible characters) are
# the cell's. The `plan` sheet's `valor` takes its field's, row by row (`parse_plan`).
TEXT_FIELDS = {
    "ejes": {
        "nombre": (StrategicAxis, "name"),
        "objetivo": (StrategicAxis, "objective"),
        "objetivo_anexo": (StrategicAxis, "annex_objective"),
    },
    "metas": {
        "dimension": (Dimension, "name"),
        "problema": (Problem, "text"),
        "objetivo": (Objective, "text"),
        "meta": (Target, "sentence"),
        "codigo_indicador": (Indicator, "code"),
        "indicador": (Indicator, "name"),
        "unidad": (Target, "unit"),
        "fuente_linea_base": (Target, "baseline_source"),
        "unidad_indicador": (Unit, "name"),
        "oficina": (Office, "name"),
        "proyecto": (Project, "code"),
    },
    "articulacion": {
        "nivel": (AlignmentLevel, "name"),
        "plan_fuente": (AlignmentLevel, "source_plan"),
        "objetivo": (AlignmentObjective, "text"),
    },
    "proyectos": {
        "codigo": (Project, "code"),
        "nombre": (Project, "name"),
        "objetivo": (Objective, "text"),
        "cui": (Project, "cui"),
        "descripcion": (Project, "description"),
    },
}


def plan_text_field(spec) -> tuple:
    """The model field a text row of the `plan` sheet is written to: the plan's, or its entity's
    (`entity.title` is no field: the entity is found by it, never written)."""
    entity_field = spec.attribute.removeprefix("entity.")
    model, name = (Entity, entity_field) if entity_field != spec.attribute else (Plan, spec.attribute)
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return None, None
    return model, name


def text_fits(report: Report, sheet: str, number: int, column: str, value, model_field) -> bool:
    """Whether a text cell fits the model field it is written to: no longer than the field's
    `max_length`, and without invisible characters where the field refuses them (core.text).
    A refusal goes to `report` naming the sheet, the row and the column."""
    if value is None or isinstance(value, (int, float, Decimal, date, datetime)):
        return True
    model, name = model_field
    if model is None:
        return True
    field = model._meta.get_field(name)
    text = str(value)
    if field.max_length is not None and len(text) > field.max_length:
        report.add(
            sheet,
            number,
            column,
            gettext("el texto tiene %(count)s caracteres; el máximo es %(most)s.")
            % {"count": f"{len(text):,}", "most": f"{field.max_length:,}"},
        )
        return False
    refusals = [
        message
        for validator in field.validators
        if isinstance(validator, VisibleText) and (message := invisible_message(text, validator.label))
    ]
    for message in refusals:
        report.add(sheet, number, column, message)
    return not refusals


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
        name = plain_name(row.get("campo"))
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
        if spec.kind == "text" and not text_fits(report, "plan", number, "valor", value, plan_text_field(spec)):
            draft.plan[name] = None
            failed.add(name)
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


def parse_target(number, row, objective, end, draft: Draft, report: Report):
    sentence = same_text(as_text(row.get("meta")))
    if not sentence:
        if filled := [c for c in TARGET_COLUMNS if not is_blank(row.get(c))]:
            report.add(
                "metas", number, filled[0], gettext("la fila no tiene meta: deje vacías las columnas de la meta.")
            )
        return
    errors_before = report.error_count
    kind_text = plain_name(row.get("tipo"))
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
        frequency = FREQUENCIES.get(plain_name(row.get("frecuencia")))
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
        code = LEVEL_CODES.get(plain_name(level_name)) or slugify(level_name)[:40]
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
