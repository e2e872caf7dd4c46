from csp.decorators import csp_update
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import spreadsheets
from .calendar import next_due
from .charts import CHART_STYLES, series_figure
from .models import Indicator, Reading, ReviewStatus


def catalogue(request):
    indicators = (
        Indicator.objects.select_related("unit", "office")
        .annotate(target_count=Count("targets", distinct=True))
        .prefetch_related(
            Prefetch("readings", queryset=Reading.objects.approved().order_by("period"), to_attr="public")
        )
    )
    measured = [i for i in indicators if i.target_count]
    context_indicators = [i for i in indicators if not i.target_count]
    return render(
        request, "indicators/catalogue.html", {"measured": measured, "context_indicators": context_indicators}
    )


@csp_update(CHART_STYLES)
def indicator_detail(request, code):
    indicator = get_object_or_404(Indicator.objects.select_related("unit", "office"), code=code)
    readings = list(indicator.readings.approved().select_related("corrects").order_by("period"))
    # Targets are reached through the reverse relation: this app stays below the plan's app.
    targets = list(indicator.targets.select_related("plan"))
    due = None
    if targets:
        last = readings[-1].period if readings else None
        due = next_due(indicator, last, first_period=targets[0].plan.period_start, today=timezone.localdate())
    figure = (
        series_figure(
            readings,
            title=indicator.name,
            unit=indicator.unit.symbol or indicator.unit.name,
            frequency=indicator.frequency,
            baseline=indicator.baseline_value,
            baseline_date=indicator.baseline_date,
            target=targets[0].value if targets else None,
            deadline=targets[0].deadline if targets else None,
            reference=indicator.reference_value,
            reference_label=indicator.reference_note[:40],
        )
        if readings
        else None
    )
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "readings": list(reversed(readings)),
            "targets": targets,
            "due": due,
            "figure": figure,
        },
    )


def indicator_csv(request, code):
    return series_csv(get_object_or_404(Indicator, code=code), f"indicador-{code}.csv")


SERIES_COLUMNS = [
    "indicator_code",
    "period",
    "value",
    "source",
    "note",
    "provenance",
    "approved_at",
    "corrected",
    "is_demo",
]


def series_csv(indicator, filename):
    """The public series of one indicator, as a citizen downloads it: with each figure's note
    ("sin año en el plan") and who vouches for it; figures cited from the plan have no approval date."""
    rows = (
        [
            indicator.code,
            reading.period.isoformat(),
            format(reading.value.normalize(), "f"),
            reading.source,
            reading.note,
            reading.provenance.value,
            reading.approved_at.isoformat() if reading.approved_at else "",
            "sí" if reading.corrects_id else "no",
            "sí" if reading.is_demo else "no",
        ]
        for reading in Reading.objects.approved().filter(indicator=indicator).order_by("period")
    )
    # A whole response, not a stream: a series is short, and the public cache can keep it.
    response = HttpResponse(spreadsheets.csv_bytes(SERIES_COLUMNS, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def corrections(request):
    """Every approved correction of a public figure, newest first; a correction that was later
    withdrawn is no longer a published figure, so it leaves the list (it stays in the history)."""
    rows = (
        Reading.objects.filter(corrects__isnull=False, status__in=[ReviewStatus.APPROVED, ReviewStatus.SUPERSEDED])
        .select_related("indicator__unit", "corrects")
        .order_by("-approved_at")
    )
    return render(request, "indicators/corrections.html", {"rows": rows})
