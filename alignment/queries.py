"""The annex walked both ways: from a national objective down to today's readings, and back up."""

from django.db.models import Q

from goals import public

from .models import AlignmentObjective, AlignmentRow, Level


def matrix(plan, as_of=None):
    """The annex rows, each with the roll-up of the targets under its axis."""
    rows = list(
        AlignmentRow.objects.filter(plan=plan)
        .select_related("national", "axis")
        .prefetch_related("regional", "provincial")
    )
    statuses = public.target_statuses(plan, as_of=as_of)
    by_axis = public.rollup_by(statuses, key=lambda t: t.objective.axis_id)
    empty = public.rollup([])
    return [(row, by_axis.get(row.axis_id, empty)) for row in rows]


def rows_of(objective: AlignmentObjective):
    field = {Level.NATIONAL: "national", Level.REGIONAL: "regional", Level.PROVINCIAL: "provincial"}[objective.level]
    return AlignmentRow.objects.filter(Q(**{field: objective})).select_related("axis", "national").distinct()


def objective_walk(objective: AlignmentObjective, as_of=None):
    """The rows, axes and evaluated targets beneath one national, regional or provincial objective."""
    rows = list(rows_of(objective).prefetch_related("regional", "provincial"))
    axis_ids = {row.axis_id for row in rows}
    statuses = public.target_statuses(objective.plan, as_of=as_of, objective__axis_id__in=axis_ids)
    return rows, statuses, public.rollup(statuses)
