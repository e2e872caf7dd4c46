"""Progress and status of a target: plain functions over numbers and dates.

No ORM and no request here: `goals.evaluation` feeds these functions from the database, and
the tests feed them tables of edge cases. The rules are explained to citizens on the
methodology page (docs/metodologia.md); keep both in step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

# Thresholds of the Open SDG / Statistics Canada progress measure, on a linear pace.
ON_TRACK_PACE = 0.95
AT_RISK_PACE = 0.6


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_ACHIEVED = "not_achieved"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @classmethod
    def ordered(cls) -> tuple[Status, ...]:
        return (cls.ACHIEVED, cls.ON_TRACK, cls.AT_RISK, cls.OFF_TRACK, cls.NOT_ACHIEVED, cls.NO_DATA)


STATUS_LABELS = {
    Status.ACHIEVED: "Meta cumplida",
    Status.ON_TRACK: "En camino",
    Status.AT_RISK: "En riesgo",
    Status.OFF_TRACK: "Retrasada",
    Status.NOT_ACHIEVED: "No cumplida",
    Status.NO_DATA: "Sin datos",
}


class Comparator(StrEnum):
    LT = "<"
    LE = "<="
    GE = ">="
    GT = ">"
    EQ = "="


@dataclass(frozen=True)
class Point:
    """One approved reading."""

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
    progress: float | None
    expected: float | None
    pace: float | None
    projection: float | None
    latest_value: Decimal | None
    latest_period: date | None
    explanation: str


@dataclass(frozen=True)
class Rollup:
    counts: dict[Status, int] = field(default_factory=dict)
    mean_progress: float | None = None
    total: int = 0


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


def progress_between(baseline: Decimal, latest: Decimal, target: Decimal, comparator: Comparator | str) -> float:
    """Share of the way from baseline to target, 0-100."""
    if baseline == target:
        return 100.0 if meets(latest, comparator, target) else 0.0
    share = float((Decimal(latest) - Decimal(baseline)) / (Decimal(target) - Decimal(baseline))) * 100
    return _clamp(share)


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
    clock_start = baseline_date or start
    expected = expected_progress(clock_start, deadline, as_of)
    # Readings before the baseline are history, not progress: they neither move the
    # latest value nor the trend.
    points = sorted(
        (p for p in series if p.period <= as_of and (baseline_date is None or p.period >= baseline_date)),
        key=lambda p: p.period,
    )
    if not points:
        return _no_readings(expected, as_of)
    latest = points[-1]
    projection = linear_projection(points, deadline)
    progress = None if baseline is None else progress_between(baseline, latest.value, target, comparator)
    pace = _pace(progress, expected)
    status, explanation = _status_for(
        met=meets(latest.value, comparator, target),
        as_of=as_of,
        deadline=deadline,
        pace=pace,
        projection_meets=projection is not None and meets(Decimal(str(round(projection, 6))), comparator, target),
        progress=progress,
        expected=expected,
        latest=latest,
    )
    return Evaluation(status, progress, expected, pace, projection, latest.value, latest.period, explanation)


def evaluate_delivered(*, milestones: Sequence[Milestone], deadline: date, as_of: date, start: date) -> Evaluation:
    """A thing to deliver (a landfill working): progress is the weight of the milestones done."""
    expected = expected_progress(start, deadline, as_of)
    total = sum((Decimal(m.weight) for m in milestones), Decimal(0))
    if not milestones or total <= 0:
        return Evaluation(
            Status.NO_DATA,
            None,
            expected,
            None,
            None,
            None,
            None,
            "Sin hitos definidos para este entregable: no se puede calcular el avance.",
        )
    done = [m for m in milestones if m.done is not None and m.done <= as_of]
    progress = float(sum((Decimal(m.weight) for m in done), Decimal(0)) / total * 100)
    latest_done = max((m.done for m in done), default=None)
    pace = _pace(progress, expected)
    if len(done) == len(milestones):
        status, text = Status.ACHIEVED, f"Entregado: todos los hitos cumplidos al {_date(latest_done)}."
    elif as_of > deadline:
        status, text = Status.NOT_ACHIEVED, f"El plazo venció el {_date(deadline)} con {_pct(progress)} de avance."
    else:
        status = _pace_status(pace)
        text = f"Avance {_pct(progress)} de los hitos: se esperaba {_pct(expected)} a esta fecha."
    return Evaluation(status, progress, expected, pace, None, None, latest_done, text)


def evaluate_recurring(
    *,
    series: Sequence[Point],
    comparator: Comparator | str,
    target: Decimal,
    deadline: date,
    as_of: date,
    start: date,
) -> Evaluation:
    """A duty due every year ("al menos una rendición de cuentas cada año"): progress is the
    share of the elapsed years that met it."""
    points = sorted((p for p in series if p.period <= as_of), key=lambda p: p.period)
    expected = expected_progress(start, deadline, as_of)
    if not points:
        return _no_readings(expected, as_of)
    by_year: dict[int, Decimal] = {}
    for point in points:
        by_year[point.period.year] = point.value
    met_years = {year for year, value in by_year.items() if meets(value, comparator, target)}
    last_year = min(as_of.year, deadline.year)
    # A year counts once it has ended, or earlier when it already met the duty.
    elapsed = [year for year in range(start.year, last_year + 1) if date(year, 12, 31) < as_of or year in met_years]
    met = [year for year in elapsed if year in met_years]
    progress = len(met) / len(elapsed) * 100 if elapsed else 0.0
    pace = _pace(progress, expected)
    latest = points[-1]
    missed = [year for year in elapsed if year not in met_years]
    if as_of > deadline:
        if not missed:
            status, text = Status.ACHIEVED, f"Cumplida en cada año del periodo ({len(met)} de {len(elapsed)})."
        else:
            status = Status.NOT_ACHIEVED
            text = f"No se cumplió en {_years(missed)}: {len(met)} de {len(elapsed)} años cumplidos."
    elif not missed:
        status, text = Status.ON_TRACK, f"Cumplida en todos los años transcurridos ({len(met)} de {len(elapsed)})."
    else:
        status = _pace_status(pace)
        text = f"Cumplida en {len(met)} de {len(elapsed)} años transcurridos; faltó en {_years(missed)}."
    return Evaluation(status, progress, expected, pace, None, latest.value, latest.period, text)


def rollup(evaluations: Iterable[Evaluation]) -> Rollup:
    """Count of each status and the mean progress of the targets that have one."""
    evaluations = list(evaluations)
    counts = {status: 0 for status in Status.ordered()}
    for evaluation in evaluations:
        counts[evaluation.status] += 1
    with_progress = [e.progress for e in evaluations if e.progress is not None]
    mean = sum(with_progress) / len(with_progress) if with_progress else None
    return Rollup(counts=counts, mean_progress=mean, total=len(evaluations))


def _status_for(*, met, as_of, deadline, pace, projection_meets, progress, expected, latest) -> tuple[Status, str]:
    if met:
        return (
            Status.ACHIEVED,
            f"Meta cumplida: el último dato ({_num(latest.value)}, {_date(latest.period)}) la alcanza.",
        )
    if as_of > deadline:
        return Status.NOT_ACHIEVED, (
            f"El plazo venció el {_date(deadline)} y el último dato ({_num(latest.value)}) no alcanza la meta."
        )
    if pace is not None and pace >= ON_TRACK_PACE:
        return Status.ON_TRACK, f"Avance {_pct(progress)}: se esperaba {_pct(expected)} a esta fecha."
    if projection_meets:
        return Status.ON_TRACK, (
            f"Avance {_pct(progress)} (se esperaba {_pct(expected)}), pero la tendencia alcanza la meta "
            f"al {_date(deadline)}."
            if progress is not None
            else f"Sin línea de base, pero la tendencia de los datos alcanza la meta al {_date(deadline)}."
        )
    if progress is None:
        return Status.OFF_TRACK, (
            f"Sin línea de base: no se puede medir el avance; la tendencia no alcanza la meta al {_date(deadline)}."
        )
    status = _pace_status(pace)
    return status, f"Avance {_pct(progress)}: se esperaba {_pct(expected)} a esta fecha."


def _no_readings(expected: float, as_of: date) -> Evaluation:
    message = f"Sin datos aprobados hasta el {_date(as_of)}: no se puede calcular el avance."
    return Evaluation(Status.NO_DATA, None, expected, None, None, None, None, message)


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


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value)} %"


def _num(value: Decimal) -> str:
    """A number as written in Peru: comma for thousands, point for decimals, no trailing zeros."""
    normalized = Decimal(value).normalize()
    text = f"{normalized:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _years(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in years)
