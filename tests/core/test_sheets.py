"""One door for spreadsheets: the readings import and the plan file read headers, blank cells and
their errors through `core.sheets`, and write cells through `core.spreadsheets`."""

import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.test import RequestFactory
from openpyxl import load_workbook

from core import sheets, spreadsheets
from core.admin_base import RecordAdmin
from core.api_support import exception_handler
from core.errors import RuleError
from goals.models import Project
from ilo_plan import plan_file
from indicators import imports
from indicators.access import ROLE_REGISTRADOR
from indicators.forms import FlexibleDecimalField
from indicators.models import TransitionError
from tests.factories import make_count_unit, make_indicator, make_office, make_user


@pytest.mark.parametrize(
    "written",
    ["codigo_indicador", "Código-Indicador", "CÓDIGO INDICADOR", "  codigo -  indicador ", "codigo\u00a0indicador"],
)
def test_a_header_forgives_accents_case_spaces_and_hyphens(written):
    assert sheets.plain_name(written) == "codigo_indicador"


def test_a_blank_cell_is_empty_or_spaces():
    assert all(sheets.is_blank(cell) for cell in (None, "", "   ", "\u00a0"))
    assert not any(sheets.is_blank(cell) for cell in (0, "0", "x", Decimal("0")))


@pytest.mark.django_db
def test_a_readings_file_forgives_hyphens_in_its_headers_as_the_plan_file_does():
    office = make_office("S-EDU")
    make_indicator("S-LECTURA", office=office, unit=make_count_unit())
    clerk = make_user("sara", ROLE_REGISTRADOR, [office])
    text = "Código-Indicador;Periodo;Valor;Fuente;Nota\nS-LECTURA;2019;12;MINEDU;\n"
    report = imports.import_file(text.encode(), "lecturas.csv", clerk, dry_run=True)
    assert report.ok, report.lines()
    assert [(r.indicator.code, r.value) for r in report.readings] == [("S-LECTURA", Decimal("12"))]


def test_each_import_names_the_row_and_column_its_own_way():
    assert str(imports.row_error(3, "value", "«x» no es un número.")) == "fila 3, columna «valor»: «x» no es un número."
    assert imports.row_error(3, "value", "x").column == "value"
    plan = plan_file.Report()
    plan.add("metas", 4, "comparador", "«~» no es un comparador")
    assert plan.lines() == ["hoja metas, fila 4, columna comparador: «~» no es un comparador"]
    assert str(sheets.CellError(None, None, "El archivo está vacío.")) == "El archivo está vacío."


@pytest.mark.parametrize("report_class", [imports.ImportReport, plan_file.Report])
def test_both_imports_keep_a_hundred_errors_and_count_the_rest_in_one_sentence(report_class):
    report = report_class()
    assert isinstance(report, sheets.ErrorReport)
    for row in range(2, 152):
        report.keep(sheets.CellError(row, "valor", "mal"))
    lines = report.lines()
    assert (report.ok, report.error_count, len(report.errors)) == (False, 150, sheets.MAX_MESSAGES)
    assert len(lines) == 101 and lines[-1] == "… y 50 errores más." == report.more
    assert report.lines(limit=20)[-1] == "… y 130 errores más."


def test_a_decimal_becomes_one_kind_of_cell_everywhere():
    assert spreadsheets.number_cell(None) is None
    assert spreadsheets.number_cell(Decimal("45.0000")) == 45 and isinstance(
        spreadsheets.number_cell(Decimal("45.0")), int
    )
    assert spreadsheets.number_cell(Decimal("27.80")) == 27.8
    assert spreadsheets.number_cell(Decimal("-0.5")) == -0.5


@pytest.mark.django_db
def test_the_plan_file_writes_a_formula_as_inert_text_and_reads_it_back(plan):
    hostile = '=HYPERLINK("http://x","y")'
    project = Project.objects.filter(plan=plan).order_by("code").first()
    Project.objects.filter(pk=project.pk).update(description=hostile)
    book = load_workbook(io.BytesIO(plan_file.plan_workbook(plan)))
    [cell] = [cell for row in book["proyectos"].iter_rows() for cell in row if cell.value == hostile]
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    assert not [c for row in book["proyectos"].iter_rows() for c in row if c.data_type == "f"]


def test_a_rule_refusal_of_any_app_is_a_409_conflict():
    request = RequestFactory().post("/api/v1/readings/1/approve/")
    for error in (RuleError("no ahora"), TransitionError("no en este estado")):
        response = exception_handler(error, {"request": request})
        assert response.status_code == 409 and response.data == {"detail": [str(error.messages[0])]}


def test_every_admin_reads_the_plans_numbers_as_people_type_them():
    """`core.admin_base` imports nothing above it: each admin of a model with decimals says which
    field reads them (`indicators.forms.TYPED_DECIMALS`)."""
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True)
    checked = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, RecordAdmin):
            continue
        for field in model._meta.fields:
            if isinstance(field, models.DecimalField) and field.editable:
                form_field = model_admin.formfield_for_dbfield(field, request)
                assert isinstance(form_field, FlexibleDecimalField), f"{model._meta.label}.{field.name}"
                checked.append(f"{model._meta.label}.{field.name}")
    assert "goals.Target.value" in checked and "indicators.Unit.min_value" in checked
