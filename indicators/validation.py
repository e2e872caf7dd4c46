"""Pure checks of a reading's value and period, shared by the admin, the imports and the API.

Each returns Spanish messages a registrador understands; an empty list means valid."""

from datetime import date
from decimal import Decimal

from .formatting import number

EARLIEST_PERIOD = date(1990, 1, 1)


def normalize_period(period: date, frequency: str) -> date:
    """The first day of the month, quarter, half-year or year that `period` falls in."""
    if frequency == "monthly":
        return period.replace(day=1)
    if frequency == "quarterly":
        return date(period.year, (period.month - 1) // 3 * 3 + 1, 1)
    if frequency == "semiannual":
        return date(period.year, 1 if period.month <= 6 else 7, 1)
    return date(period.year, 1, 1)


def decimal_places(value: Decimal) -> int:
    exponent = Decimal(value).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def value_errors(value: Decimal, *, min_value, max_value, decimals: int, unit_name: str) -> list[str]:
    errors = []
    value = Decimal(value)
    if not value.is_finite():
        return [f"El valor {value} no es un número válido."]
    shown = number(value)
    if decimals == 0 and (value != value.to_integral_value() or (min_value is not None and value < 0)):
        errors.append(f"Use un número entero no negativo para {unit_name.lower()} (se recibió {shown}).")
    elif decimal_places(value) > decimals:
        errors.append(f"Se admiten como máximo {decimals} decimales para {unit_name.lower()} (se recibió {shown}).")
    low = "" if min_value is None else number(min_value)
    high = "" if max_value is None else number(max_value)
    if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
        if max_value is None:
            errors.append(f"El valor {shown} está fuera del rango de la unidad {unit_name.lower()} (desde {low}).")
        else:
            errors.append(f"El valor {shown} está fuera del rango de la unidad {unit_name.lower()} ({low} a {high}).")
    return errors


def period_errors(period: date, *, today: date) -> list[str]:
    if period > today:
        return [f"El periodo {period:%Y-%m-%d} está en el futuro."]
    if period < EARLIEST_PERIOD:
        return [f"El periodo {period:%Y-%m-%d} está fuera del rango admitido (desde {EARLIEST_PERIOD.year})."]
    return []
