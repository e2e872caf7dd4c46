from datetime import date

from indicators.calendar import due_and_overdue, due_periods, next_due
from indicators.models import Indicator

START = date(2019, 1, 1)


def indicator(pk, frequency):
    return Indicator(pk=pk, code=f"I{pk}", frequency=frequency)


def test_a_monthly_indicator_is_due_a_month_and_grace_after_its_next_period():
    due = next_due(indicator(1, "monthly"), date(2021, 3, 1), first_period=START, today=date(2021, 5, 1))
    assert (due.period, due.due, due.overdue) == (date(2021, 4, 1), date(2021, 5, 31), False)


def test_an_annual_indicator_without_readings_starts_at_the_plan():
    due = next_due(indicator(1, "annual"), None, first_period=START, today=date(2021, 5, 1))
    assert (due.period, due.overdue) == (START, True)


def test_a_figure_from_before_the_plan_leaves_the_plans_first_period_due():
    # The plan's own 2016 figure is context: the first reading due is still the plan's first year.
    due = next_due(indicator(1, "annual"), date(2016, 1, 1), first_period=START, today=date(2021, 5, 1))
    assert (due.period, due.overdue) == (START, True)


def test_the_list_keeps_overdue_and_soon_due_soonest_first():
    items = due_and_overdue(
        [indicator(1, "annual"), indicator(2, "monthly"), indicator(3, "annual")],
        {1: date(2019, 1, 1), 2: date(2021, 3, 1), 3: date(2021, 1, 1)},
        first_period=START,
        today=date(2021, 5, 1),
    )
    assert [item.indicator.pk for item in items] == [1, 2]
    assert [item.overdue for item in items] == [True, False]


def test_due_periods_are_the_ended_ones_after_the_last_approved_oldest_first():
    today = date(2021, 5, 10)
    assert due_periods("monthly", date(2021, 1, 1), first_period=START, today=today) == [
        date(2021, 2, 1),
        date(2021, 3, 1),
        date(2021, 4, 1),
    ]
    assert due_periods("quarterly", None, first_period=START, today=today, limit=3) == [
        date(2019, 1, 1),
        date(2019, 4, 1),
        date(2019, 7, 1),
    ]
    assert due_periods("annual", date(2019, 1, 1), first_period=START, today=today) == [date(2020, 1, 1)]


def test_due_periods_leave_out_the_ones_under_way():
    skip = {date(2021, 3, 1)}
    periods = due_periods("monthly", date(2021, 1, 1), first_period=START, today=date(2021, 5, 10), skip=skip)
    assert periods == [date(2021, 2, 1), date(2021, 4, 1)]


def test_a_context_indicator_with_nothing_approved_is_due_its_last_ended_period():
    assert due_periods("annual", None, first_period=None, today=date(2021, 5, 10)) == [date(2020, 1, 1)]
    assert due_periods("semiannual", None, first_period=None, today=date(2021, 7, 1)) == [date(2021, 1, 1)]
