"""Public pages of indicators that belong to no plan: a series as CSV, the corrections list.
The catalogue and an indicator's page show a plan's targets, so they live in goals."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from . import spreadsheets
from .models import Indicator, Reading, ReviewStatus


def indicator_csv(request, ubigeo, code):
    """An entity's indicator's public series: codes are unique within an entity."""
    indicator = get_object_or_404(Indicator, entity__ubigeo=ubigeo, code=code)
    return series_csv(indicator, f"indicador-{ubigeo}-{code}.csv")


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
