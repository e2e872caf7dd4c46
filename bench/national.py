"""The national scenario's helpers, each run in its own Django process by `bench/run.py`
(`python bench/national.py COMMAND [ARGS]`, settings from the environment: the bench's database,
Redis and SITE_URL). Each prints one line `JSON{...}` with what it did.

- `load N`: N plans of N distinct entities (none with a plan yet), generated as plan files (10-20
  targets over the four dimensions, their own indicators and offices, 0-6 axes, some with a
  project and an alignment sheet) and loaded one after the other through
  `ilo_plan.plan_file.import_plan` in this one process; then, in SQL, a monthly series of approved
  readings (12-46 months of 2023-2026) with their history rows for each numeric target's
  indicator, and every data version bumped.
- `staff SPEC`: for each `{"plan": id, "readings": k}` of the JSON list SPEC, a registrador and a
  revisor of one office of the plan's entity (a Membership in the entity, members of the office),
  an API token for the revisor, and k readings of a plan indicator of that office entered and
  submitted for review (at periods no reading of the indicator holds). Prints `{"plan", "reading",
  "token"}` per reading: what the bench approves through the API.
- `pages ID ...`: every public page of each plan (`ilo_plan.tasks.plan_pages`, es and en).
- `warm ID ...`: renders those pages into the shared cache as the worker does
  (`ilo_plan.tasks.render_pages`), without building the packages.
- `plans`: the ids of the plans, the featured one first, and the count of entities."""

import json
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DIMENSIONS = ["Social", "Económica", "Ambiental", "Institucional"]
TOPICS = {
    "Social": [
        "Hogares con agua potable todo el día",
        "Niños menores de 3 años con anemia",
        "Estudiantes con logro satisfactorio en lectura",
        "Familias con desagüe conectado",
        "Adultos mayores atendidos por el programa municipal",
        "Partos atendidos en establecimientos de salud",
    ],
    "Económica": [
        "Jóvenes con empleo formal",
        "Negocios con licencia de funcionamiento",
        "Productores asociados con acceso a mercados",
        "Vías vecinales en buen estado",
        "Turistas que pernoctan en el distrito",
    ],
    "Ambiental": [
        "Residuos sólidos dispuestos en relleno sanitario",
        "Aguas residuales tratadas",
        "Áreas verdes con riego tecnificado",
        "Viviendas que segregan residuos en la fuente",
        "Puntos críticos de basura eliminados",
    ],
    "Institucional": [
        "Trámites que se hacen en línea",
        "Presupuesto participativo ejecutado",
        "Recaudación de impuesto predial sobre lo emitido",
        "Denuncias ciudadanas atendidas a tiempo",
        "Personal municipal capacitado",
    ],
}
OFFICES = [
    "Gerencia de Desarrollo Social",
    "Gerencia de Desarrollo Económico",
    "Gerencia de Servicios Públicos y Medio Ambiente",
    "Gerencia de Planeamiento y Presupuesto",
    "Gerencia Municipal",
]
PARTIES = [
    "Movimiento Regional Agua y Futuro",
    "Partido Democrático del Sur",
    "Alianza para el Progreso Local",
    "Frente Vecinal Unido",
    "Movimiento Independiente Tierra Fértil",
]
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
    "oficina",
    "frecuencia",
]


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilo_plan.settings")
    import django

    django.setup()
    from django_scopes import scopes_disabled

    global UNSCOPED
    UNSCOPED = scopes_disabled()  # kept: a tool above every entity, as manage.py's commands are (core.scoping)
    UNSCOPED.__enter__()


def answer(value):
    print("JSON" + json.dumps(value, default=str), flush=True)


# --- plan files ------------------------------------------------------------------------------------


def plan_sheets(entity, rng: random.Random) -> dict:
    """One generated plan file (as sheets of rows) for `entity`, varied by `rng`."""
    axes = 0 if rng.random() < 0.15 else rng.randint(3, 6)
    sheets = {
        "plan": [
            ["campo", "valor"],
            ["slug", f"plan-{entity.ubigeo}-2023-2026"],
            ["titulo", f"Plan de Gobierno de {entity.title} 2023-2026"],
            ["ubigeo", entity.ubigeo],
            ["organizacion_politica", rng.choice(PARTIES)],
            ["inicio", "2023-01-01"],
            ["fin", "2026-12-31"],
            ["fuente", f"Plan de Gobierno {entity.title} 2023-2026, presentado al JNE (generado por el benchmark)"],
        ]
    }
    if axes:
        sheets["ejes"] = [["numero", "nombre", "objetivo"]] + [
            [n, f"Eje {n}: {rng.choice(sum(TOPICS.values(), []))}", f"Objetivo del eje {n} del plan."]
            for n in range(1, axes + 1)
        ]
    count = rng.randint(10, 20)
    rows = [METAS_HEADER]
    delivered = rng.random() < 0.5
    for k in range(count):
        dimension = DIMENSIONS[k % 4]
        j = k // 4  # its place within its dimension
        problem = f"{dimension}: problema {j // 2 + 1} del diagnóstico"
        objective = f"Objetivo {dimension.lower()} {j + 1}: mejorar {rng.choice(TOPICS[dimension]).lower()}"
        axis = (k % axes) + 1 if axes else None
        office = rng.choice(OFFICES)
        if k == count - 1:  # a recurring duty, as every plan has one
            rows.append(
                [
                    "Institucional",
                    "Institucional: poca rendición de cuentas",
                    "Rendir cuentas a la población cada año",
                    "Al menos una rendición de cuentas cada año.",
                    axis,
                    "RENDICION-CUENTAS",
                    "Rendiciones de cuentas públicas al año",
                    "rendiciones",
                    "recurrente",
                    ">=",
                    1,
                    None,
                    None,
                    None,
                    None,
                    "Gerencia Municipal",
                    "anual",
                ]
            )
            continue
        if delivered and k == count - 2:
            rows.append(
                [
                    "Ambiental",
                    "Ambiental: basura sin disposición final",
                    "Construir el relleno sanitario",
                    "01 relleno sanitario en funcionamiento.",
                    axis,
                    None,
                    None,
                    "relleno sanitario",
                    "entregable",
                    ">=",
                    1,
                    None,
                    None,
                    None,
                    "RELLENO",
                    None,
                    None,
                ]
            )
            continue
        topic = TOPICS[dimension][(k + rng.randint(0, 9)) % len(TOPICS[dimension])]
        comparator = rng.choice([">=", ">=", ">", "<=", "<"])
        baseline = round(rng.uniform(15, 75), 1)
        step = round(rng.uniform(5, 20), 1)
        target = round(min(100, baseline + step) if comparator in (">=", ">") else max(0, baseline - step), 1)
        rows.append(
            [
                dimension,
                problem,
                objective,
                f"{'Al menos' if comparator in ('>=', '>') else 'Menos de'} {target:g}% en {topic.lower()}.",
                axis,
                f"IND-{k + 1:02d}",
                topic,
                "%",
                "numero",
                comparator,
                target,
                baseline,
                2022,
                None,
                None,
                office,
                "mensual",
            ]
        )
    sheets["metas"] = rows
    if delivered:
        sheets["proyectos"] = [
            ["codigo", "nombre", "objetivo"],
            ["RELLENO", "Relleno sanitario provincial", "Construir el relleno sanitario"],
        ]
    if axes and rng.random() < 0.5:
        sheets["articulacion"] = [["nivel", "plan_fuente", "objetivo", "eje"]] + [
            ["Nacional", "Plan Estratégico de Desarrollo Nacional al 2050", f"Objetivo nacional {n}", n]
            for n in range(1, min(axes, 3) + 1)
        ]
    return sheets


def workbook(sheets: dict) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def load(count: int):
    from django.db import connection, transaction

    from core.models import Entity
    from goals.models import Plan, Target
    from ilo_plan.plan_file import import_plan
    from indicators.models import Indicator

    rng = random.Random(19)
    taken = set(Plan.objects.values_list("entity_id", flat=True))
    entities = [e for e in Entity.objects.order_by("ubigeo") if e.pk not in taken]
    chosen = rng.sample(entities, count)
    files = [(entity, workbook(plan_sheets(entity, rng))) for entity in chosen]
    started = time.monotonic()
    loaded = []
    for entity, data in files:
        report = import_plan(data)
        if not report.ok:
            raise SystemExit(f"plan de {entity.ubigeo}:\n" + "\n".join(report.lines(10)))
        loaded.append(report.plan.pk)
    seconds = time.monotonic() - started
    # A monthly series for each numeric target's indicator, approved, as if entered over the term.
    started_sql = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO indicators_reading (uid, indicator_id, period, value, source, note, status, is_demo,
                is_cited, submitted_at, reviewed_at, approved_at, review_note, correction_reason, withdrawal_reason,
                is_outlier, is_undated, created_at, updated_at)
            SELECT md5('national-' || i.id || '-' || m)::uuid, i.id, (date '2023-01-01' + m * interval '1 month')::date,
                   round(greatest(0, least(100, coalesce(i.baseline_value, 50)
                       + (t.value - coalesce(i.baseline_value, 50)) * (m + 1) / 46.0 * (0.3 + random() * 0.9)
                   ))::numeric, 1),
                   'Benchmark (serie generada)', '', 'approved', false, false, now(), now(), now(), '', '', '',
                   false, false, now(), now()
            FROM goals_target t JOIN indicators_indicator i ON i.id = t.indicator_id,
                 generate_series(0, 45) AS m
            WHERE t.plan_id = ANY(%s) AND t.kind = 'number' AND m < 12 + (i.id %% 35)
            """,
            [loaded],
        )
        readings = cursor.rowcount
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'indicators_historicalreading' "
            "AND column_name NOT LIKE 'history%%'"
        )
        columns = ", ".join(row[0] for row in cursor.fetchall())
        cursor.execute(
            f"""
            INSERT INTO indicators_historicalreading ({columns}, history_date, history_change_reason, history_type)
            SELECT {columns}, now(), 'benchmark', '+' FROM indicators_reading
            WHERE source = 'Benchmark (serie generada)'
            """
        )
        cursor.execute("UPDATE core_dataversion SET counter = counter + 1, changed_at = now()")
    answer(
        {
            "plans": len(loaded),
            "ids": loaded,
            "seconds": seconds,
            "readings": readings,
            "readings_seconds": time.monotonic() - started_sql,
            "targets": Target.objects.filter(plan_id__in=loaded).count(),
            "indicators": Indicator.objects.filter(targets__plan_id__in=loaded).distinct().count(),
        }
    )


# --- staff, readings to approve ----------------------------------------------------------------------


def free_periods(indicator, count: int) -> list[date]:
    """`count` periods, from 1995 on, that no reading of the indicator holds."""
    from indicators.models import Reading
    from indicators.validation import normalize_period

    used = set(Reading.objects.filter(indicator=indicator).values_list("period", flat=True))
    found = []
    year, month = 1995, 1
    while len(found) < count:
        period = normalize_period(date(year, month, 1), indicator.frequency)
        if period not in used and period not in found:
            found.append(period)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return found


def staff(spec: list[dict]):
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from knox.models import AuthToken

    from core.models import Membership
    from core.roles import ROLE_REGISTRADOR, ROLE_REVISOR
    from goals import public
    from goals.models import Plan
    from indicators.models import Reading

    users = get_user_model().objects
    out = []
    for item in spec:
        plan = Plan.objects.get(pk=item["plan"])
        indicators = public.plan_indicators(plan).select_related("office", "unit").order_by("code")
        # A numeric indicator of the plan's own entity, with a unit that has room for any value.
        indicator = next(
            i
            for i in indicators
            if i.entity_id == plan.entity_id and i.targets.filter(plan=plan, kind="number").exists()
        )
        office = indicator.office
        people = {}
        for role in (ROLE_REGISTRADOR, ROLE_REVISOR):
            name = f"bench-national-{role}-{plan.pk}"
            user = users.filter(username=name).first()
            if user is None:
                user = users.create_user(name, is_staff=True)
                user.groups.add(Group.objects.get(name=role))
                Membership.objects.create(user=user, entity_id=plan.entity_id)
                office.members.add(user)
            people[role] = user
        token = AuthToken.objects.create(people[ROLE_REVISOR])[1]
        last = Reading.objects.approved().filter(indicator=indicator).order_by("-period").first()
        value = last.value if last is not None else Decimal(indicator.unit.min_value or 0)
        for period in free_periods(indicator, item["readings"]):
            reading = Reading.objects.create_draft(
                user=people[ROLE_REGISTRADOR],
                indicator=indicator,
                period=period,
                value=value,
                source="Benchmark",
            )
            reading.submit(people[ROLE_REGISTRADOR])
            out.append({"plan": plan.pk, "indicator": indicator.code, "reading": reading.pk, "token": token})
    answer(out)


# --- pages ---------------------------------------------------------------------------------------------


def pages(ids: list[int]):
    from goals.models import Plan
    from ilo_plan.tasks import plan_pages

    answer({plan.pk: plan_pages(plan) for plan in Plan.objects.for_site().filter(pk__in=ids)})


def warm(ids: list[int]):
    from goals.models import Plan
    from ilo_plan.tasks import plan_pages, render_pages

    started = time.monotonic()
    rendered = total = 0
    for plan in Plan.objects.for_site().filter(pk__in=ids):
        paths = plan_pages(plan)
        total += len(paths)
        rendered += render_pages(paths)
    answer({"pages": total, "rendered": rendered, "seconds": time.monotonic() - started})


def plans():
    from core.models import Entity
    from goals.models import Plan
    from ilo_plan import plans as site_plans

    featured = site_plans.featured_id()
    ids = sorted(Plan.objects.values_list("pk", flat=True), key=lambda pk: (pk != featured, pk))
    answer({"ids": ids, "featured": featured, "entities": Entity.objects.count()})


def main():
    setup()
    command, args = sys.argv[1], sys.argv[2:]
    if command == "load":
        load(int(args[0]))
    elif command == "staff":
        staff(json.loads(args[0]))
    elif command == "pages":
        pages([int(a) for a in args])
    elif command == "warm":
        warm([int(a) for a in args])
    elif command == "plans":
        plans()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
