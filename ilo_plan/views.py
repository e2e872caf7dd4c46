from pathlib import Path

import markdown
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from goals import views as plan_views
from goals.models import Plan
from indicators.models import DataVersion, Indicator

from . import open_data as open_data_package
from . import plan_file
from .models import SiteSettings

METHODOLOGY = Path(settings.BASE_DIR) / "docs" / "metodologia.md"


def home(request):
    """The featured plan's home (a single-municipality deployment's plan); without one, the
    national directory of every entity."""
    if Plan.objects.featured() is None:
        return plan_views.directory(request)
    return plan_views.plan_home(request)


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
    """Every download, each table with its dictionary (the same schema `datapackage.json` holds)."""
    return render(
        request,
        "open_data.html",
        {
            "indicator_count": Indicator.objects.count(),
            "plans": Plan.objects.all(),
            "site": SiteSettings.load(),
            "tables": open_data_package.dictionary(),
        },
    )


def data_json(request):
    """The catalogue in DCAT-US 1.1 (Project Open Data `data.json`), which CKAN portals such as
    Peru's (datosabiertos.gob.pe) harvest: one dataset, the zip and each table as distributions."""
    site = SiteSettings.load()
    plans = list(Plan.objects.order_by("period_start", "slug"))
    changed_at = DataVersion.current()[1]
    absolute = request.build_absolute_uri
    publisher = (
        site.publisher or ", ".join(sorted({p.municipality for p in plans if p.municipality})) or "Municipalidad"
    )
    package_url = absolute(reverse("api-export-descriptor"))
    distributions = [
        {
            "@type": "dcat:Distribution",
            "title": "Todos los datos públicos (ZIP, paquete de datos Frictionless)",
            "downloadURL": absolute(reverse("api-export")),
            "mediaType": "application/zip",
            "format": "ZIP",
            "describedBy": package_url,
            "describedByType": "application/json",
        }
    ]
    for table in open_data_package.TABLES:
        distributions.append(
            {
                "@type": "dcat:Distribution",
                "title": str(table.title),
                "description": str(table.description),
                "downloadURL": absolute(reverse("api-export-table", args=[table.name])),
                "mediaType": "text/csv",
                "format": "CSV",
                "describedBy": package_url,
                "describedByType": "application/json",
            }
        )
    distributions.append(
        {
            "@type": "dcat:Distribution",
            "title": "API REST (JSON y CSV)",
            "accessURL": absolute("/api/v1/"),
            "format": "API",
            "describedBy": absolute(reverse("api-schema")),
            "describedByType": "application/vnd.oai.openapi",
        }
    )
    contact = {"@type": "vcard:Contact", "fn": publisher}
    if site.contact_email:
        contact["hasEmail"] = f"mailto:{site.contact_email}"
    dataset = {
        "@type": "dcat:Dataset",
        "title": "Seguimiento del plan de gobierno municipal",
        "description": "Metas, indicadores y datos aprobados de "
        + (", ".join(p.title for p in plans) or "los planes de gobierno")
        + ", con su historial público y los valores corregidos o retirados.",
        "keyword": ["plan de gobierno", "metas", "indicadores", "rendición de cuentas"],
        "modified": (changed_at or timezone.now()).isoformat(),
        "publisher": {"@type": "org:Organization", "name": publisher},
        "contactPoint": contact,
        "identifier": absolute(reverse("open-data")),
        "accessLevel": "public",
        "license": site.license_url,
        "rights": site.license_title,
        "landingPage": absolute(reverse("open-data")),
        "language": ["es-PE"],
        "describedBy": package_url,
        "describedByType": "application/json",
        "distribution": distributions,
    }
    if plans:
        dataset["temporal"] = f"{plans[0].period_start.isoformat()}/{max(p.period_end for p in plans).isoformat()}"
        dataset["spatial"] = ", ".join(sorted({p.municipality for p in plans if p.municipality}))
    catalog = {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "dataset": [dataset],
    }
    return JsonResponse(catalog, json_dumps_params={"ensure_ascii": False, "indent": 2})


def plan_file_template(request):
    """The empty plan file, each column with a note of what goes in it (docs/plan-file.md)."""
    response = HttpResponse(
        plan_file.plan_workbook(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="plantilla-plan.xlsx"'
    return response
