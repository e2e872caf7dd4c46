from pathlib import Path

import markdown
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from goals import views as plan_views
from goals.models import Plan
from indicators.models import Indicator

from . import plan_file

METHODOLOGY = Path(settings.BASE_DIR) / "docs" / "metodologia.md"


def home(request):
    """The featured plan's home, or how to load a first plan."""
    try:
        return plan_views.plan_home(request)
    except Http404:
        return render(request, "home_empty.html")


def methodology(request):
    html = markdown.markdown(METHODOLOGY.read_text(encoding="utf-8"), extensions=["tables"])
    # The first heading of the document becomes the page's h1. Each table scrolls on its own on a
    # phone, first column kept in view, with a hint above it (static/css/site.css).
    return render(request, "methodology.html", {"body": mark_safe(scrolling_tables(html))})  # noqa: S308


def scrolling_tables(html: str) -> str:
    """Our own Markdown's tables, each wrapped in a named scroll region with a hint above it."""
    parts = html.split("<table>")
    out = [parts[0]]
    hint = escape(gettext("Deslice la tabla hacia los lados para ver todas las columnas."))
    for number, part in enumerate(parts[1:], start=1):
        label = escape(gettext("Tabla %(number)s") % {"number": number})
        out.append(
            f'<p class="scroll-hint" aria-hidden="true">{hint}</p>'
            f'<div class="table-scroll sticky-key" tabindex="0" role="region" aria-label="{label}"><table>'
            + part.replace("</table>", "</table></div>", 1)
        )
    return "".join(out)


def open_data(request):
    return render(
        request, "open_data.html", {"indicator_count": Indicator.objects.count(), "plans": Plan.objects.all()}
    )


def plan_file_template(request):
    """The empty plan file, each column with a note of what goes in it (docs/plan-file.md)."""
    response = HttpResponse(
        plan_file.plan_workbook(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="plantilla-plan.xlsx"'
    return response
