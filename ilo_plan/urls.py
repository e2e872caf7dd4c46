from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from . import health, tokens, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("data.json", views.data_json, name="data-json"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("ilo_plan.api")),
    path("planes/plantilla.xlsx", views.plan_file_template, name="plan-file-template"),
]

urlpatterns += i18n_patterns(
    # The admin in Spanish at /admin/, in English at /en/admin/, like the public pages.
    path("admin/tokens/", admin.site.admin_view(tokens.tokens_page), name="api-tokens"),
    path("admin/", admin.site.urls),
    path("", views.home, name="home"),
    path("metodologia/", views.methodology, name="methodology"),
    path("datos-abiertos/", views.open_data, name="open-data"),
    # The API docs in the site's language: /api/docs/ (ilo_plan.api) answers first in Spanish;
    # this one gives /en/api/docs/ its `lang`.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs-i18n"),
    path("", include("goals.urls")),
    path("", include("indicators.urls")),
    path("", include("alignment.urls")),
    prefix_default_language=False,
)

handler400 = "ilo_plan.errors.bad_request"
handler404 = "ilo_plan.errors.not_found"
handler500 = "ilo_plan.errors.server_error"
