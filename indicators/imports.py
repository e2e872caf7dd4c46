"""Readings from a CSV or XLSX file: parse, validate the whole file, then write all or nothing.

The file has the columns of the office templates: codigo, indicador, unidad, decimales,
periodo (dd/mm/aaaa), valor, fuente, nota; indicador, unidad and decimales are there for the
person filling it and are not read. English headers (code, indicator, unit, decimals, period,
value, source, note, and the older indicator_code) work too. Excel in Spanish writes `27,8` and
separates with `;`; both conventions are understood. A value is read by the one parser
(`validation.parse_value`) with its indicator's unit: `1.150` is 1150 for a count and refused,
naming its row, as ambiguous for a unit with decimals.

The file is read as a stream and refused with one sentence at its `Limits` (rows, line length,
what an XLSX unpacks to), before it can exhaust the server. Validation uses the same pure checks
as the admin and the API (`indicators.validation`), in bulk: one query for the indicators, one
for their closed terms, one per batch of rows for the approved periods among them, then Python,
then batches of two statements (the readings, their history rows copied by the database), so
100,000 rows take seconds, not minutes."""

from __future__ import annotations

import codecs
import csv
import functools
import io
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext

from core import versions
from core.sheets import CellError, ErrorReport, is_blank, plain_name
from core.spreadsheets import unescape

from . import access, locks
from .models import PUBLIC_STATES, Indicator, Reading, ReviewStatus
from .validation import (
    AmbiguousValue,
    normalize_period,
    parse_value,
    period_errors,
    quoted,
    reading_text_errors,
    shortened,
    value_errors,
)
from .workbooks import MB as MB  # noqa: F401 (the admin upload and its tests read imports.MB)
from .workbooks import FileRefused, bounded_workbook, sheet_rows

# The columns of templates and exports, in this order; what each header means (English and
# older names accepted), by the canonical names the code uses.
COLUMNS = ["codigo", "indicador", "unidad", "decimales", "periodo", "valor", "fuente", "nota"]
READ = ["indicator_code", "period", "value", "source", "note"]
REQUIRED = ["indicator_code", "period", "value", "source"]
ALIASES = {
    "codigo": "indicator_code",
    "code": "indicator_code",
    "indicator_code": "indicator_code",
    "codigo_indicador": "indicator_code",
    "indicador": "indicator_name",
    "indicator": "indicator_name",
    "periodo": "period",
    "period": "period",
    "valor": "value",
    "value": "value",
    "fuente": "source",
    "source": "source",
    "nota": "note",
    "note": "note",
}
# How the columns are named to people, whatever language the file's header was in.
LABELS = {"indicator_code": "codigo", "period": "periodo", "value": "valor", "source": "fuente", "note": "nota"}
BATCH = 2000
BATCH_POSTGRESQL = 5000
# What a hostile or broken file may cost before it is refused. A readings row is a few hundred
# bytes; these bounds are far above any real file and far below what hurts a server.
MAX_LINE_CHARS = 64 * 1024
XLSX_BYTES_PER_ROW = 1000


@dataclass(frozen=True)
class Limits:
    """How many data rows a file may hold; an XLSX may unpack to XLSX_BYTES_PER_ROW a row."""

    rows: int

    @property
    def unpacked_bytes(self) -> int:
        return self.rows * XLSX_BYTES_PER_ROW

    @classmethod
    def for_command(cls) -> Limits:
        return cls(rows=settings.IMPORT_MAX_ROWS)

    @classmethod
    def for_upload(cls) -> Limits:
        return cls(rows=settings.IMPORT_MAX_UPLOAD_ROWS)


def row_error(line: int | None, column: str | None, message: str) -> CellError:
    """The error of `column` (the code's name: value) at `line`, named as the template names it
    ("fila 3, columna «valor»: …")."""
    return CellError(line, column, message, label=LABELS.get(column), quote_column=True)


@dataclass
class ParsedFile:
    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NewReading:
    """A valid row, to be written as a draft of the importing user: what a preview shows (the
    indicator, period, value, source, note), at a tenth of a Reading's memory and none of its
    construction cost, which for 100,000 rows was most of an import's time."""

    indicator: Indicator
    period: date
    value: object
    source: str
    note: str


@dataclass
class ImportReport(ErrorReport):
    """The readings a file would create, or its errors (`core.sheets`: the first MAX_MESSAGES
    kept, all counted)."""

    readings: list[NewReading] = field(default_factory=list)


def _encoding(stream) -> str:
    # Excel saves CSV in the machine's code page (Windows-1252 in Peru) unless told UTF-8. One
    # pass with an incremental decoder decides, without holding the file in memory.
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        stream.seek(0)


def _bounded_lines(text) -> Iterator[str]:
    # readline with a limit: a 50 MB file without line breaks is refused, never held whole.
    number = 0
    while line := text.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise FileRefused(
                gettext("La línea pasa de %(count)s caracteres: no es una tabla de lecturas.")
                % {"count": f"{MAX_LINE_CHARS:,}"},
                number,
            )
        yield line


@contextmanager
def _csv_table(stream):
    text = io.TextIOWrapper(stream, encoding=_encoding(stream), errors="replace", newline="")
    try:
        lines = _bounded_lines(text)
        first = next(lines, "")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        yield csv.reader(_chain(first, lines), delimiter=delimiter)
    finally:
        text.detach()  # the caller's file stays open


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


@contextmanager
def _xlsx_table(stream, limits: Limits):
    label = gettext("para %(count)s filas") % {"count": f"{limits.rows:,}"}
    advice = gettext("divídalo o guárdelo como CSV.")
    with bounded_workbook(stream, limits.unpacked_bytes, label, advice) as workbook:
        yield sheet_rows(workbook.worksheets[0])


def _too_many(limits: Limits, line: int) -> FileRefused:
    return FileRefused(
        gettext("El archivo pasa de %(count)s filas de lecturas: divídalo en archivos más pequeños.")
        % {"count": f"{limits.rows:,}"},
        line,
    )


def _read(table, limits: Limits, parsed: ParsedFile):
    """Fill `parsed` from the table's rows; stops, and raises FileRefused, at the row limit."""
    positions = None
    for line, row in enumerate(table, start=1):
        # Blank rows are skipped but still counted, loosely: a sheet of empty rows ends too.
        if line > 2 * (limits.rows + 1):
            raise _too_many(limits, line)
        if all(is_blank(cell) for cell in row):
            continue
        if positions is None:
            header = [ALIASES.get(plain_name(cell), plain_name(cell)) for cell in row]
            if "indicator_code" not in header and "indicator_name" in header:
                # Files of the earlier format named the code column «indicador».
                header[header.index("indicator_name")] = "indicator_code"
            if missing := [LABELS[name] for name in REQUIRED if name not in header]:
                parsed.errors.append(
                    row_error(
                        line,
                        None,
                        gettext("Faltan columnas: %(missing)s. Se esperan: %(expected)s (o sus nombres en inglés).")
                        % {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)},
                    )
                )
                return
            positions = {name: header.index(name) for name in READ if name in header}
            continue
        if len(parsed.rows) >= limits.rows:
            raise _too_many(limits, line)
        parsed.rows.append((line, {name: row[i] if i < len(row) else None for name, i in positions.items()}))
    if positions is None:
        parsed.errors.append(row_error(None, None, gettext("El archivo está vacío: no tiene encabezado ni filas.")))
    elif not parsed.rows:
        parsed.errors.append(row_error(None, None, gettext("El archivo solo tiene el encabezado: no hay lecturas.")))


def parse_file(data, filename: str, limits: Limits | None = None) -> ParsedFile:
    """Rows keyed by the canonical column names, with the row number Excel shows (header = 1).

    `data` is bytes or a binary file; it is read as a stream and never past `limits`."""
    limits = limits or Limits.for_command()
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    parsed = ParsedFile()
    is_xlsx = filename.lower().endswith((".xlsx", ".xlsm"))
    try:
        with _xlsx_table(stream, limits) if is_xlsx else _csv_table(stream) as table:
            _read(table, limits, parsed)
    except FileRefused as refusal:
        parsed.rows = []
        parsed.errors.append(row_error(refusal.line, None, str(refusal)))
    except Exception as error:  # a corrupt workbook can raise many things; the user needs one sentence
        parsed.rows = []
        parsed.errors.append(
            row_error(
                None,
                None,
                gettext("No se pudo leer el archivo %(file)s: %(error)s")
                % {"file": quoted(filename), "error": shortened(error, 200)},
            )
        )
    return parsed


PERIOD_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%Y-%m", "%Y", "%m/%Y"]


def parse_period(cell) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and 1900 <= cell <= 2200:
        return date(int(cell), 1, 1)
    text = str(cell or "").strip()
    found = _period_of_text(text) if len(text) <= 10 else None
    if found is None:
        raise ValueError(text)
    return found


@functools.lru_cache(maxsize=4096)
def _period_of_text(text: str) -> date | None:
    """The date a period cell's text names, or None. A file repeats a few hundred periods over
    its rows, so each distinct text goes through strptime once; misses are remembered too."""
    for pattern in PERIOD_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def validate(parsed: ParsedFile, user, today: date | None = None, consume: bool = False) -> ImportReport:
    """Every row checked, in batches of BATCH rows: one query for the file's indicators, one for
    their closed terms, and one per batch for the approved readings of that batch's indicators
    and periods (never every approved reading of the file's indicators, which at a million
    readings would be most of them). With `consume`, each batch of parsed rows is let go once
    checked, so a file's rows and its valid readings are not both held whole."""
    report = ImportReport()
    for error in parsed.errors:
        report.keep(error)
    if not report.ok:
        return report
    today = today or timezone.localdate()
    rows = parsed.rows
    indicators = _indicators({_code(row) for _, row in rows})
    seen: dict[tuple[int, date], int] = {}
    closed = locks.closed_terms(i.pk for i in indicators.values())
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        approved = _approved_among(batch, indicators)
        for line, row in batch:
            for error in _row_errors(line, row, user, today, indicators, approved, seen, report, closed):
                report.keep(error)
        if consume:
            rows[start : start + BATCH] = [None] * len(batch)
    if consume:
        parsed.rows = []
    if not report.ok:
        report.readings = []
    return report


def _approved_among(batch, indicators: dict[str, Indicator]) -> set[tuple[int, date]]:
    """The (indicator id, period) pairs of the batch that already have a public reading (approved,
    or cited from the plan), in one query over the (indicator, status, period) index."""
    keys = set()
    for _, row in batch:
        indicator = indicators.get(_code(row))
        if indicator is None:
            continue
        try:
            period = parse_period(row.get("period"))
        except ValueError:
            continue
        keys.add((indicator.pk, normalize_period(period, indicator.frequency)))
    if not keys:
        return set()
    found = Reading.objects.filter(
        status__in=PUBLIC_STATES,
        indicator_id__in={indicator_id for indicator_id, _ in keys},
        period__in={period for _, period in keys},
    ).values_list("indicator_id", "period")
    return keys & set(found)


def _code(row) -> str:
    return str(row.get("indicator_code") or "").strip().upper()


def _indicators(codes: set[str]) -> dict[str, Indicator]:
    """The file's indicators by code, in one query; a file naming thousands of codes (none of which
    can be real past the catalogue's size) reads the whole catalogue instead of a huge IN list."""
    longest = Indicator._meta.get_field("code").max_length
    codes = {code for code in codes if len(code) <= longest}
    indicators = Indicator.objects.select_related("unit", "office")
    if len(codes) <= 500:
        indicators = indicators.filter(code__in=codes)
    found: dict[str, Indicator | None] = {}
    for indicator in indicators:
        # Codes are unique within an entity: the scope (core.scoping) holds the importer's entity,
        # and a code found twice can only reach someone above the entities (a superuser).
        found[indicator.code] = None if indicator.code in found else indicator
    return found


def _row_errors(line, row, user, today, indicators, approved, seen, report, closed) -> list[CellError]:
    errors = []
    code = _code(row)
    indicator = indicators.get(code)
    if not code:
        errors.append(row_error(line, "indicator_code", gettext("Falta el código del indicador.")))
    elif indicator is None and code in indicators:
        errors.append(
            row_error(
                line,
                "indicator_code",
                gettext(
                    "El código %(code)s existe en varias entidades: importe como personal de la entidad del indicador."
                )
                % {"code": shortened(code)},
            )
        )
    elif indicator is None:
        errors.append(
            row_error(
                line,
                "indicator_code",
                gettext("No existe un indicador con el código %(code)s.") % {"code": shortened(code)},
            )
        )
    elif not access.may_enter(user, indicator):
        errors.append(
            row_error(
                line,
                "indicator_code",
                gettext(
                    "El indicador %(code)s es de la oficina %(office)s, a la que usted no pertenece como registrador."
                )
                % {"code": code, "office": indicator.office},
            )
        )
        indicator = None
    try:
        value = parse_value(row.get("value"), indicator.unit.decimals if indicator is not None else None)
    except AmbiguousValue as error:
        # Without its indicator the row is already refused; the unit would decide the reading.
        if indicator is not None:
            errors.append(row_error(line, "value", str(error)))
        value = None
    except ValueError as error:
        errors.append(row_error(line, "value", str(error)))
        value = None
    try:
        period = parse_period(row.get("period"))
    except ValueError:
        errors.append(
            row_error(
                line,
                "period",
                gettext("%(cell)s no es un periodo: use dd/mm/aaaa, aaaa-mm o aaaa.")
                % {"cell": quoted(row.get("period") or "")},
            )
        )
        period = None
    # Our exports put a quote before text a spreadsheet would run as a formula; take it off again.
    source = unescape(_text(row.get("source"))).strip()
    note = unescape(_text(row.get("note"))).strip()
    for column, messages in reading_text_errors(source=source, note=note).items():
        errors.extend(row_error(line, column, message) for message in messages)
    if indicator is not None and value is not None:
        unit = indicator.unit
        for message in value_errors(
            value, min_value=unit.min_value, max_value=unit.max_value, decimals=unit.decimals, unit_name=unit.name
        ):
            errors.append(row_error(line, "value", message))
    if indicator is not None and period is not None:
        period = normalize_period(period, indicator.frequency)
        for message in period_errors(period, today=today):
            errors.append(row_error(line, "period", message))
        if refused := locks.closed_reason(closed.get(indicator.pk, []), period):
            errors.append(row_error(line, "period", refused))
        key = (indicator.pk, period)
        if key in approved:
            errors.append(
                row_error(
                    line,
                    "period",
                    gettext("Ya existe una lectura aprobada para %(code)s en %(period)s: registre una corrección.")
                    % {"code": code, "period": f"{period:%m/%Y}"},
                )
            )
        elif key in seen:
            errors.append(
                row_error(
                    line,
                    "period",
                    gettext("Periodo repetido en el archivo: ya está en la fila %(row)s.") % {"row": seen[key]},
                )
            )
        else:
            seen[key] = line
    if not errors and report.ok:
        report.readings.append(NewReading(indicator, period, value, source, note))
    return errors


def _text(cell) -> str:
    return "" if cell is None else str(cell)


def write(report: ImportReport, user, filename: str, progress: Callable[[int, int], None] | None = None) -> int:
    """Write every reading of a valid report in one transaction; nothing when it has errors.

    Each batch is two statements: the readings' multi-row INSERT, every column as
    `Reading(status=draft, entered_by=user, last_modified_by=user)` would save it (the same
    defaults, a fresh uid per row, created and updated now), then their history rows copied
    from those very rows by the database (`INSERT … SELECT`), as simple_history writes a
    creation: type `+`, the importer as history user, the file as the reason (cut to its
    column, as `Reading._record` does). The offices' data versions are bumped once, in the same
    transaction, since bulk inserts send no signals."""
    if not report.ok:
        return 0
    total = len(report.readings)
    history = Reading.history.model
    limit = history._meta.get_field("history_change_reason").max_length
    reason = Truncator(f"importación {filename}").chars(limit)
    insert = _Insert(user)
    batch_size = insert.batch_size()
    with transaction.atomic():
        for start in range(0, total, batch_size):
            insert.write(report.readings[start : start + batch_size], reason, history)
            if progress:
                progress(min(start + batch_size, total), total)
        # Drafts: the work of the offices of the file's indicators, in no public page.
        offices = {reading.indicator.office_id for reading in report.readings}
        versions.bump(*(versions.office_scope(office) for office in offices))
    return total


class _Insert:
    """The readings' INSERT for one importer: the columns every row shares prepared once."""

    PER_ROW = ("uid", "indicator", "period", "value", "source", "note")

    def __init__(self, user):
        now = timezone.now()
        self.user_id = getattr(user, "pk", None)
        template = Reading(status=ReviewStatus.DRAFT, entered_by=user, last_modified_by=user)
        template.created_at = template.updated_at = now
        self.fields = {f.name: f for f in Reading._meta.concrete_fields if not f.primary_key}
        self.shared = [
            f.get_db_prep_save(getattr(template, f.attname), connection)
            for name, f in self.fields.items()
            if name not in self.PER_ROW
        ]
        self.columns = [f.column for name, f in self.fields.items() if name in self.PER_ROW] + [
            f.column for name, f in self.fields.items() if name not in self.PER_ROW
        ]
        self.prepare_uid = self.fields["uid"].get_db_prep_save
        self.prepare_period = self.fields["period"].get_db_prep_save
        self.prepare_value = self.fields["value"].get_db_prep_save

    def batch_size(self) -> int:
        most = connection.features.max_query_params
        if connection.vendor == "postgresql":  # six array parameters per batch, whatever its size
            return BATCH_POSTGRESQL
        return BATCH if most is None else max(1, min(BATCH, most // len(self.columns)))

    def write(self, rows: list[NewReading], reason: str, history) -> None:
        """Insert `rows` and their history rows."""
        if connection.vendor == "postgresql":
            self.readings_with_history(rows, reason)
        else:
            _copy_history(self.readings(rows), self.user_id, reason, history)

    @functools.cached_property
    def with_history_sql(self) -> str:
        quote = connection.ops.quote_name
        per_row = [self.fields[name].column for name in self.PER_ROW]
        shared = [f for name, f in self.fields.items() if name not in self.PER_ROW]
        tracked, extra = _history_columns(Reading.history.model)
        types = ("uuid", "bigint", "date", "numeric", "text", "text")  # the PER_ROW columns'
        names = ", ".join(f"c{i}" for i in range(len(per_row)))
        return (
            f"WITH new AS (INSERT INTO {quote(Reading._meta.db_table)} "
            f"({', '.join(quote(c) for c in per_row + [f.column for f in shared])}) "
            f"SELECT {names}, {', '.join(f'%s::{f.db_type(connection)}' for f in shared)} "
            f"FROM unnest({', '.join(f'%s::{kind}[]' for kind in types)}) AS t ({names}) "
            f"RETURNING {tracked}) "
            f"INSERT INTO {quote(Reading.history.model._meta.db_table)} ({tracked}, {extra}) "
            f"SELECT {tracked}, %s, %s, %s, %s FROM new"
        )

    def readings_with_history(self, rows: list[NewReading], reason: str) -> None:
        """PostgreSQL: the batch and its history rows in one statement (built once per import). The
        per-row values travel as six arrays (`unnest`), the shared ones once, and the history rows
        are copied from what the INSERT returns, so the database parses one short statement per
        batch instead of a placeholder per cell (half of an import's time went to building and
        parsing those)."""
        arrays = [
            [self.prepare_uid(uuid.uuid4(), connection) for _ in rows],
            [row.indicator.pk for row in rows],
            [row.period for row in rows],
            [row.value for row in rows],
            [row.source for row in rows],
            [row.note for row in rows],
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.with_history_sql, [*self.shared, *arrays, timezone.now(), reason, "+", self.user_id])

    def readings(self, rows: list[NewReading]) -> list:
        """Insert `rows`; their uids as the database compares them."""
        quote = connection.ops.quote_name
        params, uids = [], []
        for row in rows:
            uid = self.prepare_uid(uuid.uuid4(), connection)
            uids.append(uid)
            params += [
                uid,
                row.indicator.pk,
                self.prepare_period(row.period, connection),
                self.prepare_value(row.value, connection),
                row.source,
                row.note,
                *self.shared,
            ]
        one = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(Reading._meta.db_table)} ({', '.join(quote(c) for c in self.columns)}) "
                f"VALUES {', '.join([one] * len(rows))}",
                params,
            )
        return uids


def _history_columns(history) -> tuple[str, str]:
    """The history table's copied columns, and those simple_history adds (date, reason, type, user)."""
    quote = connection.ops.quote_name
    tracked = ", ".join(quote(f.column) for f in history.tracked_fields)
    extra = ", ".join(
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    )
    return tracked, extra


def _copy_history(uids: list, user_id, reason: str, history):
    """One history row per reading of `uids`, as simple_history writes a creation."""
    if not uids:
        return
    quote = connection.ops.quote_name
    columns, extra = _history_columns(history)
    placeholders = ", ".join(["%s"] * len(uids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({columns}, {extra}) "
            f"SELECT {columns}, %s, %s, %s, %s FROM {quote(Reading._meta.db_table)} "
            f"WHERE {quote(Reading._meta.get_field('uid').column)} IN ({placeholders})",
            [connection.ops.adapt_datetimefield_value(timezone.now()), reason, "+", user_id, *uids],
        )


def import_file(data, filename: str, user, dry_run: bool = False, progress=None, limits=None) -> ImportReport:
    report = validate(parse_file(data, filename, limits), user, consume=True)
    if report.ok and not dry_run:
        write(report, user, filename, progress)
    return report
