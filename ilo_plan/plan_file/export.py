"""Writing a plan out as a plan file (the empty template, or a plan from the database) that
`import_plan` reads back unchanged."""

from __future__ import annotations

import io
from decimal import Decimal

from alignment.models import AlignmentLink, AlignmentObjective
from core.spreadsheets import inert_row, number_cell
from goals.models import (
    Objective,
    Plan,
    Project,
    Target,
)

from .schema import FREQUENCIES, KINDS, PLAN_FIELDS, SHEETS

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
            sheet.append(inert_row(sheet, row))
    notes = workbook.create_sheet("instrucciones")
    for line in INSTRUCTIONS:
        notes.append([line])
    for spec in PLAN_FIELDS:
        kind = KIND_WORDS[spec.kind]
        notes.append([f"plan · {spec.campo}: {'obligatorio' if spec.required else 'opcional'} ({kind})"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_rows(plan: Plan) -> dict[str, list[list]]:
    rows: dict[str, list[list]] = {}
    rows["plan"] = []
    for spec in PLAN_FIELDS:
        value = plan
        for name in spec.attribute.split("."):
            value = getattr(value, name)
        if value in (None, ""):
            continue
        rows["plan"].append([spec.campo, number_cell(value) if isinstance(value, Decimal) else value])
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
                    number_cell(target.value),
                    number_cell(baseline.value),
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
