"""ETags and Last-Modified from the data versions (`core.versions`), for the middleware that answers
304 before any view runs and for the API's views. Compared as HTTP says (Django's own
`get_conditional_response`: a weak If-None-Match, as a gzip-encoded answer's ETag comes back,
matches), and made of what is the same on every worker and server: the versions in the database,
the code's release and the request."""

import hashlib

from django.conf import settings
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from . import versions


def release() -> str:
    """What identifies the running code in an ETag (settings.RELEASE: DJANGO_RELEASE, or a digest
    of the code, templates and translations computed once at start-up, the same on every server
    that runs the same code), so that a deploy changes every ETag even when the data did not."""
    return settings.RELEASE


def data_version(request) -> versions.Version:
    """The version a request's answer depends on: what the site's middleware decided for it (a
    plan's page: its plan's and the shared counter), else every public counter; read once per request."""
    request = getattr(request, "_request", request)
    if not hasattr(request, "data_version"):
        request.data_version = versions.cached(getattr(request, "version_scopes", versions.PUBLIC))
    return request.data_version


def data_etag(request, role: str, version: versions.Version | None = None) -> str:
    """The ETag of a GET answer: its data version, the code's release, who asks (anonymous or which
    user), the address and, for the API, the Accept header that chooses JSON or CSV; and the language."""
    counter = (version or data_version(request)).counter
    accept = request.headers.get("Accept", "") if request.path.startswith("/api/") else ""
    parts = [str(counter), release(), role, request.get_full_path(), accept, get_language()]
    return quote_etag(hashlib.sha256("|".join(p or "" for p in parts).encode()).hexdigest()[:32])


def not_modified(request, etag: str, changed_at=None, response=None):
    """A 304 when the request's If-None-Match (or, without one, If-Modified-Since) says the client
    has this answer already (carrying `response`'s ETag and caching headers); else None."""
    last_modified = int(changed_at.timestamp()) if changed_at else None
    answer = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
    return answer if answer is not None and answer.status_code == 304 else None


def last_modified_header(changed_at) -> str | None:
    return http_date(changed_at.timestamp()) if changed_at else None
