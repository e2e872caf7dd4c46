from datetime import date
from decimal import Decimal as D
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.formatting import number
from indicators.validation import (
    AmbiguousValue,
    normalize_period,
    note_errors,
    parse_value,
    period_errors,
    quoted,
    reading_text_errors,
    source_errors,
    value_errors,
    value_text,
)

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
        ("18.25", HOURS, "Se admiten como máximo 1 decimal para horas al día (se recibió 18.25)."),
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
    assert period_errors(date(2022, 7, 1), today=today) == ["El periodo 01/07/2022 está en el futuro."]
    assert period_errors(date(1985, 1, 1), today=today) == [
        "El periodo 01/01/1985 está fuera del rango admitido (desde 1990)."
    ]
    assert period_errors(date(2022, 6, 1), today=today) == []


# (text, decimals of the unit, value read). es-PE writes 1,095.5; Excel in Spanish 1.095,5.
READ_AS_PEOPLE_WRITE = [
    ("16,8", 1, D("16.8")),  # decimal comma
    ("16.8", 1, D("16.8")),  # decimal point
    ("1,095.5", 1, D("1095.5")),  # es-PE thousands and decimals
    ("1.095,5", 1, D("1095.5")),  # Excel in Spanish
    ("1.150,5", 2, D("1150.5")),
    ("1150.5", 2, D("1150.5")),
    ("1,150,000", 2, D("1150000")),  # one mark repeated groups thousands
    ("1.150.000", 0, D("1150000")),
    ("1.150", 0, D("1150")),  # one mark and three digits: thousands for a whole-number unit
    ("1,150", 0, D("1150")),
    ("0,150", 2, D("0.15")),  # a leading zero cannot be a thousands group
    ("1150,500", 4, D("1150.5")),  # four whole digits cannot be one group either
    ("1,1505", 4, D("1.1505")),
    ("27,80", 2, D("27.8")),
    (",5", 2, D("0.5")),
    ("-3,5", 2, D("-3.5")),  # negative
    (" -3.5 ", 2, D("-3.5")),
    ("- 3,5", 2, D("-3.5")),
    ("−3,5", 2, D("-3.5")),  # the typographic minus
    ("1 150", 0, D("1150")),  # spaces group thousands
    ("1 150,5", 1, D("1150.5")),  # non-breaking space (Excel, Word)
    ("1 095.5", 1, D("1095.5")),  # narrow non-breaking space
    ("1 150.500", 3, D("1150.5")),  # with spaces grouping, the single mark is the decimal one
    ("1.5E+3", 0, D("1500")),  # exponent
    ("2,5e-2", 4, D("0.025")),
    ("123456789012.3456", 4, D("123456789012.3456")),
    (31.2, 1, D("31.2")),  # numbers (JSON, XLSX cells) are taken as they are
    (7, 0, D("7")),
    (D("1.150"), 3, D("1.15")),
    (1.125, 3, D("1.125")),
]


@pytest.mark.parametrize("text, decimals, value", READ_AS_PEOPLE_WRITE)
def test_values_are_read_as_staff_write_them(text, decimals, value):
    assert parse_value(text, decimals) == value


@pytest.mark.parametrize(
    "text, decimals, message",
    [
        ("1.150", 2, "«1.150» es ambiguo: ¿1150 o 1.15? Escriba 1150 si son miles, o 1.15 si es un decimal."),
        ("1,150", 1, "«1,150» es ambiguo: ¿1150 o 1.15?"),
        ("9,800", 2, "«9,800» es ambiguo: ¿9800 o 9.8?"),
        ("-2.500", 2, "«-2.500» es ambiguo: ¿-2500 o -2.5?"),
        ("1.125", 3, "«1.125» es ambiguo: ¿1125 o 1.1250? Escriba 1125 si son miles, o 1.1250 si es un decimal."),
        ("1.150", None, "«1.150» es ambiguo"),  # while the unit is not known
    ],
)
def test_a_value_whose_meaning_depends_on_the_convention_is_refused_for_units_with_decimals(text, decimals, message):
    with pytest.raises(AmbiguousValue) as refusal:
        parse_value(text, decimals)
    assert message in str(refusal.value)


@pytest.mark.parametrize(
    "text",
    ["1,0.5", "12 5", "1.5,3", "1,095.5.3", "16,8 5", "1..5", ".", "1,2,3", "١٢", "1e", "0x10", "16,8 h", "½"],
)
def test_malformed_numbers_are_refused(text):
    with pytest.raises(ValueError) as refusal:
        parse_value(text, 2)
    assert "no es un número" in str(refusal.value) and not isinstance(refusal.value, AmbiguousValue)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Falta el valor."),
        ("treinta", "«treinta» no es un número."),
        ("=1+1", "«=1+1» no es un número."),
        ("NaN", "«NaN» no es un número."),
        (float("inf"), "«inf» no es un número."),
        (True, "«True» no es un número."),
        ("1E+999999", "«1E+999999» es demasiado grande: se admiten hasta 12 cifras enteras y 4 decimales."),
        ("1234567890123", "«1234567890123» es demasiado grande: se admiten hasta 12 cifras enteras y 4 decimales."),
        ("1234567.0123456789", "«1234567.0123456789» tiene más de 16 cifras: se admiten hasta 12 cifras enteras"),
        ("1" * 41, "«1111111111111111111111111111111111111111…» no es un número: tiene más de 40 caracteres."),
    ],
)
def test_values_beyond_the_column_are_refused_from_their_text(text, message):
    with pytest.raises(ValueError) as refusal:
        parse_value(text)
    assert message in str(refusal.value)


@given(st.text(max_size=60) | st.from_regex(r"[+-]?\d{0,20}([.,]\d{0,20})?([eE][+-]?\d{1,12})?", fullmatch=True))
def test_any_text_is_either_refused_briefly_or_a_value_the_column_holds(text):
    try:
        value = parse_value(text)
    except ValueError as refusal:
        assert len(str(refusal)) < 150
    else:
        sign, digits, exponent = value.as_tuple()
        significant = "".join(map(str, digits)).strip("0")
        assert len(significant) <= 16
        assert abs(value) < D(10) ** 12


# Every kind of unit: whole counts, percentages, hours with one decimal, m³/s with three, rates
# with four, and one that goes negative (a variation).
UNITS = st.sampled_from(
    [
        (0, D(0), None),
        (2, D(0), D(100)),
        (1, D(0), D(24)),
        (3, D(0), None),
        (4, D(0), D(1000)),
        (2, D(-100), None),
    ]
)


@st.composite
def unit_and_value(draw):
    decimals, low, high = draw(UNITS)
    scale = D(1).scaleb(-decimals)
    steps = draw(
        st.integers(
            min_value=int(low / scale),
            max_value=int((high if high is not None else D(10) ** 11) / scale),
        )
    )
    return decimals, steps * scale


@given(unit_and_value(), st.booleans())
def test_format_then_parse_is_the_identity_for_every_unit(unit_value, decimal_comma):
    """What the value field shows and what CSV files carry reads back as the very same number."""
    decimals, value = unit_value
    assert parse_value(value_text(value, decimals, decimal_comma=decimal_comma), decimals) == value


@given(unit_and_value(), st.booleans())
def test_a_value_written_as_people_read_it_reads_back_the_same_or_is_refused_never_another(unit_value, excel):
    """es-PE display (1,095.50), or Excel in Spanish (1.095,50): typed back, the same number, or a
    refusal as ambiguous (a three-decimal unit's 1.125), never a different number."""
    decimals, value = unit_value
    shown = number(value, decimals)
    if excel:
        shown = shown.translate(str.maketrans(",.", ".,"))
    try:
        assert parse_value(shown, decimals) == value
    except AmbiguousValue:
        assert decimals == 3


@pytest.mark.parametrize("value", ["1E+999999", "-1E+999999", "1E-999999", "123456789012345678"])
def test_value_messages_never_write_a_huge_value_out(value):
    messages = value_errors(D(value), **COUNT)
    assert messages and all(len(m) < 120 for m in messages)


def test_texts_are_limited_and_refuse_invisible_characters():
    assert source_errors("  ") == ["Falta la fuente del dato (documento o sistema)."]
    assert source_errors("F" * 300) == [] and note_errors("n" * 2000) == []
    assert source_errors("F" * 301) == ["Tiene 301 caracteres; el máximo es 300."]
    assert note_errors("n" * 2001) == ["Tiene 2,001 caracteres; el máximo es 2,000."]
    assert note_errors("uno\n\tdos\r\n") == []
    assert source_errors("uno\tdos") == [
        "Contiene un salto de línea o tabulación no permitido (U+0009) en la posición 4: "
        "bórrelo y vuelva a escribir el texto."
    ]
    assert note_errors("a\x00") == [
        "Contiene un carácter invisible no permitido (U+0000) en la posición 2: bórrelo y vuelva a escribir el texto."
    ]
    assert reading_text_errors(source="EPS", note="\x85") == {
        "note": [
            "Contiene un carácter invisible no permitido (U+0085) en la posición 1: "
            "bórrelo y vuelva a escribir el texto."
        ]
    }


def test_quoted_cells_are_short_and_visible():
    assert quoted("x" * 100) == "«" + "x" * 40 + "…»"
    assert quoted("a\x00b") == "«a\ufffdb»"


@given(st.from_regex(r"\A-?[0-9]{1,12}([.,]([0-9]{1,2}|[0-9]{4}))?\Z"), st.sampled_from([None, 0, 1, 2, 4]))
def test_the_plain_number_shortcut_reads_as_the_full_rules_do(text, decimals):
    """parse_value's fast path for plain texts (most rows of a file) agrees with its rules."""
    import re

    from indicators import validation

    fast = validation.parse_value(text, decimals)
    with mock.patch.object(validation, "PLAIN_NUMBER", re.compile(r"(?!)")):
        full = validation.parse_value(text, decimals)
    assert str(fast) == str(full)
