"""Progress and status of a target: plain functions over numbers and dates.

No ORM, no request and no words here: `goals.evaluation` feeds these functions from the
database, the tests feed them tables of edge cases, and `goals.wording` turns the reason each
evaluation carries into a sentence in Spanish or English. The rules are explained to citizens on
the methodology page (templates/methodology_text.html); keep both in step.

The term decides: only readings whose period lies between the plan's start and the target's
deadline are results. Earlier figures are baseline or context, later ones are "después del
plazo"; neither ever changes a verdict."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

# Thresholds of the Open SDG / Statistics Canada progress measure, on a linear pace.
ON_TRACK_PACE = 0.95
AT_RISK_PACE = 0.6
# A value that reaches the target's number without meeting it ("menos de 11 %" at 11 %) is
# never shown as 100 %: only a met target is.
UNMET_CEILING = 99.0


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_ACHIEVED = "not_achieved"
    NO_DATA = "no_data"

    @classmethod
    def ordered(cls) -> tuple[Status, ...]:
        return (cls.ACHIEVED, cls.ON_TRACK, cls.AT_RISK, cls.OFF_TRACK, cls.NOT_ACHIEVED, cls.NO_DATA)


class Comparator(StrEnum):
    LT = "<"
    LE = "<="
    GE = ">="
    GT = ">"
    EQ = "="


class Timing(StrEnum):
    """Where a reading's period falls against the target's term."""

    BEFORE = "before"  # baseline or context, never a result
    TERM = "term"  # a result
    AFTER = "after"  # "después del plazo": shown, never judged


class ReasonCode(StrEnum):
    """Why a target has its status. Each code names the values its sentence needs."""

    # number and recurring targets
    NO_TERM_DATA = "no_term_data"  # start, end
    ONLY_EARLIER_DATA = "only_earlier_data"  # start, end, value, period
    # number targets
    MET = "met"  # value, period
    MAINTAINED = "maintained"  # value, period, baseline, baseline_period
    SETBACK = "setback"  # value, period, baseline, baseline_period
    FINAL_NOT_MET = "final_not_met"  # value, period, deadline
    PACE = "pace"  # progress, expected
    TREND = "trend"  # progress, expected, deadline
    UNMEASURABLE_TREND_MEETS = "unmeasurable_trend_meets"  # deadline
    UNMEASURABLE_TREND_MISSES = "unmeasurable_trend_misses"  # deadline
    UNMEASURABLE_SINGLE = "unmeasurable_single"  # value, period
    # delivered targets
    NO_MILESTONES = "no_milestones"  # (none)
    DELIVERED = "delivered"  # date
    DELIVERY_FINAL_NOT_MET = "delivery_final_not_met"  # deadline, progress
    DELIVERY_PACE = "delivery_pace"  # progress, expected
    # recurring targets
    RECURRING_FINAL_MET = "recurring_final_met"  # met, years
    RECURRING_FINAL_MISSED = "recurring_final_missed"  # met, years, missed
    RECURRING_ON_TRACK = "recurring_on_track"  # met, years
    RECURRING_MISSED = "recurring_missed"  # met, years, missed


# A reason's values: a Decimal is a figure in the indicator's unit, a float a percentage
# (progress or expected progress), an int a count, a date a date, a tuple a list of years.
ReasonValue = Decimal | float | int | date | tuple[int, ...]


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    values: Mapping[str, ReasonValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Point:
    """One public reading."""

    period: date
    value: Decimal


@dataclass(frozen=True)
class Milestone:
    weight: Decimal
    planned: date | None
    done: date | None


@dataclass(frozen=True)
class Evaluation:
    status: Status
    reason: Reason
    progress: float | None  # None: no data of the term, or not measurable (no baseline)
    expected: float | None
    pace: float | None
    projection: float | None  # never after the deadline
    latest_value: Decimal | None  # the last reading of the term
    latest_period: date | None
    final: bool = False  # the deadline has passed: the verdict no longer changes
    maintain: bool = False  # the baseline already met the target


@dataclass(frozen=True)
class Rollup:
    counts: dict[Status, int] = field(default_factory=dict)
    mean_progress: float | None = None
    total: int = 0
    measured: int = 0  # how many targets the mean covers


def meets(value: Decimal, comparator: Comparator | str, target: Decimal) -> bool:
    """Whether `value` meets the target, compared exactly: `<` 11 is not met by 11."""
    value, target = Decimal(value), Decimal(target)
    match Comparator(comparator):
        case Comparator.LT:
            return value < target
        case Comparator.LE:
            return value <= target
        case Comparator.GE:
            return value >= target
        case Comparator.GT:
            return value > target
        case Comparator.EQ:
            return value == target


def timing(period: date, start: date, deadline: date) -> Timing:
    if period < start:
        return Timing.BEFORE
    if period > deadline:
        return Timing.AFTER
    return Timing.TERM


def progress_between(baseline: Decimal, latest: Decimal, target: Decimal, comparator: Comparator | str) -> float:
    """Share of the way from a baseline that does not meet the target to the target, 0-100.

    100 only when `latest` meets the target; a value that moves away from the target never
    scores more than one closer to it."""
    if meets(latest, comparator, target):
        return 100.0
    baseline, latest, target = Decimal(baseline), Decimal(latest), Decimal(target)
    if baseline == target:
        return 0.0
    if Comparator(comparator) == Comparator.EQ:
        # Overshooting an exact target is no closer to it: measure the distance left.
        share = (1 - abs(latest - target) / abs(baseline - target)) * 100
    else:
        share = (latest - baseline) / (target - baseline) * 100
    return min(_clamp(float(share)), UNMET_CEILING)


def expected_progress(start: date, deadline: date, as_of: date) -> float:
    """Share of the time from start to deadline elapsed on `as_of`, 0-100."""
    if deadline <= start:
        return 100.0
    return _clamp((as_of - start).days / (deadline - start).days * 100)


def linear_projection(series: Sequence[Point], at: date) -> float | None:
    """Least-squares line through the series, read at `at`; None with fewer than two distinct periods."""
    xs = [p.period.toordinal() for p in series]
    if len(set(xs)) < 2:
        return None
    ys = [float(p.value) for p in series]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)
    return mean_y + slope * (at.toordinal() - mean_x)


def term_points(series: Iterable[Point], *, start: date, deadline: date, as_of: date) -> list[Point]:
    """The readings that are results on `as_of`: of the term and known by then, oldest first."""
    return sorted(
        (p for p in series if p.period <= as_of and timing(p.period, start, deadline) == Timing.TERM),
        key=lambda p: p.period,
    )


def evaluate_number(
    *,
    series: Sequence[Point],
    comparator: Comparator | str,
    target: Decimal,
    deadline: date,
    as_of: date,
    baseline: Decimal | None,
    baseline_date: date | None,
    start: date,
) -> Evaluation:
    """A number to reach ("al menos el 45 %", "menos de 1150 denuncias"). A baseline needs its date."""
    if baseline is not None and baseline_date is None:
        raise ValueError("A baseline needs its date.")
    expected = expected_progress(start, deadline, as_of)
    final = as_of > deadline
    points = term_points(series, start=start, deadline=deadline, as_of=as_of)
    if not points:
        return _no_term_data(series, start=start, deadline=deadline, as_of=as_of, expected=expected)
    latest = points[-1]
    met = meets(latest.value, comparator, target)
    maintain = baseline is not None and meets(baseline, comparator, target)
    if met:
        progress: float | None = 100.0
    elif maintain:
        progress = 0.0  # the baseline met it and the value no longer does: a setback
    elif baseline is None:
        progress = None
    else:
        progress = progress_between(baseline, latest.value, target, comparator)
    projection = None if final else linear_projection(points, deadline)
    pace = _pace(progress, expected)
    figure = {"value": latest.value, "period": latest.period}
    figure_and_baseline = {**figure, "baseline": baseline, "baseline_period": baseline_date}
    if met and maintain:
        status, reason = Status.ACHIEVED, Reason(ReasonCode.MAINTAINED, figure_and_baseline)
    elif met:
        status, reason = Status.ACHIEVED, Reason(ReasonCode.MET, figure)
    elif final:
        status, reason = Status.NOT_ACHIEVED, Reason(ReasonCode.FINAL_NOT_MET, {**figure, "deadline": deadline})
    elif maintain:
        status, reason = Status.OFF_TRACK, Reason(ReasonCode.SETBACK, figure_and_baseline)
    else:
        projection_meets = None if projection is None else meets(Decimal(str(round(projection, 6))), comparator, target)
        status, reason = _number_status(progress, expected, pace, projection_meets, deadline, figure)
    return Evaluation(
        status, reason, progress, expected, pace, projection, latest.value, latest.period, final, maintain
    )


def evaluate_delivered(*, milestones: Sequence[Milestone], deadline: date, as_of: date, start: date) -> Evaluation:
    """A thing to deliver (a landfill working): progress is the weight of the milestones done by
    the deadline; a milestone done later is shown but changes nothing."""
    expected = expected_progress(start, deadline, as_of)
    final = as_of > deadline
    total = sum((Decimal(m.weight) for m in milestones), Decimal(0))
    if not milestones or total <= 0:
        return Evaluation(
            Status.NO_DATA, Reason(ReasonCode.NO_MILESTONES), None, expected, None, None, None, None, final
        )
    done = [m for m in milestones if m.done is not None and m.done <= min(as_of, deadline)]
    progress = float(sum((Decimal(m.weight) for m in done), Decimal(0)) / total * 100)
    latest_done = max((m.done for m in done), default=None)
    pace = _pace(progress, expected)
    if len(done) == len(milestones):
        progress = 100.0
        status, reason = Status.ACHIEVED, Reason(ReasonCode.DELIVERED, {"date": latest_done})
    elif final:
        status = Status.NOT_ACHIEVED
        reason = Reason(ReasonCode.DELIVERY_FINAL_NOT_MET, {"deadline": deadline, "progress": progress})
    else:
        status = _pace_status(pace)
        reason = Reason(ReasonCode.DELIVERY_PACE, {"progress": progress, "expected": expected})
    return Evaluation(status, reason, progress, expected, pace, None, None, latest_done, final)


def evaluate_recurring(
    *,
    series: Sequence[Point],
    comparator: Comparator | str,
    target: Decimal,
    deadline: date,
    as_of: date,
    start: date,
) -> Evaluation:
    """A duty due every year of the term ("al menos una rendición de cuentas cada año"):
    progress is the share of the elapsed years that met it. A year with no reading did not
    show that it met it."""
    expected = expected_progress(start, deadline, as_of)
    final = as_of > deadline
    points = term_points(series, start=start, deadline=deadline, as_of=as_of)
    if not points:
        return _no_term_data(series, start=start, deadline=deadline, as_of=as_of, expected=expected)
    by_year: dict[int, Decimal] = {}
    for point in points:
        by_year[point.period.year] = point.value
    met_years = {year for year, value in by_year.items() if meets(value, comparator, target)}
    # A year counts once it has ended, or earlier when it already met the duty.
    elapsed = [
        year
        for year in range(start.year, min(as_of.year, deadline.year) + 1)
        if date(year, 12, 31) < as_of or year in met_years
    ]
    met = [year for year in elapsed if year in met_years]
    missed = tuple(year for year in elapsed if year not in met_years)
    progress = len(met) / len(elapsed) * 100 if elapsed else 0.0
    pace = _pace(progress, expected)
    counts = {"met": len(met), "years": len(elapsed)}
    if final and not missed:
        status, reason = Status.ACHIEVED, Reason(ReasonCode.RECURRING_FINAL_MET, counts)
    elif final:
        status, reason = Status.NOT_ACHIEVED, Reason(ReasonCode.RECURRING_FINAL_MISSED, {**counts, "missed": missed})
    elif not missed:
        status, reason = Status.ON_TRACK, Reason(ReasonCode.RECURRING_ON_TRACK, counts)
    else:
        status, reason = _pace_status(pace), Reason(ReasonCode.RECURRING_MISSED, {**counts, "missed": missed})
    latest = points[-1]
    return Evaluation(status, reason, progress, expected, pace, None, latest.value, latest.period, final)


def rollup(evaluations: Iterable[Evaluation]) -> Rollup:
    """Count of each status, and the mean progress of the targets whose progress is known
    (achieved ones count as 100 %; no data and not measurable ones are left out, and counted
    in `measured`)."""
    evaluations = list(evaluations)
    counts = {status: 0 for status in Status.ordered()}
    for evaluation in evaluations:
        counts[evaluation.status] += 1
    with_progress = [e.progress for e in evaluations if e.progress is not None]
    mean = sum(with_progress) / len(with_progress) if with_progress else None
    return Rollup(counts=counts, mean_progress=mean, total=len(evaluations), measured=len(with_progress))


def _no_term_data(series: Iterable[Point], *, start: date, deadline: date, as_of: date, expected: float) -> Evaluation:
    end = min(as_of, deadline)
    earlier = [p for p in series if p.period <= as_of and p.period < start]
    if earlier:
        last = max(earlier, key=lambda p: p.period)
        reason = Reason(
            ReasonCode.ONLY_EARLIER_DATA, {"start": start, "end": end, "value": last.value, "period": last.period}
        )
    else:
        reason = Reason(ReasonCode.NO_TERM_DATA, {"start": start, "end": end})
    return Evaluation(Status.NO_DATA, reason, None, expected, None, None, None, None, as_of > deadline)


def _number_status(
    progress: float | None,
    expected: float,
    pace: float | None,
    projection_meets: bool | None,
    deadline: date,
    figure: dict,
) -> tuple[Status, Reason]:
    """Before the deadline, for a value that does not meet the target yet; `projection_meets`
    is None when there is no trend (a single reading of the term)."""
    if progress is None:
        if projection_meets is None:
            return Status.OFF_TRACK, Reason(ReasonCode.UNMEASURABLE_SINGLE, figure)
        if projection_meets:
            return Status.ON_TRACK, Reason(ReasonCode.UNMEASURABLE_TREND_MEETS, {"deadline": deadline})
        return Status.OFF_TRACK, Reason(ReasonCode.UNMEASURABLE_TREND_MISSES, {"deadline": deadline})
    if pace is not None and pace >= ON_TRACK_PACE:
        return Status.ON_TRACK, Reason(ReasonCode.PACE, {"progress": progress, "expected": expected})
    if projection_meets:
        return Status.ON_TRACK, Reason(
            ReasonCode.TREND, {"progress": progress, "expected": expected, "deadline": deadline}
        )
    return _pace_status(pace), Reason(ReasonCode.PACE, {"progress": progress, "expected": expected})


def _pace(progress: float | None, expected: float | None) -> float | None:
    # At the very start nothing is expected yet: there is no pace to judge, and the
    # status then rests on the trend or, failing that, on no movement (off track).
    if progress is None or not expected:
        return None
    return progress / expected


def _pace_status(pace: float | None) -> Status:
    if pace is not None and pace >= ON_TRACK_PACE:
        return Status.ON_TRACK
    if pace is not None and pace >= AT_RISK_PACE:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))
