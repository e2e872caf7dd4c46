from django.urls import path

from . import views

app_name = "indicators"

# The indicator pages that show a plan's targets live in goals (goals:indicator-list and
# goals:indicator-detail): this app knows nothing of plans.
urlpatterns = [
    path("entidades/<str:ubigeo>/indicadores/<str:code>/serie.csv", views.indicator_csv, name="indicator-csv"),
    path("correcciones/", views.corrections, name="corrections"),
]
