"""What plans tell the indicators layer about time (both registered in `goals.apps`): closed plans
freeze their results (the terms during which each indicator measured a target of a closed plan, for
`indicators.locks`), and an indicator is due from the start of the earliest plan that measures it
(for `indicators.terms`)."""

from django.db.models import Min
from django.utils.translation import gettext

from .models import PlanSection, Target


def closed_terms(indicator_ids: set[int]) -> dict[int, list]:
    terms: dict[int, list] = {}
    rows = (
        Target.objects.filter(indicator_id__in=indicator_ids, plan__is_closed=True)
        .values_list("indicator_id", "plan__period_start", "plan__period_end", "plan__title")
        .distinct()
    )
    for indicator_id, first, last, title in rows:
        terms.setdefault(indicator_id, []).append((first, last, gettext("plan «%(title)s»") % {"title": title}))
    return terms


def term_starts(indicator_ids: set[int]) -> dict:
    return dict(
        Target.objects.filter(indicator_id__in=indicator_ids)
        .values("indicator_id")
        .annotate(start=Min("plan__period_start"))
        .values_list("indicator_id", "start")
    )


def same_plan_indicators(indicator_id: int, period) -> set[int] | None:
    """The indicators (targets and cited figures) of the plans whose term holds `period` and that
    measure `indicator_id`; None when none does."""
    plans = Target.objects.filter(
        indicator_id=indicator_id, plan__period_start__lte=period, plan__period_end__gte=period
    ).values("plan_id")
    ids = set(Target.objects.filter(plan_id__in=plans, indicator__isnull=False).values_list("indicator_id", flat=True))
    ids |= set(
        PlanSection.indicators.through.objects.filter(plansection__plan_id__in=plans).values_list(
            "indicator_id", flat=True
        )
    )
    return ids or None
