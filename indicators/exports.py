"""Readings out in exactly the import's format, so export → edit in Excel → re-import is a round
trip. Written by `spreadsheets`, which keeps every cell inert (no formula ever runs)."""

from decimal import Decimal

from . import spreadsheets
from .imports import COLUMNS


def _value_text(value: Decimal, decimal_comma: bool) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",") if decimal_comma else text


def rows(readings):
    for reading in readings:
        yield [reading.indicator.code, reading.period.isoformat(), reading.value, reading.source, reading.note]


def to_csv(readings, excel_spanish: bool = False) -> bytes:
    """UTF-8 with a BOM so Excel opens accents right; `;` and decimal comma for Excel in Spanish."""
    table = (
        [code, period, _value_text(value, excel_spanish), source, note]
        for code, period, value, source, note in rows(readings)
    )
    return spreadsheets.csv_bytes(COLUMNS, table, delimiter=";" if excel_spanish else ",")


def to_xlsx(readings) -> bytes:
    table = (
        [code, period, float(value) if value % 1 else int(value), source, note]
        for code, period, value, source, note in rows(readings)
    )
    return spreadsheets.xlsx_bytes(COLUMNS, table, sheet_title="lecturas")


def template_csv(indicators) -> bytes:
    """The header and one example row per indicator, codes filled in, for staff to complete."""
    table = ([indicator.code, "AAAA-MM-DD", "", indicator.source, ""] for indicator in indicators)
    return spreadsheets.csv_bytes(COLUMNS, table)
