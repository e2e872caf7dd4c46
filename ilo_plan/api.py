"""The REST API's one router, mounted at /api/: v1 endpoints, the OpenAPI schema and its docs."""

import logging

from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.urls import include, path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from alignment.api import AlignmentLevelViewSet, AlignmentObjectiveViewSet, AlignmentRowViewSet
from core import cells
from core.conditional import not_modified
from goals.api import (
    AxisViewSet,
    DimensionViewSet,
    EntityViewSet,
    MilestoneViewSet,
    ObjectiveViewSet,
    PlanIndicatorViewSet,
    PlanReadingViewSet,
    PlanViewSet,
    ProblemViewSet,
    ProjectViewSet,
    TargetViewSet,
)
from indicators.api import OfficeViewSet

from . import open_data

logger = logging.getLogger(__name__)

router = DefaultRouter()
router.register("entities", EntityViewSet, basename="entity")
router.register("plans", PlanViewSet, basename="plan")
router.register("axes", AxisViewSet, basename="axis")
router.register("dimensions", DimensionViewSet, basename="dimension")
router.register("problems", ProblemViewSet, basename="problem")
router.register("objectives", ObjectiveViewSet, basename="objective")
router.register("targets", TargetViewSet, basename="target")
router.register("projects", ProjectViewSet, basename="project")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("offices", OfficeViewSet, basename="office")
# Indicators and readings with the filters that know of plans (?plan=, target, axis, dimension).
router.register("indicators", PlanIndicatorViewSet, basename="indicator")
router.register("readings", PlanReadingViewSet, basename="reading")
router.register("alignment", AlignmentRowViewSet, basename="alignment")
router.register("alignment-levels", AlignmentLevelViewSet, basename="alignment-level")
router.register("alignment-objectives", AlignmentObjectiveViewSet, basename="alignment-objective")


NOT_BUILT_YET = _("Los datos abiertos de esta versión se están preparando. Vuelva a intentarlo en unos segundos.")


def accepts_gzip(request) -> bool:
    """Whether the client's Accept-Encoding allows gzip: named (or as x-gzip) with a q above 0, or
    `*` above 0 without gzip named."""
    weights = {}
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding:
            weights[coding.lower()] = weight
    for coding in ("gzip", "x-gzip"):
        if coding in weights:
            return weights[coding] > 0
    return weights.get("*", 0) > 0


def package_file(
    request,
    package,
    name: str,
    *,
    attachment: str | None = None,
    content_type: str | None = None,
    looked_again: bool = False,
):
    """A file of the package's newest ready version, sent from the storage: the current data
    version's when it is built; else the one before it at once, and the worker is asked for the new
    one (a request never builds: `open_data`); 503 with Retry-After when none is built yet. Its
    ETag names the version, so an unchanged download answers 304. A CSV is sent gzip-compressed to
    clients that accept it (it is stored so), with `Vary: Accept-Encoding`."""
    request = getattr(request, "_request", request)
    served = open_data.servable(package)
    # A version built before the spreadsheet copies existed: built again, and meanwhile a copy it
    # lacks is not there yet.
    incomplete = served is not None and not open_data.is_complete(served.marker)
    if served is None or not served.is_current or incomplete:
        try:
            open_data.queue_build(package)
        except Exception:  # the download goes on; the schedule builds the package later
            logger.exception("No se pudo encargar el paquete de datos abiertos %s.", package.key)
    if served is None or (incomplete and name in open_data.SPREADSHEET_FILES):
        return _not_built_yet(request)
    is_csv = name.endswith(".csv")
    compressed = is_csv and accepts_gzip(request)
    etag = served.etag("gzip" if compressed else "")
    # Compared as every ETag of the site is (`core.conditional`): a weak If-None-Match matches.
    response = not_modified(request, etag)
    if response is None:
        stored = name + open_data.GZIP_SUFFIX if compressed else name
        try:
            stream = open_data.storage().open(served.name(stored), "rb")
        except FileNotFoundError:
            if looked_again:
                return _not_built_yet(request)
            # Removed as a newer version landed since `servable` looked: that one is ready.
            return package_file(
                request, package, name, attachment=attachment, content_type=content_type, looked_again=True
            )
        response = FileResponse(
            stream, as_attachment=attachment is not None, filename=attachment or name, content_type=content_type
        )
        if compressed:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    if is_csv:
        patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _not_built_yet(request):
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": str(NOT_BUILT_YET)}, status=503)
    else:
        response = HttpResponse(str(NOT_BUILT_YET), status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


def zip_file(request, package):
    return package_file(
        request, package, open_data.ZIP_NAME, attachment="datos-abiertos.zip", content_type="application/zip"
    )


def table_file(request, package, table: str):
    """A table as the package holds it; with `?formato=excel-es`, its copy for Excel in Spanish."""
    if table not in open_data.TABLE_NAMES:
        raise Http404
    name, attachment = f"{table}.csv", f"{table}.csv"
    if cells.spreadsheet_asked(request):
        name, attachment = open_data.spreadsheet_file(table), cells.spreadsheet_name(attachment)
    return package_file(request, package, name, attachment=attachment, content_type="text/csv; charset=utf-8")


def descriptor_file(request, package):
    return package_file(request, package, open_data.DESCRIPTOR, content_type="application/json")


NOT_BUILT_RESPONSE = OpenApiResponse(description="Aún no hay paquete generado: vuelva tras `Retry-After` segundos.")


@extend_schema(
    summary="Todos los datos públicos en un ZIP (paquete de datos Frictionless)",
    description="Un CSV por tabla (los de las listas son los mismos que `?format=csv&plan=all`: todos los "
    "planes, solo datos públicos), más `units`, `reading-history` (el historial público de cada dato) y "
    "`superseded-readings` (valores corregidos o retirados), y `datapackage.json` con la licencia, las "
    "fuentes y el diccionario de cada tabla. Se genera una vez por versión de los datos, por el proceso de "
    "tareas; mientras se genera, se envía la versión anterior. El de un plan: `/planes/<plan>/datos/export.zip`.",
    responses={
        (200, "application/zip"): OpenApiResponse(description="ZIP de CSV con datapackage.json"),
        503: NOT_BUILT_RESPONSE,
    },
)
@api_view(["GET"])
@permission_classes([AllowAny])
def export_zip(request):
    return zip_file(request, open_data.national())


@extend_schema(
    summary="Una tabla de los datos abiertos (CSV)",
    description="La misma tabla que trae `export.zip`; su diccionario está en `export/datapackage.json`. Se envía "
    "comprimida (`Content-Encoding: gzip`) a quien la acepta (`Accept-Encoding: gzip`). Con `?formato=excel-es`, "
    "su copia para Excel en español: separada por `;`, con coma decimal, `sí`/`no` y fechas y horas como "
    "`2026-01-31 14:05:00` (fuera del paquete Frictionless).",
    responses={(200, "text/csv"): OpenApiResponse(description="CSV UTF-8 con BOM"), 503: NOT_BUILT_RESPONSE},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def export_table(request, table):
    return table_file(request, open_data.national(), table)


@extend_schema(
    summary="Descriptor del paquete de datos (datapackage.json)",
    description="Licencia, fuentes, versión de los datos y el esquema de cada tabla (tipos, unidades, descripciones "
    "en español). Las rutas de los recursos son relativas: `readings.csv` está en `/api/v1/export/readings.csv`.",
    responses={
        (200, "application/json"): OpenApiResponse(description="Frictionless Data Package"),
        503: NOT_BUILT_RESPONSE,
    },
)
@api_view(["GET"])
@permission_classes([AllowAny])
def export_descriptor(request):
    return descriptor_file(request, open_data.national())


# A plan's package, at /planes/<slug>/datos/… (ilo_plan.urls): files, like the national ones, but
# beside the plan's pages rather than in the API.


def _plan_package(plan_slug: str):
    from goals.models import Plan

    plan = Plan.objects.filter(slug=plan_slug).first()
    if plan is None:
        raise Http404("No existe ese plan.")
    return open_data.of_plan(plan)


@require_safe
def plan_export_zip(request, plan_slug):
    return zip_file(request, _plan_package(plan_slug))


@require_safe
def plan_export_table(request, plan_slug, table):
    return table_file(request, _plan_package(plan_slug), table)


@require_safe
def plan_export_descriptor(request, plan_slug):
    return descriptor_file(request, _plan_package(plan_slug))


urlpatterns = [
    path("v1/export.zip", export_zip, name="api-export"),
    path("v1/export/datapackage.json", export_descriptor, name="api-export-descriptor"),
    path("v1/export/<slug:table>.csv", export_table, name="api-export-table"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
