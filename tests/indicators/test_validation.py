from datetime import date
from decimal import Decimal as D

import pytest

from indicators.validation import normalize_period, period_errors, value_errors

PERCENT = dict(min_value=D(0), max_value=D(100), decimals=2, unit_name="Porcentaje")
HOURS = dict(min_value=D(0), max_value=D(24), decimals=1, unit_name="Horas al día")
COUNT = dict(min_value=D(0), max_value=None, decimals=0, unit_name="Denuncias")


@pytest.mark.parametrize(
    "value, unit, message",
    [
        ("120", PERCENT, "El valor 120 está fuera del rango de la unidad porcentaje (0 a 100)."),
        ("-1", PERCENT, "El valor -1 está fuera del rango de la unidad porcentaje (0 a 100)."),
        ("27.805", PERCENT, "Se admiten como máximo 2 decimales para porcentaje (se recibió 27.805)."),
        ("24.5", HOURS, "El valor 24.5 está fuera del rango de la unidad horas al día (0 a 24)."),
        ("18.25", HOURS, "Se admiten como máximo 1 decimales para horas al día (se recibió 18.25)."),
        ("789.5", COUNT, "Use un número entero no negativo para denuncias (se recibió 789.5)."),
        ("1095.5", COUNT, "Use un número entero no negativo para denuncias (se recibió 1,095.5)."),
        ("1200", PERCENT, "El valor 1,200 está fuera del rango de la unidad porcentaje (0 a 100)."),
    ],
)
def test_value_messages_name_the_problem(value, unit, message):
    assert message in value_errors(D(value), **unit)


@pytest.mark.parametrize(
    "value, unit",
    [("100", PERCENT), ("0", PERCENT), ("27.80", PERCENT), ("24", HOURS), ("1149", COUNT), ("6571", COUNT)],
)
def test_good_values_pass(value, unit):
    assert value_errors(D(value), **unit) == []


@pytest.mark.parametrize(
    "frequency, given, stored",
    [
        ("monthly", date(2021, 3, 17), date(2021, 3, 1)),
        ("quarterly", date(2021, 5, 17), date(2021, 4, 1)),
        ("semiannual", date(2021, 8, 2), date(2021, 7, 1)),
        ("annual", date(2021, 8, 2), date(2021, 1, 1)),
    ],
)
def test_periods_are_normalised_to_the_frequency(frequency, given, stored):
    assert normalize_period(given, frequency) == stored


def test_period_in_the_future_or_too_old_is_refused():
    today = date(2022, 6, 15)
    assert period_errors(date(2022, 7, 1), today=today) == ["El periodo 2022-07-01 está en el futuro."]
    assert period_errors(date(1985, 1, 1), today=today) == [
        "El periodo 1985-01-01 está fuera del rango admitido (desde 1990)."
    ]
    assert period_errors(date(2022, 6, 1), today=today) == []
