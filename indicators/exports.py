"""Readings out in exactly the import's format, so export → edit in Excel → re-import is a round trip."""

import csv
import io
from decimal import Decimal

from .imports import COLUMNS


def _value_text(value: Decimal, decimal_comma: bool) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",") if decimal_comma else text


def rows(readings):
    for reading in readings:
        yield [reading.indicator.code, reading.period.isoformat(), reading.value, reading.source, reading.note]


def to_csv(readings, excel_spanish: bool = False) -> bytes:
    """UTF-8 with a BOM so Excel opens accents right; `;` and decimal comma for Excel in Spanish."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel_spanish else ",")
    writer.writerow(COLUMNS)
    for code, period, value, source, note in rows(readings):
        writer.writerow([code, period, _value_text(value, excel_spanish), source, note])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(readings) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("lecturas")
    sheet.append(COLUMNS)
    for code, period, value, source, note in rows(readings):
        sheet.append([code, period, float(value) if value % 1 else int(value), source, note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(indicators) -> bytes:
    """The header and one example row per indicator, codes filled in, for staff to complete."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for indicator in indicators:
        writer.writerow([indicator.code, "AAAA-MM-DD", "", indicator.source, ""])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
