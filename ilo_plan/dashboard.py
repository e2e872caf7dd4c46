"""What each staff member should act on first: due readings for registradores, the review
queue for revisores."""

from urllib.parse import urlencode

from django.db.models import Count, Max
from django.utils import timezone

from goals.models import Plan, Target
from indicators import roles
from indicators.calendar import due_and_overdue
from indicators.models import EDITABLE_STATES, OPEN_STATES, Indicator, Office, Reading, ReviewStatus


def due_for(user, today=None):
    """Target indicators of the featured plan, of the user's offices, whose next reading is due or overdue."""
    plan = Plan.objects.featured()
    if plan is None:
        return []
    indicators = Indicator.objects.filter(
        pk__in=Target.objects.filter(plan=plan, indicator__isnull=False).values("indicator_id")
    ).select_related("office")
    if not user.is_superuser:
        indicators = indicators.filter(office_id__in=roles.office_ids(user))
    last_periods = dict(
        Reading.objects.filter(indicator__in=indicators, status=ReviewStatus.APPROVED)
        .values("indicator_id")
        .annotate(last=Max("period"))
        .values_list("indicator_id", "last")
    )
    return due_and_overdue(
        indicators, last_periods, first_period=plan.period_start, today=today or timezone.localdate()
    )


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


def counts_by_office(user, due):
    """Per office of the user: readings overdue, due soon, in draft or rejected, and in review.
    One query whatever the number of offices (the due items are already computed)."""
    readings = Reading.objects.filter(status__in=[*EDITABLE_STATES, ReviewStatus.SUBMITTED])
    offices = Office.objects.all() if user.is_superuser else Office.objects.filter(pk__in=roles.office_ids(user))
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
