"""Properties the status rules must hold for any data."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from goals.progress import (
    Comparator,
    Milestone,
    Point,
    Status,
    Timing,
    evaluate_delivered,
    evaluate_number,
    evaluate_recurring,
    expected_progress,
    meets,
    rollup,
    timing,
)

START = date(2019, 1, 1)
DEADLINE = date(2022, 12, 31)
TERM_DAYS = (DEADLINE - START).days

values = st.decimals(min_value=0, max_value=2000, places=2, allow_nan=False, allow_infinity=False)
# Days from the plan's start: some years before it, the term, and some years after the deadline.
days = st.integers(min_value=-3 * 365, max_value=6 * 365)
term_days = st.integers(min_value=0, max_value=TERM_DAYS)
outside_days = st.one_of(st.integers(min_value=-3 * 365, max_value=-1), st.integers(TERM_DAYS + 1, 6 * 365))
comparators = st.sampled_from(list(Comparator))
series = st.lists(st.tuples(days, values), min_size=0, max_size=8, unique_by=lambda t: t[0])
baselines = st.one_of(st.none(), values)


def on(day: int) -> date:
    return START + timedelta(days=day)


def evaluate(points, comparator, target, baseline, as_of_days):
    return evaluate_number(
        series=[Point(on(d), v) for d, v in points],
        comparator=comparator,
        target=target,
        deadline=DEADLINE,
        as_of=on(as_of_days),
        baseline=baseline,
        baseline_date=None if baseline is None else START - timedelta(days=365),
        start=START,
    )


def verdict(evaluation):
    return (evaluation.status, evaluation.progress, evaluation.latest_value, evaluation.latest_period)


def term(points, as_of_days):
    return sorted((d, v) for d, v in points if d <= as_of_days and timing(on(d), START, DEADLINE) == Timing.TERM)


@given(series, comparators, values, baselines, days)
def test_progress_stays_between_0_and_100(points, comparator, target, baseline, as_of_days):
    result = evaluate(points, comparator, target, baseline, as_of_days)
    assert result.progress is None or 0 <= result.progress <= 100


@given(series, comparators, values, baselines, days)
def test_achieved_iff_the_last_reading_of_the_term_meets(points, comparator, target, baseline, as_of_days):
    result = evaluate(points, comparator, target, baseline, as_of_days)
    results = term(points, as_of_days)
    if not results:
        assert result.status == Status.NO_DATA
    else:
        assert (result.status == Status.ACHIEVED) == meets(results[-1][1], comparator, target)


@given(series, comparators, values, baselines, days)
def test_achieved_means_progress_100_and_only_achieved_does(points, comparator, target, baseline, as_of_days):
    result = evaluate(points, comparator, target, baseline, as_of_days)
    assert (result.status == Status.ACHIEVED) == (result.progress == 100.0)


@given(series, comparators, values, baselines, days, outside_days, values)
def test_a_reading_before_the_term_or_after_the_deadline_never_changes_the_verdict(
    points, comparator, target, baseline, as_of_days, extra_day, extra_value
):
    assume(extra_day not in {d for d, _ in points})
    before = evaluate(points, comparator, target, baseline, as_of_days)
    after = evaluate([*points, (extra_day, extra_value)], comparator, target, baseline, as_of_days)
    assert verdict(after) == verdict(before)


@given(st.lists(st.tuples(days, st.integers(0, 3)), max_size=8, unique_by=lambda t: t[0]), days, outside_days)
def test_a_recurring_duty_ignores_readings_outside_the_term(points, as_of_days, extra_day):
    assume(extra_day not in {d for d, _ in points})

    def duty(readings):
        return evaluate_recurring(
            series=[Point(on(d), Decimal(v)) for d, v in readings],
            comparator=">=",
            target=Decimal(1),
            deadline=DEADLINE,
            as_of=on(as_of_days),
            start=START,
        )

    assert verdict(duty([*points, (extra_day, 1)])) == verdict(duty(points))


def better(comparator, latest, target) -> int:
    """+1 when a higher value is better for this target, -1 when a lower one is, 0 when neither."""
    if comparator in (Comparator.GE, Comparator.GT):
        return 1
    if comparator in (Comparator.LE, Comparator.LT):
        return -1
    return (target > latest) - (target < latest)


def moved_reading(points, comparator, target, baseline, change):
    """The evaluation at the deadline before and after one more reading of the term, `change`
    computing its value from the last one; None when the case does not apply."""
    before = evaluate(points, comparator, target, baseline, TERM_DAYS)
    if before.latest_value is None:
        return None
    results = term(points, TERM_DAYS)
    value = change(before.latest_value, better(comparator, before.latest_value, target))
    if value is None or value < 0 or results[-1][0] == TERM_DAYS:
        return None
    return before, evaluate([*points, (results[-1][0] + 1, value)], comparator, target, baseline, TERM_DAYS)


@given(series, values, baselines, st.integers(min_value=1, max_value=100), comparators)
def test_a_reading_moving_toward_the_target_never_lowers_progress(points, target, baseline, step, comparator):
    def toward(latest, sign):
        if comparator == Comparator.EQ:  # an exact target: no further than the target itself
            return latest + sign * min(Decimal(step), abs(target - latest))
        return latest + sign * Decimal(step)

    case = moved_reading(points, comparator, target, baseline, toward)
    assume(case is not None)
    before, after = case
    if before.progress is None:
        assert after.progress in (None, 100.0)
    else:
        assert after.progress is not None and after.progress >= before.progress


@given(series, values, baselines, st.integers(min_value=1, max_value=100), comparators)
def test_a_reading_moving_away_from_the_target_never_raises_progress(points, target, baseline, step, comparator):
    def away(latest, sign):
        return None if sign == 0 else latest - sign * Decimal(step)

    case = moved_reading(points, comparator, target, baseline, away)
    assume(case is not None)
    before, after = case
    if before.progress is None:
        # Not measurable stays not measurable: moving away never meets a target it missed.
        assert after.progress is None
    elif baseline is None:
        # Without a baseline only a met target has a progress (100): leaving it makes it unmeasurable.
        assert after.progress in (None, before.progress)
    else:
        assert after.progress is not None and after.progress <= before.progress


@given(
    st.lists(st.tuples(st.integers(1, 5), st.one_of(st.none(), days)), min_size=1, max_size=6),
    days,
)
def test_a_delivered_target_is_achieved_only_at_100(items, as_of_days):
    milestones = [Milestone(Decimal(w), None, None if d is None else on(d)) for w, d in items]
    result = evaluate_delivered(milestones=milestones, deadline=DEADLINE, as_of=on(as_of_days), start=START)
    assert (result.status == Status.ACHIEVED) == (result.progress == 100.0)


@given(days, days)
def test_expected_progress_is_monotone_in_time(a, b):
    early, late = sorted((a, b))
    assert expected_progress(START, DEADLINE, on(early)) <= expected_progress(START, DEADLINE, on(late))


@given(st.lists(st.tuples(series, comparators, values, baselines, days), max_size=6))
def test_rollup_counts_sum_to_total_and_the_mean_covers_the_measured(cases):
    evaluations = [evaluate(*case) for case in cases]
    result = rollup(evaluations)
    assert sum(result.counts.values()) == result.total == len(evaluations)
    assert result.measured == sum(e.progress is not None for e in evaluations)
    assert (result.mean_progress is None) == (result.measured == 0)
