"""Pure checks of a reading's fields, shared by the model (so the admin and the API, through the
workflow), the file imports and the API's serializers: one rule, called everywhere.

Each check returns messages a registrador understands, in the active language (Spanish first);
an empty list means valid.
A message never repeats a long input whole: quoted cells are cut at 40 characters."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.formatting import number, short_date
from core.text import invisible_message

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
VALUE_LIMIT = _("se admiten hasta %(whole)s cifras enteras y %(decimals)s decimales")
VALUE_LIMIT_NUMBERS = {"whole": VALUE_MAX_WHOLE_DIGITS, "decimals": VALUE_MAX_DECIMALS}


def value_limit() -> str:
    return VALUE_LIMIT % VALUE_LIMIT_NUMBERS


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
#
# How people write a value, and how it is read (es-PE writes 1,095.5; Excel in Spanish 1.095,5):
# - with both `.` and `,`, the last one is the decimal mark and the other groups thousands;
# - one mark repeated (1.150.000, 1,150,000) groups thousands;
# - one mark once is the decimal mark (16,8 and 16.8), unless exactly three digits follow it
#   after one to three whole digits (1.150, 1,150): that text is 1150 in one convention and 1.15
#   in the other. It is read as thousands for whole-number units, and refused as ambiguous for
#   units with decimals (and while the unit is unknown): never guessed;
# - spaces (non-breaking and thin ones too) group thousands; `−` is a minus sign.
# A number that arrives as a number (JSON, an XLSX cell) is taken as it is.

SPACES = re.compile(r"\s+")  # Python's \s includes U+00A0, U+2007, U+2009 and U+202F
NUMBER_TEXT = re.compile(r"([+\-\u2212]?)([\d.,_]*)(?:[eE]([+-]?\d+))?", re.ASCII)
# Whole digits that could be the first group of a number written with thousands separators.
FIRST_GROUP = re.compile(r"[1-9]\d{0,2}", re.ASCII)
SIGN_AND_SPACE = re.compile(r"^([+\-\u2212])\s+")
GROUPED = re.compile(r"\d{1,3}(?:([.,_])\d{3})(?:\1\d{3})*", re.ASCII)
# Up to 12 whole digits, and a decimal mark with 1, 2 or 4 decimals (never 3: that may be thousands).
PLAIN_NUMBER = re.compile(r"(-?)(\d{1,12})(?:[.,](\d{1,2}|\d{4}))?", re.ASCII)


class AmbiguousValue(ValueError):
    """A text that is one number in one convention and another in the other (1.150)."""


def parse_value(cell, decimals: int | None = None) -> Decimal:
    """A reading's value from a cell, a form or the API, by the rules above, for a unit with
    `decimals` decimals (None while the unit is unknown: then an ambiguous text is refused).

    The text is checked (length, digits, exponent) before anything is converted, so `1E+999999`
    costs nothing. Raises ValueError (AmbiguousValue for 1.150 with decimals) with a Spanish
    message; a result always fits the column."""
    if isinstance(cell, bool):
        raise ValueError(gettext("%(cell)s no es un número.") % {"cell": quoted(cell)})
    if isinstance(cell, str) and (plain := PLAIN_NUMBER.fullmatch(cell.strip())):
        # The common case of a file's rows, read by the rules below without their machinery:
        # no thousands mark, and a decimal mark followed by other than three digits.
        sign, whole, fraction = plain.groups()
        return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
    typed = isinstance(cell, Decimal | int | float)
    text = str(cell) if typed else str(cell or "").strip()
    if not text:
        raise ValueError(gettext("Falta el valor."))
    if len(text) > NUMBER_MAX_LENGTH:
        raise ValueError(
            gettext("%(cell)s no es un número: tiene más de %(count)s caracteres.")
            % {"cell": quoted(text), "count": NUMBER_MAX_LENGTH}
        )
    shape = NUMBER_TEXT.fullmatch(SPACES.sub("_", SIGN_AND_SPACE.sub(r"\1", text)))
    if not shape:
        raise ValueError(gettext("%(cell)s no es un número.") % {"cell": quoted(cell)})
    sign, mantissa, exponent = shape.groups()
    sign = "-" if sign in ("-", "\u2212") else ""
    if typed:
        whole, _, fraction = mantissa.partition(".")
    else:
        whole, fraction = _whole_and_fraction(mantissa, decimals, cell, sign)
    if not (whole or fraction) or not (whole + fraction).isdigit():
        raise ValueError(gettext("%(cell)s no es un número.") % {"cell": quoted(cell)})
    whole_digits, significant, _ = _digits_of(whole + fraction, int(exponent or 0) - len(fraction))
    if whole_digits > VALUE_MAX_WHOLE_DIGITS:
        raise ValueError(
            gettext("%(cell)s es demasiado grande: %(limit)s.") % {"cell": quoted(cell), "limit": value_limit()}
        )
    if significant > VALUE_MAX_DIGITS:
        raise ValueError(
            gettext("%(cell)s tiene más de %(count)s cifras: %(limit)s.")
            % {"cell": quoted(cell), "count": VALUE_MAX_DIGITS, "limit": value_limit()}
        )
    try:
        number_text = f"{sign}{whole or 0}" + (f".{fraction}" if fraction else "")
        return Decimal(number_text + (f"E{exponent}" if exponent else ""))
    except InvalidOperation as error:
        raise ValueError(gettext("%(cell)s no es un número.") % {"cell": quoted(cell)}) from error


def _whole_and_fraction(mantissa: str, decimals: int | None, cell, sign: str) -> tuple[str, str]:
    """The digits before and after the decimal mark of a typed number, thousands marks removed."""
    marks = [character for character in mantissa if character in ".,"]
    decimal_mark = None
    if len(set(marks)) == 2:
        decimal_mark = marks[-1]
    elif len(marks) == 1:
        decimal_mark = marks[0]
        whole, fraction = mantissa.split(decimal_mark)
        if len(fraction) == 3 and fraction.isdigit() and FIRST_GROUP.fullmatch(whole):
            if decimals == 0:
                decimal_mark = None
            else:
                thousands, decimal = Decimal(sign + whole + fraction), Decimal(f"{sign}{whole}.{fraction}")
                raise AmbiguousValue(
                    gettext(
                        "%(cell)s es ambiguo: ¿%(thousands)s o %(decimal)s? Escriba %(thousands)s si son miles, "
                        "o %(decimal)s si es un decimal."
                    )
                    % {"cell": quoted(cell), "thousands": value_text(thousands), "decimal": value_text(decimal)}
                )
    whole, fraction = mantissa.rsplit(decimal_mark, 1) if decimal_mark else (mantissa, "")
    if not whole.isdigit() and whole:
        if not GROUPED.fullmatch(whole) or (decimal_mark and decimal_mark in whole):
            raise ValueError(
                gettext("%(cell)s no es un número: revise los separadores de miles.") % {"cell": quoted(cell)}
            )
        whole = re.sub(r"\D", "", whole)
    return whole, fraction


def value_text(value, decimals: int | None = None, *, decimal_comma: bool = False) -> str:
    """A value written so that `parse_value` reads it back as this very number for any unit: no
    thousands separator; the unit's decimals (never fewer than the value has) or, without
    `decimals`, only the significant ones; and a fourth decimal where three alone would read as
    thousands (1.125 → 1.1250). What the value field shows, and what CSV files carry."""
    amount = Decimal(value)
    if amount == 0:
        amount = abs(amount)  # never "-0"
    whole, _, fraction = format(amount, "f").partition(".")
    fraction = fraction.rstrip("0").ljust(decimals or 0, "0")
    if len(fraction) == 3 and FIRST_GROUP.fullmatch(whole.lstrip("-")):
        fraction += "0"
    return whole + ("," if decimal_comma else ".") + fraction if fraction else whole


def decimals_phrase(decimals: int) -> str:
    """'sin decimales', '1 decimal', '2 decimales'."""
    if decimals == 0:
        return gettext("sin decimales")
    return ngettext("%(count)s decimal", "%(count)s decimales", decimals) % {"count": decimals}


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
        return [gettext("El valor %(value)s no es un número válido.") % {"value": quoted(value)}]
    whole, places = _shape(value)
    if whole > VALUE_MAX_WHOLE_DIGITS:
        return [gettext("El valor es demasiado grande: %(limit)s.") % {"limit": value_limit()}]

    # Written out in full only when short; a tiny value like 1E-999999 keeps its short form.
    # Formatted only for a message: a valid value (nearly every row of an import) costs none.
    def shown():
        return number(value) if places <= VALUE_MAX_DIGITS else str(value)

    if decimals == 0 and (places or (min_value is not None and value < 0)):
        errors.append(
            gettext("Use un número entero no negativo para %(unit)s (se recibió %(value)s).")
            % {"unit": unit_name.lower(), "value": shown()}
        )
    elif places > decimals:
        errors.append(
            gettext("Se admiten como máximo %(decimals)s para %(unit)s (se recibió %(value)s).")
            % {"decimals": decimals_phrase(decimals), "unit": unit_name.lower(), "value": shown()}
        )
    if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
        low = "" if min_value is None else number(min_value)
        high = "" if max_value is None else number(max_value)
        figure = shown()
        if max_value is None:
            errors.append(
                gettext("El valor %(value)s está fuera del rango de la unidad %(unit)s (desde %(low)s).")
                % {"value": figure, "unit": unit_name.lower(), "low": low}
            )
        else:
            errors.append(
                gettext("El valor %(value)s está fuera del rango de la unidad %(unit)s (%(low)s a %(high)s).")
                % {"value": figure, "unit": unit_name.lower(), "low": low, "high": high}
            )
    return errors


# --- texts --------------------------------------------------------------------------------------


def text_errors(text: str, *, max_length: int, multiline: bool = False, label="") -> list[str]:
    """Length and invisible characters of a free text; tab and line breaks only when `multiline`.
    Bidirectional controls and zero-width characters: core.text's rule, naming the field (`label`)."""
    text = text or ""
    errors = []
    if len(text) > max_length:
        errors.append(
            gettext("Tiene %(count)s caracteres; el máximo es %(most)s.")
            % {"count": number(len(text)), "most": number(max_length)}
        )
    if found := (CONTROL_EXCEPT_LINES if multiline else CONTROL).search(text):
        character = found.group()
        if character in "\t\n\r":
            message = gettext(
                "Contiene un salto de línea o tabulación no permitido (U+%(code)s) en la posición %(position)s: "
                "bórrelo y vuelva a escribir el texto."
            )
        else:
            message = gettext(
                "Contiene un carácter invisible no permitido (U+%(code)s) en la posición %(position)s: "
                "bórrelo y vuelva a escribir el texto."
            )
        errors.append(message % {"code": f"{ord(character):04X}", "position": found.start() + 1})
    if invisible := invisible_message(text, label):
        errors.append(invisible)
    return errors


def source_errors(source: str) -> list[str]:
    if not (source or "").strip():
        return [gettext("Falta la fuente del dato (documento o sistema).")]
    return text_errors(source, max_length=SOURCE_MAX_LENGTH, label=_("la fuente"))


def note_errors(note: str) -> list[str]:
    return text_errors(note, max_length=NOTE_MAX_LENGTH, multiline=True, label=_("la nota"))


def reason_errors(reason: str) -> list[str]:
    """A rejection's, withdrawal's or correction's reason: a paragraph at most, as a note."""
    return text_errors(reason, max_length=NOTE_MAX_LENGTH, multiline=True, label=_("el motivo"))


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
        return [gettext("El periodo %(period)s está en el futuro.") % {"period": short_date(period)}]
    if period < EARLIEST_PERIOD:
        return [
            gettext("El periodo %(period)s está fuera del rango admitido (desde %(year)s).")
            % {"period": short_date(period), "year": EARLIEST_PERIOD.year}
        ]
    return []
