"""Plan files written in the tests: a second plan, small and whole, and ways to break it."""

import copy
import io
from datetime import date

from openpyxl import Workbook

METAS_HEADER = [
    "dimension",
    "problema",
    "objetivo",
    "meta",
    "eje",
    "codigo_indicador",
    "indicador",
    "unidad",
    "tipo",
    "comparador",
    "valor_meta",
    "linea_base",
    "anio_linea_base",
    "fecha_meta",
    "proyecto",
]

# Three dimensions, two axes, five targets of the three kinds, two indicators shared with the
# seed plan (AGUA-HORAS, RENDICION-CUENTAS), two new ones, a project, and an alignment sheet.
SECOND_PLAN = {
    "Plan": [
        ["Campo", "Valor"],
        ["slug", "valle-2023-2026"],
        ["Título", "Plan de Gobierno Municipal del Valle 2023-2026"],
        ["Entidad", "Municipalidad Distrital del Valle"],
        ["ubigeo", "1803"],
        ["organización política", "Movimiento Regional del Valle"],
        ["inicio", date(2023, 1, 1)],
        ["fin", "2026-12-31"],
        ["fuente", "Plan de Gobierno del Valle 2023-2026, presentado al JNE"],
    ],
    "Ejes": [
        ["Número", "Nombre", "Objetivo"],
        [1, "Servicios básicos para todos", "Cerrar las brechas de agua y salud."],
        [2, "Gobierno abierto y empleo", "Un gobierno que rinde cuentas y crea empleo."],
    ],
    "Metas": [
        METAS_HEADER,
        [
            "Social",
            "Agua pocas horas al día",
            "Ampliar las horas de agua",
            "Al menos 20 horas de agua al día.",
            1,
            "AGUA-HORAS",
            "",
            "horas al día",
            "numero",
            "≥",
            20,
            15.5,
            2022,
            None,
            None,
        ],
        [
            "Social",
            "Agua pocas horas al día",
            "Reducir la anemia infantil",
            "Menos del 15% de anemia.",
            1,
            "VALLE-ANEMIA",
            "Niños con anemia en el valle",
            "%",
            "número",
            "<",
            15,
            None,
            None,
            None,
            None,
        ],
        [
            "Económica",
            "Poco empleo juvenil",
            "Abrir un centro de empleo",
            "01 centro de empleo en funcionamiento.",
            2,
            "",
            "",
            "centro",
            "Entregable",
            ">=",
            1,
            None,
            None,
            None,
            "CENTRO-EMPLEO",
        ],
        [
            "Institucional",
            "Poca transparencia",
            "Rendir cuentas cada año",
            "Una rendición de cuentas cada año.",
            2,
            "RENDICION-CUENTAS",
            "",
            "rendiciones",
            "recurrente",
            ">=",
            1,
            None,
            None,
            None,
            None,
        ],
        [
            "Institucional",
            "Poca transparencia",
            "Trámites en línea",
            "Al menos 60% de trámites en línea.",
            2,
            "VALLE-TRAMITES",
            "Trámites que se hacen en línea",
            "%",
            "numero",
            ">=",
            60,
            None,
            None,
            "2026-06-30",
            None,
        ],
    ],
    "Proyectos": [
        ["codigo", "nombre", "objetivo"],
        ["CENTRO-EMPLEO", "Centro de empleo juvenil", "Abrir un centro de empleo"],
    ],
    "Articulación": [
        ["nivel", "plan_fuente", "objetivo", "eje"],
        ["Nacional", "Plan Estratégico de Desarrollo Nacional al 2050", "Acceso universal a servicios de calidad", 1],
        ["Regional", "Plan de Desarrollo Regional Concertado del Valle", "Gobierno regional abierto", 2],
        ["Regional", "Plan de Desarrollo Regional Concertado del Valle", "Empleo digno", 2],
    ],
}
SECOND_SLUG = "valle-2023-2026"


def workbook(sheets: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def second_plan(change=None) -> bytes:
    """The second plan's file, after `change(sheets)` when given (to break it)."""
    sheets = copy.deepcopy(SECOND_PLAN)
    if change:
        change(sheets)
    return workbook(sheets)


def minimal_plan(slug="sin-ejes-2023-2026") -> bytes:
    """A plan of another entity (the district of El Algarrobal, 180302) with no axes, no alignment
    and no diagnosis: one dimension, one numeric target."""
    return workbook(
        {
            "plan": [
                ["campo", "valor"],
                ["slug", slug],
                ["titulo", "Plan mínimo"],
                ["entidad", "Municipalidad Distrital Mínima"],
                ["ubigeo", "180302"],
                ["organizacion_politica", "Partido Mínimo"],
                ["inicio", "2023-01-01"],
                ["fin", "2026-12-31"],
            ],
            "metas": [
                [
                    "dimension",
                    "problema",
                    "objetivo",
                    "meta",
                    "codigo_indicador",
                    "indicador",
                    "unidad",
                    "tipo",
                    "comparador",
                    "valor_meta",
                ],
                [
                    "Ambiental",
                    "Basura en las calles",
                    "Recoger la basura",
                    "Recoger el 90% de la basura.",
                    "AGUAS-RESIDUALES-TRATADAS",
                    "Aguas residuales tratadas",
                    "%",
                    "numero",
                    ">=",
                    90,
                ],
            ],
        }
    )
