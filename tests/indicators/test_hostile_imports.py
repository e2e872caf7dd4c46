"""Hostile and broken import files are refused early, with short messages naming the row and the
column, and write nothing: exponent bombs, 17-digit values, NUL and control characters, a zip
bomb, two million rows, 50 MB, endless lines, thousands of errors. Speed and memory are measured
in the benchmark (bench/run.py), not here: these tests prove the refusals and their size."""

import io
import struct
import zipfile
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from indicators import imports
from indicators.access import ROLE_REGISTRADOR
from indicators.models import Reading
from tests.factories import make_count_unit, make_indicator, make_office, make_user

pytestmark = pytest.mark.django_db

HEADER = ["indicator_code", "period", "value", "source", "note"]  # English headers are read too
SMALL_PAGE = 50 * 1024


@pytest.fixture
def office():
    return make_office("PNP")


@pytest.fixture
def user(office):
    return make_user("rosa", ROLE_REGISTRADOR, [office])


@pytest.fixture
def reports(office):
    """Counted reports: a unit with no upper bound, where only the column limits a value."""
    return make_indicator("DENUNCIAS", office=office, unit=make_count_unit(), frequency="monthly")


@contextmanager
def nothing_written():
    before = Reading.objects.count(), Reading.history.count()
    yield
    assert (Reading.objects.count(), Reading.history.count()) == before


def csv_file(*rows) -> bytes:
    return ("\n".join([",".join(HEADER), *rows]) + "\n").encode("utf-8")


def refused(data: bytes, filename="lecturas.csv", limits=None, user=None):
    with nothing_written():
        report = imports.import_file(data, filename, user, limits=limits)
    assert not report.ok
    return report.lines()


def upload(client, data: bytes, name="lecturas.csv"):
    stream = io.BytesIO(data)
    stream.name = name
    with nothing_written():
        page = client.post(reverse("admin:indicators_reading_import"), {"file": stream})
        assert page.status_code == 200
        assert len(page.content) < SMALL_PAGE
        assert "Confirmar importación" not in page.content.decode()
        # Confirming afterwards has nothing to confirm: the refused file was never kept.
        client.post(reverse("admin:indicators_reading_import_confirm"))
    return page.content.decode()


@pytest.mark.parametrize(
    "value, message",
    [
        ("1E+999999", "«1E+999999» es demasiado grande: se admiten hasta 12 cifras enteras y 4 decimales."),
        ("1E+999999999", "«1E+999999999» es demasiado grande: se admiten hasta 12 cifras enteras y 4 decimales."),
        ("12345678901234567", "«12345678901234567» es demasiado grande: se admiten hasta 12 cifras enteras"),
        ("1234567.0123456789", "«1234567.0123456789» tiene más de 16 cifras: se admiten hasta 12 cifras enteras"),
        ("1000000000000", "«1000000000000» es demasiado grande"),
        ("1E-999999", "Use un número entero no negativo para denuncias (se recibió 1E-999999)."),
        ("9" * 5000, "«9999999999999999999999999999999999999999…» no es un número: tiene más de 40 caracteres."),
    ],
    ids=["exponent", "huge-exponent", "17-digits", "17-significant", "13-whole-digits", "tiny", "5000-digits"],
)
def test_numbers_beyond_the_column_are_refused_from_their_text(user, reports, value, message):
    [line] = refused(csv_file(f"DENUNCIAS,2019,{value},PNP,"), user=user)
    assert line.startswith("fila 2, columna «valor»: ") and message in line
    assert len(line) < 160


def test_an_exponent_bomb_file_makes_a_small_page_and_no_500(client, user, reports):
    # The file of the report: 3.4 KB of `1E+999999` once made a 100 MB page.
    client.force_login(user)
    rows = [f"DENUNCIAS,{1990 + n // 12}-{n % 12 + 1:02d},1E+{'9' * (6 + n % 4)},PNP," for n in range(120)]
    page = upload(client, csv_file(*rows))
    assert "es demasiado grande" in page and "120 errores" in page


@pytest.mark.parametrize(
    "row, column, message",
    [
        ("DENUNCIAS,2019,5,PNP,nota\x00oculta", "note", "carácter invisible no permitido (U+0000) en la posición 5"),
        ("DENUNCIAS,2019,5,P\x00NP,", "source", "(U+0000) en la posición 2"),
        ("DENUNCIAS,2019,5,PNP\x1b[31m,", "source", "(U+001B) en la posición 4"),
        ("DENUNCIAS,2019,5,PNP,\x7f", "note", "(U+007F)"),
        ('DENUNCIAS,2019,5,"PNP\nINEI",', "source", "salto de línea o tabulación no permitido (U+000A)"),
        ("DENUNCIAS,2019,5," + "F" * 301 + ",", "source", "Tiene 301 caracteres; el máximo es 300."),
        ("DENUNCIAS,2019,5,PNP," + "n" * 2001, "note", "Tiene 2,001 caracteres; el máximo es 2,000."),
    ],
    ids=[
        "nul-in-note",
        "nul-in-source",
        "escape-in-source",
        "delete-in-note",
        "newline-in-source",
        "long-source",
        "long-note",
    ],
)
def test_control_characters_and_long_texts_are_refused_with_row_and_column(user, reports, row, column, message):
    [line] = refused(csv_file(row), user=user)
    assert line.startswith(f"fila 2, columna «{imports.LABELS[column]}»: ") and message in line
    assert "\x00" not in line


def test_a_note_keeps_its_line_breaks_and_tabs(user, reports):
    report = imports.import_file(csv_file('DENUNCIAS,2019,5,PNP,"uno\n\tdos"'), "lecturas.csv", user)
    assert report.ok and Reading.objects.get().note == "uno\n\tdos"


def test_a_nul_in_a_note_or_17_digits_never_reach_the_database_from_the_admin(client, user, reports):
    # Both once passed the preview and failed with a 500 at confirmation.
    client.force_login(user)
    page = upload(client, csv_file("DENUNCIAS,2019,5,PNP,nota\x00", "DENUNCIAS,2020,12345678901234567,PNP,"))
    assert "U+0000" in page and "«12345678901234567» es demasiado grande" in page


def test_quoted_cells_are_cut_in_messages(user, reports):
    long_code = "X" * 10_000
    [code_line, value_line, period_line] = refused(
        csv_file(f"{long_code},{'1' * 9000}-01,abc{'d' * 9000},PNP,"), user=user
    )
    assert all(len(line) < 160 for line in (code_line, value_line, period_line))
    assert "X" * 40 + "…" in code_line and "no es un periodo" in period_line


def test_thousands_of_errors_show_the_first_hundred_and_count_the_rest(client, user, reports):
    rows = [f"DENUNCIAS,periodo {n},mil,PNP," for n in range(1, 3001)]
    lines = refused(csv_file(*rows), user=user)
    assert len(lines) == 101 and lines[-1] == "… y 5,900 errores más."
    client.force_login(user)
    page = upload(client, csv_file(*rows))
    assert "6000 errores: no se importará nada" in page and "… y 5,900 errores más." in page


# --- size: rows, bytes, lines ----------------------------------------------------------------


def xlsx_with_rows(count: int, row=("DENUNCIAS", "2019", "1", "PNP", "")) -> bytes:
    """A real workbook whose sheet repeats one row `count` times: a few MB that unpack to hundreds."""
    template = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.save(template)

    def xml_row(cells):
        return "<row>" + "".join(f'<c t="inlineStr"><is><t>{cell}</t></is></c>' for cell in cells) + "</row>"

    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb:
        for member in source.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(member, source.read(member))
                continue
            with bomb.open(member.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                sheet.write(xml_row(HEADER).encode())
                block = (xml_row(row) * min(count, 10_000)).encode()
                for _ in range(count // 10_000 or 1):
                    sheet.write(block)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture(scope="module")
def two_million_rows():
    return xlsx_with_rows(2_000_000)


def test_an_xlsx_of_two_million_rows_is_refused_from_its_declared_size(client, user, reports, two_million_rows):
    assert len(two_million_rows) < 5 * 2**20  # small enough to pass the upload's size check
    [line] = refused(two_million_rows, "bomba.xlsx", imports.Limits.for_upload(), user=user)
    assert line.startswith("El XLSX se descomprime en 426 MB y el máximo para 20,000 filas es 20 MB")
    client.force_login(user)
    assert "se descomprime en 426 MB" in upload(client, two_million_rows, "bomba.xlsx")


def test_the_command_refuses_the_same_xlsx(user, reports, two_million_rows, tmp_path):
    path = tmp_path / "bomba.xlsx"
    path.write_bytes(two_million_rows)
    err = io.StringIO()
    with nothing_written(), pytest.raises(CommandError, match="1 error: no se importó nada"):
        call_command("import_readings", str(path), user="rosa", stdout=io.StringIO(), stderr=err)
    assert "el máximo para 200,000 filas es 200 MB" in err.getvalue()


@override_settings(IMPORT_MAX_UPLOAD_ROWS=500)
def test_an_xlsx_within_its_size_stops_being_read_at_the_row_limit(user, reports):
    body = xlsx_with_rows(1_000)
    [line] = refused(body, "lecturas.xlsx", imports.Limits.for_upload(), user=user)
    assert line == "fila 502: El archivo pasa de 500 filas de lecturas: divídalo en archivos más pequeños."


def test_an_xlsx_that_lies_about_its_size_is_read_no_further_than_it_declares(user, reports):
    body = bytearray(xlsx_with_rows(100_000))
    # The central directory, which zipfile trusts, says the 20 MB sheet holds 1,000 bytes.
    entry = body.index(b"PK\x01\x02")
    while bytes(body[entry + 46 : entry + 46 + 24]) != b"xl/worksheets/sheet1.xml":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", body, entry + 28)
        entry += 46 + name_length + extra_length + comment_length
    struct.pack_into("<I", body, entry + 24, 1_000)
    [line] = refused(bytes(body), "mentira.xlsx", imports.Limits.for_upload(), user=user)
    assert line.startswith("No se pudo leer el archivo «mentira.xlsx»") and len(line) < 300


@pytest.fixture(scope="module")
def fifty_megabytes():
    row = b"DENUNCIAS,2019-01,1,PNP,\n"
    return ",".join(HEADER).encode() + b"\n" + row * (50 * 2**20 // len(row))


def test_the_admin_refuses_50_mb_by_size_before_reading(client, user, reports, fifty_megabytes):
    client.force_login(user)
    page = upload(client, fifty_megabytes)
    assert "El archivo pasa de 5 MB" in page


@pytest.mark.slow  # reads 50 MB
def test_the_command_refuses_50_mb_at_its_row_limit(user, reports, fifty_megabytes, tmp_path):
    path = tmp_path / "grande.csv"
    path.write_bytes(fifty_megabytes)
    err = io.StringIO()
    with nothing_written(), pytest.raises(CommandError, match="1 error: no se importó nada"):
        call_command("import_readings", str(path), user="rosa", stdout=io.StringIO(), stderr=err)
    assert "fila 200002: El archivo pasa de 200,000 filas de lecturas" in err.getvalue()


def test_a_file_without_line_breaks_is_refused_at_its_first_line(user, reports):
    [line] = refused(csv_file("DENUNCIAS,2019,1,PNP," + "x" * 2**20), user=user)
    assert line == "fila 2: La línea pasa de 65,536 caracteres: no es una tabla de lecturas."


def test_not_an_xlsx_at_all(user, reports):
    [line] = refused(b"PK\x03\x04 esto no es un libro", "roto.xlsx", user=user)
    assert line == "El archivo no es un XLSX válido (no se puede abrir como libro de Excel)."
