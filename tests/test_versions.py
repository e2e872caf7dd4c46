"""A data version per plan: a public change bumps the plans it touches, and only them, in its own
transaction; drafts bump no public version; one plan's approval leaves every other plan's cached
pages and ETags as they were; revalidations are 304s (weak tags included, without rendering); the
cache key holds the host as served; after a commit the plan's pages are rendered ahead of visitors."""

import gzip
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import versions
from core.models import DataVersion
from goals.models import Plan, Target
from ilo_plan import plan_file, tasks
from indicators.access import ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Indicator, Reading
from tests.factories import make_user
from tests.plan_workbooks import minimal_plan, second_plan

pytestmark = pytest.mark.django_db

MINIMAL = "sin-ejes-2023-2026"


def counters():
    return dict(DataVersion.objects.values_list("scope", "counter"))


@pytest.fixture
def plans(plan):
    """The seed plan (Ilo, 2019-2022), its entity's next term sharing AGUA-HORAS, and a plan of
    another entity."""
    assert plan_file.import_plan(second_plan()).ok
    assert plan_file.import_plan(minimal_plan()).ok
    return plan, Plan.objects.get(slug="valle-2023-2026"), Plan.objects.get(slug=MINIMAL)


@pytest.fixture
def water(plans):
    indicator = Indicator.objects.get(entity=plans[0].entity, code="AGUA-HORAS")
    return (
        indicator,
        make_user("rosa", ROLE_REGISTRADOR, [indicator.office]),
        make_user("raul", ROLE_REVISOR, [indicator.office]),
    )


def test_drafts_submissions_and_rejections_bump_only_their_offices_work(plans, water):
    seed, second, minimal = plans
    indicator, registrador, revisor = water
    before = counters()
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 5, 1), value=Decimal(12), source="EPS"
    )
    reading.submit(registrador)
    reading.reject(revisor, "Falta la fuente")
    after = counters()
    office = versions.office_scope(indicator.office_id)
    assert after[office] == before.get(office, 0) + 3
    assert {scope: n for scope, n in after.items() if scope != office} == {
        scope: n for scope, n in before.items() if scope != office
    }


def test_an_approval_bumps_every_plan_measuring_the_indicator_and_no_other(plans, water):
    seed, second, minimal = plans
    indicator, registrador, revisor = water
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 5, 1), value=Decimal(12), source="EPS"
    )
    reading.submit(registrador)
    before = counters()
    reading.approve(revisor)
    after = counters()
    bumped = {scope for scope in after if after[scope] != before.get(scope)}
    # The seed plan and its entity's next term both measure AGUA-HORAS; the other entity's plan does not.
    assert bumped == {
        versions.plan_scope(seed.pk),
        versions.plan_scope(second.pk),
        versions.office_scope(indicator.office_id),
    }


def test_a_plan_edit_bumps_its_plan_and_a_unit_what_every_plan_shows(plans):
    seed, second, minimal = plans
    before = counters()
    target = Target.objects.get(plan=minimal)
    target.sentence = "Recoger el 95% de la basura."
    target.save()
    assert {s for s, n in counters().items() if n != before.get(s)} == {versions.plan_scope(minimal.pk)}
    unit = target.indicator.unit
    unit.name = "Porcentaje"
    unit.save()
    assert counters()[versions.SHARED] == before.get(versions.SHARED, 0) + 1


@pytest.fixture
def cached(settings):
    settings.PUBLIC_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def queries(client, url, **headers):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **headers)
    return len(context.captured_queries), response


def test_an_approval_in_one_plan_leaves_another_plans_pages_and_etags_cached(client, plans, water, cached):
    seed, second, minimal = plans
    indicator, registrador, revisor = water
    other = f"/planes/{MINIMAL}/metas/A1.1-M/"
    mine = f"/planes/{seed.slug}/metas/S1.1-M/"
    etags = {url: client.get(url)["ETag"] for url in (other, mine)}
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 5, 1), value=Decimal(12), source="EPS"
    )
    reading.submit(registrador)
    reading.approve(revisor)
    count, response = queries(client, other)
    assert count <= 2 and response["ETag"] == etags[other]  # from the cache: the plan's version is unchanged
    assert client.get(other, HTTP_IF_NONE_MATCH=etags[other]).status_code == 304
    assert client.get(mine)["ETag"] != etags[mine]


def test_a_gzip_revalidation_is_a_304_without_rendering(client, plan, cached):
    url = f"/planes/{plan.slug}/ejes/2/"
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip" and first["ETag"].startswith('W/"')
    assert "Agua" in gzip.decompress(first.content).decode() or first.status_code == 200
    # At most the page's plan and its version, read (remembered, in production: no query).
    count, again = queries(client, url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and count <= 2 and not again.content
    # Uncached (another process, the cache emptied): still a 304, from the version alone.
    cache.clear()
    count, again = queries(client, url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and count <= 2


def test_the_cache_key_holds_the_host_as_served(client, plan, cached, settings):
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    odd = client.get("/api/v1/readings/?page_size=5", HTTP_HOST="127.0.0.1:6666").json()
    assert odd["next"].startswith("http://127.0.0.1:6666/")
    plain = client.get("/api/v1/readings/?page_size=5").json()
    assert plain["next"].startswith("http://testserver/")


def test_the_release_in_every_etag_is_the_codes_digest_the_same_for_every_process(settings):
    import os

    from ilo_plan.settings import code_digest

    # Computed from the files' contents, not their times: every server running this code agrees.
    assert code_digest() == code_digest()
    assert settings.RELEASE == (os.environ.get("DJANGO_RELEASE") or code_digest())


# --- ahead of visitors -----------------------------------------------------------------------------


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_a_burst_of_changes_queues_one_refresh_per_plan(
    plans, water, database_tasks, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    seed, second, minimal = plans
    indicator, registrador, revisor = water
    for month in (5, 6, 7):
        reading = Reading.objects.create_draft(
            user=registrador, indicator=indicator, period=date(2021, month, 1), value=Decimal(12), source="EPS"
        )
        reading.submit(registrador)
        with django_capture_on_commit_callbacks(execute=True):
            reading.approve(revisor)
    waiting = DBTaskResult.objects.filter(status="READY")
    refreshes = sorted(r.args_kwargs["args"][0] for r in waiting.filter(task_path=tasks.refresh_plan.module_path))
    assert refreshes == sorted([seed.pk, second.pk])  # three approvals, one refresh of each plan touched
    assert waiting.filter(task_path=tasks.build_national_package.module_path).count() == 1
    assert all(r.run_after > r.enqueued_at for r in waiting)  # deferred: a burst joins them


def test_a_refresh_renders_every_page_of_the_plan_so_the_first_visitor_pays_no_render(client, plans, cached, settings):
    seed, second, minimal = plans
    settings.SITE_URL = "http://testserver"
    plan = Plan.objects.for_site().get(pk=minimal.pk)
    paths = tasks.plan_pages(plan)
    assert f"/planes/{MINIMAL}/metas/A1.1-M/" in paths and f"/en/planes/{MINIMAL}/metas/A1.1-M/" in paths
    assert tasks.render_pages(paths) == len(paths)
    for path in paths:
        count, response = queries(client, path)
        assert response.status_code == 200 and response["X-Cache"] == "hit", path  # rendered ahead
        assert count <= 2, path
    featured = tasks.plan_pages(Plan.objects.for_site().get(pk=seed.pk))
    assert "/metas/S1.1-M/" in featured and "/planes/ilo-2019-2022/datos/" in featured
    assert tasks.render_pages(featured) == len(featured)  # at the root too: every address answers


def test_a_page_not_rendered_again_yet_is_never_the_previous_versions(client, plans, cached):
    seed, second, minimal = plans
    url = f"/planes/{MINIMAL}/metas/A1.1-M/"
    assert "95%" not in client.get(url).content.decode()
    target = Target.objects.get(plan=minimal)
    target.sentence = "Recoger el 95% de la basura."
    target.save()
    count, response = queries(client, url)  # the worker has not got to it: this visitor renders it
    assert "95%" in response.content.decode() and response["X-Cache"] == "miss" and count > 1


def test_healthz_shows_the_queue(client, database_tasks):
    tasks.build_national_package.enqueue()
    state = client.get("/healthz").json()
    assert state["tasks"]["backend"] == "database" and state["tasks"]["waiting"] == 1
    assert state["tasks"]["oldest_ready_seconds"] >= 0


# --- a read replica ---------------------------------------------------------------------------


def test_anonymous_reads_go_to_the_replica_and_staff_and_writes_to_the_primary(settings, rf):
    from django.contrib.auth.models import AnonymousUser

    from core.routing import ReplicaMiddleware, ReplicaRouter, anonymous_reads

    router = ReplicaRouter()
    assert router.db_for_read(Plan) is None  # no replica configured: the primary
    settings.DATABASES = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}
    assert router.db_for_read(Plan) is None  # outside an anonymous read
    with anonymous_reads():
        assert router.db_for_read(Plan) == "replica" and router.db_for_write(Plan) is None
    seen = {}

    def view(request):
        seen[request.path] = router.db_for_read(Plan)
        return None

    middleware = ReplicaMiddleware(view)
    for path, user, method in [("/", AnonymousUser(), "get"), ("/admin/", AnonymousUser(), "get")]:
        request = getattr(rf, method)(path)
        request.user = user
        middleware(request)
    staff = rf.get("/staff/")
    staff.user = make_user("ana")
    middleware(staff)
    anonymous_post = rf.post("/api/v1/readings/")
    anonymous_post.user = AnonymousUser()
    middleware(anonymous_post)
    assert seen == {"/": "replica", "/admin/": None, "/staff/": None, "/api/v1/readings/": None}
    assert not router.allow_migrate("replica", "goals")
