"""Readings out, and the templates staff fill in, in exactly the import's columns, so export →
edit in Excel → re-import is a round trip. Written by `spreadsheets`, which keeps every cell
inert (no formula ever runs).

Three forms of each: XLSX first (numbers and dates are cells, so no separator or decimal-mark
question arises), and CSV in the two conventions Excel writes depending on the computer's
regional settings: `,` between columns with a decimal point, and `;` with a decimal comma. Both
are UTF-8 with a BOM, which Excel needs to show accents right."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core import spreadsheets

from .imports import COLUMNS
from .validation import decimals_phrase, value_text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = [22, 48, 14, 10, 12, 12, 36, 30]  # characters, column by column
PERIOD = "dd/mm/yyyy"


@dataclass(frozen=True)
class Row:
    """One line of a template or an export: an indicator, a period and, once known, its value."""

    indicator: object
    period: date
    value: Decimal | None = None
    source: str = ""
    note: str = ""


def reading_rows(readings):
    for reading in readings:
        yield Row(reading.indicator, reading.period, reading.value, reading.source, reading.note)


def _unit_name(unit) -> str:
    return unit.symbol or unit.name


def to_csv(readings, excel_spanish: bool = False) -> bytes:
    """The readings (their indicator and unit loaded) as CSV; `excel_spanish`: `;` and decimal comma."""
    return csv_bytes(reading_rows(readings), excel_spanish=excel_spanish)


def to_xlsx(readings) -> bytes:
    return xlsx_bytes(reading_rows(readings), sheet_title="lecturas")


def csv_bytes(rows, excel_spanish: bool = False) -> bytes:
    def value(row):
        if row.value is None:
            return ""
        return value_text(row.value, row.indicator.unit.decimals, decimal_comma=excel_spanish)

    table = (
        [
            row.indicator.code,
            row.indicator.name,
            _unit_name(row.indicator.unit),
            row.indicator.unit.decimals,
            f"{row.period:%d/%m/%Y}",
            value(row),
            row.source,
            row.note,
        ]
        for row in rows
    )
    return spreadsheets.csv_bytes(COLUMNS, table, delimiter=";" if excel_spanish else ",")


def xlsx_bytes(rows, *, sheet_title: str, checks: bool = False) -> bytes:
    """`checks`: Excel refuses, while the sheet is filled, a value outside its unit's range."""
    rows = list(rows)
    table = (
        [
            row.indicator.code,
            row.indicator.name,
            _unit_name(row.indicator.unit),
            row.indicator.unit.decimals,
            spreadsheets.Shown(row.period, PERIOD),
            spreadsheets.Shown(spreadsheets.number_cell(row.value), _number_format(row.indicator.unit)),
            row.source,
            row.note,
        ]
        for row in rows
    )
    column = "ABCDEFGH"[COLUMNS.index("valor")]
    cells_by_unit: dict = {}
    for line, row in enumerate(rows if checks else [], start=2):
        unit = row.indicator.unit
        if unit.min_value is not None or unit.max_value is not None:
            cells_by_unit.setdefault(unit, []).append(f"{column}{line}")
    allowed = [_allowed(" ".join(cells), unit) for unit, cells in cells_by_unit.items()]
    return spreadsheets.xlsx_bytes(COLUMNS, table, sheet_title=sheet_title, widths=WIDTHS, allowed=allowed)


def _number_format(unit) -> str:
    return "#,##0." + "0" * unit.decimals if unit.decimals else "#,##0"


def _allowed(cells: str, unit) -> spreadsheets.Allowed:
    low = None if unit.min_value is None else value_text(unit.min_value)
    high = None if unit.max_value is None else value_text(unit.max_value)
    if low is not None and high is not None:
        span = f"de {low} a {high}"
    else:
        span = f"desde {low}" if low is not None else f"hasta {high}"
    return spreadsheets.Allowed(
        cells, low, high, f"{unit.name}: {span}, {decimals_phrase(unit.decimals)}.", whole=unit.decimals == 0
    )


def template_rows(indicators, due_periods: dict) -> list[Row]:
    """The lines of an office's template: each indicator (its unit loaded) with each of its due
    periods (`due_periods`: indicator pk → periods, oldest first), its source filled in."""
    return [
        Row(indicator, period, None, indicator.source)
        for indicator in indicators
        for period in due_periods.get(indicator.pk, [])
    ]


def template_xlsx(rows) -> bytes:
    return xlsx_bytes(rows, sheet_title="plantilla", checks=True)
