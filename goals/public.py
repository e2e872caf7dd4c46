"""What the public pages and the yearly report show, gathered in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Max, Prefetch, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from indicators.models import Indicator, Reading

from . import progress, wording
from .evaluation import approved_series, evaluate_targets
from .models import Plan, PlanSection, SectionPart, Target


@dataclass(frozen=True)
class TargetStatus:
    """A target with its evaluation and the approved series behind it."""

    target: Target
    evaluation: progress.Evaluation
    series: list[progress.Point]

    @property
    def status(self) -> progress.Status:
        return self.evaluation.status

    @property
    def explanation(self) -> str:
        """Why the target has its status, in the active language."""
        return wording.explain_target(self.target, self.evaluation)


def get_plan(slug: str | None = None) -> Plan:
    """The plan a public page or API call is about: the one named by `slug`, or the featured one
    (`Plan.objects.featured()`) when no slug is given; Http404 when there is none. It carries the
    `for_site()` flags (has_axes, has_diagnosis). The one way every view finds its plan."""
    plan = Plan.objects.featured() if slug is None else Plan.objects.for_site().filter(slug=slug).first()
    if plan is None:
        raise Http404("No existe ese plan.")
    return plan


def target_statuses(plan: Plan | None, as_of: date | None = None, **filters) -> list[TargetStatus]:
    """Every target of the plan (of every plan when `plan` is None), optionally filtered,
    evaluated, in three queries."""
    targets = Target.objects.for_public().filter(**filters)
    if plan is not None:
        targets = targets.filter(plan=plan)
    targets = list(targets)
    series = approved_series((t.indicator_id for t in targets if t.indicator_id), as_of)
    evaluations = evaluate_targets(targets, as_of, series=series)
    return [TargetStatus(t, evaluations[t.pk], series.get(t.indicator_id, [])) for t in targets]


def rollup(rows: list[TargetStatus]) -> progress.Rollup:
    return progress.rollup(row.evaluation for row in rows)


def rollup_by(rows: list[TargetStatus], key) -> dict:
    groups = defaultdict(list)
    for row in rows:
        groups[key(row.target)].append(row)
    return {group: rollup(items) for group, items in groups.items()}


def last_update(plan: Plan):
    """When the most recent public figure of the plan's indicators was approved."""
    return (
        Reading.objects.approved()
        .filter(indicator_id__in=plan_indicator_ids(plan))
        .aggregate(last=Max("approved_at"))["last"]
    )


def plan_indicator_ids(plan: Plan):
    """The ids of the plan's indicators as one subquery, a UNION: PostgreSQL then reads each
    indicator's readings by index, where `IN (…) OR IN (…)` made it scan every approved reading
    (855 ms at a million readings, against under 1 ms)."""
    measured = Target.objects.filter(plan=plan, indicator__isnull=False).order_by().values("indicator_id")
    cited = PlanSection.indicators.through.objects.filter(plansection__plan=plan).order_by().values("indicator_id")
    return measured.union(cited)


# How many of an indicator's latest public figures a catalogue line shows in its sparkline.
SPARKLINE_POINTS = 60


@dataclass(frozen=True)
class Figure:
    """A public reading as a catalogue line shows it."""

    period: date
    value: object
    is_cited: bool
    note: str


def latest_figures(indicator_ids, limit: int = SPARKLINE_POINTS) -> dict[int, list[Figure]]:
    """The last `limit` public readings of each indicator, oldest first, in one query (a window
    over the (indicator, status, period) index): a catalogue of indicators with a million
    readings between them reads a few thousand rows, not the million."""
    rows = (
        Reading.objects.approved()
        .filter(indicator_id__in=set(indicator_ids))
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("indicator_id")], order_by=[F("period").desc(), F("id").desc()])
        )
        .filter(rank__lte=limit)
        .values_list("indicator_id", "period", "value", "is_cited", "note")
    )
    figures: dict[int, list[Figure]] = defaultdict(list)
    for indicator_id, period, value, is_cited, note in rows:
        figures[indicator_id].append(Figure(period, value, is_cited, note))
    for series in figures.values():
        series.sort(key=lambda figure: figure.period)
    return figures


def plan_indicators(plan: Plan):
    """The plan's indicators: those that measure its targets and those its text cites. One
    subquery; indicators are shared, so another plan may list some of them too."""
    return Indicator.objects.filter(pk__in=plan_indicator_ids(plan))


def plan_sections(plan: Plan, part: SectionPart) -> list[PlanSection]:
    """The plan's own text for one part of the site, each section with the indicators it cites
    and their figures cited from the plan (`indicator.cited`), in three queries."""
    cited = Reading.objects.approved().cited().order_by("period")
    indicators = Indicator.objects.select_related("unit").prefetch_related(
        Prefetch("readings", queryset=cited, to_attr="cited")
    )
    return list(
        PlanSection.objects.filter(plan=plan, part=part).prefetch_related(Prefetch("indicators", queryset=indicators))
    )
