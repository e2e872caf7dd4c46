"""Imports are all or nothing, and every bad row is named with its line, column and reason."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.text import Truncator
from openpyxl import Workbook

from core import versions
from indicators import exports, imports
from indicators.access import ROLE_AUDITOR, ROLE_REGISTRADOR
from indicators.models import Reading
from tests.factories import make_count_unit, make_indicator, make_office, make_reading, make_user

pytestmark = pytest.mark.django_db

HEADER = "indicator_code,period,value,source,note\n"  # the English headers of earlier files still work


@pytest.fixture
def office():
    return make_office("EDU")


@pytest.fixture
def user(office):
    return make_user("rosa", ROLE_REGISTRADOR, [office])


@pytest.fixture
def reading_ind(office):
    return make_indicator("ECE-SEC-LECTURA", office=office)


@pytest.fixture
def reports_ind(office):
    return make_indicator("VIOLENCIA-FAMILIAR", office=office, unit=make_count_unit())


def run(text, user, filename="lecturas.csv", encoding="utf-8"):
    before = Reading.objects.count()
    report = imports.import_file(text.encode(encoding) if isinstance(text, str) else text, filename, user)
    return report, Reading.objects.count() - before


def messages(report):
    return [str(error) for error in report.errors]


def test_a_good_file_enters_as_drafts_owned_by_the_uploader(user, reading_ind, reports_ind):
    report, written = run(
        HEADER + "ECE-SEC-LECTURA,2019,30.5,MINEDU ECE 2019,\nVIOLENCIA-FAMILIAR,2019-06-30,820,PNP,\n", user
    )
    assert report.ok and written == 2
    reading = Reading.objects.get(indicator=reports_ind)
    assert (reading.status, reading.entered_by, reading.period) == ("draft", user, date(2019, 1, 1))
    assert reading.history.get().history_change_reason == "importación lecturas.csv"


def test_imported_rows_and_their_history_are_what_the_workflow_writes(user, reading_ind, reports_ind):
    """The bulk INSERTs write each reading and its history row as `register` (a draft of the
    importer) and simple_history would, and bump the data version once."""
    version, public = versions.current(versions.EVERYTHING).counter, versions.current().counter
    rows = "".join(f"VIOLENCIA-FAMILIAR,{year}-03,{year - 1000},PNP,nota {year}\n" for year in range(1995, 2020))
    report, written = run(HEADER + rows + "ECE-SEC-LECTURA,2019,30.5,MINEDU,\n", user, filename="x" * 200 + ".csv")
    assert report.ok and written == 26
    # Drafts: the offices' work (one office here), on no public page.
    assert versions.current(versions.EVERYTHING).counter == version + 1
    assert versions.current().counter == public
    readings = Reading.objects.filter(indicator__in=[reading_ind, reports_ind])
    assert len({r.uid for r in readings}) == 26
    for reading in readings:
        assert (reading.status, reading.entered_by, reading.last_modified_by) == ("draft", user, user)
        assert not (reading.is_demo or reading.is_cited or reading.is_outlier)
        assert reading.created_at and reading.updated_at and reading.approved_at is None
        record = reading.history.get()
        assert (record.history_type, record.history_user, record.status) == ("+", user, "draft")
        assert record.history_change_reason == Truncator("importación " + "x" * 200 + ".csv").chars(100)
        tracked = [f.attname for f in Reading.history.model.tracked_fields]
        assert [getattr(record, name) for name in tracked] == [getattr(reading, name) for name in tracked]
    first = readings.get(indicator=reports_ind, period=date(1995, 1, 1))
    assert (first.value, first.source, first.note) == (Decimal(995), "PNP", "nota 1995")


def test_latin1_with_semicolons_and_decimal_commas(user, reading_ind):
    text = "codigo_indicador;periodo;valor;fuente;nota\nECE-SEC-LECTURA;2019;27,8;Evaluación Censal;señal\n"
    report, written = run(text, user, encoding="latin-1")
    assert report.ok and written == 1
    reading = Reading.objects.get()
    assert reading.value == Decimal("27.8") and reading.source == "Evaluación Censal" and reading.note == "señal"


def test_an_empty_file(user):
    report, written = run("", user)
    assert messages(report) == ["El archivo está vacío: no tiene encabezado ni filas."] and written == 0


def test_missing_columns(user):
    report, written = run("indicator_code,period\nX,2019\n", user)
    assert written == 0
    assert messages(report) == [
        "fila 1: Faltan columnas: valor, fuente. Se esperan: codigo, indicador, unidad, decimales, periodo, valor, "
        "fuente, nota (o sus nombres en inglés)."
    ]


@pytest.mark.parametrize(
    "row, message",
    [
        ("NO-EXISTE,2019,1,F,", "fila 3, columna «codigo»: No existe un indicador con el código NO-EXISTE."),
        ("ECE-SEC-LECTURA,2019,treinta,F,", "fila 3, columna «valor»: «treinta» no es un número."),
        (
            "ECE-SEC-LECTURA,2019,130,F,",
            "fila 3, columna «valor»: El valor 130 está fuera del rango de la unidad porcentaje (0 a 100).",
        ),
        ("ECE-SEC-LECTURA,2099,30,F,", "fila 3, columna «periodo»: El periodo 01/01/2099 está en el futuro."),
        (
            "ECE-SEC-LECTURA,ayer,30,F,",
            "fila 3, columna «periodo»: «ayer» no es un periodo: use dd/mm/aaaa, aaaa-mm o aaaa.",
        ),
        (
            "ECE-SEC-LECTURA,2019-05,31,F,",
            "fila 3, columna «periodo»: Periodo repetido en el archivo: ya está en la fila 2.",
        ),
        ("ECE-SEC-LECTURA,2019,30,,", "fila 3, columna «fuente»: Falta la fuente del dato (documento o sistema)."),
    ],
)
def test_one_bad_row_and_nothing_is_written(user, reading_ind, row, message):
    report, written = run(HEADER + "ECE-SEC-LECTURA,2019,30,MINEDU,\n" + row + "\n", user)
    assert written == 0
    assert message in messages(report)


def test_an_approved_period_asks_for_a_correction(user, reading_ind):
    make_reading(reading_ind, date(2016, 1, 1), Decimal("27.80"))
    report, written = run(HEADER + "ECE-SEC-LECTURA,2016,28,MINEDU,\n", user)
    assert written == 0
    assert messages(report) == [
        "fila 2, columna «periodo»: Ya existe una lectura aprobada para ECE-SEC-LECTURA en 01/2016: "
        "registre una corrección."
    ]


def test_another_offices_indicator_is_refused(user):
    make_indicator("AGUA-HORAS", office=make_office("AGUA"))
    report, written = run(HEADER + "AGUA-HORAS,2019,12,EPS,\n", user)
    assert written == 0 and "no pertenece como registrador" in messages(report)[0]


def test_xlsx_with_real_dates_and_numbers(user, reading_ind):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["indicator_code", "period", "value", "source", "note"])
    sheet.append(["ECE-SEC-LECTURA", date(2019, 1, 1), 31.2, "MINEDU", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report, written = run(buffer.getvalue(), user, filename="lecturas.xlsx")
    assert report.ok and written == 1 and Reading.objects.get().value == Decimal("31.2")


def many_rows(count, indicators, bad_last=False):
    lines = [HEADER]
    for i in range(count):
        code = indicators[i % len(indicators)].code
        month = i // len(indicators)
        lines.append(f"{code},{1990 + month // 12}-{month % 12 + 1:02d}-01,{i % 90},Sistema,\n")
    if bad_last:
        lines[-1] = lines[-1].replace(",Sistema,", ",,")
    return "".join(lines)


def test_ten_thousand_rows_all_or_nothing(user, office):
    indicators = [make_indicator(f"MENSUAL-{n}", office=office, frequency="monthly") for n in range(25)]
    report, written = run(many_rows(10_000, indicators, bad_last=True), user)
    assert written == 0 and messages(report) == [
        "fila 10001, columna «fuente»: Falta la fuente del dato (documento o sistema)."
    ]
    report, written = run(many_rows(10_000, indicators), user)
    assert report.ok and written == 10_000


def test_export_and_reimport_round_trip(user, reading_ind, reports_ind):
    run(HEADER + "ECE-SEC-LECTURA,2019,30.5,MINEDU,nota\nVIOLENCIA-FAMILIAR,2019,820,PNP,\n", user)
    readings = Reading.objects.order_by("pk").select_related("indicator__unit")
    exported = exports.to_csv(readings, excel_spanish=True).decode("utf-8")
    assert exported.startswith('\ufeff"codigo";"indicador";"unidad";"decimales";"periodo";"valor";"fuente";"nota"')
    assert '"01/01/2019";"30,50"' in exported and '"0";"01/01/2019";"820"' in exported  # every row quoted alike
    # Someone fixes a value in Excel and uploads the file to another copy of the system.
    Reading.objects.all().delete()
    report, written = run(exported.replace("820", "821"), user)
    assert report.ok and written == 2
    assert Reading.objects.get(indicator=reports_ind).value == 821
    assert Reading.objects.get(indicator=reading_ind).note == "nota"


def test_the_command_imports_validates_and_refuses(user, reading_ind, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "ECE-SEC-LECTURA,2019,30,MINEDU,\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_readings", str(good), user="rosa", dry_run=True, stdout=out, stderr=err)
    assert Reading.objects.count() == 0 and "validadas" in out.getvalue()
    call_command("import_readings", str(good), user="rosa", stdout=out, stderr=err)
    assert Reading.objects.count() == 1 and "1/1" in err.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "ECE-SEC-LECTURA,2020,300,MINEDU,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no se importó nada"):
        call_command("import_readings", str(bad), user="rosa", stdout=out, stderr=err)
    assert Reading.objects.count() == 1


def test_admin_upload_preview_confirm(client, user, reading_ind):
    client.force_login(user)
    upload = io.BytesIO((HEADER + "ECE-SEC-LECTURA,2019,30,MINEDU,\n").encode())
    upload.name = "lecturas.csv"
    page = client.post(reverse("admin:indicators_reading_import"), {"file": upload})
    assert page.status_code == 200 and "Confirmar importación" in page.content.decode()
    assert Reading.objects.count() == 0  # preview writes nothing
    client.post(reverse("admin:indicators_reading_import_confirm"))
    assert Reading.objects.filter(status="draft", entered_by=user).count() == 1


def test_admin_preview_lists_every_bad_row(client, user, reading_ind):
    client.force_login(user)
    upload = io.BytesIO((HEADER + "ECE-SEC-LECTURA,2019,abc,MINEDU,\nXX,2019,1,F,\n").encode())
    upload.name = "lecturas.csv"
    page = client.post(reverse("admin:indicators_reading_import"), {"file": upload}).content.decode()
    assert "«abc» no es un número." in page and "No existe un indicador con el código XX." in page
    assert "Confirmar importación" not in page


def test_an_auditor_cannot_import(client, reading_ind):
    client.force_login(make_user("ana", ROLE_AUDITOR))
    assert client.get(reverse("admin:indicators_reading_import")).status_code == 403


def test_the_office_template_lists_its_indicators(client, user, reading_ind, reports_ind):
    client.force_login(user)
    url = reverse("admin:indicators_reading_template_kind", args=["EDU", "csv"])
    body = client.get(url).content.decode("utf-8-sig")
    assert body.splitlines()[0] == '"codigo","indicador","unidad","decimales","periodo","valor","fuente","nota"'
    assert {line.split(",")[0].strip('"') for line in body.splitlines()[1:]} == {
        "ECE-SEC-LECTURA",
        "VIOLENCIA-FAMILIAR",
    }
