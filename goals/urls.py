from django.urls import path

from . import views

app_name = "goals"

urlpatterns = [
    path("ejes/<int:number>/", views.axis_detail, name="axis-detail"),
    path("dimensiones/<slug:slug>/", views.dimension_detail, name="dimension-detail"),
    path("metas/<str:code>/", views.target_detail, name="target-detail"),
    path("metas/<str:code>/serie.csv", views.target_csv, name="target-csv"),
    path("rendicion-de-cuentas/", views.report_index, name="report-index"),
    path("rendicion-de-cuentas/<str:year>/", views.report, name="report"),
]
