"""Every spreadsheet the system writes, CSV or XLSX, and the one rule that keeps them inert.

A CSV or XLSX cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
read by Excel, LibreOffice and Google Sheets as a formula: a source typed as
`=HYPERLINK("http://x","clic")` would become a live link (or worse, a DDE command) on the
computer of whoever opens the download. OWASP's CSV-injection guidance
(https://owasp.org/www-community/attacks/CSV_Injection) is followed here:

- such a text cell gets a single quote in front (`'=HYPERLINK(...)`), which every spreadsheet
  shows as text and never evaluates; a number stays a number (`-3.5` is not touched);
- every cell of every row, the header included, is quoted (`csv.QUOTE_ALL`, one rule for every
  row of every CSV the product writes), so that Excel in another locale (Spanish Excel splits on
  `;`) cannot cut a cell in two at a `,` or `;` and start a new one with `=`; a quoted number is
  still a number to every reader (Excel, LibreOffice, pandas, Frictionless);
- in XLSX a text cell is always stored as text (openpyxl would otherwise store a string that
  starts with `=` as a formula), with Excel's "quote prefix" flag on the risky ones, so the
  value stays exactly as typed and stays text even when someone edits the cell.

Text is neutralised here, on the way out, rather than refused on the way in: a note that starts
with "- dato preliminar" or a source like "+51 ..." is legitimate, the JSON API and the pages show
it as plain text, and the danger exists only inside a spreadsheet, which is written only here.
The imports undo the quote (`unescape`) so that export → edit in Excel → re-import is exact."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.http import StreamingHttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A plain number, with a decimal point or (for Excel in Spanish) a decimal comma: `-3.5`, `+2`,
# `-27,8`, `1E+5`. Anything else that starts with a trigger is text and gets neutralised.
# ASCII digits only (a spreadsheet reads no other digit as a number), as `pg_csv` does in SQL.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")
# One quoting rule for every row of every CSV: each cell quoted (see the module's docstring).
QUOTING = csv.QUOTE_ALL
# Characters XML 1.0 (so XLSX) cannot hold at all; openpyxl raises on them.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BOM = "\ufeff"


def is_risky(text: str) -> bool:
    """True for text a spreadsheet would read as a formula."""
    return text.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(text)


def neutralise(value):
    """The value as a spreadsheet may safely receive it: risky text behind a single quote."""
    if isinstance(value, str) and is_risky(value):
        return "'" + value
    return value


def unescape(text: str) -> str:
    """Undo `neutralise` on text read back from one of our files."""
    if text.startswith("'") and is_risky(text[1:]):
        return text[1:]
    return text


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable], *, delimiter: str = ",") -> Iterator[str]:
    """The CSV text line by line, with a BOM so Excel reads UTF-8 accents right; None is empty.
    Every cell quoted, on every row (`QUOTING`); `pg_csv` writes the same bytes in SQL."""
    writer = csv.writer(_Echo(), delimiter=delimiter, quoting=QUOTING)
    yield BOM + writer.writerow([neutralise(name) for name in header])
    for row in rows:
        yield writer.writerow(["" if value is None else neutralise(value) for value in row])


def csv_bytes(header: list[str], rows: Iterable[Iterable], *, delimiter: str = ",") -> bytes:
    return "".join(csv_lines(header, rows, delimiter=delimiter)).encode("utf-8")


def csv_response(
    header: list[str], rows: Iterable[Iterable], filename: str, *, delimiter: str = ","
) -> StreamingHttpResponse:
    """A CSV download written row by row: memory stays flat whatever the number of rows."""
    response = StreamingHttpResponse(
        csv_lines(header, rows, delimiter=delimiter), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class Shown:
    """An XLSX cell's value with how Excel shows it (`dd/mm/yyyy`, `0.0`): a number or date stays
    one, and looks the way people write it."""

    value: object
    number_format: str


@dataclass(frozen=True)
class Allowed:
    """An XLSX rule on the cells `cells` (e.g. `F2 F3`): a decimal between `low` and `high` (either
    may be None), which Excel itself enforces while the sheet is filled, with `message`."""

    cells: str
    low: object
    high: object
    message: str
    whole: bool = False


def xlsx_bytes(
    header: list[str],
    rows: Iterable[Iterable],
    *,
    sheet_title: str = "datos",
    widths: list[int] | None = None,
    allowed: Iterable[Allowed] = (),
) -> bytes:
    """One sheet, header first and frozen; numbers and dates as themselves, every text as a text
    cell. `widths` sets the columns' widths in characters; `allowed` adds Excel's own checks."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for rule in allowed:
        sheet.data_validations.append(_validation(DataValidation, rule))

    def heading(name):
        written = WriteOnlyCell(sheet, value=neutralise(name))
        written.font = Font(bold=True)
        return written

    sheet.append([heading(name) for name in header])
    for row in rows:
        sheet.append(inert_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def number_cell(value: Decimal | None) -> int | float | None:
    """A decimal as a spreadsheet cell holds it: a whole number as an integer (45, not 45.0000),
    any other as a float (27.8); None stays empty."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def inert_row(sheet, values: Iterable) -> list:
    """A row for `sheet.append` (openpyxl, write-only or not): numbers and dates as themselves,
    `Shown` values with their format, every text as a text cell that no spreadsheet runs. The one
    writer of XLSX cells: `xlsx_bytes` and the plan file (`ilo_plan.plan_file.export`) both use it."""
    from openpyxl.cell import WriteOnlyCell

    def cell(value):
        if isinstance(value, Shown):
            shown = WriteOnlyCell(sheet, value=value.value)
            shown.number_format = value.number_format
            return shown
        if not isinstance(value, str):
            return value
        # A text the export cannot carry (a control character from before entry was checked)
        # shows as the replacement character instead of breaking the whole download.
        text = XML_ILLEGAL.sub("\ufffd", value)
        if not is_risky(text):
            return text
        written = WriteOnlyCell(sheet, value=text)
        written.data_type = "s"  # openpyxl stores any "=..." as a formula: make it text again
        written.quotePrefix = True
        return written

    return [cell(value) for value in values]


def _validation(DataValidation, rule: Allowed):
    # The bounds are numbers written by us, never text from a cell: nothing here can run.
    kind = "whole" if rule.whole else "decimal"
    if rule.low is not None and rule.high is not None:
        check = DataValidation(type=kind, operator="between", formula1=str(rule.low), formula2=str(rule.high))
    elif rule.low is not None:
        check = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(rule.low))
    else:
        check = DataValidation(type=kind, operator="lessThanOrEqual", formula1=str(rule.high))
    check.allow_blank = True
    check.showErrorMessage = True
    check.errorTitle = "Valor fuera de la unidad"
    check.error = rule.message[:255]
    for cells in rule.cells.split():
        check.add(cells)
    return check
