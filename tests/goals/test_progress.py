"""Table tests of the status rules: every edge the methodology page promises."""

from datetime import date
from decimal import Decimal as D

import pytest

from goals import models
from goals.progress import (
    Comparator,
    Milestone,
    Point,
    Reason,
    ReasonCode,
    Status,
    Timing,
    evaluate_delivered,
    evaluate_number,
    evaluate_recurring,
    meets,
    progress_between,
    rollup,
    timing,
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
    assert result.reason == Reason(ReasonCode.NO_TERM_DATA, {"start": START, "end": date(2021, 1, 1)})


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


def test_without_baseline_progress_is_none_and_the_reason_says_why():
    result = number([(date(2020, 1, 1), 12)], ">=", 18, date(2020, 6, 1))
    assert result.progress is None
    assert result.status == Status.OFF_TRACK
    assert result.reason == Reason(ReasonCode.UNMEASURABLE_SINGLE, {"value": D(12), "period": date(2020, 1, 1)})


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


def test_readings_before_the_term_are_ignored():
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
    assert result.reason.code == ReasonCode.TREND


def test_wrong_way_is_off_track():
    series = [(date(2019, 6, 1), 25), (date(2020, 6, 1), 20)]
    result = number(series, ">=", 45, date(2020, 12, 1), baseline=27.8, baseline_date=date(2016, 1, 1))
    assert result.status == Status.OFF_TRACK
    assert result.progress == 0.0


def test_the_reason_carries_progress_and_expected():
    result = pace_case(0.8)
    assert result.reason == Reason(ReasonCode.PACE, {"progress": 40.0, "expected": 50.0})


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
    assert during.reason == Reason(ReasonCode.RECURRING_MISSED, {"met": 1, "years": 2, "missed": (2020,)})
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
    assert result.measured == 2


def test_rollup_of_nothing_has_no_mean():
    assert rollup([]).mean_progress is None


# --- The term decides ---------------------------------------------------------------------------

AFTER_DEADLINE = date(2023, 6, 30)


@pytest.mark.parametrize(
    "period, expected",
    [
        (date(2018, 12, 31), Timing.BEFORE),
        (START, Timing.TERM),
        (DEADLINE, Timing.TERM),
        (date(2023, 1, 1), Timing.AFTER),
    ],
)
def test_timing_of_a_period_against_the_term(period, expected):
    assert timing(period, START, DEADLINE) == expected


@pytest.mark.parametrize("as_of", [date(2020, 6, 1), DEADLINE, AFTER_DEADLINE], ids=["during", "deadline", "after"])
def test_pre_term_readings_only_is_no_data_of_the_term_even_after_the_deadline(as_of):
    # The plan's own 2015 and 2016 figures meet nothing and fail nothing: they are context.
    series = [(date(2015, 1, 1), "28.28"), (date(2016, 1, 1), "27.80")]
    result = number(series, ">=", 45, as_of, baseline="27.80", baseline_date=date(2016, 1, 1))
    assert result.status == Status.NO_DATA
    assert (result.progress, result.latest_value, result.projection) == (None, None, None)
    assert result.reason == Reason(
        ReasonCode.ONLY_EARLIER_DATA,
        {"start": START, "end": min(as_of, DEADLINE), "value": D("27.80"), "period": date(2016, 1, 1)},
    )
    assert result.final == (as_of > DEADLINE)


def test_a_pre_term_figure_meeting_the_target_is_not_an_achievement():
    result = number([(date(2015, 1, 1), 789)], "<", 1150, date(2020, 1, 1))
    assert result.status == Status.NO_DATA


def test_baseline_meeting_the_target_makes_a_maintain_target():
    # 789 reports in 2015 against "menos de 1150": keeping under 1150 is the whole target.
    kept = number([(date(2020, 1, 1), 900)], "<", 1150, date(2020, 6, 1), baseline=789, baseline_date=date(2015, 1, 1))
    assert (kept.status, kept.progress, kept.maintain) == (Status.ACHIEVED, 100.0, True)
    assert kept.reason == Reason(
        ReasonCode.MAINTAINED,
        {"value": D(900), "period": date(2020, 1, 1), "baseline": D(789), "baseline_period": date(2015, 1, 1)},
    )


def test_a_maintain_target_that_stops_meeting_is_a_setback_never_progress():
    series = [(date(2020, 1, 1), 1000), (date(2021, 1, 1), 1200)]
    during = number(series, "<", 1150, date(2021, 6, 1), baseline=789, baseline_date=date(2015, 1, 1))
    assert (during.status, during.progress, during.reason.code) == (Status.OFF_TRACK, 0.0, ReasonCode.SETBACK)
    final = number(series, "<", 1150, AFTER_DEADLINE, baseline=789, baseline_date=date(2015, 1, 1))
    assert (final.status, final.progress, final.reason.code) == (Status.NOT_ACHIEVED, 0.0, ReasonCode.FINAL_NOT_MET)


@pytest.mark.parametrize(
    "series, status, latest",
    [
        # missed at the deadline, met later: still not achieved
        ([(date(2022, 1, 1), 30), (date(2023, 1, 1), 50)], Status.NOT_ACHIEVED, D(30)),
        # met at the deadline, missed later: still achieved
        ([(date(2022, 1, 1), 50), (date(2023, 1, 1), 30)], Status.ACHIEVED, D(50)),
    ],
    ids=["late-success", "late-relapse"],
)
def test_readings_after_the_deadline_never_change_the_final_verdict(series, status, latest):
    result = number(series, ">=", 45, date(2024, 6, 1), baseline="27.8", baseline_date=date(2016, 1, 1))
    assert (result.status, result.latest_value, result.final) == (status, latest, True)


def test_the_final_verdict_comes_from_the_last_reading_of_the_term():
    series = [(date(2019, 1, 1), 20), (date(2021, 1, 1), 47), (date(2022, 1, 1), 44)]
    result = number(series, ">=", 45, AFTER_DEADLINE, baseline=20, baseline_date=START)
    assert result.status == Status.NOT_ACHIEVED
    assert result.reason == Reason(
        ReasonCode.FINAL_NOT_MET, {"value": D(44), "period": date(2022, 1, 1), "deadline": DEADLINE}
    )


def test_no_projection_once_the_deadline_has_passed():
    series = [(date(2020, 1, 1), 30), (date(2021, 1, 1), 35), (date(2022, 1, 1), 40)]
    during = number(series, ">=", 45, date(2022, 6, 1), baseline=27.8, baseline_date=date(2016, 1, 1))
    after = number(series, ">=", 45, AFTER_DEADLINE, baseline=27.8, baseline_date=date(2016, 1, 1))
    assert during.projection is not None
    assert after.projection is None


@pytest.mark.parametrize(
    "series, as_of, status, progress, code",
    [
        ([(date(2022, 1, 1), "10.6")], date(2022, 6, 1), Status.ACHIEVED, 100.0, ReasonCode.MET),
        ([(date(2020, 1, 1), 15)], date(2020, 6, 1), Status.OFF_TRACK, None, ReasonCode.UNMEASURABLE_SINGLE),
        (
            [(date(2019, 1, 1), 19), (date(2020, 1, 1), 15)],
            date(2020, 6, 1),
            Status.ON_TRACK,
            None,
            ReasonCode.UNMEASURABLE_TREND_MEETS,
        ),
        (
            [(date(2019, 1, 1), 19), (date(2020, 1, 1), 18.5)],
            date(2020, 6, 1),
            Status.OFF_TRACK,
            None,
            ReasonCode.UNMEASURABLE_TREND_MISSES,
        ),
        ([(date(2022, 1, 1), 12)], AFTER_DEADLINE, Status.NOT_ACHIEVED, None, ReasonCode.FINAL_NOT_MET),
    ],
    ids=["achieved", "single", "trend-meets", "trend-misses", "final"],
)
def test_without_baseline_progress_is_not_measurable_unless_achieved(series, as_of, status, progress, code):
    result = number(series, "<", 11, as_of)
    assert (result.status, result.progress, result.reason.code) == (status, progress, code)


@pytest.mark.parametrize(
    "latest, comparator, expected",
    [
        ("11", "<", 99.0),  # at the number but not meeting "menos de 11": never 100 %
        ("45", ">", 99.0),
        ("10.99", "<", 100.0),
        ("15.5", "<", 50.0),
        ("24", "<", 0.0),  # further away than the baseline: no progress, and no negative share
        ("15.5", "=", 50.0),  # exact target 11 from 20: 9 away at the start, 4.5 now
        ("6.5", "=", 50.0),  # overshooting an exact target by 4.5 is no closer to it
    ],
)
def test_progress_between_a_baseline_and_a_target(latest, comparator, expected):
    baseline, target = (D(20), D(11)) if comparator != ">" else (D(30), D(45))
    assert progress_between(baseline, D(latest), target, comparator) == pytest.approx(expected)


def test_a_recurring_duty_counts_only_the_years_of_the_term():
    series = [(2017, 1), (2018, 1), (2019, 1), (2020, 1), (2022, 1), (2023, 0)]
    result = recurring(series, AFTER_DEADLINE)
    # 2021 has no reading: it does not show the duty was met; 2017, 2018 and 2023 are outside.
    assert result.status == Status.NOT_ACHIEVED
    assert result.reason == Reason(ReasonCode.RECURRING_FINAL_MISSED, {"met": 3, "years": 4, "missed": (2021,)})
    assert result.progress == 75.0
    assert (result.latest_value, result.latest_period) == (D(1), date(2022, 1, 1))


def test_a_recurring_duty_met_before_the_term_only_is_no_data():
    assert recurring([(2017, 1), (2018, 1)], date(2020, 6, 1)).status == Status.NO_DATA


def test_a_recurring_duty_met_every_year_of_the_term_is_achieved_at_100():
    result = recurring([(2019, 1), (2020, 1), (2021, 2), (2022, 1), (2023, 0)], AFTER_DEADLINE)
    assert (result.status, result.progress, result.final) == (Status.ACHIEVED, 100.0, True)


def test_a_milestone_done_after_the_deadline_does_not_deliver_the_target():
    ms = milestones((1, date(2020, 6, 1)), (1, date(2023, 3, 1)))
    result = evaluate_delivered(milestones=ms, deadline=DEADLINE, as_of=AFTER_DEADLINE, start=START)
    assert (result.status, result.progress) == (Status.NOT_ACHIEVED, 50.0)
    assert result.reason == Reason(ReasonCode.DELIVERY_FINAL_NOT_MET, {"deadline": DEADLINE, "progress": 50.0})


def test_a_delivered_target_is_achieved_at_100():
    ms = milestones((2, date(2019, 6, 1)), (1, date(2022, 6, 1)))
    result = evaluate_delivered(milestones=ms, deadline=DEADLINE, as_of=date(2022, 7, 1), start=START)
    assert (result.status, result.progress) == (Status.ACHIEVED, 100.0)
    assert result.reason == Reason(ReasonCode.DELIVERED, {"date": date(2022, 6, 1)})


def test_the_roll_up_counts_achieved_targets_as_100_and_says_how_many_it_averages():
    achieved_without_baseline = number([(date(2022, 1, 1), "10")], "<", 11, date(2022, 6, 1))
    not_measurable = number([(date(2020, 1, 1), 15)], "<", 11, date(2020, 6, 1))
    result = rollup([achieved_without_baseline, not_measurable, pace_case(1)])
    assert (result.mean_progress, result.measured, result.total) == (75.0, 2, 3)


def test_a_baseline_without_its_date_is_refused():
    with pytest.raises(ValueError):
        number([], ">=", 45, date(2020, 1, 1), baseline=27.8)
