"""Templates people can fill: per office, XLSX first and CSV in Excel's two conventions, with the
office's indicators and due periods; filled in and uploaded, they import as drafts."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators import imports
from indicators.access import ROLE_AUDITOR, ROLE_REGISTRADOR
from indicators.models import Reading
from tests.factories import make_count_unit, make_indicator, make_office, make_plan_tree, make_reading, make_user

pytestmark = pytest.mark.django_db
HEADER = ["codigo", "indicador", "unidad", "decimales", "periodo", "valor", "fuente", "nota"]


@pytest.fixture
def office():
    return make_office("GSC", "Gerencia de Seguridad Ciudadana")


@pytest.fixture
def user(office):
    return make_user("rosa", ROLE_REGISTRADOR, [office])


@pytest.fixture
def reports(office):
    """A target's indicator (the plan starts in 2019) with 2019 and 2020 approved and 2021 under way."""
    indicator = make_indicator(
        "DENUNCIAS", name="Denuncias de violencia", unit=make_count_unit(), office=office, source="PNP"
    )
    make_plan_tree(indicator=indicator)
    make_reading(indicator, date(2019, 1, 1), Decimal(820))
    make_reading(indicator, date(2020, 1, 1), Decimal(910))
    make_reading(indicator, date(2021, 1, 1), Decimal(1005), status="draft")
    return indicator


@pytest.fixture
def share(office):
    """A percentage with two decimals, a context indicator with its last figure cited for 2022."""
    indicator = make_indicator("VF-FISICA", name="Violencia física", office=office)
    Reading.objects.create(
        indicator=indicator,
        period=date(2022, 1, 1),
        value=Decimal("31.5"),
        source="Plan",
        status="cited",
        is_cited=True,
    )
    return indicator


def template(client, kind):
    response = client.get(reverse("admin:indicators_reading_template_kind", args=["GSC", kind]))
    assert response.status_code == 200
    return response


def test_the_xlsx_template_lists_the_offices_indicators_and_due_periods_as_cells(client, user, reports, share):
    client.force_login(user)
    response = template(client, "xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="plantilla-gsc.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    due = [(row[0], row[4].date()) for row in rows[1:]]
    assert due[:3] == [("DENUNCIAS", date(year, 1, 1)) for year in (2022, 2023, 2024)]
    assert ("DENUNCIAS", date(2021, 1, 1)) not in due  # its draft is under way
    assert ("VF-FISICA", date(2023, 1, 1)) in due and ("VF-FISICA", date(2022, 1, 1)) not in due
    assert rows[1][1:4] == ("Denuncias de violencia", "denuncias", 0) and rows[1][6] == "PNP"
    first = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert first[4].number_format == "dd/mm/yyyy" and first[5].number_format == "#,##0"
    share_row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "VF-FISICA")
    assert share_row[5].number_format == "#,##0.00"
    [rule] = [v for v in sheet.data_validations.dataValidation if v.type == "decimal"]
    assert (rule.formula1, rule.formula2) == ("0", "100") and f"F{share_row[0].row}" in str(rule.sqref)
    assert sheet.freeze_panes == "A2"


def test_a_filled_xlsx_template_imports_as_drafts(client, user, reports, share):
    client.force_login(user)
    workbook = load_workbook(io.BytesIO(template(client, "xlsx").content))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        row[5].value = 1150 if row[0].value == "DENUNCIAS" else 27.85
        row[6].value = row[6].value or "INEI"  # a source the indicator does not pre-fill
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = imports.import_file(buffer.getvalue(), "plantilla-gsc.xlsx", user)
    assert report.ok, report.lines()
    assert Reading.objects.get(indicator=reports, period=date(2022, 1, 1)).value == 1150
    assert Reading.objects.get(indicator=share, period=date(2023, 1, 1)).value == Decimal("27.85")


@pytest.mark.parametrize(
    "kind, delimiter, value, encoding",
    [
        ("csv", ",", "27.85", "utf-8-sig"),
        ("csv-excel-es", ";", "27,85", "utf-8-sig"),
        ("csv-excel-es", ";", "27,85", "cp1252"),  # Excel in Spanish saving "CSV (delimitado por comas)"
    ],
)
def test_a_filled_csv_template_imports_in_either_convention_and_encoding(
    client, user, reports, share, kind, delimiter, value, encoding
):
    client.force_login(user)
    body = template(client, kind).content
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))
    assert rows[0] == HEADER and rows[1][4] == "01/01/2022"
    filled = [rows[0]] + [
        [*row[:5], "1.150" if row[0] == "DENUNCIAS" else value, row[6] or "INEI", "señal de prueba"] for row in rows[1:]
    ]
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(filled)
    upload = io.BytesIO(text.getvalue().encode(encoding))
    upload.name = "plantilla-gsc.csv"
    page = client.post(reverse("admin:indicators_reading_import"), {"file": upload}).content.decode()
    assert "Confirmar importación" in page and "27.85 %" in page
    client.post(reverse("admin:indicators_reading_import_confirm"))
    assert Reading.objects.get(indicator=reports, period=date(2022, 1, 1)).value == 1150  # thousands for a count
    added = Reading.objects.get(indicator=share, period=date(2023, 1, 1))
    assert (added.value, added.note, added.status) == (Decimal("27.85"), "señal de prueba", "draft")


def test_an_ambiguous_value_is_refused_naming_its_row_and_column_in_spanish(client, user, share):
    client.force_login(user)
    text = "codigo;periodo;valor;fuente\nVF-FISICA;01/01/2023;27,85;PNP\nVF-FISICA;01/01/2024;1.150;PNP\n"
    upload = io.BytesIO(text.encode("cp1252"))
    upload.name = "lecturas.csv"
    page = client.post(reverse("admin:indicators_reading_import"), {"file": upload}).content.decode()
    assert '<th scope="col">Fila</th><th scope="col">Columna</th><th scope="col">Motivo</th>' in page
    assert "<td>3</td><td>valor</td><td>«1.150» es ambiguo: ¿1150 o 1.15?" in page
    assert "Confirmar importación" not in page and Reading.objects.filter(indicator=share).count() == 1


def test_the_preview_names_its_columns_in_spanish_and_shows_values_with_their_unit(client, user, share):
    client.force_login(user)
    upload = io.BytesIO(b"code,period,value,source\nVF-FISICA,2023,27.8,PNP\n")  # English headers
    upload.name = "lecturas.csv"
    page = client.post(reverse("admin:indicators_reading_import"), {"file": upload}).content.decode()
    for column in ("Fila", "Código", "Indicador", "Periodo", "Valor", "Fuente", "Nota"):
        assert f'<th scope="col">{column}</th>' in page
    assert "<td>2</td><td>VF-FISICA</td><td>Violencia física</td><td>01/01/2023</td><td>27.80 %</td>" in page
    assert "indicator_code" not in page and "import_readings" not in page


def test_only_registradores_download_templates(client, reports):
    client.force_login(make_user("ana", ROLE_AUDITOR))
    assert client.get(reverse("admin:indicators_reading_template_kind", args=["GSC", "xlsx"])).status_code == 403


def test_an_unknown_template_kind_or_office_is_404(client, user, reports):
    client.force_login(user)
    assert client.get(reverse("admin:indicators_reading_template_kind", args=["GSC", "ods"])).status_code == 404
    assert client.get(reverse("admin:indicators_reading_template_kind", args=["NADA", "csv"])).status_code == 404


def test_the_import_page_links_every_template_of_the_users_offices(client, user, reports):
    make_office("OTRA")
    client.force_login(user)
    page = client.get(reverse("admin:indicators_reading_import")).content.decode()
    for kind in ("xlsx", "csv", "csv-excel-es"):
        assert reverse("admin:indicators_reading_template_kind", args=["GSC", kind]) in page
    assert "/plantilla/OTRA/" not in page


def test_dates_in_an_xlsx_period_column_are_read_as_dates(user, reports):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["DENUNCIAS", None, None, None, datetime(2022, 6, 30), 1005, "PNP", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = imports.import_file(buffer.getvalue(), "x.xlsx", user)
    assert report.ok and Reading.objects.get(indicator=reports, period=date(2022, 1, 1)).value == 1005
