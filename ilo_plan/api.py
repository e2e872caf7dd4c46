"""The REST API's one router, mounted at /api/: v1 endpoints, the OpenAPI schema and its docs."""

from django.http import FileResponse, Http404, HttpResponseNotModified
from django.urls import include, path
from django.utils.http import quote_etag
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from alignment.api import AlignmentLevelViewSet, AlignmentObjectiveViewSet, AlignmentRowViewSet
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


def _package_file(request, name: str, *, attachment: str | None = None, content_type: str | None = None):
    """A file of the current data version's package: built once (see `open_data`), then sent from
    disk; its ETag is the data version, so an unchanged download answers 304. While the current
    version is being built elsewhere, the previous package is sent (`open_data.servable`)."""
    folder = open_data.servable()
    etag = quote_etag(f"open-data-{folder.name}")
    if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
        response = HttpResponseNotModified()
    else:
        try:
            stream = open(folder / name, "rb")  # noqa: SIM115 (FileResponse closes it)
        except FileNotFoundError:  # an older package removed as the new one landed: send the new one
            folder = open_data.current()
            etag = quote_etag(f"open-data-{folder.name}")
            stream = open(folder / name, "rb")  # noqa: SIM115
        response = FileResponse(
            stream, as_attachment=attachment is not None, filename=attachment or name, content_type=content_type
        )
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


@extend_schema(
    summary="Todos los datos públicos en un ZIP (paquete de datos Frictionless)",
    description="Un CSV por tabla (los de las listas son los mismos que `?format=csv&plan=all`: todos los "
    "planes, solo datos públicos), más `units`, `reading-history` (el historial público de cada dato) y "
    "`superseded-readings` (valores corregidos o retirados), y `datapackage.json` con la licencia, las "
    "fuentes y el diccionario de cada tabla. Se genera una vez por versión de los datos.",
    responses={(200, "application/zip"): OpenApiResponse(description="ZIP de CSV con datapackage.json")},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def export_zip(request):
    return _package_file(request, open_data.ZIP_NAME, attachment="datos-abiertos.zip", content_type="application/zip")


@extend_schema(
    summary="Una tabla de los datos abiertos (CSV)",
    description="La misma tabla que trae `export.zip`; su diccionario está en `export/datapackage.json`.",
    responses={(200, "text/csv"): OpenApiResponse(description="CSV UTF-8 con BOM")},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def export_table(request, table):
    if table not in open_data.TABLE_NAMES:
        raise Http404
    return _package_file(request, f"{table}.csv", attachment=f"{table}.csv", content_type="text/csv; charset=utf-8")


@extend_schema(
    summary="Descriptor del paquete de datos (datapackage.json)",
    description="Licencia, fuentes y el esquema de cada tabla (tipos, unidades, descripciones en español). "
    "Las rutas de los recursos son relativas: `readings.csv` está en `/api/v1/export/readings.csv`.",
    responses={(200, "application/json"): OpenApiResponse(description="Frictionless Data Package")},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def export_descriptor(request):
    return _package_file(request, open_data.DESCRIPTOR, content_type="application/json")


urlpatterns = [
    path("v1/export.zip", export_zip, name="api-export"),
    path("v1/export/datapackage.json", export_descriptor, name="api-export-descriptor"),
    path("v1/export/<slug:table>.csv", export_table, name="api-export-table"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
