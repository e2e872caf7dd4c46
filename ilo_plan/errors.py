from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "No existe."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Error del servidor: ya quedó registrado."}, status=500)
    # Rendered without a request context: the database, used by the context processors, may be
    # what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
