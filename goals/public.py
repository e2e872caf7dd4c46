"""What the public pages and the yearly report show, gathered in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Max, Prefetch
from django.shortcuts import get_object_or_404

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


def current_plan() -> Plan:
    return get_object_or_404(Plan, slug=settings.PLAN_SLUG)


def target_statuses(plan: Plan, as_of: date | None = None, **filters) -> list[TargetStatus]:
    """Every target of the plan (optionally filtered), evaluated, in three queries."""
    targets = list(Target.objects.for_public().filter(plan=plan, **filters))
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


def last_update():
    """When the most recent public figure was approved."""
    return Reading.objects.approved().aggregate(last=Max("approved_at"))["last"]


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
