from django.urls import path

from . import views

app_name = "alignment"

urlpatterns = [
    path("alineamiento/", views.matrix, name="matrix"),
    path("alineamiento/<str:level>/<int:number>/", views.objective_detail, name="objective-detail"),
]
