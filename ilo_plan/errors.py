from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

# Under /api/ every error is a short JSON body, whatever raised it (a bad Host header, too many
# query parameters, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a NUL byte): clients parse one format.
BAD_REQUESTS = [
    (RequestDataTooBig, "El cuerpo de la solicitud es demasiado grande."),
    (TooManyFieldsSent, "La solicitud tiene demasiados parámetros."),
    (DisallowedHost, "Este servidor no atiende ese nombre de host."),
]


def bad_request(request, exception=None, detail=None):
    if request.path.startswith("/api/"):
        detail = detail or next((text for kind, text in BAD_REQUESTS if isinstance(exception, kind)), None)
        return JsonResponse({"detail": detail or "Solicitud no válida."}, status=400)
    # Without a request context: what was wrong with the request (its Host header, say) must not
    # break the page that says so.
    return HttpResponseBadRequest(loader.get_template("400.html").render())


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
