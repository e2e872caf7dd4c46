"""What each staff member should act on first: due readings for registradores, the review
queue for revisores."""

from django.db.models import Max
from django.utils import timezone

from goals.models import Plan, Target
from indicators import roles
from indicators.calendar import due_and_overdue
from indicators.models import Indicator, Reading, ReviewStatus


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


def review_queue(user):
    """Submitted readings the user may review, oldest first, outliers flagged."""
    queue = Reading.objects.filter(status=ReviewStatus.SUBMITTED).select_related("indicator", "entered_by")
    if not user.is_superuser:
        queue = queue.filter(indicator__office_id__in=roles.office_ids(user))
    return [r for r in queue.order_by("submitted_at", "pk")[:50] if r.can_review(user)]
