"""Public pages of indicators that belong to no plan: a series as CSV, the corrections list.
The catalogue and an indicator's page show a plan's targets, so they live in goals."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from core import cells, spreadsheets

from .models import Indicator, Reading, ReviewStatus


def indicator_csv(request, ubigeo, code):
    """An entity's indicator's public series: codes are unique within an entity."""
    indicator = get_object_or_404(Indicator.objects.select_related("unit"), entity__ubigeo=ubigeo, code=code)
    return series_csv(indicator, f"indicador-{ubigeo}-{code}.csv", request)


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
# Each column's Table Schema type, for the spreadsheet form (`cells.spreadsheet_row`).
SERIES_TYPES = ["string", "date", "number", "string", "string", "string", "datetime", "boolean", "boolean"]


def series_csv(indicator, filename, request=None):
    """The public series of one indicator, as a citizen downloads it: with each figure's note
    ("sin año en el plan") and who vouches for it; figures cited from the plan have no approval date.
    Values with the unit's decimals, yes/no as `true`/`false`, moments in ISO 8601 as the API; with
    `?formato=excel-es`, for Excel in Spanish: `;`, decimal comma, `sí`/`no`, `2026-01-31 14:05:00`."""
    decimals = indicator.unit.decimals
    rows = (
        [
            indicator.code,
            reading.period.isoformat(),
            cells.decimal_text(reading.value, decimals),
            reading.source,
            reading.note,
            reading.provenance.value,
            cells.moment(reading.approved_at),
            cells.boolean(bool(reading.corrects_id)),
            cells.boolean(reading.is_demo),
        ]
        for reading in Reading.objects.approved().filter(indicator=indicator).order_by("period")
    )
    delimiter = ","
    if cells.spreadsheet_asked(request):
        rows = (cells.spreadsheet_row(row, SERIES_TYPES) for row in rows)
        delimiter, filename = cells.SPREADSHEET_DELIMITER, cells.spreadsheet_name(filename)
    # A whole response, not a stream: a series is short, and the public cache can keep it.
    body = spreadsheets.csv_bytes(SERIES_COLUMNS, rows, delimiter=delimiter)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
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
