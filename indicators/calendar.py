"""When each indicator's next reading is due, from its frequency and its last approved period."""

from dataclasses import dataclass
from datetime import date, timedelta

from core import formatting

from .validation import normalize_period

# Staff get this long after a period ends to have its reading approved.
GRACE = timedelta(days=30)
MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, 1)


def next_period(last_period: date | None, frequency: str, first_period: date) -> date:
    """The period the next reading will measure: the one after the last approved, or the first of
    the plan when there is none since the plan began (a figure from before it is context, not due)."""
    if last_period is None:
        return first_period
    return max(first_period, add_months(last_period, MONTHS[frequency]))


def due_date(period: date, frequency: str) -> date:
    """A period's reading is due once the period has ended, plus the grace time."""
    return add_months(period, MONTHS[frequency]) + GRACE


@dataclass(frozen=True)
class Due:
    indicator: object
    period: date
    due: date
    overdue: bool

    @property
    def period_label(self) -> str:
        """The period as people name it: '2019' for a yearly figure, 'marzo de 2021' for a monthly one."""
        return formatting.period(self.period, self.indicator.frequency)


def next_due(indicator, last_period: date | None, *, first_period: date, today: date) -> Due:
    period = next_period(last_period, indicator.frequency, first_period)
    due = due_date(period, indicator.frequency)
    return Due(indicator=indicator, period=period, due=due, overdue=due < today)


def period_end(period: date, frequency: str) -> date:
    """The first day after the period."""
    return add_months(period, MONTHS[frequency])


def due_periods(
    frequency: str, last_period: date | None, *, first_period: date | None, today: date, skip=(), limit: int = 12
) -> list[date]:
    """The periods that have ended and still lack a reading, oldest first, at most `limit`: from
    the one after `last_period` (the last approved), or from `first_period` when there is none
    since (the plan's start; None: only the last ended period), leaving out those in `skip` (a
    reading is already under way)."""
    if last_period is None and first_period is None:
        period = normalize_period(today, frequency)
        while period_end(period, frequency) > today:
            period = add_months(period, -MONTHS[frequency])
    else:
        period = next_period(last_period, frequency, first_period or date.min)
    periods = []
    while period_end(period, frequency) <= today and len(periods) < limit:
        if period not in skip:
            periods.append(period)
        period = add_months(period, MONTHS[frequency])
    return periods


def due_and_overdue(indicators, last_periods: dict, *, first_period: date, today: date, horizon_days: int = 45):
    """The indicators whose next reading is overdue, or due within `horizon_days`, soonest first."""
    items = [next_due(i, last_periods.get(i.pk), first_period=first_period, today=today) for i in indicators]
    return sorted(
        (item for item in items if item.due <= today + timedelta(days=horizon_days)), key=lambda item: item.due
    )
