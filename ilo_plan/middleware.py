"""Site-wide behaviour that no single view owns: NUL bytes refused, the public cache and the
database-down answer."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from core import versions
from core.conditional import data_etag, last_modified_header, not_modified

from . import plans
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
    """Caches anonymous GET answers of public pages and the API, in the cache every server shares,
    keyed by the data version of what they show (`page_versions`): a plan's pages by their plan's
    version and the shared one, so an approval in one plan leaves every other plan's pages cached;
    pages of no plan by every public version. The key also holds the host as served (scheme, host
    and port: absolute links in an answer follow it) and the language.

    A revalidation (If-None-Match) of a cached answer is a 304 from the stored ETag, without
    rendering. After a change the worker renders the plan's pages again under the new version
    (`ilo_plan.tasks`); a visitor who comes first renders the page they ask for, and never gets
    the previous version's: a status is never stale."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        try:
            version = page_versions(request)
        except DatabaseError:
            return unavailable(request)
        base = self.base_key(request)
        key = f"{base}:{version.counter}"
        cached = cache.get(key)
        if cached is not None:
            answer = not_modified(request, cached.get("ETag", ""), None, cached) or cached
            answer["X-Cache"] = "hit"  # what the benchmarks and an operator count
            return answer
        response = self.get_response(request)
        if self.cacheable_response(request, response):
            cache.set(key, response, settings.PUBLIC_CACHE_SECONDS)
        response["X-Cache"] = "miss"
        return response

    @staticmethod
    def cacheable_request(request) -> bool:
        return (
            settings.PUBLIC_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(CACHEABLE_PREFIXES_EXCLUDED)
            and not request.user.is_authenticated
            and "HTTP_AUTHORIZATION" not in request.META
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
    def base_key(request) -> str:
        accept = request.headers.get("Accept", "") if request.path.startswith("/api/") else ""
        where = f"{request.scheme}://{request.get_host()}"
        parts = [where, get_language() or "", request.get_full_path(), accept]
        return "public:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def page_versions(request) -> versions.Version:
    """The data version an anonymous answer depends on, remembered on the request for the ETag."""
    if not hasattr(request, "data_version"):
        request.version_scopes = scopes_of_page(request)
        request.data_version = versions.cached(request.version_scopes)
    return request.data_version


def scopes_of_page(request):
    """A plan's pages (/planes/<slug>/…, the featured plan's at the root) and a plan's API lists
    (?plan=<slug>) depend on their plan and on what every plan shows; anything else on every
    public version."""
    plan_id = None
    if request.path.startswith("/api/"):
        slug = request.GET.get("plan")
        plan_id = plans.id_of(slug) if slug and slug != "all" and not request.GET.get("entity") else None
    else:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return versions.PUBLIC
        if (match.namespace in PLAN_NAMESPACES and match.url_name not in SITE_PAGES) or match.url_name in PLAN_PAGES:
            slug = match.kwargs.get("plan_slug")
            plan_id = plans.id_of(slug) if slug else plans.featured_id()
        elif match.url_name == "home":
            plan_id = plans.featured_id()
    return versions.of_plan(plan_id) if plan_id else versions.PUBLIC


# The goals and alignment pages that belong to no plan.
PLAN_NAMESPACES = {"goals", "alignment"}
SITE_PAGES = {"directory", "entity-detail", "plan-list"}
# The project's own pages of one plan.
PLAN_PAGES = {"plan-open-data"}


ADMIN_PREFIXES = ("/admin/", "/en/admin/")


class PublicGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for what anonymous visitors get: the public HTML pages and the API's
    public JSON and CSV answers. Not for the admin nor for anyone signed in or sending a token:
    those answers carry CSRF tokens, reflect what staff type and show one-time API tokens, the
    material a BREACH attack guesses at, and an anonymous answer holds no secret to guess. Not for
    the live CSV exports either, which stream row by row (the prebuilt ones are stored compressed
    and sent so, `ilo_plan.open_data`). Static files never reach it: whitenoise answers them above,
    precompressed."""

    COMPRESSED_TYPES = ("text/html", "application/json", "text/csv")

    def process_response(self, request, response):
        if request.path.startswith(ADMIN_PREFIXES) or "HTTP_AUTHORIZATION" in request.META:
            return response
        if response.streaming or not response.get("Content-Type", "").startswith(self.COMPRESSED_TYPES):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response
        return super().process_response(request, response)


class ConditionalDataMiddleware:
    """304 before any view runs, for anonymous GETs of public pages and the API: the ETag is made
    of the data version of what the answer shows (`core.conditional.data_etag`, the same the API's
    views send) and compared as HTTP says (a weak tag, as gzip sends back, matches), so an
    unchanged page or list costs at most one query and no rendering. Sits inside
    `PublicCacheMiddleware`, so a cached answer carries its ETag. Signed-in staff and token
    clients are left to the views (the API checks them after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.applies(request):
            return self.get_response(request)
        try:
            version = page_versions(request)
        except DatabaseError:
            # No ETag then; the view answers, or DatabaseUnavailableMiddleware does if it fails too.
            return self.get_response(request)
        etag = data_etag(request, "anon", version)
        unchanged = not_modified(request, etag, version.changed_at)
        if unchanged is not None:
            unchanged["ETag"] = etag
            patch_vary_headers(unchanged, ["Accept", "Accept-Language", "Cookie"])
            return unchanged
        response = self.get_response(request)
        if response.status_code == 200 and not response.cookies and not response.has_header("ETag"):
            response["ETag"] = etag
            if version.changed_at:
                response["Last-Modified"] = last_modified_header(version.changed_at)
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


def api_language(request) -> str:
    """The language of an API answer: the first of the request's Accept-Language that the site
    speaks (a regional variant as its language: es-MX as es-PE), else the site's own (Spanish).
    Neither the address (the API has no /en/) nor the site's language cookie: what an API client
    asks for is all that decides, so the answer depends only on what `Vary` names."""
    for code, _weight in translation.trans_real.parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class SiteLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (pages: Spanish, English under /en/), except that the API (/api/,
    but its HTML docs, which have /en/api/docs/) answers in the request's Accept-Language."""

    API_PREFIX, PAGES_UNDER_API = "/api/", ("/api/docs/",)

    def process_request(self, request):
        path = request.path_info
        if path.startswith(self.API_PREFIX) and not path.startswith(self.PAGES_UNDER_API):
            translation.activate(api_language(request))
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)
