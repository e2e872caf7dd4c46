import os

import pytest
from django.test import override_settings
from django_scopes import scopes_disabled
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Hypothesis: a bounded profile for `make test` and CI, a deep one behind `make test-deep`. The
# CI profile draws the same examples on every run (derandomize), so a red CI is always the
# change's doing and reproduces; the deep profile keeps exploring at random.
hypothesis_settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
    derandomize=True,
)
hypothesis_settings.register_profile(
    "deep", max_examples=2000, stateful_step_count=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session", autouse=True)
def _operator_scope():
    """The tests act as the operator, above every entity (as `manage.py` commands do): their own
    queries are unscoped. Requests they make still run in the scope the middleware and the API
    give each person (core.scoping), and a thread they start begins without this."""
    with scopes_disabled():
        yield


@pytest.fixture(scope="session", autouse=True)
def _tasks_stored_not_run():
    """Tasks are stored, not run, from the first fixture on (a module's seed plan commits, and its
    commit queues refreshes): a test that means to run one says so (tests of ilo_plan.tasks)."""
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # MD5 keeps user creation fast; plain static storage needs no collectstatic.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The public cache is tested on its own (tests/test_cache.py); elsewhere each request is fresh.
    settings.PUBLIC_CACHE_SECONDS = 0
    # Data versions read on every request, so a page's query count never depends on how long the
    # request before it took (tests of the remembered version set their own).
    settings.DATA_VERSION_SECONDS = 0
    # Each test starts without a data version, or a plan, remembered from the one before, and in
    # the site's language (a request to an /en/ page leaves English active in its thread).
    from django.utils import translation

    from core import versions
    from ilo_plan import plans

    versions.forget()
    plans.forget()
    translation.deactivate()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test starts where the one before it emptied the database: with the
    migrations' reference data given back (tests/reference_data.py)."""
    from tests.conftest import is_transactional

    if is_transactional(request.node):
        request.getfixturevalue("transactional_db")
        from tests import reference_data

        reference_data.restore()


def pytest_collection_modifyitems(config, items):
    # Browser tests use a live server, whose transactional tests empty the database after
    # them: they run last, so that nothing after them misses the migrations' data.
    # Other transactional tests (real connections in threads) empty it too: they run just before.
    # The rest keep the tests that ask for the seed plan together, so that it is loaded a few times
    # per run, not once per module (tests.conftest.SeedPlan): first the modules where every database
    # test asks for it, then the modules where some do (its tests first in one module, last in the
    # next, so the plan stays from one module into the next), then the modules without it.
    from tests.conftest import is_transactional, uses_database, wants_seed_plan

    kinds = {}  # module -> which of "with the plan", "without it" its database tests are
    for item in items:
        if uses_database(item):
            kinds.setdefault(item.path, set()).add(wants_seed_plan(item))
    group = {path: 0 if found == {True} else 1 if len(found) == 2 else 2 for path, found in kinds.items()}
    mixed = [path for path in dict.fromkeys(item.path for item in items) if group.get(path) == 1]
    plan_last = {path for index, path in enumerate(mixed) if index % 2}
    order = {path: index for index, path in enumerate(dict.fromkeys(item.path for item in items))}

    def key(item):
        later = wants_seed_plan(item) == (item.path in plan_last)
        return (
            "tests/browser" in str(item.fspath),
            is_transactional(item),
            group.get(item.path, 2),
            order[item.path],
            later,
        )

    items.sort(key=key)
