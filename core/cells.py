"""Numbers, yes/no and moments as machine-readable files and the API write them, and as the
spreadsheet-oriented downloads (Excel in Spanish) write them. The one place these rules live:
the serializers, the CSV writers (`api_support`, `pg_csv`, the open data) and the series CSV
call it. Words for people to read come from `formatting`, not from here.

- A measured value is written with its unit's decimals: `16.8000` of a unit with one decimal is
  `16.8`, `1150.0000` of a count is `1150`; a value with more non-zero decimals than its unit now
  allows (the unit was changed after it was entered) keeps them: a figure is never rounded away.
- A computed figure (progress, projection: floats) is rounded half away from zero to the number of
  decimals asked for: `57.333333333333336` → `57.3`. Only the output is rounded; the status rules
  (`goals.progress`) decide on the unrounded numbers.
- Yes/no: `true`/`false` in the machine files (CSV, JSON), `sí`/`no` in the spreadsheet ones.
- Moments: ISO 8601 with the offset in the machine files (`2026-01-31T14:05:00-05:00`, `Z` for
  UTC, as the JSON); `2026-01-31 14:05:00` in the site's time zone in the spreadsheet ones, which
  Excel reads as a date and time."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

from .spreadsheets import PLAIN_NUMBER

PERCENT_DECIMALS = 1  # progress, expected progress, mean progress: 57.3
PACE_DECIMALS = 2  # pace: 0.95

TRUE, FALSE = "true", "false"
YES, NO = "sí", "no"
SPREADSHEET_MOMENT = "%Y-%m-%d %H:%M:%S"
# `?formato=excel-es` on a public CSV download: the same table for Excel in Spanish.
FORMAT_PARAMETER = "formato"
SPREADSHEET = "excel-es"
SPREADSHEET_DELIMITER = ";"


def spreadsheet_asked(request) -> bool:
    return request is not None and request.GET.get(FORMAT_PARAMETER) == SPREADSHEET


def spreadsheet_name(filename: str) -> str:
    """'lecturas.csv' → 'lecturas-excel-es.csv'."""
    stem, dot, extension = filename.rpartition(".")
    return f"{stem}-{SPREADSHEET}.{extension}" if dot else f"{filename}-{SPREADSHEET}"


def decimal_text(value, decimals: int | None) -> str | None:
    """A stored decimal as text with its unit's decimals, never dropping a non-zero digit:
    (Decimal('16.8000'), 1) → '16.8'; (Decimal('1150.0000'), 0) → '1150'; None → None. Without
    `decimals` (no unit), its own digits: '16.8'."""
    if value is None:
        return None
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    if not amount.is_finite():
        return str(amount)
    own = amount.normalize()
    places = max(-own.as_tuple().exponent, 0)
    if decimals is not None:
        places = max(places, decimals)
    text = f"{amount.quantize(Decimal(1).scaleb(-places)):f}"
    return "0" + text[2:] if text.startswith("-0") and not amount else text


def rounded(value, decimals: int | None):
    """A computed float rounded half away from zero, as a JSON number: (57.333…, 1) → 57.3;
    (1151.4, 0) → 1151 (an integer); None → None. Without `decimals`, the value as it is."""
    if value is None or decimals is None:
        return value
    try:
        amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return value
    if amount == 0:
        amount = abs(amount)
    return int(amount) if decimals == 0 else float(amount)


def boolean(value) -> str | None:
    return None if value is None else (TRUE if value else FALSE)


def moment(value) -> str | None:
    """A date or a moment as the API writes it: local time, ISO 8601, `Z` for UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        text = timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- the spreadsheet-oriented CSV (Excel in Spanish: `;`, decimal comma) ------------------------


def spreadsheet_number(text):
    """A machine-written number as Excel in Spanish reads it: '16.8' → '16,8'. Anything that is not
    a plain number (an empty cell, a text) is left as it is."""
    if isinstance(text, str) and PLAIN_NUMBER.fullmatch(text) and "," not in text:
        return text.replace(".", ",")
    return text


def spreadsheet_moment(text):
    """A machine-written moment (ISO 8601 with its offset) in the site's time zone, as Excel reads a
    date and time: '2026-01-31T19:05:00.123456Z' → '2026-01-31 14:05:00'. A date stays a date."""
    if not isinstance(text, str) or "T" not in text:
        return text
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(SPREADSHEET_MOMENT)


def spreadsheet_boolean(text):
    return {TRUE: YES, FALSE: NO}.get(text, text)


SPREADSHEET_CELLS = {
    "number": spreadsheet_number,
    "datetime": spreadsheet_moment,
    "boolean": spreadsheet_boolean,
}


def spreadsheet_row(row, types: list[str | None]):
    """A row of machine-written cells, each converted by its column's type (a Table Schema type:
    `number`, `datetime`, `boolean`; others stay as they are)."""
    return [SPREADSHEET_CELLS.get(kind, _same)(cell) for cell, kind in zip(row, types, strict=False)]


def _same(cell):
    return cell
