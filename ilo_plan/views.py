import re
from pathlib import Path

import markdown
from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Max, Min
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core import versions
from core.models import DataVersion, Entity
from goals import public
from goals import views as plan_views
from goals.models import Plan
from indicators.models import Indicator

from . import open_data as open_data_package
from . import plan_file
from .models import SiteSettings

PLAN_FILE_GUIDE = Path(settings.BASE_DIR) / "docs" / "plan-file.md"


def home(request):
    """The featured plan's home (a single-municipality deployment's plan); without one, the
    national directory of every entity."""
    if Plan.objects.featured(among=Plan.objects.only("pk")) is None:  # which one, the plan's home reads
        return plan_views.directory(request)
    return plan_views.plan_home(request)


def methodology(request):
    """The rules of progress and status in words (templates/methodology_text.html, Spanish with
    its English translation), and the featured plan's objective → axis reading, from the data."""
    plan = Plan.objects.featured(among=Plan.objects.only("pk"))
    axes = plan.axes.prefetch_related("objectives").order_by("number") if plan is not None else []
    html = render_to_string("methodology_text.html", {"axes": axes}, request)
    # The text's first heading is the page's h1. Each table scrolls on its own on a phone, first
    # column kept in view, with a hint above it (static/css/site.css).
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


OPEN_DATA_PLANS_PER_PAGE = 50
CATALOGUE_DATASETS_PER_PAGE = 100


def open_data(request):
    """The national package's downloads, each table with its dictionary (the same schema
    `datapackage.json` holds), and every plan's dataset, by entity, 50 plans a page: the page stays
    small whatever the number of plans, in a fixed number of queries."""
    plans = Plan.objects.select_related("entity").order_by("entity__ubigeo", "-period_start", "slug")
    return render(
        request,
        "open_data.html",
        {
            "indicator_count": Indicator.objects.count(),
            "page": Paginator(plans, OPEN_DATA_PLANS_PER_PAGE).get_page(request.GET.get("page")),
            "site": SiteSettings.load(),
            "tables": open_data_package.dictionary(),
        },
    )


def plan_open_data(request, plan_slug):
    """A plan's own package: its downloads and the data dictionary."""
    plan = public.get_plan(plan_slug)
    return render(
        request,
        "plan_open_data.html",
        {
            "plan": plan,
            "indicator_count": public.plan_indicators(plan).count(),
            "site": SiteSettings.load(),
            "tables": open_data_package.dictionary(),
        },
    )


class CatalogueEntries:
    """The catalogue's datasets in order, for a paginator: the national one first, then each plan's.
    A page reads only its own plans."""

    NATIONAL = "national"

    def __init__(self, plans):
        self.plans = plans

    def count(self) -> int:
        return 1 + self.plans.count()

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        entries = [self.NATIONAL] if start == 0 else []
        return entries + list(self.plans[max(start - 1, 0) : stop - 1])


def data_json(request):
    """The catalogue in DCAT-US 1.1 (Project Open Data `data.json`), which CKAN portals such as
    Peru's (datosabiertos.gob.pe) harvest: the national dataset (every plan) and one dataset per
    plan, each with its zip, its descriptor and its tables as distributions. 100 datasets a page
    (`?page=`, and a `Link: <…>; rel="next"` header while there are more), so that it stays small
    whatever the number of plans, in a fixed number of queries."""
    plans = Plan.objects.select_related("entity").order_by("entity__ubigeo", "-period_start", "slug")
    try:
        page = Paginator(CatalogueEntries(plans), CATALOGUE_DATASETS_PER_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(str(error)) from error
    site = SiteSettings.load()
    page_plans = [entry for entry in page.object_list if entry is not CatalogueEntries.NATIONAL]
    modified = _plans_modified(page_plans)
    absolute = request.build_absolute_uri
    national_id = absolute(reverse("open-data"))
    datasets = []
    for entry in page.object_list:
        if entry is CatalogueEntries.NATIONAL:
            datasets.append(_national_dataset(absolute, site))
        else:
            datasets.append(_plan_dataset(absolute, site, entry, modified.get(entry.pk), national_id))
    catalog = {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "description": (
            "Catálogo de los datos abiertos del seguimiento de los planes de gobierno: el conjunto nacional "
            "(todos los planes) y uno por plan. Se pagina de a "
            f"{CATALOGUE_DATASETS_PER_PAGE} conjuntos de datos (?page=); esta es la página {page.number} de "
            f'{page.paginator.num_pages}, y la cabecera Link (rel="next") da la siguiente mientras la hay.'
        ),
        "dataset": datasets,
    }
    response = JsonResponse(catalog, json_dumps_params={"ensure_ascii": False, "indent": 2})
    links = []
    if page.has_next():
        links.append(f'<{absolute(reverse("data-json"))}?page={page.next_page_number()}>; rel="next"')
    if page.has_previous():
        links.append(f'<{absolute(reverse("data-json"))}?page={page.previous_page_number()}>; rel="prev"')
    if links:
        response["Link"] = ", ".join(links)
    return response


def _plans_modified(plans) -> dict:
    """When each plan's data last changed (`versions.current(versions.of_plan(pk))`), for a page
    of plans in one query."""
    scopes = {versions.plan_scope(plan.pk): plan.pk for plan in plans}
    if not scopes:
        return {}
    found = dict(DataVersion.objects.filter(scope__in=[*scopes, versions.SHARED]).values_list("scope", "changed_at"))
    shared = found.get(versions.SHARED)
    return {pk: max(filter(None, [found.get(scope), shared]), default=None) for scope, pk in scopes.items()}


def _distributions(absolute, zip_url: str, descriptor_url: str, table_url) -> list[dict]:
    distributions = [
        {
            "@type": "dcat:Distribution",
            "title": "Todos los datos públicos (ZIP, paquete de datos Frictionless)",
            "downloadURL": absolute(zip_url),
            "mediaType": "application/zip",
            "format": "ZIP",
            "describedBy": absolute(descriptor_url),
            "describedByType": "application/json",
        },
        {
            "@type": "dcat:Distribution",
            "title": "Descriptor del paquete de datos y diccionario de cada tabla (datapackage.json)",
            "downloadURL": absolute(descriptor_url),
            "mediaType": "application/json",
            "format": "JSON",
            "conformsTo": "https://specs.frictionlessdata.io/tabular-data-package/",
        },
    ]
    for table in open_data_package.TABLES:
        distributions.append(
            {
                "@type": "dcat:Distribution",
                "title": str(table.title),
                "description": str(table.description),
                "downloadURL": absolute(table_url(table.name)),
                "mediaType": "text/csv",
                "format": "CSV",
                "describedBy": absolute(descriptor_url),
                "describedByType": "application/json",
            }
        )
    return distributions


def _dataset_base(site, publisher: str) -> dict:
    contact = {"@type": "vcard:Contact", "fn": publisher}
    if site.contact_email:
        contact["hasEmail"] = f"mailto:{site.contact_email}"
    return {
        "@type": "dcat:Dataset",
        "keyword": ["plan de gobierno", "metas", "indicadores", "rendición de cuentas"],
        "publisher": {"@type": "org:Organization", "name": publisher},
        "contactPoint": contact,
        "accessLevel": "public",
        "license": site.license_url,
        "rights": site.license_title,
        "language": ["es-PE"],
    }


def _national_dataset(absolute, site) -> dict:
    """Every plan's data: the national package."""
    entities = list(Entity.objects.filter(plans__isnull=False).distinct().order_by("ubigeo")[:2])
    span = Plan.objects.aggregate(start=Min("period_start"), end=Max("period_end"), count=Count("pk"))
    publisher = site.publisher or (entities[0].title if len(entities) == 1 else "Entidades con plan de gobierno")
    changed_at = versions.current().changed_at
    descriptor_url = reverse("api-export-descriptor")
    dataset = {
        **_dataset_base(site, publisher),
        "title": "Seguimiento de los planes de gobierno: todos los planes",
        "description": f"Metas, indicadores y datos aprobados de {span['count']} plan(es) de gobierno, con su "
        "historial público y los valores corregidos o retirados.",
        "modified": (changed_at or timezone.now()).isoformat(),
        "identifier": absolute(reverse("open-data")),
        "landingPage": absolute(reverse("open-data")),
        "describedBy": absolute(descriptor_url),
        "describedByType": "application/json",
        "distribution": _distributions(
            absolute,
            reverse("api-export"),
            descriptor_url,
            lambda table: reverse("api-export-table", args=[table]),
        )
        + [
            {
                "@type": "dcat:Distribution",
                "title": "API REST (JSON y CSV)",
                "accessURL": absolute("/api/v1/"),
                "format": "API",
                "describedBy": absolute(reverse("api-schema")),
                "describedByType": "application/vnd.oai.openapi",
            }
        ],
    }
    if span["start"]:
        dataset["temporal"] = f"{span['start'].isoformat()}/{span['end'].isoformat()}"
        dataset["spatial"] = entities[0].title if len(entities) == 1 else "Perú"
    return dataset


def _plan_dataset(absolute, site, plan, changed_at, national_id: str) -> dict:
    """One plan's data: its package."""
    page = reverse("plan-open-data", args=[plan.slug])
    descriptor_url = reverse("plan-export-descriptor", args=[plan.slug])
    return {
        **_dataset_base(site, site.publisher or plan.entity.title),
        "title": f"{plan.title} ({plan.entity.title})",
        "description": f"Metas, indicadores y datos aprobados del {plan.title} de {plan.entity.title}, "
        f"{plan.term}, con su historial público y los valores corregidos o retirados.",
        "modified": (changed_at or timezone.now()).isoformat(),
        "identifier": absolute(page),
        "landingPage": absolute(page),
        "isPartOf": national_id,
        "describedBy": absolute(descriptor_url),
        "describedByType": "application/json",
        "temporal": f"{plan.period_start.isoformat()}/{plan.period_end.isoformat()}",
        "spatial": plan.entity.title,
        "distribution": _distributions(
            absolute,
            reverse("plan-export", args=[plan.slug]),
            descriptor_url,
            lambda table: reverse("plan-export-table", args=[plan.slug, table]),
        )
        + [
            {
                "@type": "dcat:Distribution",
                "title": "API REST (JSON y CSV)",
                "description": f"Cada lista de la API da las filas de este plan con ?plan={plan.slug}.",
                "accessURL": absolute("/api/v1/"),
                "format": "API",
                "describedBy": absolute(reverse("api-schema")),
                "describedByType": "application/vnd.oai.openapi",
            }
        ],
    }


def plan_file_guide(request):
    """docs/plan-file.md on the site (`/guia/archivo-de-plan/`): the guide the import page, the
    template and the plan form point to, open to whoever fills a plan file. Links to the
    repository's own files, which the site does not serve, stay as their text."""
    text = PLAN_FILE_GUIDE.read_text(encoding="utf-8")
    html = markdown.markdown(text, extensions=["tables", "fenced_code"])
    html = REPOSITORY_LINK.sub(r"\1", html)
    return render(request, "plan_file_guide.html", {"body": mark_safe(scrolling_tables(html))})  # noqa: S308


# A link of the guide to a file of the repository (../fixtures/…, guia-registro.md#…), not a page.
REPOSITORY_LINK = re.compile(r'<a href="(?!https?:|/|#)[^"]*">(.*?)</a>', re.DOTALL)


def plan_file_template(request):
    """The empty plan file, each column with a note of what goes in it (docs/plan-file.md)."""
    response = HttpResponse(
        plan_file.plan_workbook(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="plantilla-plan.xlsx"'
    return response
