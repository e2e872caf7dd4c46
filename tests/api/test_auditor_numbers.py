"""Numbers an auditor can use: figures with their unit's decimals and computed ones rounded (the
verdicts decided on the unrounded numbers), one quoting rule for every CSV row, the history with
usernames and the kind of change in words, `true`/`false`, and a copy of each public download for
Excel in Spanish (`;`, decimal comma, `sí`/`no`, moments Excel reads)."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test.utils import override_settings

from core import cells, spreadsheets
from goals.evaluation import evaluate_targets
from ilo_plan import open_data
from indicators.access import ROLE_AUDITOR
from indicators.models import Reading
from tests.factories import make_indicator, make_plan_tree, make_reading, make_unit, make_user

pytestmark = pytest.mark.django_db

ONLY_QUEUED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
AS_OF = "2021-06-30"


@pytest.fixture(scope="module", autouse=True)
def _tasks_are_only_queued():
    """No package is built behind the test's back: each test builds the ones it reads."""
    with override_settings(TASKS=ONLY_QUEUED):
        yield


def content(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content) if response.streaming else response.content


def table(data: bytes, delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


@pytest.fixture
def target(office):
    """A unit with one decimal: a baseline of 15, a target of 45, 20 then 32.2 in the term:
    progress 57.333…%, and a projection with many decimals."""
    unit = make_unit(code="indice-auditor", name="Índice de prueba", symbol="", max_value=None, decimals=1)
    indicator = make_indicator(
        "HORAS-AUDITOR",
        unit=unit,
        office=office,
        baseline_value=Decimal("15"),
        baseline_date=date(2018, 1, 1),
    )
    target = make_plan_tree(slug="plan-auditor", indicator=indicator, value=Decimal("45"))
    make_reading(indicator, date(2019, 1, 1), Decimal("20"))
    make_reading(indicator, date(2020, 1, 1), Decimal("32.2"), approved_at=datetime(2020, 2, 3, 14, 5, 7, 123, UTC))
    return target


def api_target(client, target, **params):
    response = client.get(f"/api/v1/targets/{target.code}/", {"plan": target.plan.slug, "as_of": AS_OF, **params})
    assert response.status_code == 200, response.content
    return response.json()


# --- 1. figures with their unit's decimals, computed ones rounded -----------------------------------


def test_progress_and_projection_are_rounded_only_at_the_output(client, target):
    evaluation = evaluate_targets([target], date.fromisoformat(AS_OF))[target.pk]
    assert evaluation.progress == pytest.approx(57.333333, abs=1e-5), "the rules keep the unrounded number"
    assert evaluation.projection is not None and round(evaluation.projection, 1) != evaluation.projection

    data = api_target(client, target)
    assert data["progress"] == 57.3
    assert data["projection"] == cells.rounded(evaluation.projection, 1)
    assert data["status"] == evaluation.status.value, "the verdict is the rules' own"
    assert data["expected"] == round(data["expected"], 1) and data["pace"] == round(data["pace"], 2)
    assert (data["value"], data["baseline_value"], data["latest_value"]) == ("45.0", "15.0", "32.2")

    listed = table(content(client.get("/api/v1/targets/", {"plan": target.plan.slug, "as_of": AS_OF, "format": "csv"})))
    assert (listed[0]["progress"], listed[0]["projection"]) == ("57.3", str(data["projection"]))
    assert listed[0]["latest_value"] == "32.2"


def test_the_schema_says_how_figures_are_rounded(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    target = schema["Target"]["properties"]
    assert "un decimal" in target["progress"]["description"]
    assert "decimales de la unidad" in target["projection"]["description"]
    assert "decimales de su unidad" in schema["Reading"]["properties"]["value"]["description"]


def test_reading_values_carry_their_units_decimals_in_json_and_csv(client, target):
    count = make_indicator("DENUNCIAS-AUDITOR", unit=make_unit(code="denuncias-a", max_value=None, decimals=0))
    make_reading(count, date(2020, 1, 1), Decimal("1150"))
    # Entered when its unit allowed two decimals: never rounded away.
    make_reading(count, date(2021, 1, 1), Decimal("12.5"))
    values = {(r["indicator"], r["period"]): r["value"] for r in client.get("/api/v1/readings/").json()["results"]}
    assert values[("HORAS-AUDITOR", "2020-01-01")] == "32.2"
    assert values[("DENUNCIAS-AUDITOR", "2020-01-01")] == "1150"
    assert values[("DENUNCIAS-AUDITOR", "2021-01-01")] == "12.5"
    csv_values = {
        (r["indicator"], r["period"]): r["value"] for r in table(content(client.get("/api/v1/readings/?format=csv")))
    }
    assert csv_values == {key: values[key] for key in csv_values}
    indicator = client.get("/api/v1/indicators/HORAS-AUDITOR/").json()
    assert indicator["baseline_value"] == "15.0"


@pytest.mark.parametrize(
    "value, decimals, text",
    [
        (Decimal("16.8000"), 1, "16.8"),
        (Decimal("1150.0000"), 0, "1150"),
        (Decimal("98.0000"), 2, "98.00"),
        (Decimal("12.3456"), 2, "12.3456"),
        (Decimal("-0.0000"), 1, "0.0"),
        (Decimal("16.8000"), None, "16.8"),
        (None, 1, None),
    ],
)
def test_decimal_text(value, decimals, text):
    assert cells.decimal_text(value, decimals) == text


@pytest.mark.parametrize(
    "value, decimals, result",
    [(57.333333333333336, 1, 57.3), (16.899556595564604, 1, 16.9), (0.05, 1, 0.1), (1151.5, 0, 1152), (-0.01, 1, 0.0)],
)
def test_rounded(value, decimals, result):
    assert cells.rounded(value, decimals) == result


# --- 2. one quoting rule for every row --------------------------------------------------------------


def test_every_row_of_every_csv_is_quoted_alike():
    lines = list(spreadsheets.csv_lines(["a", "b"], [["con, coma", 1], ["sin coma", 2], [None, True]]))
    assert lines == ['\ufeff"a","b"\r\n', '"con, coma","1"\r\n', '"sin coma","2"\r\n', '"","True"\r\n']


def test_the_targets_csv_quotes_rows_with_and_without_commas_alike(client, plan):
    data = content(client.get("/api/v1/targets/", {"format": "csv"})).decode("utf-8-sig")
    lines = data.splitlines()
    sentences = [row["sentence"] for row in table(data.encode())]
    assert any("," in s for s in sentences) and any("," not in s for s in sentences)
    assert all(line.startswith('"') and line.endswith('"') for line in lines if line), "every row alike"


# --- 3. the history: usernames, the kind of change in words ----------------------------------------


@pytest.fixture
def indicator(office):
    return make_indicator("HISTORIAL-AUDITOR", office=office, frequency="monthly")


@pytest.fixture
def reviewed(indicator, registrador, revisor):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("12"), source="EPS"
    )
    reading.edit(registrador, value=Decimal("13"))
    reading.submit(registrador)
    reading.approve(revisor)
    return reading


def test_the_history_names_users_and_kinds_of_change_in_words(api, reviewed, registrador):
    api.force_authenticate(make_user("ana", ROLE_AUDITOR))
    rows = api.get(f"/api/v1/readings/{reviewed.pk}/history/").json()
    assert [row["history_type"] for row in rows] == ["changed", "changed", "changed", "created"]
    assert [row["history_type_label"] for row in rows][-1] == "creado"
    assert rows[0]["changes"]["reviewed_by"] == [None, "raul"], "a username, as history_user"
    assert rows[-1]["changes"] == {} and rows[-1]["history_user"] == "rosa"
    assert rows[-2]["changes"]["value"] == ["12.00", "13.00"], "with the unit's decimals"
    assert rows[0]["value"] == "13.00"

    english = api.get(f"/api/v1/readings/{reviewed.pk}/history/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english[-1]["history_type"] == "created"

    text = content(api.get(f"/api/v1/readings/{reviewed.pk}/history/", {"format": "csv"})).decode("utf-8-sig")
    first = table(text.encode())[0]
    assert first["history_type"] == "changed" and first["history_type_label"] == "cambiado"
    assert "reviewed_by=→raul" in first["changes"] and "status=submitted→approved" in first["changes"]


def test_who_may_not_see_names_gets_null_in_the_changes(api, reviewed):
    rows = api.get(f"/api/v1/readings/{reviewed.pk}/history/").json()
    assert all(row["history_user"] is None for row in rows)
    assert all("reviewed_by" not in row["changes"] for row in rows)


# --- 4. yes/no and moments ------------------------------------------------------------------------


def test_booleans_are_true_and_false_in_every_csv(client, target):
    readings = table(content(client.get("/api/v1/readings/", {"format": "csv", "indicator": "HORAS-AUDITOR"})))
    assert {r["is_demo"] for r in readings} == {"false"}
    targets = table(content(client.get("/api/v1/targets/", {"format": "csv", "plan": target.plan.slug})))
    assert targets[0]["final"] in {"true", "false"} and targets[0]["maintain"] == "false"
    series = table(content(client.get(f"/planes/{target.plan.slug}/metas/{target.code}/serie.csv")))
    assert {(r["corrected"], r["is_demo"]) for r in series} == {("false", "false")}
    assert series[1]["approved_at"] == cells.moment(datetime(2020, 2, 3, 14, 5, 7, 123, UTC))


# --- 5. a copy for Excel in Spanish beside every public download -----------------------------------


def test_the_series_for_excel_in_spanish(client, target):
    response = client.get(f"/planes/{target.plan.slug}/metas/{target.code}/serie.csv", {"formato": "excel-es"})
    data = content(response)
    assert data.startswith(b"\xef\xbb\xbf") and "excel-es" in response["Content-Disposition"]
    rows = table(data, delimiter=";")
    assert [r["value"] for r in rows] == ["20,0", "32,2"]
    assert rows[1]["corrected"] == "no" and rows[1]["period"] == "2020-01-01"
    with override_settings(TIME_ZONE="America/Lima"):
        rows = table(
            content(client.get(f"/planes/{target.plan.slug}/metas/{target.code}/serie.csv?formato=excel-es")), ";"
        )
    assert rows[1]["approved_at"] == "2020-02-03 09:05:07", "local time, no T, microseconds or offset"


def test_the_open_data_tables_come_for_excel_in_spanish_too(client, target):
    open_data.build_national_package()
    open_data.build_plan_package(target.plan)
    for prefix in ("/api/v1/export", f"/planes/{target.plan.slug}/datos"):
        response = client.get(f"{prefix}/targets.csv", {"formato": "excel-es"})
        rows = table(content(response), ";")
        assert "targets-excel-es.csv" in response["Content-Disposition"]
        mine = next(r for r in rows if r["plan"] == target.plan.slug)
        default = next(r for r in table(content(client.get(f"{prefix}/targets.csv"))) if r["plan"] == target.plan.slug)
        assert mine["value"] == "45,0" and default["value"] == "45.0"
        assert mine["maintain"] == "no" and default["maintain"] == "false"
        readings = [r for r in table(content(client.get(f"{prefix}/readings.csv?formato=excel-es")), ";")]
        approved = {r["value"]: r["approved_at"] for r in readings if r["indicator"] == "HORAS-AUDITOR"}
        assert "32,2" in approved and "T" not in approved["32,2"] and len(approved["32,2"]) == 19
    package = open_data.storage().listdir(open_data.national().folder(open_data.servable(open_data.national()).version))
    assert "targets.excel-es.csv" in package[1] and "targets.excel-es.csv.gz" in package[1]


def test_the_download_pages_link_the_excel_copies(client, target):
    page = client.get("/datos-abiertos/").content.decode()
    plan_page = client.get(f"/planes/{target.plan.slug}/datos/").content.decode()
    target_page = client.get(f"/planes/{target.plan.slug}/metas/{target.code}/").content.decode()
    assert 'href="/api/v1/export/readings.csv?formato=excel-es"' in page
    assert f'href="/planes/{target.plan.slug}/datos/readings.csv?formato=excel-es"' in plan_page
    assert 'serie.csv?formato=excel-es"' in target_page
