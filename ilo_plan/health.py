from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """For load balancers and whoever runs the site: 200 when the database answers, 503 when it
    does not; with the task queue's depth and the age of its oldest task waiting (work done ahead
    of visitors: a queue that only grows means no worker runs)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        queue = task_queue()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "no disponible"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "tasks": queue})


def task_queue() -> dict:
    """How many tasks wait (ready to run now, or later), and how long the oldest ready one has waited."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != "django_tasks_db.DatabaseBackend":
        # Tasks that run in the serving process (make run) or not at all: no queue to watch.
        return {"backend": backend.rsplit(".", 1)[-1].removesuffix("Backend").lower()}
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    waiting = DBTaskResult.objects.filter(status="READY")
    # A task queued to run at once has the far future as its `run_after`; a deferred one, its moment.
    ready_since = [
        enqueued if run_after == get_date_max() else run_after
        for enqueued, run_after in waiting.ready().order_by("enqueued_at").values_list("enqueued_at", "run_after")[:50]
    ]
    age = (now - min(ready_since)) if ready_since else timedelta(0)
    return {
        "backend": "database",
        "waiting": waiting.count(),
        "running": DBTaskResult.objects.filter(status="RUNNING").count(),
        "oldest_ready_seconds": round(age.total_seconds(), 1),
    }
