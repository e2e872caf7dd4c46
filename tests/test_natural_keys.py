import io

import pytest
from django.core.management import call_command

from tests.conftest import PLAN_MODELS_TOP_DOWN, unload_plan
from tests.test_load_plan import snapshot

pytestmark = pytest.mark.django_db


def values_without_ids():
    """Rows compared by content, since primary keys are not part of the natural keys."""
    result = {}
    for model in PLAN_MODELS_TOP_DOWN:
        fields = [f.name for f in model._meta.concrete_fields if not f.primary_key and not f.is_relation]
        result[model.__name__] = sorted(map(repr, model.objects.values_list(*fields)))
    return result


@pytest.mark.slow  # loads, dumps and reloads the seed plan
def test_dumpdata_and_loaddata_round_trip_through_natural_keys(tmp_path):
    call_command("load_plan", stdout=io.StringIO())
    before = values_without_ids()
    dump = tmp_path / "plan.json"
    call_command(
        "dumpdata",
        *[model._meta.label_lower for model in PLAN_MODELS_TOP_DOWN],
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        stdout=io.StringIO(),
    )
    assert '"pk"' not in dump.read_text(encoding="utf-8")
    unload_plan()
    assert not any(snapshot().values())

    call_command("loaddata", str(dump), stdout=io.StringIO())
    assert values_without_ids() == before
