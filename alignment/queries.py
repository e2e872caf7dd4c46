"""The annex walked both ways: from any level's objective down to today's readings, and back up."""

from dataclasses import dataclass

from django.db.models import Exists, Prefetch

from goals import public

from .models import AlignmentLevel, AlignmentLink, AlignmentObjective, AlignmentRow


@dataclass(frozen=True)
class Row:
    """An annex row with its objectives grouped by level, in the plan's order of levels and the
    annex's order within each level, and the roll-up of the targets under its axis."""

    row: AlignmentRow
    cells: list[tuple[AlignmentLevel, list[AlignmentObjective]]]
    rollup: object = None

    @property
    def axis(self):
        return self.row.axis


def alignment_of(plan) -> Exists:
    """True when the plan (a pk or an OuterRef) records its alignment."""
    return Exists(AlignmentRow.objects.filter(plan=plan))


def has_alignment(plan) -> bool:
    """Whether the plan records its alignment (its matrix and the axes' alignment show only then):
    from the plan's own query (`Plan.objects.for_site()`, see AlignmentConfig.ready), or asked once
    per plan object, however many times a page asks."""
    if not hasattr(plan, "has_alignment"):
        plan.has_alignment = AlignmentRow.objects.filter(plan=plan).exists()
    return plan.has_alignment


def levels_of(plan) -> list[AlignmentLevel]:
    return list(AlignmentLevel.objects.filter(plan=plan).order_by("order", "pk"))


def _rows(queryset, levels) -> list[tuple[AlignmentRow, list]]:
    links = AlignmentLink.objects.select_related("objective").order_by("order", "pk")
    result = []
    for row in queryset.select_related("axis").prefetch_related(Prefetch("links", queryset=links)):
        by_level = {}
        for link in row.links.all():
            by_level.setdefault(link.objective.level_id, []).append(link.objective)
        result.append((row, [(level, by_level.get(level.pk, [])) for level in levels]))
    return result


def matrix(plan, as_of=None) -> tuple[list[AlignmentLevel], list[Row]]:
    """The plan's levels and annex rows, each row with the roll-up of the targets under its axis."""
    levels = levels_of(plan)
    rows = _rows(AlignmentRow.objects.filter(plan=plan).order_by("number"), levels)
    statuses = public.target_statuses(plan, as_of=as_of)
    by_axis = public.rollup_by(statuses, key=lambda t: t.objective.axis_id)
    empty = public.rollup([])
    return levels, [Row(row, cells, by_axis.get(row.axis_id, empty)) for row, cells in rows]


def rows_of_axis(axis) -> list[Row]:
    levels = levels_of(axis.plan_id)
    return [Row(row, cells) for row, cells in _rows(AlignmentRow.objects.filter(axis=axis).order_by("number"), levels)]


def objective_walk(objective: AlignmentObjective, as_of=None):
    """The rows, axes and evaluated targets beneath one objective of any level."""
    levels = levels_of(objective.plan_id)
    rows = _rows(AlignmentRow.objects.filter(links__objective=objective).distinct().order_by("number"), levels)
    axis_ids = {row.axis_id for row, _ in rows}
    statuses = public.target_statuses(objective.plan, as_of=as_of, objective__axis_id__in=axis_ids)
    return [Row(row, cells) for row, cells in rows], statuses, public.rollup(statuses)
