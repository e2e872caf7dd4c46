"""Properties the status rules must hold for any data."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from goals.progress import Comparator, Point, Status, evaluate_number, expected_progress, meets, rollup

START = date(2019, 1, 1)
DEADLINE = date(2022, 12, 31)

values = st.decimals(min_value=0, max_value=2000, places=2, allow_nan=False, allow_infinity=False)
days = st.integers(min_value=0, max_value=6 * 365)
comparators = st.sampled_from(list(Comparator))
series = st.lists(st.tuples(days, values), min_size=0, max_size=8, unique_by=lambda t: t[0])


def evaluate(points, comparator, target, baseline, as_of_days):
    return evaluate_number(
        series=[Point(START + timedelta(days=d), v) for d, v in points],
        comparator=comparator,
        target=target,
        deadline=DEADLINE,
        as_of=START + timedelta(days=as_of_days),
        baseline=baseline,
        baseline_date=START,
        start=START,
    )


@given(series, comparators, values, st.one_of(st.none(), values), days)
def test_progress_stays_between_0_and_100(points, comparator, target, baseline, as_of_days):
    result = evaluate(points, comparator, target, baseline, as_of_days)
    assert result.progress is None or 0 <= result.progress <= 100


@given(series, comparators, values, values, days)
def test_achieved_iff_latest_meets(points, comparator, target, baseline, as_of_days):
    result = evaluate(points, comparator, target, baseline, as_of_days)
    visible = sorted((d, v) for d, v in points if d <= as_of_days)
    if not visible:
        assert result.status == Status.NO_DATA
    else:
        assert (result.status == Status.ACHIEVED) == meets(visible[-1][1], comparator, target)


@given(series, values, values, st.integers(min_value=1, max_value=100), st.sampled_from([Comparator.GE, Comparator.LE]))
def test_a_reading_moving_toward_the_target_never_lowers_progress(points, baseline, target, step, comparator):
    as_of_days = 6 * 365 + 1
    before = evaluate(points, comparator, target, baseline, as_of_days)
    if before.latest_value is None:
        return
    toward = 1 if target >= before.latest_value else -1
    moved = before.latest_value + toward * min(Decimal(step), abs(target - before.latest_value))
    last_day = max(d for d, _ in points)
    after = evaluate([*points, (last_day + 1, moved)], comparator, target, baseline, as_of_days)
    assert after.progress >= before.progress


@given(days, days)
def test_expected_progress_is_monotone_in_time(a, b):
    early, late = sorted((a, b))
    assert expected_progress(START, DEADLINE, START + timedelta(days=early)) <= expected_progress(
        START, DEADLINE, START + timedelta(days=late)
    )


@given(st.lists(st.tuples(series, comparators, values, st.one_of(st.none(), values), days), max_size=6))
def test_rollup_counts_sum_to_total(cases):
    evaluations = [evaluate(*case) for case in cases]
    result = rollup(evaluations)
    assert sum(result.counts.values()) == result.total == len(evaluations)
