"""Targets' status from the database: gathers the approved series and milestones in a fixed
number of queries and hands them to the pure rules of `goals.progress`.

Public pages, the API and the yearly report all go through `evaluate_targets`, so a status is
computed one way everywhere."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time

from django.utils import timezone

from indicators.models import Reading

from . import progress
from .models import Milestone, Target, TargetKind


def approval_cutoff(as_of: date | None) -> datetime | None:
    """The moment the as-of date ends, local time; None means 'as approved now'."""
    if as_of is None:
        return None
    return timezone.make_aware(datetime.combine(as_of, time.max))


def approved_series(indicator_ids: Iterable[int], as_of: date | None = None) -> dict[int, list[progress.Point]]:
    """The approved readings of each indicator as they stood at the end of `as_of`, in one query."""
    readings = (
        Reading.objects.approved(at=approval_cutoff(as_of))
        .filter(indicator_id__in=set(indicator_ids))
        .order_by("period")
        .values_list("indicator_id", "period", "value")
    )
    if as_of is not None:
        readings = readings.filter(period__lte=as_of)
    series: dict[int, list[progress.Point]] = defaultdict(list)
    for indicator_id, period, value in readings:
        series[indicator_id].append(progress.Point(period=period, value=value))
    return series


def project_milestones(project_ids: Iterable[int]) -> dict[int, list[progress.Milestone]]:
    milestones: dict[int, list[progress.Milestone]] = defaultdict(list)
    project_ids = set(project_ids)
    if not project_ids:  # no deliverable among the targets: not even a query to build
        return milestones
    rows = Milestone.objects.filter(project_id__in=project_ids).values_list(
        "project_id", "weight", "planned_date", "done_date"
    )
    for project_id, weight, planned, done in rows:
        milestones[project_id].append(progress.Milestone(weight=weight, planned=planned, done=done))
    return milestones


def evaluate_targets(
    targets: Iterable[Target], as_of: date | None = None, series: dict | None = None
) -> dict[int, progress.Evaluation]:
    """Evaluation of each target keyed by its id, in two queries whatever the number of targets
    (one when the caller already has the approved `series` from ``approved_series``).

    `targets` must come with `plan` and `indicator` selected (``Target.objects.for_public()``)."""
    targets = list(targets)
    day = as_of or timezone.localdate()
    if series is None:
        series = approved_series((t.indicator_id for t in targets if t.indicator_id), as_of)
    milestones = project_milestones(t.project_id for t in targets if t.kind == TargetKind.DELIVERED and t.project_id)
    return {target.pk: evaluate_target(target, day, series, milestones) for target in targets}


def evaluate_target(target: Target, day: date, series, milestones) -> progress.Evaluation:
    start = target.plan.period_start
    if target.kind == TargetKind.DELIVERED:
        return progress.evaluate_delivered(
            milestones=milestones.get(target.project_id, []), deadline=target.deadline, as_of=day, start=start
        )
    points = series.get(target.indicator_id, [])
    if target.kind == TargetKind.RECURRING:
        return progress.evaluate_recurring(
            series=points,
            comparator=progress.Comparator(target.comparator),
            target=target.value,
            deadline=target.deadline,
            as_of=day,
            start=start,
        )
    baseline, baseline_date, _ = target.baseline
    return progress.evaluate_number(
        series=points,
        comparator=progress.Comparator(target.comparator),
        target=target.value,
        deadline=target.deadline,
        as_of=day,
        baseline=baseline,
        baseline_date=baseline_date,
        start=start,
    )
