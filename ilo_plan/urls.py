from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from drf_spectacular.views import SpectacularSwaggerSplitView

from . import api, health, tokens, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("data.json", views.data_json, name="data-json"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("ilo_plan.api")),
    path("planes/plantilla.xlsx", views.plan_file_template, name="plan-file-template"),
    # A plan's open-data package: files, the same in every language (its page is below).
    path("planes/<slug:plan_slug>/datos/export.zip", api.plan_export_zip, name="plan-export"),
    path("planes/<slug:plan_slug>/datos/datapackage.json", api.plan_export_descriptor, name="plan-export-descriptor"),
    path("planes/<slug:plan_slug>/datos/<slug:table>.csv", api.plan_export_table, name="plan-export-table"),
]

urlpatterns += i18n_patterns(
    # The admin in Spanish at /admin/, in English at /en/admin/, like the public pages.
    path("admin/tokens/", admin.site.admin_view(tokens.tokens_page), name="api-tokens"),
    # A new staff member's invitation (indicators.admin_staff): they choose their password, then are in.
    path(
        "admin/invitacion/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="admin/invitation.html",
            success_url=reverse_lazy("admin:index"),
            post_reset_login=True,
            post_reset_login_backend="django.contrib.auth.backends.ModelBackend",
            extra_context={"site_header": admin.site.site_header, "site_title": admin.site.site_title},
        ),
        name="staff-invitation",
    ),
    path("admin/", admin.site.urls),
    path("", views.home, name="home"),
    path("metodologia/", views.methodology, name="methodology"),
    path("guia/archivo-de-plan/", views.plan_file_guide, name="plan-file-guide"),
    path("datos-abiertos/", views.open_data, name="open-data"),
    path("planes/<slug:plan_slug>/datos/", views.plan_open_data, name="plan-open-data"),
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
