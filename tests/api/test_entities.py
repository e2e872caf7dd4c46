"""The API of the entities: the directory at /api/v1/entities/ with each entity's plans, its
filters, and `?entity=<ubigeo>` narrowing the lists of plans, targets, indicators, readings and
offices, and telling apart two entities' indicators of the same code."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ilo_plan import plan_file
from indicators.models import Indicator
from tests.factories import entity_of, make_indicator, make_office, make_reading
from tests.plan_workbooks import SECOND_SLUG, minimal_plan, second_plan

pytestmark = pytest.mark.django_db

SEED = "ilo-2019-2022"
MINIMAL = "sin-ejes-2023-2026"
ENTITY_MESSAGE = "Escriba el ubigeo de la entidad: 2, 4 o 6 dígitos."


def import_plans(*files):
    for data in files:
        report = plan_file.import_plan(data)
        assert report.ok, report.lines()


@pytest.fixture
def minimal(plan):
    """The seed plan (entity 1803) and the minimal plan of El Algarrobal (180302), whose one
    indicator has an approved reading."""
    import_plans(minimal_plan(MINIMAL))
    make_reading(Indicator.objects.get(entity__ubigeo="180302"), period=date(2023, 1, 1), value=Decimal("40"))


@pytest.fixture
def three_plans(minimal):
    import_plans(second_plan())


def get(api, url, params=None, status=200):
    response = api.get(url, {"page_size": 1000, **(params or {})})
    assert response.status_code == status, response.content[:500]
    return response.json()


def ubigeos(api, params):
    data = get(api, "/api/v1/entities/", params)
    assert data["count"] == len(data["results"])
    return [row["ubigeo"] for row in data["results"]]


# --- /api/v1/entities/ ------------------------------------------------------------------------------


def test_the_entities_list_holds_every_entity_with_its_plans_nested(api, minimal):
    data = get(api, "/api/v1/entities/", {"page_size": 1000})
    assert data["count"] == 1898
    first = get(api, "/api/v1/entities/", {"page_size": 3})["results"]
    assert [row["ubigeo"] for row in first] == ["01", "0101", "010102"]
    assert first[0] == {
        "ubigeo": "01",
        "kind": "region",
        "name": "Gobierno Regional de Amazonas",
        "place": "Amazonas",
        "department": "Amazonas",
        "province": "",
        "plans": [],
    }
    moquegua = {row["ubigeo"]: row for row in get(api, "/api/v1/entities/", {"department": "18"})["results"]}
    assert [p["slug"] for p in moquegua["1803"]["plans"]] == [SEED]
    assert moquegua["180302"]["plans"] == [
        {
            "slug": MINIMAL,
            "title": "Plan mínimo",
            "period_start": "2023-01-01",
            "period_end": "2026-12-31",
            "is_closed": False,
        }
    ]


def test_an_entitys_detail_by_its_ubigeo(api, three_plans):
    ilo = get(api, "/api/v1/entities/1803/")
    assert {k: ilo[k] for k in ("ubigeo", "kind", "name", "place", "department", "province")} == {
        "ubigeo": "1803",
        "kind": "provincial",
        "name": "Municipalidad Provincial de Ilo",
        "place": "Ilo",
        "department": "Moquegua",
        "province": "Ilo",
    }
    assert [p["slug"] for p in ilo["plans"]] == [SECOND_SLUG, SEED]  # the most recent first
    mendoza = get(api, "/api/v1/entities/0106/")
    assert (mendoza["name"], mendoza["place"]) == (
        "Municipalidad Provincial de Rodriguez de Mendoza",
        "Rodriguez de Mendoza",
    )
    assert get(api, "/api/v1/entities/02/")["name"] == "Gobierno Regional de Áncash"


@pytest.mark.parametrize("ubigeo", ["180301", "999999", "1", "abc"])
def test_an_unknown_entity_is_a_404(api, plan, ubigeo):
    assert api.get(f"/api/v1/entities/{ubigeo}/").status_code == 404


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"kind": "region"}, 25),
        ({"kind": "provincial"}, 196),
        ({"kind": "distrital"}, 1677),
        ({"department": "18"}, 21),
        ({"department": "moquegua"}, 21),
        ({"department": "Moquegua"}, 21),
        ({"department": "ancash"}, 167),
        ({"department": "Áncash"}, 167),
        ({"department": "18", "kind": "provincial"}, 3),
        ({"department": "Atlántida"}, 0),
    ],
    ids=lambda value: str(value),
)
def test_filters_by_kind_and_department(api, plan, params, expected):
    data = get(api, "/api/v1/entities/", params)
    assert data["count"] == expected
    if "department" in params and expected == 21:
        found = [row["ubigeo"] for row in data["results"]]
        assert found[0] == "18" and all(code.startswith("18") for code in found)
    if "kind" in params:
        assert {row["kind"] for row in data["results"]} == {params["kind"]}


@pytest.mark.parametrize("province", ["1803", "Ilo", "ilo", "ILO"])
def test_filter_by_province_by_code_or_name(api, plan, province):
    assert ubigeos(api, {"province": province}) == ["1803", "180302", "180303"]


def test_filter_by_province_name_with_its_accent_forgiven(api, plan):
    found = ubigeos(api, {"province": "Rodríguez de Mendoza"})
    assert found[0] == "0106" and all(code.startswith("0106") for code in found) and len(found) == 12


def test_filter_by_having_a_plan(api, minimal):
    assert ubigeos(api, {"has_plan": "true"}) == ["1803", "180302"]
    without = get(api, "/api/v1/entities/", {"has_plan": "false", "page_size": 1})
    assert without["count"] == 1896


def test_has_plan_lists_an_entity_once_however_many_plans_it_has(api, three_plans):
    assert ubigeos(api, {"has_plan": "true"}) == ["1803", "180302"]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("ilo", ["1803", "180302", "180303"]),
        ("1803", ["1803", "180302", "180303"]),
        ("El Algarrobal", ["180302"]),
        ("rodriguez de mendoza chirimoto", ["010602"]),
        ("sin resultado", []),
    ],
)
def test_filter_by_text(api, plan, q, expected):
    assert ubigeos(api, {"q": q}) == expected


def test_a_bad_kind_is_a_400(api, plan):
    assert api.get("/api/v1/entities/", {"kind": "comunidad"}).status_code == 400


def test_the_entities_list_costs_the_same_queries_with_more_plans(api, minimal):
    def count():
        with CaptureQueriesContext(connection) as context:
            get(api, "/api/v1/entities/", {"department": "18"})
        return len(context.captured_queries)

    before = count()
    import_plans(second_plan())
    assert count() == before


# --- ?entity= on the other lists -----------------------------------------------------------------


def test_entity_narrows_the_plans(api, three_plans):
    assert [p["slug"] for p in get(api, "/api/v1/plans/")["results"]] == [SEED, SECOND_SLUG, MINIMAL]
    assert [p["slug"] for p in get(api, "/api/v1/plans/", {"entity": "1803"})["results"]] == [SEED, SECOND_SLUG]
    assert [p["slug"] for p in get(api, "/api/v1/plans/", {"entity": "180302"})["results"]] == [MINIMAL]
    assert get(api, "/api/v1/plans/", {"entity": "180303"})["results"] == []
    assert [p["slug"] for p in get(api, "/api/v1/plans/", {"province": "Ilo"})["results"]] == [
        SEED,
        SECOND_SLUG,
        MINIMAL,
    ]
    row = get(api, "/api/v1/plans/", {"entity": "180302"})["results"][0]
    assert row["entity"] == "180302" and row["province"] == "Ilo" and row["department"] == "Moquegua"


def plans_of(rows):
    return {row["plan"] for row in rows}


def test_targets_default_to_the_featured_plan_unless_entity_or_plan_is_given(api, three_plans):
    assert plans_of(get(api, "/api/v1/targets/")["results"]) == {SEED}
    algarrobal = get(api, "/api/v1/targets/", {"entity": "180302"})["results"]
    assert [(row["plan"], row["code"]) for row in algarrobal] == [(MINIMAL, "A1.1-M")]
    assert plans_of(get(api, "/api/v1/targets/", {"entity": "1803"})["results"]) == {SEED, SECOND_SLUG}
    assert plans_of(get(api, "/api/v1/targets/", {"plan": MINIMAL})["results"]) == {MINIMAL}
    # A plan and an entity that are not each other's: nothing.
    assert get(api, "/api/v1/targets/", {"plan": MINIMAL, "entity": "1803"})["results"] == []
    assert get(api, "/api/v1/targets/", {"entity": "180303"})["results"] == []
    assert plans_of(get(api, "/api/v1/targets/", {"plan": "all"})["results"]) == {SEED, SECOND_SLUG, MINIMAL}


def test_the_other_plan_scoped_lists_follow_entity_too(api, three_plans):
    assert [row["plan"] for row in get(api, "/api/v1/dimensions/", {"entity": "180302"})["results"]] == [MINIMAL]
    assert {row["plan"] for row in get(api, "/api/v1/axes/", {"entity": "1803"})["results"]} == {SEED, SECOND_SLUG}


def test_entity_narrows_the_indicators(api, minimal):
    algarrobal = get(api, "/api/v1/indicators/", {"entity": "180302"})["results"]
    assert [(row["entity"], row["code"]) for row in algarrobal] == [("180302", "AGUAS-RESIDUALES-TRATADAS")]
    ilo = get(api, "/api/v1/indicators/", {"entity": "1803"})["results"]
    assert ilo and {row["entity"] for row in ilo} == {"1803"}


def test_the_indicators_list_names_each_ones_entity(api, minimal):
    rows = get(api, "/api/v1/indicators/")["results"]
    by_entity = {}
    for row in rows:
        by_entity.setdefault(row["entity"], []).append(row["code"])
    assert by_entity["180302"] == ["AGUAS-RESIDUALES-TRATADAS"]
    assert "AGUAS-RESIDUALES-TRATADAS" in by_entity["1803"]  # the same code, the seed plan's own
    assert [row["code"] for row in get(api, "/api/v1/indicators/", {"plan": MINIMAL})["results"]] == [
        "AGUAS-RESIDUALES-TRATADAS"
    ]


def test_entity_narrows_the_readings(api, minimal):
    algarrobal = get(api, "/api/v1/readings/", {"entity": "180302"})["results"]
    assert [(row["entity"], row["indicator"], row["period"]) for row in algarrobal] == [
        ("180302", "AGUAS-RESIDUALES-TRATADAS", "2023-01-01")
    ]
    ilo = get(api, "/api/v1/readings/", {"entity": "1803"})["results"]
    assert ilo and {row["entity"] for row in ilo} == {"1803"}
    everyone = get(api, "/api/v1/readings/")["results"]
    assert len(everyone) == len(ilo) + 1
    assert get(api, "/api/v1/readings/", {"entity": "18"})["results"] == []  # an exact ubigeo, not a prefix


def test_entity_narrows_the_offices(api, minimal):
    algarrobal = get(api, "/api/v1/offices/", {"entity": "180302"})["results"]
    assert [(row["entity"], row["code"]) for row in algarrobal] == [("180302", "PLANEAMIENTO")]
    ilo = get(api, "/api/v1/offices/", {"entity": "1803"})["results"]
    assert ilo and {row["entity"] for row in ilo} == {"1803"}
    assert len(get(api, "/api/v1/offices/")["results"]) == len(ilo) + 1


def test_a_malformed_entity_is_a_400_with_a_spanish_message_on_a_plan_scoped_list(api, plan):
    for name in ["targets", "axes", "dimensions", "objectives"]:
        assert get(api, f"/api/v1/{name}/", {"entity": "abc"}, status=400) == {"entity": [ENTITY_MESSAGE]}, name
    assert get(api, "/api/v1/targets/", {"entity": "180"}, status=400) == {"entity": [ENTITY_MESSAGE]}


@pytest.mark.parametrize("name", ["plans", "indicators", "readings", "offices"])
def test_a_malformed_entity_is_a_400_on_every_list(api, plan, name):
    assert get(api, f"/api/v1/{name}/", {"entity": "abc"}, status=400) == {"entity": [ENTITY_MESSAGE]}


# --- an indicator's code, unique within its entity --------------------------------------------------


@pytest.fixture
def two_water_indicators(plan):
    """AGUA-HORAS in Ilo (the seed plan's) and another AGUA-HORAS in El Algarrobal."""
    algarrobal = entity_of("180302")
    return make_indicator(
        "AGUA-HORAS", office=make_office("AGUA", entity=algarrobal), name="Horas de agua en El Algarrobal"
    )


def test_an_indicator_is_found_by_its_code_when_one_entity_has_it(api, two_water_indicators):
    tbc = get(api, "/api/v1/indicators/TBC-TASA/")
    assert (tbc["entity"], tbc["code"]) == ("1803", "TBC-TASA")
    assert api.get("/api/v1/indicators/NO-EXISTE/").status_code == 404


def test_a_code_two_entities_use_is_a_400_naming_entity(api, two_water_indicators):
    answer = get(api, "/api/v1/indicators/AGUA-HORAS/", status=400)
    assert list(answer) == ["entity"]
    assert "?entity=<ubigeo>" in answer["entity"][0] and "Varias entidades usan ese código" in answer["entity"][0]


@pytest.mark.parametrize("ubigeo, name", [("180302", "Horas de agua en El Algarrobal"), ("1803", None)])
def test_entity_tells_which_entitys_indicator(api, two_water_indicators, ubigeo, name):
    found = get(api, "/api/v1/indicators/AGUA-HORAS/", {"entity": ubigeo})
    assert found["entity"] == ubigeo
    if name:
        assert found["name"] == name


def test_a_plan_tells_which_entitys_indicator_too(api, two_water_indicators):
    found = get(api, "/api/v1/indicators/AGUA-HORAS/", {"plan": SEED})
    assert found["entity"] == "1803" and found["office"] == "GSP"


# --- the schema -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/", {"format": "json"}).json()


def parameters(schema, path):
    return {p["name"]: p for p in schema["paths"][path]["get"].get("parameters", [])}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/plans/",
        "/api/v1/targets/",
        "/api/v1/indicators/",
        "/api/v1/readings/",
        "/api/v1/offices/",
    ],
)
def test_the_schema_documents_entity_on_each_list(schema, path):
    entity = parameters(schema, path)["entity"]
    assert entity["in"] == "query" and not entity.get("required")
    assert "Ubigeo de la entidad" in entity["description"]


def test_the_schema_documents_the_entities_filters(schema):
    params = parameters(schema, "/api/v1/entities/")
    assert {"kind", "department", "province", "has_plan", "q"} <= set(params)
    assert "/api/v1/entities/{ubigeo}/" in schema["paths"]
