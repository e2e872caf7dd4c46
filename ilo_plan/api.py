"""The REST API's one router, mounted at /api/: v1 endpoints, the OpenAPI schema and its docs."""

import tempfile
import zipfile

from django.http import FileResponse
from django.test import RequestFactory
from django.urls import include, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from alignment.api import AlignmentLevelViewSet, AlignmentObjectiveViewSet, AlignmentRowViewSet
from goals.api import (
    AxisViewSet,
    DimensionViewSet,
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

router = DefaultRouter()
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

EXPORTED = [
    "plans",
    "axes",
    "dimensions",
    "problems",
    "objectives",
    "targets",
    "projects",
    "milestones",
    "offices",
    "indicators",
    "readings",
    "alignment",
    "alignment-levels",
    "alignment-objectives",
]


@extend_schema(
    summary="Todos los datos públicos en un ZIP",
    description="Un CSV por lista (los mismos que `?format=csv&plan=all`: todos los planes), con lo que ve el "
    "público: solo lecturas aprobadas.",
    responses={(200, "application/zip"): OpenApiResponse(description="ZIP de CSV")},
)
@api_view(["GET"])
@permission_classes([AllowAny])
def export_zip(request):
    # Each list renders as an anonymous request would, so the archive holds exactly the public data.
    archive = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    factory = RequestFactory()
    viewsets = {prefix: viewset for prefix, viewset, _ in router.registry}
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name in EXPORTED:
            view = viewsets[name].as_view({"get": "list"})
            response = view(factory.get(f"/api/v1/{name}/", {"format": "csv", "plan": "all"}))
            with bundle.open(f"{name}.csv", "w") as member:
                for chunk in response.streaming_content:
                    member.write(chunk if isinstance(chunk, bytes) else chunk.encode())
    archive.seek(0)
    return FileResponse(archive, as_attachment=True, filename="datos-abiertos.zip", content_type="application/zip")


urlpatterns = [
    path("v1/export.zip", export_zip, name="api-export"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
