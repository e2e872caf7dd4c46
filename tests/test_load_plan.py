import io
import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from goals.models import Plan, Target
from ilo_plan import plan_file
from indicators.models import Reading
from tests.conftest import PLAN_MODELS_TOP_DOWN
from tests.plan_workbooks import SECOND_SLUG, second_plan

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of every plan model, as values: equal snapshots mean nothing changed."""
    return {model.__name__: sorted(map(repr, model.objects.values_list())) for model in PLAN_MODELS_TOP_DOWN}


@pytest.mark.slow  # loads the seed plan twice
def test_loading_twice_changes_nothing():
    call_command("load_plan", stdout=io.StringIO())
    first = snapshot()
    call_command("load_plan", stdout=io.StringIO())
    assert snapshot() == first
    assert Target.objects.count() == 15


def test_a_broken_fixture_names_file_record_and_field_and_writes_nothing(tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(Path(settings.BASE_DIR) / "fixtures", fixtures)
    rows = fixtures / "04_rows.json"
    records = json.loads(rows.read_text(encoding="utf-8"))
    target = next(r for r in records if r["model"] == "goals.target" and r["fields"]["code"] == "S2.1-M")
    target["fields"]["comparator"] = "≈"
    rows.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("load_plan", fixtures_dir=str(fixtures), stdout=io.StringIO())

    message = str(error.value)
    assert "04_rows.json" in message
    assert "goals.Target ('ilo-2019-2022', 'S2.1-M')" in message
    assert "comparator" in message
    assert Target.objects.count() == 0 and Reading.objects.count() == 0


def test_a_reading_out_of_range_in_a_fixture_is_refused_with_its_field(tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(Path(settings.BASE_DIR) / "fixtures", fixtures)
    readings_file = fixtures / "06_diagnosis_readings.json"
    records = json.loads(readings_file.read_text(encoding="utf-8"))
    records[0]["fields"]["value"] = "147.3"  # a percentage over 100
    readings_file.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError, match=r"06_diagnosis_readings.json: indicators.Reading .*campo «value»"):
        call_command("load_plan", fixtures_dir=str(fixtures), stdout=io.StringIO())
    assert Reading.objects.count() == 0


@pytest.mark.slow  # loads the seed plan twice
def test_loading_again_keeps_which_plan_the_site_features_and_closes():
    call_command("load_plan", stdout=io.StringIO())
    plan = Plan.objects.get(is_featured=True)
    assert plan_file.import_plan(second_plan()).ok
    Plan.objects.filter(pk=plan.pk).update(is_featured=False, is_closed=True)
    Plan.objects.filter(slug=SECOND_SLUG).update(is_featured=True)
    call_command("load_plan", stdout=io.StringIO())
    assert list(Plan.objects.filter(is_featured=True).values_list("slug", flat=True)) == [SECOND_SLUG]
    assert Plan.objects.get(pk=plan.pk).is_closed
