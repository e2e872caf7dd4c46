"""Every reason the status rules can give, written in Spanish and in English, with figures as
Peru writes them (1,095 and 27.8 %)."""

import re
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from core import formatting
from goals import wording
from goals.progress import (
    Milestone,
    Point,
    ReasonCode,
    Status,
    evaluate_delivered,
    evaluate_number,
    evaluate_recurring,
)

START, DEADLINE = date(2019, 1, 1), date(2022, 12, 31)
DURING, AFTER = date(2021, 6, 1), date(2023, 6, 30)


def number(series, comparator, target, as_of, baseline=None, baseline_date=None):
    return evaluate_number(
        series=[Point(period, D(str(value))) for period, value in series],
        comparator=comparator,
        target=D(str(target)),
        deadline=DEADLINE,
        as_of=as_of,
        baseline=None if baseline is None else D(str(baseline)),
        baseline_date=baseline_date,
        start=START,
    )


def delivered(done_dates, as_of):
    milestones = [Milestone(D(1), None, done) for done in done_dates]
    return evaluate_delivered(milestones=milestones, deadline=DEADLINE, as_of=as_of, start=START)


def recurring(years, as_of):
    return evaluate_recurring(
        series=[Point(date(year, 1, 1), D(value)) for year, value in years],
        comparator=">=",
        target=D(1),
        deadline=DEADLINE,
        as_of=as_of,
        start=START,
    )


Y = date  # readability of the table below
# One real evaluation for each reason the rules can give.
CASES = [
    number([], "<", 1150, DURING),
    number([(Y(2015, 1, 1), 789)], "<", 1150, AFTER),
    number([(Y(2022, 1, 1), 1095)], "<", 1150, AFTER),
    number([(Y(2020, 1, 1), 1095)], "<", 1150, DURING, baseline=789, baseline_date=Y(2015, 1, 1)),
    number([(Y(2021, 1, 1), 1200)], "<", 1150, DURING, baseline=789, baseline_date=Y(2015, 1, 1)),
    number([(Y(2022, 1, 1), "37.4")], ">=", 45, AFTER, baseline="27.8", baseline_date=Y(2016, 1, 1)),
    number([(Y(2021, 1, 1), "36.4")], ">=", 45, DURING, baseline="27.8", baseline_date=Y(2016, 1, 1)),
    number([(Y(2020, 1, 1), 28), (Y(2021, 1, 1), 34)], ">=", 45, DURING, baseline="27.8", baseline_date=Y(2016, 1, 1)),
    number([(Y(2019, 1, 1), 19), (Y(2020, 1, 1), 15)], "<", 11, DURING),
    number([(Y(2019, 1, 1), 19), (Y(2020, 1, 1), "18.5")], "<", 11, DURING),
    number([(Y(2020, 1, 1), 15)], "<", 11, DURING),
    delivered([], DURING),
    delivered([Y(2020, 1, 1), Y(2022, 6, 1)], AFTER),
    delivered([Y(2020, 1, 1), None], AFTER),
    delivered([Y(2020, 1, 1), None], DURING),
    recurring([(2019, 1), (2020, 1), (2021, 1), (2022, 1)], AFTER),
    recurring([(2019, 1), (2020, 0), (2022, 1)], AFTER),
    recurring([(2019, 1), (2020, 1)], DURING),
    recurring([(2019, 1), (2020, 0)], DURING),
]
REASONS = {case.reason.code: case.reason for case in CASES}
SPANISH_WORDS = re.compile(r"\b(meta|periodo|plazo|avance|dato|cumpl\w*|línea|hitos?|años?|esperaba)\b", re.I)


def test_the_table_holds_every_reason_the_rules_can_give():
    assert set(REASONS) == set(ReasonCode)


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_reads_in_spanish_and_in_english(code):
    reason = REASONS[code]
    with translation.override("es-pe"):
        spanish = wording.explain(reason, unit="denuncias")
    with translation.override("en"):
        english = wording.explain(reason, unit="denuncias")
    for text in (spanish, english):
        assert "%(" not in text and "{" not in text
        assert "Decimal" not in text and "datetime" not in text
    assert spanish != english
    assert not SPANISH_WORDS.search(english), english


def test_figures_dates_and_percentages_are_written_as_peru_writes_them():
    with translation.override("es-pe"):
        assert wording.explain(REASONS[ReasonCode.MET], unit="denuncias") == (
            "Meta cumplida: el último dato del periodo (1,095 denuncias, 2022) la alcanza."
        )
        assert wording.explain(REASONS[ReasonCode.PACE]) == "Avance 50 %: se esperaba 60 % a esta fecha."
        assert wording.explain(REASONS[ReasonCode.FINAL_NOT_MET], unit="%") == (
            "El plazo venció el 31/12/2022: el último dato del periodo (37.4 %, 2022) no alcanza la meta."
        )
        assert (formatting.number(D("27.80")), formatting.percent(27.8, 1)) == ("27.8", "27.8 %")
    with translation.override("en"):
        assert wording.explain(REASONS[ReasonCode.PACE]) == "Progress 50%: 60% was expected by this date."
        assert formatting.number(D("1095")) == "1,095"


def test_a_monthly_figure_is_named_by_its_month():
    reason = number([(Y(2021, 3, 1), 12)], ">=", 18, DURING).reason
    with translation.override("es-pe"):
        assert "(12 horas al día, marzo de 2021)" in wording.explain(reason, "monthly", "horas al día")


@pytest.mark.parametrize(
    "language, labels",
    [
        ("es-pe", ["Meta cumplida", "En camino", "En riesgo", "Retrasada", "No cumplida", "Sin datos del periodo"]),
        ("en", ["Achieved", "On track", "At risk", "Off track", "Not achieved", "No data for the term"]),
    ],
)
def test_status_labels(language, labels):
    with translation.override(language):
        assert [wording.status_label(status) for status in Status.ordered()] == labels


def test_without_a_bar_the_page_says_why():
    no_data, unmeasurable = CASES[0], CASES[10]
    with translation.override("es-pe"):
        assert wording.progress_note(no_data) == "Avance: sin datos del periodo"
        assert wording.progress_note(unmeasurable) == "Avance no medible: el plan no fijó línea de base"
    with translation.override("en"):
        assert wording.progress_note(unmeasurable) == "Progress cannot be measured: the plan set no baseline"


def test_reason_values_for_json_are_plain():
    assert wording.reason_data(REASONS[ReasonCode.MAINTAINED]) == {
        "value": "1095",
        "period": "2020-01-01",
        "baseline": "789",
        "baseline_period": "2015-01-01",
    }
    assert wording.reason_data(REASONS[ReasonCode.RECURRING_FINAL_MISSED]) == {
        "met": 2,
        "years": 4,
        "missed": [2020, 2021],
    }


def test_the_methodology_page_explains_every_reason():
    methodology = (Path(settings.BASE_DIR) / "templates" / "methodology_text.html").read_text(encoding="utf-8")
    for code in ReasonCode:
        assert f"<tr><td><code>{code.value}</code></td>" in methodology, code
