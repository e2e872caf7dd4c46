"""The task backend of `make run` (settings.TASKS_BACKEND "after-response")."""

import logging
import threading

from django.core.signals import request_finished, request_started
from django_tasks.backends.immediate import ImmediateBackend

logger = logging.getLogger(__name__)


class AfterResponseBackend(ImmediateBackend):
    """Runs each task in the same process, after the response of the request that queued it (at
    once outside a request): `make run` needs no worker, and no visitor waits for a refresh."""

    _pending = threading.local()

    def enqueue(self, task, args, kwargs):
        queue = getattr(self._pending, "tasks", None)
        if queue is None:
            return super().enqueue(task, args, kwargs)
        queue.append((task, args, kwargs))
        return None

    @classmethod
    def request_started(cls, **kwargs):
        cls._pending.tasks = []

    @classmethod
    def request_finished(cls, **kwargs):
        queue, cls._pending.tasks = getattr(cls._pending, "tasks", None) or [], None
        for queued, args, kwargs in queue:
            try:
                ImmediateBackend.enqueue(queued.get_backend(), queued, args, kwargs)
            except Exception:  # a refresh that fails leaves the pages to be rendered on demand
                logger.exception("La tarea %s falló.", queued.name)


request_started.connect(AfterResponseBackend.request_started, dispatch_uid="tasks-after-response-start")
request_finished.connect(AfterResponseBackend.request_finished, dispatch_uid="tasks-after-response-end")
