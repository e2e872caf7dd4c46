"""Reading the API: every endpoint, visibility per role, filters, ordering, pagination, CSV = JSON,
ETags, as_of, constant queries."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ilo_plan import open_data
from indicators.access import ROLE_AUDITOR, ROLE_REGISTRADOR
from indicators.models import Reading
from tests.factories import make_office, make_user
from tests.goals.test_pages import grow

pytestmark = pytest.mark.django_db

LISTS = [
    "plans",
    "axes",
    "dimensions",
    "problems",
    "objectives",
    "targets",
    "projects",
    "milestones",
    "offices",
    "indicators",
    "readings",
    "alignment",
    "alignment-levels",
    "alignment-objectives",
]


def results(response):
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


@pytest.mark.parametrize("name", LISTS)
def test_every_list_answers_json_and_the_same_rows_as_csv(api, demo, name):
    rows = results(api.get(f"/api/v1/{name}/", {"page_size": 1000}))
    assert rows
    response = api.get(f"/api/v1/{name}/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(table) == len(rows)
    assert list(table[0]) == list(rows[0])
    first = {k: ("" if v is None else str(v)) for k, v in rows[0].items() if not isinstance(v, list | dict)}
    first.update({k: ("true" if v else "false") for k, v in rows[0].items() if isinstance(v, bool)})
    assert {k: table[0][k] for k in first} == first


def test_accept_text_csv_gives_csv(api, demo):
    response = api.get("/api/v1/offices/", HTTP_ACCEPT="text/csv")
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("name", LISTS)
def test_every_list_costs_the_same_queries_at_two_data_sizes(api, demo, name):
    def count():
        with CaptureQueriesContext(connection) as context:
            api.get(f"/api/v1/{name}/", {"page_size": 1000})
        return len(context.captured_queries)

    small = count()
    grow(10)
    assert count() == small


def test_anonymous_users_see_approved_readings_only_and_no_names(api, demo):
    rows = results(api.get("/api/v1/readings/", {"page_size": 1000}))
    # Public: approved by the municipality, or cited from the plan (its own status, never "approved").
    assert {row["status"] for row in rows} == {"approved", "cited"}
    assert {row["provenance"] for row in rows if row["status"] == "cited"} == {"cited"}
    assert {row["entered_by"] for row in rows} == {None}
    assert results(api.get("/api/v1/readings/", {"status": "draft"})) == []


def test_auditors_see_everything_with_names(api, demo):
    api.force_authenticate(get_user_model().objects.get(username="demo-auditor"))
    rows = results(api.get("/api/v1/readings/", {"page_size": 1000, "is_demo": "true"}))
    assert {"approved", "submitted", "draft"} <= {row["status"] for row in rows}
    assert "demo-registrador" in {row["entered_by"] for row in rows}


def test_a_registrador_of_another_office_sees_only_public_readings(api, demo):
    api.force_authenticate(make_user("otro", ROLE_REGISTRADOR, [make_office("OTRA")]))
    statuses = {row["status"] for row in results(api.get("/api/v1/readings/", {"page_size": 1000}))}
    assert statuses == {"approved", "cited"}


@pytest.mark.parametrize(
    "params, check",
    [
        ({"indicator": "TBC-TASA"}, lambda r: r["indicator"] == "TBC-TASA"),
        ({"target": "S1.1-M"}, lambda r: r["indicator"] == "AGUA-HORAS"),
        ({"axis": 6}, lambda r: r["indicator"] == "AGUAS-RESIDUALES-TRATADAS"),
        ({"dimension": "institucional"}, lambda r: r["indicator"] in {"RENDICION-CUENTAS", "GOBIERNO-ELECTRONICO"}),
        ({"office": "GDS"}, lambda r: r["office"] == "GDS"),
        (
            {"period_from": "2021-01-01", "period_to": "2021-06-30"},
            lambda r: "2021-01-01" <= r["period"] <= "2021-06-30",
        ),
        ({"is_demo": "false"}, lambda r: r["is_demo"] is False),
    ],
    ids=["indicator", "target", "axis", "dimension", "office", "period", "demo"],
)
def test_reading_filters(api, demo, params, check):
    rows = results(api.get("/api/v1/readings/", {**params, "page_size": 1000}))
    assert rows and all(check(row) for row in rows)


def test_bad_filter_values_answer_400_not_500(api, demo):
    assert api.get("/api/v1/readings/", {"axis": "99999999999999999999"}).status_code == 400
    assert api.get("/api/v1/readings/", {"period_from": "ayer"}).status_code == 400
    response = api.get("/api/v1/targets/", {"as_of": "31/12/2020"})
    assert response.status_code == 400 and "AAAA-MM-DD" in str(response.json())


def test_ordering_and_pagination_bounds(api, demo):
    rows = results(api.get("/api/v1/readings/", {"indicator": "AGUA-HORAS", "ordering": "-period"}))
    periods = [row["period"] for row in rows]
    assert periods == sorted(periods, reverse=True)
    page = api.get("/api/v1/readings/", {"page_size": 5000}).json()
    assert len(page["results"]) == min(1000, page["count"])
    assert api.get("/api/v1/readings/", {"page": 9999}).status_code == 404
    assert len(results(api.get("/api/v1/readings/", {"page_size": 3}))) == 3


@pytest.mark.parametrize(
    "params, check",
    [
        ({"axis": 2}, lambda t: t["axis"] == 2),
        ({"dimension": "ambiental"}, lambda t: t["dimension"] == "ambiental"),
        ({"kind": "delivered"}, lambda t: t["kind"] == "delivered"),
        ({"status": "achieved"}, lambda t: t["status"] == "achieved"),
    ],
    ids=["axis", "dimension", "kind", "status"],
)
def test_target_filters(api, demo, params, check):
    rows = results(api.get("/api/v1/targets/", params))
    assert rows and all(check(row) for row in rows)


def test_a_target_carries_its_status_as_the_public_site_shows_it(api, demo, client):
    target = api.get("/api/v1/targets/S3.1-M/").json()
    assert set(target) >= {"progress", "expected", "pace", "projection", "status", "status_label", "explanation"}
    assert target["explanation"] in client.get("/metas/S3.1-M/").content.decode()


def test_as_of_reproduces_a_past_status_after_a_correction(api, demo):
    reading = Reading.objects.approved().get(indicator__code="ECE-SEC-LECTURA", period=date(2022, 1, 1))
    before = api.get("/api/v1/targets/S3.1-M/", {"as_of": "2024-01-01"}).json()
    correction = reading.correct(reading.entered_by, value=Decimal("46"), source="MINEDU", reason="Dato mal copiado")
    correction.submit(reading.entered_by)
    correction.approve(reading.reviewed_by, confirm_outlier=True)  # 37.37 → 46 is atípico
    assert api.get("/api/v1/targets/S3.1-M/").json()["status"] == "achieved"
    assert api.get("/api/v1/targets/S3.1-M/", {"as_of": "2024-01-01"}).json() == before


def test_axes_dimensions_and_alignment_roll_up_at_a_date(api, demo):
    axes = results(api.get("/api/v1/axes/", {"as_of": "2020-12-31"}))
    assert sum(axis["rollup"]["total"] for axis in axes) == 15
    assert sum(axis["rollup"]["not_achieved"] for axis in axes) == 0
    rows = results(api.get("/api/v1/alignment/"))
    assert len(rows) == 6 and [o["level"] for o in rows[0]["objectives"]] == [
        "national",
        "regional",
        "regional",
        "provincial",
    ]
    assert sum(d["rollup"]["total"] for d in results(api.get("/api/v1/dimensions/"))) == 15


def test_etag_gives_304_until_the_data_changes(api, demo):
    first = api.get("/api/v1/targets/")
    etag = first["ETag"]
    assert api.get("/api/v1/targets/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    reading = Reading.objects.filter(status="submitted").first()
    reading.approve(get_user_model().objects.get(username="demo-revisor"))
    assert api.get("/api/v1/targets/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_history_of_a_reading(api, demo):
    reading = Reading.objects.filter(status="submitted").first()
    reading.reject(get_user_model().objects.get(username="demo-revisor"), "Falta el sustento")
    assert api.get(f"/api/v1/readings/{reading.pk}/history/").status_code == 404  # not public
    api.force_authenticate(make_user("ana", ROLE_AUDITOR))
    rows = api.get(f"/api/v1/readings/{reading.pk}/history/").json()
    assert rows[0]["history_change_reason"] == "rechazada: Falta el sustento"
    assert rows[0]["changes"]["status"] == ["submitted", "rejected"]
    assert rows[0]["history_user"] == "demo-revisor"


def test_a_history_with_no_visible_version_is_still_a_csv_with_its_header(api, demo):
    # A reading loaded before history was kept (or whose public versions were purged) has no row
    # to show; the CSV still names its columns and says it is CSV (schemathesis found the empty
    # body without a Content-Type).
    reading = Reading.objects.filter(status="approved").first()
    reading.history.all().delete()
    response = api.get(f"/api/v1/readings/{reading.pk}/history/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[:3] == ["history_id", "history_date", "history_type"] and "changes" in header
    assert api.get(f"/api/v1/readings/{reading.pk}/history/").json() == []


def test_the_open_data_zip_holds_one_csv_per_list(api, demo):
    open_data.build_national_package()  # the worker's, never a request's
    response = api.get("/api/v1/export.zip")
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    # Every list, plus the package's own tables and its descriptor (tests/api/test_open_data.py).
    assert {f"{name}.csv" for name in LISTS} | {"datapackage.json"} <= set(bundle.namelist())
    readings = list(csv.DictReader(io.StringIO(bundle.read("readings.csv").decode("utf-8-sig"))))
    assert {row["status"] for row in readings} == {"approved", "cited"}
    assert {row["status"] for row in readings if row["indicator"] == "TBC-TASA"} == {"cited"}
    assert "TBC-TASA" in {row["indicator"] for row in readings}


def test_the_schema_and_docs_are_served_without_cdn(api, db):
    assert api.get("/api/schema/").status_code == 200
    docs = api.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs
