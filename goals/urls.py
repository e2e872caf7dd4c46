from django.urls import path

from . import views

app_name = "goals"

PLAN_PREFIX = "planes/<slug:plan_slug>/"


def plan_paths(route, view, name):
    """A plan page at two addresses with one name: under /planes/<slug>/ for any plan, and at
    `route` itself for the featured plan (the site's addresses before it had several plans).
    `{% url name plan.slug … %}` gives the first, `{% url name … %}` the second."""
    return [path(PLAN_PREFIX + route, view, name=name), path(route, view, name=name)]


urlpatterns = [
    path("entidades/", views.directory, name="directory"),
    path("entidades/<str:ubigeo>/", views.entity_detail, name="entity-detail"),
    path("planes/", views.plan_list, name="plan-list"),
    path(PLAN_PREFIX, views.plan_home, name="plan-home"),
    *plan_paths("ejes/<int:number>/", views.axis_detail, "axis-detail"),
    *plan_paths("dimensiones/<slug:slug>/", views.dimension_detail, "dimension-detail"),
    *plan_paths("metas/<str:code>/", views.target_detail, "target-detail"),
    *plan_paths("metas/<str:code>/serie.csv", views.target_csv, "target-csv"),
    *plan_paths("indicadores/", views.indicator_list, "indicator-list"),
    *plan_paths("indicadores/<str:code>/", views.indicator_detail, "indicator-detail"),
    *plan_paths("rendicion-de-cuentas/", views.report_index, "report-index"),
    *plan_paths("rendicion-de-cuentas/<str:year>/", views.report, "report"),
    *plan_paths("diagnostico/", views.diagnosis, "diagnosis"),
    *plan_paths("principios-y-objetivos/", views.principles, "principles"),
    *plan_paths("buscar/", views.search, "search"),
]
