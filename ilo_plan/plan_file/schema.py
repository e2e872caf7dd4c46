"""What a plan file holds: its sheets, their columns with the help each one shows, the fields of
the `plan` sheet, and the words the file may use for kinds, comparators, frequencies and levels
(docs/plan-file.md). Read by `read`, written out by `export`."""

from __future__ import annotations

from dataclasses import dataclass

from goals.models import (
    TargetKind,
)
from indicators.models import Frequency
from indicators.workbooks import MB

MAX_ROWS_PER_SHEET = 5000
MAX_UNPACKED_BYTES = 20 * MB
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
