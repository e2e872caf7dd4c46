"""What every API endpoint shares: streaming CSV, ETags, pagination, throttles, Spanish errors.

It lives in the bottom app so that every app's `api.py` can use it without reaching upward."""

import hashlib
import re
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator as DjangoPaginator
from django.http import Http404, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core import versions
from core.conditional import data_etag, data_version, last_modified_header, not_modified

from . import cells, spreadsheets
from .errors import RuleError


class Pagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    django_paginator_class = DjangoPaginator

    def paginate_queryset(self, queryset, request, view=None):
        self.django_paginator_class = _counted_paginator(queryset)
        return super().paginate_queryset(queryset, request, view)


class _VersionCountedPaginator(DjangoPaginator):
    """A paginator whose `count` is remembered in the cache per data version and query: a list of
    a million readings counts them once per change of the data, not on every page (the count
    was most of an uncached page's time, 400 ms at a million rows)."""

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is None:
            return super().count
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:
            return 0
        version = versions.cached(versions.EVERYTHING).counter
        key = "count:" + hashlib.sha256(f"{version}|{sql}|{params!r}".encode()).hexdigest()
        found = cache.get(key)
        if found is None:
            found = self.object_list.count()
            if not _in_bumping_transaction():
                cache.set(key, found, settings.PUBLIC_CACHE_SECONDS or 60)
        return found


def _counted_paginator(queryset):
    return _VersionCountedPaginator if hasattr(queryset, "query") else DjangoPaginator


def _in_bumping_transaction() -> bool:
    return versions._bumped_here()


class CSVRenderer(BaseRenderer):
    """text/csv for what is not a streamed list (`CSVListMixin` streams those): one object is a
    header and one row, a short list (a reading's history) a header and its rows; written by
    `spreadsheets`, like every other CSV."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        objects = [data] if isinstance(data, dict) else list(data or [])
        if objects and isinstance(objects[0], dict):
            header = list(objects[0])
        else:
            # An empty list (a reading none of whose versions the asker may see) is still a CSV: the
            # header from the serializer, never an empty body without a Content-Type.
            serializer = getattr(data, "serializer", None)
            fields = getattr(getattr(serializer, "child", serializer), "fields", None)
            header = list(fields) if fields is not None else ["detail"]
            objects = []
        return spreadsheets.csv_bytes(header, ([_cell(item.get(name)) for name in header] for item in objects))


class AnonThrottle(AnonRateThrottle):
    def get_rate(self):
        return settings.API_THROTTLE_ANON


class UserThrottle(UserRateThrottle):
    def get_rate(self):
        return settings.API_THROTTLE_USER


def stream_csv(header: list[str], rows, filename: str) -> StreamingHttpResponse:
    """A CSV response written row by row (memory stays flat), every cell made inert."""
    return spreadsheets.csv_response(header, rows, filename)


class CSVListMixin:
    """`?format=csv` or `Accept: text/csv` on a list: the whole filtered set, unpaginated, streamed,
    with the JSON field names as header."""

    csv_filename = "datos.csv"

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) == "csv":
            queryset = self.filter_queryset(self.get_queryset())
            header, rows = self.csv_rows(queryset)
            return stream_csv(header, rows, self.csv_filename)
        return super().list(request, *args, **kwargs)

    def csv_rows(self, queryset):
        serializer = self.get_serializer()
        header = list(serializer.fields)

        def rows():
            for obj in queryset.iterator(chunk_size=2000) if hasattr(queryset, "iterator") else queryset:
                data = serializer.to_representation(obj)
                yield [_cell(data[name]) for name in header]

        return header, rows()


def _cell(value):
    """A JSON value as one CSV cell: a list `a|b`, an object `key=value|…`, yes/no `true`/`false`."""
    if isinstance(value, bool):
        return cells.boolean(value)
    if isinstance(value, list):
        return "|".join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return "|".join(f"{k}={_cell(v)}" for k, v in value.items())
    return value


class NotModified(exceptions.APIException):
    status_code = status.HTTP_304_NOT_MODIFIED
    default_detail = ""


class ConditionalMixin:
    """ETag and Last-Modified from the data versions, checked before the view runs: a client
    polling every minute gets 304 (after authentication, with one query for the versions, or none
    while remembered, and no rendering) until something changes. Anonymous answers follow the
    public versions of what they show (a plan's list, its plan's); staff's follow every change,
    their drafts included."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.etag = self.version = None
        if request.method in ("GET", "HEAD"):
            if request.user.is_authenticated:
                role, self.version = f"user{request.user.pk}", versions.cached(versions.EVERYTHING)
            else:
                role, self.version = "anon", data_version(request)
            self.etag = data_etag(request, role, self.version)
            if not_modified(request, self.etag, self.version.changed_at) is not None:
                raise NotModified

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        etag = getattr(self, "etag", None)
        if etag is None or response.status_code not in (200, 304):
            return response
        response["ETag"] = etag
        patch_vary_headers(response, ["Accept", "Accept-Language", "Authorization", "Cookie"])
        changed = last_modified_header(self.version.changed_at)
        if changed and response.status_code == 200:
            response["Last-Modified"] = changed
        return response


def parse_as_of(request) -> date | None:
    value = request.query_params.get("as_of")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise exceptions.ValidationError(
            {"as_of": [gettext("«%(value)s» no es una fecha: use AAAA-MM-DD.") % {"value": value}]}
        ) from error


GENERIC_404 = re.compile(r"^No \w+ matches the given query\.$")


def exception_handler(exc, context):
    """Errors as JSON in the request's language (Spanish unless Accept-Language asks for English),
    even when CSV was asked for; Django's own errors from the model layer included."""
    request = context.get("request")
    if request is not None:
        # Also when content negotiation itself failed (`?format=xml` on the schema), which would
        # otherwise answer in the view's first renderer, YAML.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    if isinstance(exc, NotModified):
        return Response(status=status.HTTP_304_NOT_MODIFIED)
    if isinstance(exc, RuleError):
        return Response({"detail": exc.messages}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        # Django's get_object_or_404 says "No Reading matches the given query." in English, with
        # the model's class name: DRF's own "Not found." in the request's language instead.
        message = str(exc.args[0]) if exc.args else ""
        exc = exceptions.NotFound(None if GENERIC_404.match(message) or not message else message)
    # Imported here: rest_framework.views reads REST_FRAMEWORK on import, which names this module
    # (its renderer, pagination, throttles), so importing it above would be a circle whenever
    # this module is the first to load DRF's views.
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)


ERROR_DESCRIPTIONS = {
    "400": _("Datos o parámetros no válidos: un mensaje por campo, en el idioma pedido (Accept-Language)."),
    "401": _("Falta autenticarse (token o sesión)."),
    "403": _("El usuario no puede hacer esto (rol, oficina o cuatro ojos)."),
    "404": _("No existe, no es visible para este usuario, o la página pedida no existe."),
    "406": _("Formato no disponible: use JSON o CSV."),
    "409": _("El estado de la lectura no permite este paso, u otra persona la cambió antes."),
    "429": _("Demasiadas solicitudes: vea la cabecera Retry-After."),
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular hook: document on every operation the errors any endpoint can answer."""
    error_body = {"application/json": {"schema": {"type": "object", "additionalProperties": True}}}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            codes = ["400", "401", "403", "404", "406", "429"] + ([] if method == "get" else ["409"])
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": str(ERROR_DESCRIPTIONS[code]), "content": error_body})
    return result
