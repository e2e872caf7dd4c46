"""Readings from a CSV or XLSX file: parse, validate the whole file, then write all or nothing.

The file has the columns indicator_code, period, value, source, note (the Spanish headers
codigo_indicador, periodo, valor, fuente, nota work too). Excel in Spanish writes `27,8` and
separates with `;`; both are understood. A value with a comma is read with the comma as decimal
mark and dots as thousands (`1.150,5`); a value without a comma is read with the dot as decimal
mark (`1150.5`), so `1.150` means one point one five, never one thousand one hundred and fifty.

Validation uses the same pure checks as the admin and the API (`indicators.validation`), in
bulk: one query for the indicators, one for the approved periods, then Python, then
`bulk_create_with_history` in batches, so 100,000 rows take seconds, not minutes."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from . import roles
from .models import DataVersion, Indicator, Reading, ReviewStatus
from .validation import normalize_period, period_errors, value_errors

COLUMNS = ["indicator_code", "period", "value", "source", "note"]
REQUIRED = ["indicator_code", "period", "value", "source"]
ALIASES = {
    "indicator_code": "indicator_code",
    "codigo_indicador": "indicator_code",
    "codigo": "indicator_code",
    "indicador": "indicator_code",
    "period": "period",
    "periodo": "period",
    "value": "value",
    "valor": "value",
    "source": "source",
    "fuente": "source",
    "note": "note",
    "nota": "note",
}
BATCH = 2000


@dataclass(frozen=True)
class RowError:
    line: int | None
    column: str | None
    message: str

    def __str__(self):
        where = []
        if self.line is not None:
            where.append(f"fila {self.line}")
        if self.column:
            where.append(f"columna «{self.column}»")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ParsedFile:
    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportReport:
    readings: list[Reading] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _plain(text) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return text.strip().lower().replace(" ", "_")


def _decode(raw: bytes) -> str:
    # Excel saves CSV in the machine's code page (Windows-1252 in Peru) unless told UTF-8.
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _csv_rows(raw: bytes) -> list[list]:
    text = _decode(raw)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(raw: bytes) -> list[list]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def parse_file(data, filename: str) -> ParsedFile:
    """Rows keyed by the canonical column names, with the line number Excel shows (header = 1)."""
    raw = data if isinstance(data, bytes) else data.read()
    parsed = ParsedFile()
    try:
        table = _xlsx_rows(raw) if filename.lower().endswith((".xlsx", ".xlsm")) else _csv_rows(raw)
    except Exception as error:  # a corrupt workbook can raise many things; the user needs one sentence
        parsed.errors.append(RowError(None, None, f"No se pudo leer el archivo {filename}: {error}"))
        return parsed
    table = [row for row in table if any(str(cell or "").strip() for cell in row)] if table else []
    if not table:
        parsed.errors.append(RowError(None, None, "El archivo está vacío: no tiene encabezado ni filas."))
        return parsed
    header = [ALIASES.get(_plain(cell), _plain(cell)) for cell in table[0]]
    if missing := [name for name in REQUIRED if name not in header]:
        parsed.errors.append(
            RowError(1, None, f"Faltan columnas: {', '.join(missing)}. Se esperan: {', '.join(COLUMNS)}.")
        )
        return parsed
    if len(table) == 1:
        parsed.errors.append(RowError(None, None, "El archivo solo tiene el encabezado: no hay lecturas."))
        return parsed
    positions = {name: header.index(name) for name in COLUMNS if name in header}
    for line, row in enumerate(table[1:], start=2):
        parsed.rows.append((line, {name: row[i] if i < len(row) else None for name, i in positions.items()}))
    return parsed


def parse_value(cell) -> Decimal:
    if isinstance(cell, bool):
        raise InvalidOperation
    if isinstance(cell, int | float | Decimal):
        return Decimal(str(cell))
    text = str(cell or "").strip().replace(" ", "").replace("\u00a0", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation
    return value


PERIOD_FORMATS = ["%Y-%m-%d", "%Y-%m", "%Y", "%d/%m/%Y", "%m/%Y"]


def parse_period(cell) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and 1900 <= cell <= 2200:
        return date(int(cell), 1, 1)
    text = str(cell or "").strip()
    for pattern in PERIOD_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def validate(parsed: ParsedFile, user, today: date | None = None) -> ImportReport:
    report = ImportReport(errors=list(parsed.errors))
    if parsed.errors:
        return report
    today = today or timezone.localdate()
    codes = {str(row.get("indicator_code") or "").strip().upper() for _, row in parsed.rows}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes).select_related("unit", "office")}
    approved = set(
        Reading.objects.filter(indicator__in=indicators.values(), status=ReviewStatus.APPROVED).values_list(
            "indicator_id", "period"
        )
    )
    seen: dict[tuple[int, date], int] = {}
    for line, row in parsed.rows:
        errors = _row_errors(line, row, user, today, indicators, approved, seen, report)
        report.errors.extend(errors)
    if report.errors:
        report.readings = []
    return report


def _row_errors(line, row, user, today, indicators, approved, seen, report) -> list[RowError]:
    errors = []
    code = str(row.get("indicator_code") or "").strip().upper()
    indicator = indicators.get(code)
    if not code:
        errors.append(RowError(line, "indicator_code", "Falta el código del indicador."))
    elif indicator is None:
        errors.append(RowError(line, "indicator_code", f"No existe un indicador con el código {code}."))
    elif not roles.can_enter_for(user, indicator):
        errors.append(
            RowError(
                line,
                "indicator_code",
                f"El indicador {code} es de la oficina {indicator.office}, "
                "a la que usted no pertenece como registrador.",
            )
        )
        indicator = None
    try:
        value = parse_value(row.get("value"))
    except (InvalidOperation, ValueError):
        errors.append(RowError(line, "value", f"«{row.get('value') or ''}» no es un número."))
        value = None
    try:
        period = parse_period(row.get("period"))
    except ValueError:
        errors.append(
            RowError(line, "period", f"«{row.get('period') or ''}» no es un periodo: use AAAA-MM-DD, AAAA-MM o AAAA.")
        )
        period = None
    source = str(row.get("source") or "").strip()
    if not source:
        errors.append(RowError(line, "source", "Falta la fuente del dato."))
    if indicator is not None and value is not None:
        unit = indicator.unit
        for message in value_errors(
            value, min_value=unit.min_value, max_value=unit.max_value, decimals=unit.decimals, unit_name=unit.name
        ):
            errors.append(RowError(line, "value", message))
    if indicator is not None and period is not None:
        period = normalize_period(period, indicator.frequency)
        for message in period_errors(period, today=today):
            errors.append(RowError(line, "period", message))
        key = (indicator.pk, period)
        if key in approved:
            errors.append(
                RowError(
                    line,
                    "period",
                    f"Ya existe una lectura aprobada para {code} en {period:%Y-%m}: registre una corrección.",
                )
            )
        elif key in seen:
            errors.append(RowError(line, "period", f"Periodo repetido en el archivo: ya está en la fila {seen[key]}."))
        else:
            seen[key] = line
    if not errors:
        report.readings.append(
            Reading(
                indicator=indicator,
                period=period,
                value=value,
                source=source[:300],
                note=str(row.get("note") or "").strip(),
                status=ReviewStatus.DRAFT,
                entered_by=user,
                last_modified_by=user,
            )
        )
    return errors


def write(report: ImportReport, user, filename: str, progress: Callable[[int, int], None] | None = None) -> int:
    """Write every reading of a valid report in one transaction; nothing when it has errors."""
    if not report.ok:
        return 0
    total = len(report.readings)
    with transaction.atomic():
        for start in range(0, total, BATCH):
            batch = report.readings[start : start + BATCH]
            bulk_create_with_history(
                batch, Reading, batch_size=BATCH, default_user=user, default_change_reason=f"importación {filename}"
            )
            if progress:
                progress(min(start + BATCH, total), total)
        DataVersion.bump()  # bulk inserts send no signals
    return total


def import_file(data, filename: str, user, dry_run: bool = False, progress=None) -> ImportReport:
    report = validate(parse_file(data, filename), user)
    if report.ok and not dry_run:
        write(report, user, filename, progress)
    return report
