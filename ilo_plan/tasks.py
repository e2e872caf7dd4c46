"""Work done before the visitor comes (django-tasks; a worker runs them: `make worker`).

After each committed public change of a plan (`core.versions.on_commit`), `refresh_plan` renders
every public page of that plan, in Spanish and in English, through the same middleware and views a
visitor gets, into the cache every server shares, then builds the plan's open-data package. A
burst of changes is one refresh: while a plan's refresh waits in the queue, a new change adds
none. Every plan's changes also queue, later, one national package. Until a page is rendered
again, the first visitor who asks for it renders it (a status is never stale); the packages are
served as they were while their new version is built (`ilo_plan.open_data`).

`make run` needs no worker: its backend runs each task in the same process after the response
that queued it (`ilo_plan.task_backends.AfterResponseBackend`)."""

from datetime import timedelta

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
from django.utils import timezone, translation
from django_tasks import task

from core import versions
from goals import public
from goals.models import Plan
from goals.views import report_years

from . import open_data, plans

# --- what a change queues ------------------------------------------------------------------------


def schedule(scopes: list[str]):
    """After a commit: refresh each changed plan (every plan, when what they all show changed),
    and the national package later."""
    if versions.SHARED in scopes:
        plan_ids = list(Plan.objects.values_list("pk", flat=True))
    else:
        plan_ids = [int(scope.split(":")[1]) for scope in scopes if scope.startswith("plan:")]
    for plan_id in plan_ids:
        enqueue_once(refresh_plan, plan_id, delay=settings.REFRESH_DELAY_SECONDS)
    if plan_ids:
        enqueue_once(build_national_package, delay=settings.NATIONAL_PACKAGE_DELAY_SECONDS)


def enqueue_once(chosen_task, *args, delay: int = 0):
    """Queue `chosen_task(*args)` unless the same call already waits in the queue (a burst of
    changes is one run). A backend that defers runs it `delay` seconds later, so that a burst
    arriving meanwhile joins it."""
    backend = chosen_task.get_backend()
    if getattr(backend, "supports_defer", False):
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(
            status="READY", task_path=chosen_task.module_path, args_kwargs__args=list(args)
        )
        if waiting.exists():
            return None
        chosen_task = chosen_task.using(run_after=timezone.now() + timedelta(seconds=delay))
    return chosen_task.enqueue(*args)


versions.on_commit(schedule)


# --- the tasks -----------------------------------------------------------------------------------


@task()
def refresh_plan(plan_id: int) -> dict:
    """Render the plan's public pages into the shared cache and build its open-data package."""
    plan = Plan.objects.for_site().filter(pk=plan_id).first()
    if plan is None:
        return {"plan": plan_id, "pages": 0}
    pages = render_pages(plan_pages(plan))
    open_data.build_plan_package(plan)
    return {"plan": plan.slug, "pages": pages}


@task()
def build_national_package() -> str:
    """The package of every plan (`/api/v1/export.zip`): built here, never on a request."""
    return str(open_data.build_national_package())


def plan_pages(plan) -> list[str]:
    """Every public page of a plan, at its address, and at the root for the featured plan; in
    Spanish and in English."""
    base = f"/planes/{plan.slug}/"
    paths = [""]
    paths += [f"ejes/{n}/" for n in plan.axes.values_list("number", flat=True)]
    paths += [f"dimensiones/{slug}/" for slug in plan.dimensions.values_list("slug", flat=True)]
    paths += [f"metas/{code}/" for code in plan.targets.values_list("code", flat=True)]
    paths += ["indicadores/"] + [f"indicadores/{i.code}/" for i in public.plan_indicators(plan).only("code")]
    if plan.alignment_rows.exists():
        paths.append("alineamiento/")
        for level, number in plan.alignment_objectives.values_list("level__code", "number"):
            paths.append(f"alineamiento/{level}/{number}/")
    paths += ["rendicion-de-cuentas/"] + [f"rendicion-de-cuentas/{year}/" for year in report_years(plan)]
    if plan.has_diagnosis:
        paths.append("diagnostico/")
    if plan.has_principles:
        paths.append("principios-y-objetivos/")
    addresses = [base + path for path in [*paths, "datos/"]]  # a plan's open data has no address at the root
    if plan.pk == plans.featured_id():
        addresses += ["/" + path for path in paths]
    return addresses + ["/en" + address for address in addresses]


def render_pages(paths: list[str]) -> int:
    """Each page through the site's whole middleware and its view, as an anonymous visitor at the
    site's public address (SITE_URL), so that it lands in the cache under the key a visitor's
    request looks for. Returns how many answered 200."""
    handler = WSGIHandler()
    factory = RequestFactory()
    scheme, host = settings.SITE_URL.split("://", 1)
    rendered = 0
    # Each page activates its language; the caller's stays as it was.
    with translation.override(translation.get_language()):
        for path in paths:
            request = factory.get(path, HTTP_HOST=host.rstrip("/"), secure=scheme == "https")
            # Not closed: closing ends a request (request_finished), which would close the
            # worker's database connection after every page.
            rendered += handler.get_response(request).status_code == 200
    return rendered
