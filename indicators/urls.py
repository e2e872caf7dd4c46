from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("indicadores/", views.catalogue, name="catalogue"),
    path("indicadores/<str:code>/", views.indicator_detail, name="indicator-detail"),
    path("indicadores/<str:code>/serie.csv", views.indicator_csv, name="indicator-csv"),
    path("correcciones/", views.corrections, name="corrections"),
]
