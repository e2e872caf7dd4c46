"""The REST API's one router, mounted at /api/."""

urlpatterns = []
