from datetime import date

from indicators.calendar import due_and_overdue, next_due
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
