"""ETags from the data version, shared by the API's views and the middleware that answers 304
before any view runs. Kept apart from `api_support` (which imports DRF) so that middleware can
import it while the settings are still loading."""

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.utils.http import quote_etag
from django.utils.translation import get_language

from .models import DataVersion


@functools.cache
def release() -> str:
    """What identifies the running code in an ETag, so that a deploy with new templates or
    wording changes every ETag even when the data did not: `DJANGO_RELEASE` when set (set it when
    several servers serve the site), else the newest modification time of the code, templates and
    translations (the same on every worker of one server)."""
    if settings.ETAG_RELEASE:
        return settings.ETAG_RELEASE
    base = Path(settings.BASE_DIR)
    newest = 0.0
    for pattern in ("*/*.py", "templates/**/*.html", "locale/**/*.mo"):
        for path in base.glob(pattern):
            if ".venv" not in path.parts:
                newest = max(newest, path.stat().st_mtime)
    return str(int(newest))


def data_version(request) -> tuple[int, object]:
    """The data version, read once per request (the cache middleware may have read it already)."""
    request = getattr(request, "_request", request)
    if not hasattr(request, "data_version"):
        request.data_version = DataVersion.current()
    return request.data_version


def data_etag(request, role: str) -> str:
    """The ETag of a GET answer: the data version, the code's release, who asks (anonymous or which
    user), the address and the headers that choose the answer's form and language."""
    counter = data_version(request)[0]
    parts = [str(counter), release(), role, request.get_full_path(), request.headers.get("Accept", ""), get_language()]
    return quote_etag(hashlib.sha256("|".join(p or "" for p in parts).encode()).hexdigest()[:32])


def etag_matches(request, etag: str) -> bool:
    return etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}
