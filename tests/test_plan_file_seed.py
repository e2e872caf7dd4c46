"""The seed plan ships twice, as fixtures and as a plan file: both load to the same records."""

import io
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

from ilo_plan import plan_file
from tests.conftest import load_plan, unload_plan
from tests.test_plan_file import ILO_FILE, STRUCTURE, content

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # loads the seed plan twice
def test_the_seed_plans_file_and_its_fixtures_load_the_same_records(tmp_path):
    # The file is the plan; the entity's offices and indicators (units: the national catalogue), and the
    # plan's own text and cited figures, load from their fixtures.
    catalogue = tmp_path / "catalogo"
    catalogue.mkdir()
    for name in ["01_offices.json", "03_indicators.json"]:
        shutil.copy(settings.BASE_DIR / "fixtures" / name, catalogue)
    call_command("load_plan", fixtures_dir=str(catalogue), stdout=io.StringIO())
    with ILO_FILE.open("rb") as stream:
        report = plan_file.import_plan(stream)
    assert report.ok, report.lines()
    assert not report.created["indicadores"] and not report.created["unidades"]
    # Which plan the site features is the site's choice, not the plan's.
    from_file = {model.__name__: content(model, exclude={"is_featured"}) for model in STRUCTURE}
    unload_plan()
    load_plan()
    from_fixtures = {model.__name__: content(model, exclude={"is_featured"}) for model in STRUCTURE}
    assert from_file == from_fixtures
    assert sum(map(len, from_file.values())) > 100
