import io

import pytest
from django.core.management import call_command

from alignment.models import AlignmentLevel, AlignmentLink, AlignmentObjective, AlignmentRow
from core.models import Membership
from goals.models import Dimension, Milestone, Objective, Plan, PlanSection, Problem, Project, StrategicAxis, Target
from indicators.access import ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Indicator, Office, Reading, Unit
from tests.factories import make_indicator, make_office, make_user

PLAN_MODELS_TOP_DOWN = [
    AlignmentLink,
    AlignmentRow,
    AlignmentObjective,
    AlignmentLevel,
    PlanSection,
    Milestone,
    Target,
    Project,
    Objective,
    Problem,
    StrategicAxis,
    Dimension,
    Plan,
    Reading,
    Indicator,
    Office,
]


def load_plan():
    """The seed plan, on the migrations' reference data (given back first if a transactional test
    emptied the database before this module)."""
    from tests import reference_data

    reference_data.restore()
    call_command("load_plan", stdout=io.StringIO())


def unload_plan():
    """Remove what load_plan (and load_demo) wrote, leaving migrations' data such as the roles,
    the entities and the unit catalogue."""
    call_command("clear_demo", stdout=io.StringIO())
    Reading.objects.filter(corrects__isnull=False).delete()
    for model in PLAN_MODELS_TOP_DOWN:
        model.objects.all().delete()
        model.history.all().delete()
    Unit.objects.filter(entity__isnull=False).delete()
    Membership.objects.all().delete()


class SeedPlan:
    """The seed plan in the test database, committed, loaded once for the tests that ask for it
    (`seed_plan`, `plan`) and there for no other test.

    Loading it takes seconds, so it is not loaded per test nor per module: it stays loaded from one
    test that asks for it to the next (each runs in its own rolled-back transaction on top of it),
    and is removed before the first database test that does not ask for it (the collection order
    keeps the tests that ask for it together: see conftest.py). What a test writes in its
    transaction is rolled back; what is committed on top of it (a module's fixture, a
    transactional test, which empties the database after it) is said with `changed()` or found
    out, and the plan is loaded afresh for the next test that asks for it."""

    ABSENT, LOADED, CHANGED = "absent", "loaded", "changed"

    def __init__(self):
        self.state = self.ABSENT
        self.blocker = None  # pytest-django's database blocker, known once the database exists

    def want(self, wanted: bool):
        """Make the database hold the seed plan, as load_plan leaves it, or not hold it."""
        if self.state == (self.LOADED if wanted else self.ABSENT):
            return
        with self.blocker.unblock():
            if self.state != self.ABSENT:
                unload_plan()
            if wanted:
                load_plan()
        self.state = self.LOADED if wanted else self.ABSENT

    def changed(self):
        """Something was committed on top of the seed plan: load it afresh when next asked for."""
        if self.state == self.LOADED:
            self.state = self.CHANGED

    def emptied(self):
        """A transactional test emptied the database (the migrations' data is given back by
        conftest.py's `_reference_data`)."""
        self.state = self.ABSENT


SEED = SeedPlan()


@pytest.fixture(scope="session")
def seed_plan(django_db_setup, django_db_blocker):
    """The whole seed plan, committed, for the tests that ask for it (see SeedPlan)."""
    SEED.blocker = django_db_blocker
    SEED.want(True)
    yield SEED
    SEED.want(False)  # a kept test database (--reuse-db) starts the next run without it


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    # Before the test's fixtures (its transaction among them): the seed plan there if it asks for
    # it, not there if it uses the database without asking. The first test that asks loads it
    # through the fixture, once the database exists.
    if SEED.blocker is not None and uses_database(item):
        SEED.want(wants_seed_plan(item))
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        if is_transactional(item):
            SEED.emptied()


def uses_database(item) -> bool:
    names = item.fixturenames
    return bool(item.get_closest_marker("django_db")) or "db" in names or "transactional_db" in names


def is_transactional(item) -> bool:
    """Whether the test runs on real commits, and so empties the database after it."""
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in item.fixturenames


def wants_seed_plan(item) -> bool:
    return "seed_plan" in item.fixturenames


@pytest.fixture
def plan(seed_plan, db):
    return Plan.objects.get(slug="ilo-2019-2022")


# The drinking-water office, its monthly indicator, and one registrador and one revisor of it:
# the cast of the workflow, admin and API tests.
@pytest.fixture
def office():
    return make_office("AGUA")


@pytest.fixture
def indicator(office):
    return make_indicator("AGUA-HORAS", office=office, frequency="monthly")


@pytest.fixture
def registrador(office):
    return make_user("rosa", ROLE_REGISTRADOR, [office])


@pytest.fixture
def revisor(office):
    return make_user("raul", ROLE_REVISOR, [office])


@pytest.fixture(autouse=True)
def _open_data_in_a_fresh_folder(settings, tmp_path):
    # Packages are kept per data version, and version numbers repeat across rolled-back tests.
    settings.OPEN_DATA_ROOT = tmp_path / "datos-abiertos"
