"""Table tests of the status rules: every edge the methodology page promises."""

from datetime import date
from decimal import Decimal as D

import pytest

from goals import models
from goals.progress import (
    Comparator,
    Milestone,
    Point,
    Status,
    evaluate_delivered,
    evaluate_number,
    evaluate_recurring,
    meets,
    rollup,
)

START = date(2019, 1, 1)
DEADLINE = date(2022, 12, 31)


def number(series, comparator, target, as_of, baseline=None, baseline_date=None):
    return evaluate_number(
        series=[Point(p, D(str(v))) for p, v in series],
        comparator=comparator,
        target=D(str(target)),
        deadline=DEADLINE,
        as_of=as_of,
        baseline=None if baseline is None else D(str(baseline)),
        baseline_date=baseline_date,
        start=START,
    )


@pytest.mark.parametrize(
    "value, comparator, target, expected",
    [
        ("11", "<", "11", False),
        ("10.99", "<", "11", True),
        ("1149", "<", "1150", True),
        ("1150", "<", "1150", False),
        ("11", "<=", "11", True),
        ("45", ">=", "45", True),
        ("44.99", ">=", "45", False),
        ("45", ">", "45", False),
        ("45.01", ">", "45", True),
        ("18", "=", "18", True),
        ("18.0", "=", "18", True),
        ("17.9", "=", "18", False),
    ],
    ids=lambda v: str(v),
)
def test_comparators_are_exact(value, comparator, target, expected):
    assert meets(D(value), comparator, D(target)) is expected


def test_the_database_and_the_rules_share_the_same_comparators():
    assert set(models.Comparator.values) == {c.value for c in Comparator}


def test_no_reading_is_no_data_never_zero():
    result = number([], ">=", 45, date(2021, 1, 1), baseline=27.8, baseline_date=date(2016, 1, 1))
    assert result.status == Status.NO_DATA
    assert result.progress is None
    assert "Sin datos" in result.explanation


def test_latest_value_meeting_the_target_is_achieved():
    result = number([(date(2020, 1, 1), 45)], ">=", 45, date(2020, 6, 1), baseline=27.8, baseline_date=date(2016, 1, 1))
    assert result.status == Status.ACHIEVED
    assert result.progress == 100.0


def test_less_than_is_strict_for_anemia():
    result = number([(date(2021, 1, 1), 11)], "<", 11, date(2021, 6, 1), baseline=20, baseline_date=date(2019, 1, 1))
    assert result.status != Status.ACHIEVED


def test_decreasing_indicator_progress_runs_toward_a_lower_target():
    # 789 reports in 2015 is below the target already: met.
    met = number([(date(2019, 1, 1), 789)], "<", 1150, date(2019, 6, 1), baseline=789, baseline_date=date(2015, 1, 1))
    assert met.status == Status.ACHIEVED
    # anemia 20 % → < 11 %: 15.5 % is half way.
    half = number([(date(2021, 1, 1), 15.5)], "<", 11, date(2021, 1, 1), baseline=20, baseline_date=date(2019, 1, 1))
    assert half.progress == pytest.approx(50.0)


def test_baseline_equal_to_target_gives_zero_or_full_progress_without_dividing_by_zero():
    unmet = number([(date(2020, 1, 1), 40)], ">", 45, date(2020, 6, 1), baseline=45, baseline_date=date(2019, 1, 1))
    assert unmet.progress == 0.0
    met = number([(date(2020, 1, 1), 46)], ">=", 45, date(2020, 6, 1), baseline=45, baseline_date=date(2019, 1, 1))
    assert met.progress == 100.0


def test_without_baseline_progress_is_none_and_explanation_says_why():
    result = number([(date(2020, 1, 1), 12)], ">=", 18, date(2020, 6, 1))
    assert result.progress is None
    assert result.status == Status.OFF_TRACK
    assert "Sin línea de base" in result.explanation


def test_without_baseline_a_trend_reaching_the_target_is_on_track():
    series = [(date(2019, 1, 1), 10), (date(2020, 1, 1), 13), (date(2021, 1, 1), 16)]
    result = number(series, ">=", 18, date(2021, 6, 1))
    assert result.status == Status.ON_TRACK


def test_deadline_passed_without_meeting_is_not_achieved():
    result = number([(date(2022, 6, 1), 30)], ">=", 45, date(2023, 3, 1), baseline=27.8, baseline_date=date(2016, 1, 1))
    assert result.status == Status.NOT_ACHIEVED


def test_deadline_passed_and_met_stays_achieved():
    result = number([(date(2022, 6, 1), 50)], ">=", 45, date(2023, 3, 1), baseline=27.8, baseline_date=date(2016, 1, 1))
    assert result.status == Status.ACHIEVED


def test_single_reading_has_no_projection():
    result = number([(date(2020, 1, 1), 30)], ">=", 45, date(2020, 6, 1), baseline=27.8, baseline_date=date(2016, 1, 1))
    assert result.projection is None


def test_readings_before_the_baseline_are_ignored():
    series = [(date(2010, 1, 1), 80), (date(2020, 1, 1), 30)]
    result = number(series, ">=", 45, date(2020, 6, 1), baseline=27.8, baseline_date=date(2016, 1, 1))
    assert result.latest_value == D("30")
    assert result.projection is None


def test_readings_after_as_of_are_ignored():
    series = [(date(2020, 1, 1), 30), (date(2021, 1, 1), 50)]
    result = number(series, ">=", 45, date(2020, 6, 1), baseline=27.8, baseline_date=date(2016, 1, 1))
    assert result.latest_value == D("30")
    assert result.status != Status.ACHIEVED


@pytest.mark.parametrize(
    "as_of, expected", [(date(2018, 1, 1), 0.0), (date(2021, 1, 1), 50.0), (date(2024, 1, 1), 100.0)]
)
def test_expected_progress_is_clamped(as_of, expected):
    baseline_date = date(2019, 1, 1)
    result = evaluate_number(
        series=[],
        comparator=">=",
        target=D(10),
        deadline=date(2023, 1, 1),
        as_of=as_of,
        baseline=D(0),
        baseline_date=baseline_date,
        start=START,
    )
    assert result.expected == pytest.approx(expected, abs=0.1)


def pace_case(progress_share):
    """A reading giving exactly `progress_share` of an expected 50 %."""
    value = 50 * progress_share  # baseline 0, target 100, as_of half way: expected 50 %
    return evaluate_number(
        series=[Point(date(2019, 4, 11), D(str(value)))],
        comparator=">=",
        target=D(100),
        deadline=date(2019, 7, 20),
        as_of=date(2019, 4, 11),
        baseline=D(0),
        baseline_date=date(2019, 1, 1),
        start=START,
    )


@pytest.mark.parametrize(
    "share, status",
    [
        (0.95, Status.ON_TRACK),
        (0.94, Status.AT_RISK),
        (0.6, Status.AT_RISK),
        (0.59, Status.OFF_TRACK),
        (0, Status.OFF_TRACK),
    ],
)
def test_pace_thresholds(share, status):
    assert pace_case(share).status == status


def test_projection_reaching_target_makes_slow_pace_on_track():
    series = [(date(2020, 1, 1), 5), (date(2020, 12, 1), 30)]
    result = number(series, ">=", 45, date(2021, 6, 1), baseline=20, baseline_date=date(2019, 1, 1))
    assert result.pace < 0.95
    assert result.status == Status.ON_TRACK
    assert "tendencia" in result.explanation


def test_wrong_way_is_off_track():
    series = [(date(2019, 6, 1), 25), (date(2020, 6, 1), 20)]
    result = number(series, ">=", 45, date(2020, 12, 1), baseline=27.8, baseline_date=date(2016, 1, 1))
    assert result.status == Status.OFF_TRACK
    assert result.progress == 0.0


def test_explanation_names_progress_and_expected():
    result = pace_case(0.8)
    assert result.explanation == "Avance 40 %: se esperaba 50 % a esta fecha."


def milestones(*items):
    return [Milestone(D(str(w)), None, d) for w, d in items]


def test_delivered_without_milestones_is_no_data():
    result = evaluate_delivered(milestones=[], deadline=DEADLINE, as_of=date(2020, 1, 1), start=START)
    assert result.status == Status.NO_DATA


def test_delivered_progress_is_the_weight_done():
    ms = milestones((1, date(2019, 6, 1)), (3, None))
    result = evaluate_delivered(milestones=ms, deadline=DEADLINE, as_of=date(2020, 1, 1), start=START)
    assert result.progress == 25.0


def test_delivered_counts_only_milestones_done_by_as_of():
    ms = milestones((1, date(2019, 6, 1)), (1, date(2021, 6, 1)))
    before = evaluate_delivered(milestones=ms, deadline=DEADLINE, as_of=date(2020, 1, 1), start=START)
    after = evaluate_delivered(milestones=ms, deadline=DEADLINE, as_of=date(2021, 7, 1), start=START)
    assert before.progress == 50.0 and before.status != Status.ACHIEVED
    assert after.status == Status.ACHIEVED


def test_delivered_after_deadline_unfinished_is_not_achieved():
    ms = milestones((1, date(2019, 6, 1)), (1, None))
    result = evaluate_delivered(milestones=ms, deadline=DEADLINE, as_of=date(2023, 2, 1), start=START)
    assert result.status == Status.NOT_ACHIEVED


def recurring(values, as_of):
    return evaluate_recurring(
        series=[Point(date(y, 1, 1), D(v)) for y, v in values],
        comparator=">=",
        target=D(1),
        deadline=DEADLINE,
        as_of=as_of,
        start=START,
    )


def test_recurring_every_year_met_is_on_track_then_achieved():
    assert recurring([(2019, 1), (2020, 2)], date(2021, 3, 1)).status == Status.ON_TRACK
    final = recurring([(2019, 1), (2020, 1), (2021, 1), (2022, 1)], date(2023, 1, 15))
    assert final.status == Status.ACHIEVED and final.progress == 100.0


def test_recurring_missed_year_lowers_progress_and_fails_at_the_end():
    during = recurring([(2019, 1), (2020, 0)], date(2021, 3, 1))
    assert during.progress == 50.0
    assert "2020" in during.explanation
    final = recurring([(2019, 1), (2020, 0), (2021, 1), (2022, 1)], date(2023, 1, 15))
    assert final.status == Status.NOT_ACHIEVED


def test_recurring_without_readings_is_no_data():
    assert recurring([], date(2021, 1, 1)).status == Status.NO_DATA


def test_rollup_counts_every_status_and_averages_known_progress():
    evals = [pace_case(1), pace_case(0.5), number([], ">=", 1, date(2020, 1, 1))]
    result = rollup(evals)
    assert result.total == 3
    assert result.counts[Status.ON_TRACK] == 1
    assert result.counts[Status.OFF_TRACK] == 1
    assert result.counts[Status.NO_DATA] == 1
    assert result.counts[Status.ACHIEVED] == 0
    assert result.mean_progress == pytest.approx(37.5)


def test_rollup_of_nothing_has_no_mean():
    assert rollup([]).mean_progress is None


def test_status_labels_are_spanish():
    assert [s.label for s in Status.ordered()] == [
        "Meta cumplida",
        "En camino",
        "En riesgo",
        "Retrasada",
        "No cumplida",
        "Sin datos",
    ]
