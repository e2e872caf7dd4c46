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


@pytest.fixture(scope="module")
def seed_plan(django_db_setup, django_db_blocker):
    """The whole seed plan, loaded once per test module and committed; each test still runs
    in its own rolled-back transaction on top of it."""
    with django_db_blocker.unblock():
        load_plan()
    yield
    with django_db_blocker.unblock():
        unload_plan()


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
