"""Site-wide behaviour that no single view owns: NUL bytes refused, the public cache and the
database-down answer."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.template import loader
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from indicators.conditional import data_etag, etag_matches
from indicators.models import DataVersion

from .errors import bad_request

CACHEABLE_PREFIXES_EXCLUDED = ("/admin/", "/en/admin/", "/static/", "/healthz", "/i18n/", "/api/schema/", "/api/docs/")


class RefuseNulMiddleware:
    """A NUL byte in the path, the query string or a header answers 400 here, before any view or
    lookup: PostgreSQL cannot store or compare it, so a URL converter, an admin list filter, a
    session or token lookup would otherwise end in a 500. Form and JSON fields are refused by
    their own field validators, naming the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.carries_nul(request):
            return bad_request(request, detail="La dirección, un parámetro o una cabecera lleva un carácter nulo.")
        return self.get_response(request)

    @staticmethod
    def carries_nul(request) -> bool:
        texts = [request.path]
        for key, values in request.GET.lists():
            texts += [key, *values]
        texts += [value for key, value in request.META.items() if key.startswith("HTTP_") and isinstance(value, str)]
        return any("\x00" in text for text in texts)


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached: a Spanish 503 page, or JSON under /api/. Writes run in
    transactions, so nothing is left half-written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        return unavailable(request)


def unavailable(request):
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "La base de datos no está disponible por el momento. Intente de nuevo en unos minutos."},
            status=503,
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = "60"
    return response


class PublicCacheMiddleware:
    """Caches anonymous GET answers of public pages and the API, keyed by the data version: the
    moment any record changes (an approval, a correction, a withdrawal, a plan edit) every key
    changes, on every app server, so nobody sees a stale status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        try:
            version = DataVersion.cached_counter()
        except DatabaseError:
            return unavailable(request)
        key = self.key(request, version)
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if self.cacheable_response(request, response):
            cache.set(key, response, settings.PUBLIC_CACHE_SECONDS)
        return response

    @staticmethod
    def cacheable_request(request) -> bool:
        return (
            settings.PUBLIC_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(CACHEABLE_PREFIXES_EXCLUDED)
            and not request.user.is_authenticated
            and "HTTP_AUTHORIZATION" not in request.META
            and "HTTP_IF_NONE_MATCH" not in request.META
        )

    @staticmethod
    def cacheable_response(request, response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not getattr(response, "_csp_nonce_used", False)
        )

    @staticmethod
    def key(request, version) -> str:
        parts = [str(version), get_language() or "", request.get_full_path(), request.headers.get("Accept", "")]
        return "public:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


ADMIN_PREFIXES = ("/admin/", "/en/admin/")


class PublicGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for the public HTML pages. Not for the admin nor for anyone signed
    in: those pages carry CSRF tokens, reflect what staff type and show one-time API tokens, the
    material a BREACH attack guesses at, and the few staff on the municipal network do not need
    the bytes saved (docs/deployment.md). Not for the API either: its JSON and CSV go to programs,
    and its long CSV exports stream row by row. Static files never reach it: whitenoise answers
    them above, precompressed."""

    def process_response(self, request, response):
        if request.path.startswith(ADMIN_PREFIXES) or not response.get("Content-Type", "").startswith("text/html"):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response
        return super().process_response(request, response)


class ConditionalDataMiddleware:
    """304 before any view runs, for anonymous GETs of public pages and the API: the ETag is the
    data version's (`indicators.api_support.data_etag`, the same the API's views send), so an
    unchanged page or list costs one query (the data version) and no rendering. Sits inside
    `PublicCacheMiddleware`, so a cached answer carries its ETag. Signed-in staff and token
    clients are left to the views (the API checks them after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.applies(request):
            return self.get_response(request)
        try:
            etag = data_etag(request, "anon")
        except DatabaseError:
            # No ETag then; the view answers, or DatabaseUnavailableMiddleware does if it fails too.
            return self.get_response(request)
        if etag_matches(request, etag):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            patch_vary_headers(response, ["Accept", "Accept-Language", "Cookie"])
            return response
        response = self.get_response(request)
        if response.status_code == 200 and not response.cookies and not response.has_header("ETag"):
            response["ETag"] = etag
            patch_vary_headers(response, ["Accept", "Accept-Language", "Cookie"])
        return response

    @staticmethod
    def applies(request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(CACHEABLE_PREFIXES_EXCLUDED)
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.user.is_authenticated
        )
