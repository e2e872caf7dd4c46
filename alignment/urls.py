from goals.urls import plan_paths

from . import views

app_name = "alignment"

urlpatterns = [
    *plan_paths("alineamiento/", views.matrix, "matrix"),
    *plan_paths("alineamiento/<slug:level>/<int:number>/", views.objective_detail, "objective-detail"),
]
