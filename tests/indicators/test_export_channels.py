"""Every way a reading leaves the system as a spreadsheet carries no live formula: the API's CSV
lists, the open-data zip, the public serie.csv downloads, the admin's CSV (both conventions) and
XLSX exports, and the import template. Negative numbers stay numbers; export → re-import works."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from core.spreadsheets import is_risky
from goals.models import Target
from ilo_plan import open_data
from indicators import imports
from indicators.access import ROLE_AUDITOR, ROLE_REGISTRADOR
from indicators.models import Reading
from tests.factories import make_indicator, make_office, make_reading, make_unit, make_user

pytestmark = pytest.mark.django_db

HOSTILE_SOURCES = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "\t=1+1", "\r=1+1"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _no_cached_downloads():
    # Each test rolls the data version back, so a download cached by another test could match.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def office():
    return make_office("ECON")


@pytest.fixture
def hostile(plan, office):
    """An indicator whose own source is a formula, measuring a seed target, with one approved
    reading per hostile source, and one negative reading with a plain source."""
    unit = make_unit(code="variacion", name="Variación", symbol="%", min_value=Decimal(-100), decimals=2)
    indicator = make_indicator("VAR-EMPLEO", unit=unit, office=office, source='=HYPERLINK("http://x","y")')
    Target.objects.filter(plan=plan, code="S3.1-M").update(indicator=indicator)
    for year, source in enumerate(HOSTILE_SOURCES, start=2000):
        make_reading(indicator, date(year, 1, 1), Decimal("1.25"), source=source, note="@nota")
    make_reading(indicator, date(2019, 1, 1), Decimal("-3.5"), source="INEI", note="-")
    return indicator


def table(body: bytes, delimiter=",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def assert_inert(rows: list[list], negative: str):
    cells = [cell for row in rows for cell in row]
    for source in HOSTILE_SOURCES:
        assert "'" + source in cells, source
    assert not [cell for cell in cells if isinstance(cell, str) and is_risky(cell)]
    assert negative in cells


def streamed(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_api_csv_of_readings_and_indicators(client, hostile):
    rows = table(streamed(client.get("/api/v1/readings/", {"format": "csv", "indicator": "VAR-EMPLEO"})))
    assert_inert(rows, "-3.50")
    indicators = table(streamed(client.get("/api/v1/indicators/", {"format": "csv"})))
    assert '\'=HYPERLINK("http://x","y")' in [cell for row in indicators for cell in row]


def test_the_api_csv_an_auditor_pulls(client, hostile):
    client.force_login(make_user("ana", ROLE_AUDITOR))
    rows = table(streamed(client.get("/api/v1/readings/", {"format": "csv", "indicator": "VAR-EMPLEO"})))
    assert_inert(rows, "-3.50")


def test_one_reading_and_its_history_as_csv(client, hostile):
    client.force_login(make_user("ana", ROLE_AUDITOR))
    for source in HOSTILE_SOURCES:
        reading = Reading.objects.get(indicator=hostile, source=source)
        for url in (f"/api/v1/readings/{reading.pk}/", f"/api/v1/readings/{reading.pk}/history/"):
            response = client.get(url, {"format": "csv"})
            assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
            rows = table(response.content)
            assert rows[1][rows[0].index("source")] == "'" + source
            assert not [cell for row in rows for cell in row if is_risky(cell)]


def test_every_member_of_the_open_data_zip(client, hostile):
    open_data.build_national_package()  # the worker's, never a request's
    bundle = zipfile.ZipFile(io.BytesIO(streamed(client.get("/api/v1/export.zip"))))
    for name in [name for name in bundle.namelist() if name.endswith(".csv")]:
        rows = table(bundle.read(name))
        assert not [cell for row in rows for cell in row if is_risky(cell)], name
    assert_inert(table(bundle.read("readings.csv")), "-3.50")


@pytest.mark.parametrize("url", ["/entidades/1803/indicadores/VAR-EMPLEO/serie.csv", "/metas/S3.1-M/serie.csv"])
def test_the_public_series_downloads(client, hostile, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_inert(table(response.content), "-3.50")
    # The same series for Excel in Spanish: `;`, decimal comma, just as inert.
    excel = client.get(url, {"formato": "excel-es"})
    assert excel.status_code == 200 and "excel-es" in excel["Content-Disposition"]
    assert_inert(table(excel.content, delimiter=";"), "-3,50")


@pytest.fixture
def jefa(client, hostile):
    user = make_user("jefa", is_superuser=True)
    client.force_login(user)
    return user


def export(client, action):
    selected = list(Reading.objects.filter(indicator__code="VAR-EMPLEO").values_list("pk", flat=True))
    response = client.post(
        reverse("admin:indicators_reading_changelist"), {"action": action, "_selected_action": selected}
    )
    assert response.status_code == 200
    return response


def test_the_admin_csv_exports_in_both_conventions(client, jefa):
    # With the unit's two decimals, in each convention.
    assert_inert(table(export(client, "export_csv").content), "-3.50")
    assert_inert(table(export(client, "export_csv_excel").content, delimiter=";"), "-3,50")


def test_the_admin_xlsx_export_has_no_formula_cell(client, jefa):
    response = export(client, "export_xlsx")
    assert response["Content-Type"] == XLSX
    sheet_xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2))
    source, value = imports.COLUMNS.index("fuente"), imports.COLUMNS.index("valor")
    assert {row[source].data_type for row in rows} == {"s"}
    assert {row[source].value for row in rows if row[source].quotePrefix} == {
        s.replace("\r", "\n") for s in HOSTILE_SOURCES
    }
    negative = next(row for row in rows if row[source].value == "INEI")
    assert (negative[value].value, negative[value].data_type) == (-3.5, "n")


@pytest.mark.parametrize("kind, delimiter", [("csv", ","), ("csv-excel-es", ";")])
def test_the_import_template(client, jefa, kind, delimiter):
    body = client.get(reverse("admin:indicators_reading_template_kind", args=["ECON", kind])).content
    # The indicator's source, a formula, is pre-filled inert; its first due period follows 2019.
    assert table(body, delimiter)[1] == [
        "VAR-EMPLEO",
        "Indicador de prueba",
        "%",
        "2",
        "01/01/2020",
        "",
        '\'=HYPERLINK("http://x","y")',
        "",
    ]


def test_the_xlsx_import_template_has_no_formula_cell(client, jefa):
    response = client.get(reverse("admin:indicators_reading_template_kind", args=["ECON", "xlsx"]))
    assert response["Content-Type"] == XLSX
    sheet_xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    [row] = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, max_row=2))
    assert row[6].value == '=HYPERLINK("http://x","y")' and row[6].data_type == "s" and row[6].quotePrefix


@pytest.mark.parametrize(
    "action, filename", [("export_csv", "a.csv"), ("export_csv_excel", "a.csv"), ("export_xlsx", "a.xlsx")]
)
def test_export_then_reimport_gives_back_the_same_readings(client, jefa, office, action, filename):
    # Sources a spreadsheet would run, and plain ones; the whitespace-led ones are left out,
    # since an import trims its cells.
    indicator = Reading.objects.filter(indicator__code="VAR-EMPLEO").first().indicator
    Reading.objects.filter(source__startswith=("\t")).delete()
    Reading.objects.filter(source__startswith=("\r")).delete()
    before = sorted(Reading.objects.filter(indicator=indicator).values_list("period", "value", "source", "note"))
    body = export(client, action).content
    Reading.objects.filter(indicator=indicator).delete()
    user = make_user("rosa", ROLE_REGISTRADOR, [office])
    report = imports.import_file(body, filename, user)
    assert report.ok, report.lines()
    after = sorted(Reading.objects.filter(indicator=indicator).values_list("period", "value", "source", "note"))
    assert after == before and len(after) == 5
