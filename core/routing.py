"""A read replica for anonymous reads (DATABASE_REPLICA_URL): the public pages, the API's public
answers, and the data versions they key on, so that a page is always cached under the version of
the data it was rendered from, even while the replica lags. Staff, token clients and every write
use the primary, so they read their own writes."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_anonymous_read: ContextVar[bool] = ContextVar("anonymous_read", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _anonymous_read.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


@contextmanager
def anonymous_reads():
    token = _anonymous_read.set(True)
    try:
        yield
    finally:
        _anonymous_read.reset(token)


class ReplicaMiddleware:
    """Anonymous GETs and HEADs read from the replica when there is one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        anonymous = (
            REPLICA in settings.DATABASES
            and request.method in ("GET", "HEAD")
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.user.is_authenticated
            and not request.path.startswith(("/admin/", "/en/admin/"))
        )
        if not anonymous:
            return self.get_response(request)
        with anonymous_reads():
            return self.get_response(request)
