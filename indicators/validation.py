"""Pure checks of a reading's fields, shared by the model (so the admin and the API, through the
workflow), the file imports and the API's serializers: one rule, called everywhere.

Each check returns Spanish messages a registrador understands; an empty list means valid.
A message never repeats a long input whole: quoted cells are cut at 40 characters."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from .formatting import number

EARLIEST_PERIOD = date(1990, 1, 1)

# The reading's columns: value is numeric(16, 4), source varchar(300). A note has no column
# limit; 2,000 characters is a long paragraph, and keeps pages, exports and history readable.
VALUE_MAX_DIGITS = 16
VALUE_MAX_DECIMALS = 4
VALUE_MAX_WHOLE_DIGITS = VALUE_MAX_DIGITS - VALUE_MAX_DECIMALS
SOURCE_MAX_LENGTH = 300
NOTE_MAX_LENGTH = 2000

QUOTE_LENGTH = 40
# Longer than any number the column holds, written any way (`-123.456.789.012,3456`).
NUMBER_MAX_LENGTH = 40
NUMBER_SHAPE = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
VALUE_LIMIT = f"se admiten hasta {VALUE_MAX_WHOLE_DIGITS} cifras enteras y {VALUE_MAX_DECIMALS} decimales"


# Unicode's Cc (NUL and the other control characters: PostgreSQL refuses NUL, XML and so XLSX
# refuse most of them) and Cs (lone surrogates, which no database encoding can store).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def shortened(text, limit: int = QUOTE_LENGTH) -> str:
    """Text for a message: invisible characters shown as �, cut at `limit` characters with …"""
    text = CONTROL.sub("\ufffd", str(text)[: limit + 1])
    return f"{text[:limit]}…" if len(text) > limit else text


def quoted(text, limit: int = QUOTE_LENGTH) -> str:
    return f"«{shortened(text, limit)}»"


# --- numbers ------------------------------------------------------------------------------------


def parse_value(cell) -> Decimal:
    """A reading's value from a cell or a form: `12.5`, or `12,5` and `1.150,5` as Excel in
    Spanish writes them (with a comma, dots are thousands; without one, the dot is decimal).

    The text is checked (length, digits, exponent) before anything is converted, so `1E+999999`
    costs nothing. Raises ValueError with a Spanish message; a result always fits the column."""
    if isinstance(cell, bool):
        raise ValueError(f"{quoted(cell)} no es un número.")
    if isinstance(cell, Decimal | int | float):
        text = str(cell)
    else:
        text = str(cell or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        raise ValueError("Falta el valor.")
    if len(text) > NUMBER_MAX_LENGTH:
        raise ValueError(f"{quoted(text)} no es un número: tiene más de {NUMBER_MAX_LENGTH} caracteres.")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    shape = NUMBER_SHAPE.fullmatch(text)
    if not shape or not (shape[2] or shape[3]):
        raise ValueError(f"{quoted(cell)} no es un número.")
    _, whole, fraction, exponent = shape.groups()
    fraction = fraction or ""
    whole_digits, significant, _ = _digits_of(whole + fraction, int(exponent or 0) - len(fraction))
    if whole_digits > VALUE_MAX_WHOLE_DIGITS:
        raise ValueError(f"{quoted(cell)} es demasiado grande: {VALUE_LIMIT}.")
    if significant > VALUE_MAX_DIGITS:
        raise ValueError(f"{quoted(cell)} tiene más de {VALUE_MAX_DIGITS} cifras: {VALUE_LIMIT}.")
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"{quoted(cell)} no es un número.") from error


def _digits_of(digits: str, exponent: int) -> tuple[int, int, int]:
    """(whole digits, significant digits, decimal places) of the number `digits` × 10**exponent,
    leading and trailing zeros left out."""
    digits = digits.lstrip("0")
    if not digits:
        return 0, 0, 0
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    return max(0, len(stripped) + exponent), len(stripped), max(0, -exponent)


def _shape(value: Decimal) -> tuple[int, int]:
    """(whole digits, decimal places) of a finite Decimal, without writing it out."""
    _, digits, exponent = value.as_tuple()
    whole, _, places = _digits_of("".join(map(str, digits)), exponent)
    return whole, places


def value_errors(value: Decimal, *, min_value, max_value, decimals: int, unit_name: str) -> list[str]:
    errors = []
    value = Decimal(value)
    if not value.is_finite():
        return [f"El valor {quoted(value)} no es un número válido."]
    whole, places = _shape(value)
    if whole > VALUE_MAX_WHOLE_DIGITS:
        return [f"El valor es demasiado grande: {VALUE_LIMIT}."]
    # Written out in full only when short; a tiny value like 1E-999999 keeps its short form.
    shown = number(value) if places <= VALUE_MAX_DIGITS else str(value)
    if decimals == 0 and (places or (min_value is not None and value < 0)):
        errors.append(f"Use un número entero no negativo para {unit_name.lower()} (se recibió {shown}).")
    elif places > decimals:
        errors.append(f"Se admiten como máximo {decimals} decimales para {unit_name.lower()} (se recibió {shown}).")
    low = "" if min_value is None else number(min_value)
    high = "" if max_value is None else number(max_value)
    if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
        if max_value is None:
            errors.append(f"El valor {shown} está fuera del rango de la unidad {unit_name.lower()} (desde {low}).")
        else:
            errors.append(f"El valor {shown} está fuera del rango de la unidad {unit_name.lower()} ({low} a {high}).")
    return errors


# --- texts --------------------------------------------------------------------------------------


def text_errors(text: str, *, max_length: int, multiline: bool = False) -> list[str]:
    """Length and invisible characters of a free text; tab and line breaks only when `multiline`."""
    text = text or ""
    errors = []
    if len(text) > max_length:
        errors.append(f"Tiene {len(text):,} caracteres; el máximo es {max_length:,}.")
    if found := (CONTROL_EXCEPT_LINES if multiline else CONTROL).search(text):
        character = found.group()
        kind = "un salto de línea o tabulación" if character in "\t\n\r" else "un carácter invisible"
        errors.append(
            f"Contiene {kind} no permitido (U+{ord(character):04X}) en la posición {found.start() + 1}: "
            "bórrelo y vuelva a escribir el texto."
        )
    return errors


def source_errors(source: str) -> list[str]:
    if not (source or "").strip():
        return ["Falta la fuente del dato (documento o sistema)."]
    return text_errors(source, max_length=SOURCE_MAX_LENGTH)


def note_errors(note: str) -> list[str]:
    return text_errors(note, max_length=NOTE_MAX_LENGTH, multiline=True)


def reading_text_errors(*, source: str, note: str) -> dict[str, list[str]]:
    """The source and note of a reading, by field name; empty when both are valid."""
    errors = {"source": source_errors(source), "note": note_errors(note)}
    return {field: messages for field, messages in errors.items() if messages}


# --- periods ------------------------------------------------------------------------------------


def normalize_period(period: date, frequency: str) -> date:
    """The first day of the month, quarter, half-year or year that `period` falls in."""
    if frequency == "monthly":
        return period.replace(day=1)
    if frequency == "quarterly":
        return date(period.year, (period.month - 1) // 3 * 3 + 1, 1)
    if frequency == "semiannual":
        return date(period.year, 1 if period.month <= 6 else 7, 1)
    return date(period.year, 1, 1)


def period_errors(period: date, *, today: date) -> list[str]:
    if period > today:
        return [f"El periodo {period:%Y-%m-%d} está en el futuro."]
    if period < EARLIEST_PERIOD:
        return [f"El periodo {period:%Y-%m-%d} está fuera del rango admitido (desde {EARLIEST_PERIOD.year})."]
    return []
