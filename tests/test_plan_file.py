"""The plan file: any municipality's plan loads as data, all or nothing, twice without change; a bad
cell names its sheet, row and column; the seed plan's file and its fixtures are the same records."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from alignment.models import AlignmentLevel, AlignmentLink, AlignmentObjective, AlignmentRow
from goals.models import Dimension, Objective, Plan, Problem, Project, StrategicAxis, Target
from ilo_plan import plan_file
from indicators.models import Indicator, Office, Reading, Unit
from tests.conftest import PLAN_MODELS_TOP_DOWN
from tests.factories import entity_of, make_user
from tests.plan_workbooks import METAS_HEADER, SECOND_SLUG, minimal_plan, second_plan, workbook

pytestmark = pytest.mark.django_db

ILO_FILE = Path(settings.BASE_DIR) / "fixtures" / "planes" / "ilo-2019-2022.xlsx"
STRUCTURE = [
    Plan,
    StrategicAxis,
    Dimension,
    Problem,
    Objective,
    Project,
    Target,
    AlignmentLevel,
    AlignmentObjective,
    AlignmentRow,
    AlignmentLink,
]


def snapshot():
    """Every row of every plan and catalogue model, and every history row: equal snapshots mean
    nothing was written."""
    rows = {model.__name__: sorted(map(repr, model.objects.values_list())) for model in PLAN_MODELS_TOP_DOWN}
    history = {model.__name__: model.history.count() for model in PLAN_MODELS_TOP_DOWN}
    return rows, history


def content(model, exclude=(), plan=None):
    """A model's rows by value, each relation written as the related record's natural key, so two
    databases loaded two ways compare whatever their primary keys; only `plan`'s when given."""
    rows = []
    records = model.objects.all()
    if plan is not None:
        path = {Plan: "pk", AlignmentLink: "row__plan"}.get(model, "plan")
        records = records.filter(**{path: plan.pk})
    for obj in records:
        row = {}
        for field in obj._meta.concrete_fields:
            if field.primary_key or field.name in exclude:
                continue
            value = getattr(obj, field.name)
            row[field.name] = value.natural_key() if field.is_relation and value is not None else value
        rows.append(repr(sorted(row.items())))
    return sorted(rows)


def metas_row(sheets, number):
    """The metas row Excel shows as `number` (the header is row 1)."""
    return sheets["Metas"][number - 1]


def set_metas(sheets, number, column, value):
    metas_row(sheets, number)[METAS_HEADER.index(column)] = value


# --- a second plan ------------------------------------------------------------------------------


def test_a_second_plan_loads_whole_and_leaves_the_first_as_it_was(plan):
    ilo_before = {model.__name__: content(model, plan=plan) for model in STRUCTURE}
    catalogue_before = content(Indicator)
    report = plan_file.import_plan(second_plan())
    assert report.ok, report.lines()
    second = Plan.objects.get(slug=SECOND_SLUG)
    # The file names its entity by ubigeo (here the seed plan's: a next term of the same entity).
    assert (second.entity.ubigeo, second.municipality, second.period_start, second.period_end) == (
        "1803",
        "Municipalidad Provincial de Ilo",
        date(2023, 1, 1),
        date(2026, 12, 31),
    )
    assert list(second.dimensions.values_list("number", "slug", "name")) == [
        (1, "social", "Social"),
        (2, "economica", "Económica"),
        (3, "institucional", "Institucional"),
    ]
    targets = {t.code: t for t in Target.objects.filter(plan=second).select_related("indicator", "project")}
    assert list(targets) == ["S1.1-M", "S1.2-M", "E1.1-M", "I1.1-M", "I1.2-M"]
    assert [t.kind for t in targets.values()] == ["number", "number", "delivered", "recurring", "number"]
    assert targets["S1.1-M"].comparator == ">=" and targets["S1.2-M"].comparator == "<"
    assert targets["E1.1-M"].project.code == "CENTRO-EMPLEO"
    assert targets["I1.2-M"].deadline == date(2026, 6, 30) and targets["I1.1-M"].deadline == date(2026, 12, 31)
    # Shared indicators keep one series and their own baseline; the term's baseline is the target's.
    water = Indicator.objects.get(code="AGUA-HORAS")
    assert targets["S1.1-M"].indicator == water and water.targets.count() == 2
    assert (water.baseline_value, targets["S1.1-M"].baseline.value) == (None, Decimal("15.5"))
    assert targets["S1.1-M"].baseline.date == date(2022, 1, 1)
    new = Indicator.objects.get(code="VALLE-TRAMITES")
    assert (new.name, new.unit.code, new.direction, new.frequency) == (
        "Trámites que se hacen en línea",
        "porcentaje",
        "up",
        "annual",
    )
    assert [(o.level.code, o.number) for o in AlignmentObjective.objects.filter(plan=second)] == [
        ("national", 1),
        ("regional", 1),
        ("regional", 2),
    ]
    assert [row.axis.number for row in AlignmentRow.objects.filter(plan=second)] == [1, 2]
    # The seed plan and its indicators are untouched.
    assert {model.__name__: content(model, plan=plan) for model in STRUCTURE} == ilo_before
    assert [row for row in content(Indicator) if "VALLE-" not in row] == catalogue_before


def test_loading_the_same_file_twice_changes_nothing(plan):
    assert plan_file.import_plan(second_plan()).ok
    before = snapshot()
    report = plan_file.import_plan(second_plan())
    assert report.ok and not report.changed
    assert snapshot() == before


def test_a_corrected_file_updates_its_plan_in_place_and_records_why(plan):
    assert plan_file.import_plan(second_plan()).ok
    target = Target.objects.get(plan__slug=SECOND_SLUG, code="S1.2-M")

    def fewer(sheets):
        set_metas(sheets, 3, "valor_meta", 12)

    report = plan_file.import_plan(second_plan(fewer), user=make_user("jefa", is_superuser=True))
    assert report.ok and report.updated == {"metas": 1}
    target.refresh_from_db()
    assert target.value == 12
    latest = target.history.latest("history_id")
    assert (latest.history_change_reason, latest.history_user.username) == (plan_file.CHANGE_REASON, "jefa")


# --- broken files -------------------------------------------------------------------------------


def drop_column(name):
    def change(sheets):
        position = METAS_HEADER.index(name)
        for row in sheets["Metas"]:
            del row[position]

    return change


def plan_field(name, value):
    def change(sheets):
        for row in sheets["Plan"]:
            if row[0] == name:
                row[1] = value

    return change


def add_plan_row(name, value):
    return lambda sheets: sheets["Plan"].append([name, value])


def metas(number, column, value):
    return lambda sheets: set_metas(sheets, number, column, value)


BROKEN = [
    (metas(2, "comparador", "~"), "hoja metas, fila 2, columna comparador: «~» no es un comparador"),
    (drop_column("comparador"), "hoja metas, fila 1, columna comparador: falta la columna"),
    (metas(3, "eje", 7), "hoja metas, fila 3, columna eje: no hay eje 7 en la hoja ejes"),
    (metas(6, "fecha_meta", "31/02/2026"), "hoja metas, fila 6, columna fecha_meta: «31/02/2026» no es una fecha"),
    (plan_field("inicio", "2023-13-01"), "hoja plan, fila 7, columna valor: «2023-13-01» no es una fecha"),
    (plan_field("fin", "2022-12-31"), "hoja plan, fila 8, columna valor: el periodo debe terminar después de empezar"),
    (add_plan_row("slug", "otro-2023-2026"), "hoja plan, fila 10, columna campo: el campo slug ya está en la fila 2"),
    (plan_field("slug", "all"), "hoja plan, fila 2, columna valor: «all» está reservado"),
    (plan_field("slug", "Plan del Valle!"), "hoja plan, fila 2, columna valor:"),
    (plan_field("ubigeo", "999999"), "hoja plan, fila 5, columna valor: no hay una entidad con el ubigeo «999999»"),
    (add_plan_row("alcalde", "Nadie"), "hoja plan, fila 10, columna campo: «alcalde» no es un campo del plan"),
    (metas(2, "codigo_indicador", ""), "hoja metas, fila 2, columna codigo_indicador: una meta de tipo numero"),
    (metas(5, "codigo_indicador", ""), "hoja metas, fila 5, columna codigo_indicador: una meta de tipo recurrente"),
    (metas(3, "indicador", ""), "hoja metas, fila 3, columna indicador: el indicador VALLE-ANEMIA no existe"),
    (metas(3, "codigo_indicador", "anemia del valle"), "hoja metas, fila 3, columna codigo_indicador: «ANEMIA DEL"),
    (metas(3, "tipo", "porcentaje"), "hoja metas, fila 3, columna tipo: «porcentaje» no es un tipo de meta"),
    (metas(3, "valor_meta", "quince"), "hoja metas, fila 3, columna valor_meta: «quince» no es un número"),
    (metas(2, "anio_linea_base", None), "hoja metas, fila 2, columna anio_linea_base: una línea de base necesita"),
    (metas(4, "proyecto", "NINGUNO"), "hoja metas, fila 4, columna proyecto: el proyecto NINGUNO no está"),
    (metas(5, "dimension", "institucional"), "hoja metas, fila 6, columna dimension: «Institucional» y «institucional"),
    (metas(4, "meta", ""), "hoja metas, fila 4, columna unidad: la fila no tiene meta"),
    (lambda s: s["Metas"][0].append("notas"), "hoja metas, fila 1, columna notas: columna desconocida"),
    (lambda s: s["Articulación"].append(["Local", "Plan local", "Algo", 9]), "hoja articulacion, fila 5, columna eje"),
    (lambda s: s.pop("Metas"), "hoja metas: falta la hoja «metas»"),
]


@pytest.mark.parametrize("change, message", BROKEN, ids=[m.split(":")[0] + " " + m[-24:] for _, m in BROKEN])
def test_a_broken_file_writes_nothing_and_names_sheet_row_and_column(plan, change, message):
    before = snapshot()
    report = plan_file.import_plan(second_plan(change))
    assert not report.ok
    assert any(line.startswith(message) for line in report.lines()), report.lines()
    assert snapshot() == before


def test_every_problem_of_a_file_is_listed_at_once(plan):
    def two(sheets):
        set_metas(sheets, 2, "comparador", "~")
        set_metas(sheets, 3, "eje", 9)

    lines = plan_file.import_plan(second_plan(two)).lines()
    assert len(lines) == 2 and lines[0].startswith("hoja metas, fila 2") and lines[1].startswith("hoja metas, fila 3")


def test_a_delivered_target_may_name_an_indicator(plan):
    def measured(sheets):
        set_metas(sheets, 4, "codigo_indicador", "VALLE-CENTROS")
        set_metas(sheets, 4, "indicador", "Centros de empleo abiertos")

    report = plan_file.import_plan(second_plan(measured))
    assert report.ok, report.lines()
    target = Target.objects.get(plan__slug=SECOND_SLUG, code="E1.1-M")
    assert (target.kind, target.indicator.code, target.project.code) == ("delivered", "VALLE-CENTROS", "CENTRO-EMPLEO")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"no soy un libro de Excel", "El archivo no es un XLSX válido"),
        (b"", "El archivo no es un XLSX válido"),
        (workbook({"otra": [["a"]]}), "hoja plan: falta la hoja «plan»"),
    ],
    ids=["text", "empty", "no-sheets"],
)
def test_what_is_not_a_plan_file_is_refused_in_one_sentence(plan, data, message):
    report = plan_file.import_plan(data)
    assert not report.ok and report.lines()[0].startswith(message)


def test_only_the_entitys_administrador_loads_its_open_plans_from_a_file(plan):
    assert plan_file.import_plan(second_plan()).ok
    second = Plan.objects.get(slug=SECOND_SLUG)
    registrador = make_user("rosa", "registrador", entity=entity_of())
    assert "solo el administrador de la entidad" in plan_file.import_plan(second_plan(), user=registrador).lines()[0]
    elsewhere = make_user("otra", "administrador", entity=entity_of("1801"))
    assert "usted trabaja para otra entidad" in plan_file.import_plan(second_plan(), user=elsewhere).lines()[0]
    assert "usted trabaja para otra entidad" in plan_file.import_plan(minimal_plan(), user=elsewhere).lines()[0]
    administrador = make_user("ada", "administrador", entity=entity_of())
    assert plan_file.import_plan(second_plan(), user=administrador).ok
    Plan.objects.filter(pk=second.pk).update(is_closed=True)
    assert "está cerrado" in plan_file.import_plan(second_plan(), user=administrador).lines()[0]
    assert plan_file.import_plan(second_plan(), user=make_user("jefa", is_superuser=True)).ok


# --- the seed plan as a file -----------------------------------------------------------------------


def test_importing_the_seed_plans_file_over_its_fixtures_changes_nothing(plan):
    before = snapshot()
    with ILO_FILE.open("rb") as stream:
        report = plan_file.import_plan(stream)
    assert report.ok, report.lines()
    assert not report.changed and report.unchanged["metas"] == 15
    assert snapshot() == before


def test_the_committed_file_is_what_the_fixtures_write(plan):
    def cells(data):
        book = load_workbook(io.BytesIO(data), read_only=True)
        return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}

    assert cells(ILO_FILE.read_bytes()) == cells(plan_file.plan_workbook(plan))


# --- template, command, admin -----------------------------------------------------------------------


def test_the_template_is_served_with_every_documented_sheet_and_column(client, db):
    response = client.get("/planes/plantilla.xlsx")
    assert response.status_code == 200 and "plantilla-plan.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["plan", "ejes", "metas", "articulacion", "proyectos", "instrucciones"]
    for name, columns in plan_file.SHEETS.items():
        header = next(book[name].iter_rows(values_only=True))
        assert list(header) == [column.name for column in columns]
        assert all(cell.comment for cell in book[name][1])
    documented = (Path(settings.BASE_DIR) / "docs" / "plan-file.md").read_text(encoding="utf-8")
    for columns in plan_file.SHEETS.values():
        for column in columns:
            assert f"`{column.name}`" in documented, column.name
    for spec in plan_file.PLAN_FIELDS:
        assert f"`{spec.campo}`" in documented, spec.campo


def test_the_empty_template_imports_as_a_list_of_what_is_missing(db):
    report = plan_file.import_plan(plan_file.plan_workbook())
    assert not report.ok and "hoja plan, fila 2, columna valor: falta el valor de slug." in report.lines()


def test_the_command_loads_all_or_nothing(plan, tmp_path):
    broken = tmp_path / "roto.xlsx"
    broken.write_bytes(second_plan(metas(2, "comparador", "~")))
    with pytest.raises(CommandError, match="hoja metas, fila 2, columna comparador: «~» no es un comparador"):
        call_command("import_plan", str(broken), stdout=io.StringIO())
    good = tmp_path / "valle.xlsx"
    good.write_bytes(second_plan())
    call_command("import_plan", str(good), dry_run=True, stdout=io.StringIO())
    assert not Plan.objects.filter(slug=SECOND_SLUG).exists()
    out = io.StringIO()
    call_command("import_plan", str(good), stdout=out)
    assert "Plan cargado: valle-2023-2026" in out.getvalue()
    assert Target.objects.filter(plan__slug=SECOND_SLUG).count() == 5


def test_the_admin_previews_then_loads_and_shows_errors_by_cell(client, plan):
    client.force_login(make_user("jefa", is_superuser=True))
    url = reverse("admin:goals_plan_import")
    upload = io.BytesIO(second_plan())
    upload.name = "valle.xlsx"
    page = client.post(url, {"file": upload})
    assert "Listo para cargar" in page.content.decode() and "S1.2-M" in page.content.decode()
    assert not Plan.objects.filter(slug=SECOND_SLUG).exists()  # a preview writes nothing
    response = client.post(reverse("admin:goals_plan_import_confirm"))
    assert response.status_code == 302
    assert Target.objects.filter(plan__slug=SECOND_SLUG).count() == 5
    broken = io.BytesIO(second_plan(metas(2, "comparador", "~")))
    broken.name = "roto.xlsx"
    page = client.post(url, {"file": broken}).content.decode()
    assert "no se cargará nada" in page and "«~» no es un comparador" in page
    assert client.get(reverse("admin:goals_plan_template")).status_code == 200
    exported = client.get(reverse("admin:goals_plan_export", args=[plan.pk]))
    assert plan_file.import_plan(exported.content).ok


def test_a_registrador_is_told_who_loads_plans_before_any_form(client, plan):
    client.force_login(make_user("rosa", "registrador", entity=entity_of()))
    response = client.get(reverse("admin:goals_plan_import"))
    page = response.content.decode()
    assert response.status_code == 403 and "Solo el administrador de la entidad" in page and 'type="file"' not in page
    assert "Importar un archivo de plan" not in client.get(reverse("admin:goals_plan_changelist")).content.decode()


def test_no_reading_is_written_by_a_plan_file(plan):
    readings = Reading.objects.count()
    assert plan_file.import_plan(second_plan()).ok
    assert Reading.objects.count() == readings
    assert Unit.objects.filter(code="porcentaje").count() == 1
    # Indicators the file gives no office go to the entity's default office, never to a new one.
    default = Office.objects.get(entity=plan.entity, is_default=True)
    assert set(Indicator.objects.filter(code__startswith="VALLE-").values_list("office", flat=True)) == {default.pk}


# --- the clerk's words: a thing delivered, plural counts, Spanish template, the guide on the site ----


def numberless(sheets):
    for column in plan_file.NUMBERLESS_DELIVERED:
        set_metas(sheets, 4, column, None)


def test_a_delivered_target_needs_no_number(plan):
    report = plan_file.import_plan(second_plan(numberless))
    assert report.ok, report.lines()
    target = Target.objects.get(plan__slug=SECOND_SLUG, code="E1.1-M")
    assert (target.kind, target.comparator, target.value, target.unit) == ("delivered", ">=", 1, "entregable")
    # Written out and loaded again, it is the same target.
    again = plan_file.import_plan(plan_file.plan_workbook(target.plan))
    assert again.ok and not again.changed


def test_a_delivered_target_with_part_of_a_number_is_still_asked_for_the_rest(plan):
    lines = plan_file.import_plan(second_plan(metas(4, "valor_meta", None))).lines()
    assert [line.split(":")[0] for line in lines] == ["hoja metas, fila 4, columna valor_meta"]

    # A number target never goes without its number.
    def numberless_number(sheets):
        for column in plan_file.NUMBERLESS_DELIVERED:
            set_metas(sheets, 2, column, None)

    lines = plan_file.import_plan(second_plan(numberless_number)).lines()
    assert [line.split(":")[0] for line in lines] == [
        "hoja metas, fila 2, columna comparador",
        "hoja metas, fila 2, columna valor_meta",
        "hoja metas, fila 2, columna unidad",
    ]


def test_the_summary_counts_each_noun_in_its_own_number(plan):
    report = plan_file.import_plan(second_plan(), dry_run=True)
    summary = report.summary()
    assert "1 plan de gobierno," in summary and "1 proyecto," in summary and "5 metas" in summary
    assert "1 planes" not in summary and "1 proyectos" not in summary


def test_a_date_is_asked_for_as_the_guide_writes_it(plan):
    lines = plan_file.import_plan(second_plan(metas(6, "fecha_meta", "el próximo año"))).lines()
    assert "hoja metas, fila 6, columna fecha_meta: «el próximo año» no es una fecha: use dd/mm/aaaa (31/12/2026)." in (
        lines
    )


def test_the_templates_instructions_are_in_spanish_and_point_to_the_guide_on_the_site(db):
    book = load_workbook(io.BytesIO(plan_file.plan_workbook()))
    lines = [row[0] for row in book["instrucciones"].iter_rows(values_only=True)]
    assert "plan · inicio: obligatorio (fecha dd/mm/aaaa)" in lines
    assert "plan · titulo: obligatorio (texto)" in lines and "plan · superficie_km2: opcional (decimal)" in lines
    assert not [line for line in lines if any(word in line for word in ("(text)", "(date)", "(integer)"))]
    assert not [line for line in lines if "docs/plan-file.md" in line]
    assert any("/guia/archivo-de-plan/" in line for line in lines)


def test_the_guide_is_a_page_of_the_site(client, db):
    page = client.get(reverse("plan-file-guide"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<h1>El archivo de plan</h1>" in body and "<code>fecha_meta</code>" in body
    # Links to the repository's own files, which the site does not serve, are left as text.
    assert 'href="../' not in body and 'href="guia-registro.md' not in body


def test_the_import_page_says_its_title_once_and_links_the_guide(client, plan):
    client.force_login(make_user("jefa", is_superuser=True))
    url = reverse("admin:goals_plan_import")
    page = client.get(url).content.decode()
    assert page.count("<h1>Importar un archivo de plan</h1>") == 1
    assert f'href="{reverse("plan-file-guide")}"' in page and "docs/plan-file.md" not in page
    upload = io.BytesIO(second_plan())
    upload.name = "valle.xlsx"
    preview = client.post(url, {"file": upload}).content.decode()
    head = preview[preview.index("Las metas del archivo") :].split("</thead>")[0]
    headers = [cell.split("</th>")[0] for cell in head.split('<th scope="col">')[1:]]
    assert len(headers) == len(set(headers)), headers
