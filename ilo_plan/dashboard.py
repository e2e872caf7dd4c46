"""What each staff member should act on first: due readings for registradores (every plan of
their entity, grouped by plan), the review queue for revisores. Runs in the admin's scope: a
person sees their own entity's records only (core.scoping)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Max
from django.utils import timezone

from goals.models import Plan, Target
from indicators import access
from indicators.calendar import due_and_overdue
from indicators.models import EDITABLE_STATES, OPEN_STATES, PUBLIC_STATES, Indicator, Office, Reading, ReviewStatus


@dataclass(frozen=True)
class PlanDue:
    """One plan of the person's entity and its readings due: the plan's target indicators of the
    person's offices, from the start of its term to its end (a finished term lists nothing after it)."""

    plan: Plan
    items: list


def due_for(user, today=None) -> list[PlanDue]:
    """Every open plan the person reaches (their entity's, through the admin's scope), with the
    target indicators of their offices whose next reading is due or overdue. Five queries,
    whatever the number of plans."""
    today = today or timezone.localdate()
    plans = list(Plan.objects.filter(is_closed=False, period_start__lte=today).order_by("-period_start", "slug"))
    if not plans:
        return []
    measured = {}
    for plan_id, indicator_id in (
        Target.objects.filter(plan__in=plans, indicator__isnull=False)
        .order_by()
        .values_list("plan_id", "indicator_id")
        .distinct()
    ):
        measured.setdefault(plan_id, set()).add(indicator_id)
    indicators = Indicator.objects.filter(pk__in=set().union(*measured.values())).select_related("office")
    indicators = access.scope(user, indicators, access.ROLE_REGISTRADOR)
    indicators = {indicator.pk: indicator for indicator in indicators.order_by("order", "code")}
    last_periods = dict(
        Reading.objects.filter(indicator_id__in=list(indicators), status__in=PUBLIC_STATES)
        .values("indicator_id")
        .annotate(last=Max("period"))
        .values_list("indicator_id", "last")
    )
    groups = []
    for plan in plans:
        mine = [indicators[pk] for pk in indicators if pk in measured.get(plan.pk, ())]
        items = due_and_overdue(mine, last_periods, first_period=plan.period_start, today=today)
        items = [item for item in items if item.period <= plan.period_end]
        if items:
            groups.append(PlanDue(plan, items))
    return groups


def review_queue(user, limit=50):
    """Submitted readings the user may review, the longest waiting first, outliers flagged."""
    return list(
        Reading.objects.review_queue(user).select_related("indicator__unit", "indicator__office", "entered_by")[:limit]
    )


def with_links(items):
    """Each due item with where its row leads: the reading already under way for that indicator
    and period (`open_reading`), or else the add form pre-filled with both (`add_query`)."""
    under_way = {}
    if items:
        readings = Reading.objects.filter(
            indicator__in=[item.indicator.pk for item in items], status__in=OPEN_STATES
        ).order_by("pk")
        for reading in readings.only("pk", "indicator_id", "period", "status"):
            under_way.setdefault((reading.indicator_id, reading.period), reading)
    return [
        {
            "item": item,
            "open_reading": under_way.get((item.indicator.pk, item.period)),
            "add_query": urlencode({"indicator": item.indicator.pk, "period": item.period.isoformat()}),
        }
        for item in items
    ]


def counts_by_office(user, due: list):
    """Per office of the user: readings overdue, due soon, in draft or rejected, and in review.
    One query whatever the number of offices (the due items, of every plan, are already computed)."""
    readings = Reading.objects.filter(status__in=[*EDITABLE_STATES, ReviewStatus.SUBMITTED])
    offices = access.scope(user, Office.objects.all())
    rows = {
        office.pk: {"office": office, "overdue": 0, "soon": 0, "drafts": 0, "in_review": 0}
        for office in offices.order_by("name")
    }
    for office_id, status, count in (
        readings.filter(indicator__office_id__in=list(rows))
        .values_list("indicator__office_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        rows[office_id]["in_review" if status == ReviewStatus.SUBMITTED else "drafts"] += count
    for item in due:
        if item.indicator.office_id in rows:
            rows[item.indicator.office_id]["overdue" if item.overdue else "soon"] += 1
    return [row for row in rows.values() if row["overdue"] or row["soon"] or row["drafts"] or row["in_review"]]
