"""The one CSV/XLSX writer: no cell it writes is ever read as a formula, numbers stay numbers."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from core import spreadsheets

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "@SUM(A1)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "-",
    "+51 953 000 000",
]
NUMBERS = ["-3.5", "+2", "-27,8", "0", "12", "-0.0001", "1E+5", "-.5"]


def read_csv(text, delimiter=","):
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))


@pytest.mark.parametrize("text", HOSTILE)
def test_risky_text_gets_a_quote_in_front(text):
    assert spreadsheets.neutralise(text) == "'" + text
    assert spreadsheets.unescape(spreadsheets.neutralise(text)) == text


@pytest.mark.parametrize("value", [*NUMBERS, -3.5, 7, None, True, "Fuente MINSA", "27.8 %", "'ya citado"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert spreadsheets.neutralise(value) == value
    if isinstance(value, str):
        assert spreadsheets.unescape(value) == value


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_every_risky_cell_of_a_csv_comes_out_quoted_and_numbers_stay(delimiter):
    text = spreadsheets.csv_bytes(
        ["a", "b"], [[h, n] for h, n in zip(HOSTILE, NUMBERS * 2, strict=False)], delimiter=delimiter
    )
    table = read_csv(text.decode("utf-8"), delimiter)
    assert table[0] == ["a", "b"]
    assert [row[0] for row in table[1:]] == ["'" + h for h in HOSTILE]
    assert [row[1] for row in table[1:]] == (NUMBERS * 2)[: len(HOSTILE)]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_separator_inside_a_cell_cannot_start_a_new_cell_in_another_locale(delimiter):
    # Excel in Spanish splits on `;`, in English on `,`: either way a cell stays whole.
    line = spreadsheets.csv_bytes(["a"], [["Fuente;=1+1,@SUM(A1)", "-3.5"]], delimiter=delimiter).decode()
    data = line.splitlines()[1]
    assert data == f'"Fuente;=1+1,@SUM(A1)"{delimiter}"-3.5"'
    for other in ",;":
        # Splitting the raw line on any separator, respecting quotes, gives no formula cell.
        cells = next(csv.reader([data], delimiter=other))
        assert not any(spreadsheets.is_risky(cell) for cell in cells)


def test_none_is_an_empty_cell_and_the_file_starts_with_a_bom():
    text = spreadsheets.csv_bytes(["a", "b"], [[None, 1]]).decode("utf-8")
    assert text == '\ufeff"a","b"\r\n"","1"\r\n', "every cell quoted, on every row"


def test_xlsx_holds_no_formula_and_keeps_numbers_and_text_exact():
    body = spreadsheets.xlsx_bytes(["texto", "número"], [[h, -3.5] for h in HOSTILE] + [["normal", 12]])
    sheet_xml = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(min_row=2))
    # XML reads a bare carriage return back as a line feed; every other character is kept.
    assert [row[0].value for row in rows] == [h.replace("\r", "\n") for h in HOSTILE] + ["normal"]
    assert {row[0].data_type for row in rows} == {"s"}
    assert all(row[0].quotePrefix for row in rows[:-1]) and not rows[-1][0].quotePrefix
    assert {(row[1].data_type, type(row[1].value)) for row in rows} == {("n", float), ("n", int)}
    assert rows[0][1].value == -3.5


def test_xlsx_replaces_characters_xml_cannot_hold_instead_of_failing():
    body = spreadsheets.xlsx_bytes(["a"], [["antes\x00\x01después"]])
    assert load_workbook(io.BytesIO(body)).active["A2"].value == "antes\ufffd\ufffddespués"
