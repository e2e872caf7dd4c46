"""Numbers, percentages and dates for people to read, in the active language: es-PE writes
1,095 and 27.8 % and 31/12/2022 (ilo_plan/formats/es_PE), English 1,095 and 27.8% and
31 Dec 2022 (ilo_plan/formats/en).

The only place a figure is formatted for reading: template filters, charts, the status reasons
of `goals.wording` and validation messages call it. Machine formats (CSV cells, JSON) keep
plain numbers and ISO dates and do not come here."""

import functools
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import get_language, gettext

DASH = "—"


def number(value, decimals: int | None = None) -> str:
    """1523.44 → '1,523.44'; Decimal('27.80') → '27.8'; 2300000 → '2,300,000'; None → '—'.

    Without `decimals` a number keeps its significant digits and drops trailing zeros; with
    them it is rounded to that many places."""
    if value is None or value == "":
        return DASH
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    if decimals is not None:
        amount = amount.quantize(Decimal(1).scaleb(-decimals))
    else:
        amount = amount.normalize()
    if amount == 0:
        amount = abs(amount)  # never "-0"
    return _number_format(str(amount), get_language())


@functools.lru_cache(maxsize=8192)
def _number_format(amount: str, language: str | None) -> str:
    # Keyed by the exact decimal (its exponent too: str keeps it) and the language, the only
    # things the format depends on: a page writes the same few figures in its table and chart.
    return formats.number_format(Decimal(amount), use_l10n=True, force_grouping=True)


def percent(value, decimals: int = 0) -> str:
    """A percentage, rounded to whole points unless told: 40.4 → '40 %'; None → '—'."""
    if value is None:
        return DASH
    # Translators: a percentage; Spanish (Peru) writes a space before the sign, English none.
    return gettext("%(number)s %%") % {"number": number(round(float(value), decimals))}


def short_date(value: date | None) -> str:
    return DASH if value is None else _short_date(value, get_language())


@functools.lru_cache(maxsize=4096)
def _short_date(value: date, language: str | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def month_year(value: date) -> str:
    """'marzo 2021': a monthly figure's period in a table."""
    return _month(value.year, value.month, get_language(), "F Y")


def period(value: date | None, frequency: str = "annual") -> str:
    """The period a reading measures: '2015' for a year, 'marzo de 2021' for a month."""
    if value is None:
        return DASH
    if frequency == "annual":
        return str(value.year)
    if frequency == "monthly":
        return _month(value.year, value.month, get_language())
    return short_date(value)


@functools.lru_cache(maxsize=4096)
def _month(year: int, month: int, language: str | None, format_name: str = "YEAR_MONTH_FORMAT") -> str:
    # A chart labels every monthly point and a table lists them: the same few months and days,
    # formatted once per language (the format depends on nothing else).
    return formats.date_format(date(year, month, 1), format_name)
