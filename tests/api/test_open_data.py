"""The open data packages: a valid Frictionless Data Package per plan and one of every plan, built
from the database (never through the API's views) for a data version, stored through Django's
storage API, served as files (gzip-compressed to those who accept it), never built on a request."""

import csv
import gzip
import io
import json
import threading
import zipfile
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from core import versions
from goals.models import Plan
from ilo_plan import open_data, views
from ilo_plan.models import SiteSettings
from indicators.models import Reading
from tests.factories import entity_of, make_indicator, make_office, make_plan_tree, make_reading

pytestmark = pytest.mark.django_db

ONLY_QUEUED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
OTHER_UBIGEO = "0101"  # Chachapoyas: an entity of the directory other than the seed plan's

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Otra conexión real a la vez: solo en PostgreSQL (en SQLite la base queda bloqueada).",
)


@pytest.fixture(scope="module", autouse=True)
def _tasks_are_only_queued():
    """Tasks are queued, never run, from the module's start: the seed plan loaded for the module
    (tests/conftest.py) builds no package, and each test says which packages exist."""
    with override_settings(TASKS=ONLY_QUEUED):
        yield


@pytest.fixture
def queued():
    """The tasks queued during the test: (task name, args)."""
    default_task_backend.results.clear()

    def tasks():
        return [(result.task.name, list(result.args)) for result in default_task_backend.results]

    return tasks


def body(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def zipped_rows(response, table: str) -> list[dict]:
    return rows(zipfile.ZipFile(io.BytesIO(body(response))).read(f"{table}.csv"))


@pytest.fixture
def indicator(office):
    return make_indicator("DATOS-PRUEBA", office=office, frequency="monthly")


@pytest.fixture
def history(indicator, registrador, revisor):
    """One value corrected, one withdrawn, one rejected draft that never was public."""

    def approved(period, value, source="EPS Ilo"):
        reading = Reading.objects.create_draft(
            user=registrador, indicator=indicator, period=period, value=value, source=source
        )
        reading.submit(registrador)
        reading.approve(revisor)
        return reading

    corrected = approved(date(2021, 1, 1), Decimal("12.5"))
    correction = corrected.correct(
        registrador, value=Decimal("13.1"), source="EPS, informe corregido", reason="Error de digitación"
    )
    correction.submit(registrador)
    correction.approve(revisor)
    withdrawn = approved(date(2021, 2, 1), Decimal("9"), source='=HYPERLINK("http://x","y")')
    withdrawn.withdraw(revisor, "Dato duplicado")
    rejected = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("7"), source="borrador secreto"
    )
    rejected.submit(registrador)
    rejected.reject(revisor, "motivo privado")
    return corrected, correction, withdrawn, rejected


def approve(indicator, registrador, revisor, period=date(2022, 1, 1), value=Decimal("4")) -> Reading:
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=period, value=value, source="EPS"
    )
    reading.submit(registrador)
    reading.approve(revisor)
    return reading


def two_plans():
    """Two small plans of two entities, each with its own indicator, office and readings (one of
    them corrected, so that every table has rows of both)."""
    plans = []
    for slug, ubigeo in (("plan-uno", "1803"), ("plan-dos", OTHER_UBIGEO)):
        entity = entity_of(ubigeo)
        office = make_office(f"OF-{slug.upper()}", entity=entity)
        indicator = make_indicator(f"IND-{slug.upper()}", office=office)
        target = make_plan_tree(slug=slug, indicator=indicator, entity=entity)
        old = make_reading(indicator, date(2020, 1, 1), Decimal("10"), status="superseded", approved_at=timezone.now())
        make_reading(indicator, date(2020, 1, 1), Decimal("11"), corrects=old, correction_reason="Corregido")
        plans.append(target.plan)
    return plans


# --- what a package holds --------------------------------------------------------------------------


def test_the_zip_is_a_valid_frictionless_package(client, plan, history, tmp_path):
    from frictionless import Package

    open_data.build_national_package()
    bundle = zipfile.ZipFile(io.BytesIO(body(client.get("/api/v1/export.zip"))))
    names = set(bundle.namelist())
    assert names == {"datapackage.json"} | {f"{name}.csv" for name in open_data.TABLE_NAMES}
    assert all(info.date_time[0] >= 2020 for info in bundle.infolist())  # real dates, not 1980
    bundle.extractall(tmp_path)
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]

    package = json.loads(bundle.read("datapackage.json"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    readings = next(r for r in package["resources"] if r["name"] == "readings")
    value = next(f for f in readings["schema"]["fields"] if f["name"] == "value")
    assert value["type"] == "number" and "unidad del indicador" in value["description"]
    assert all(f["description"] for r in package["resources"] for f in r["schema"]["fields"]), "every column explained"


def test_a_plans_package_is_a_valid_frictionless_package_too(client, plan, tmp_path):
    from frictionless import Package

    open_data.build_plan_package(plan)
    zipfile.ZipFile(io.BytesIO(body(client.get(f"/planes/{plan.slug}/datos/export.zip")))).extractall(tmp_path)
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == f"seguimiento-{plan.slug}" and plan.title in descriptor["title"]


def test_history_and_superseded_values_hold_only_what_was_public(client, history):
    corrected, correction, withdrawn, rejected = history
    open_data.build_national_package()
    steps = rows(body(client.get("/api/v1/export/reading-history.csv")))
    assert {int(s["reading_id"]) for s in steps} == {corrected.pk, correction.pk, withdrawn.pk}
    assert {s["status"] for s in steps if int(s["reading_id"]) == corrected.pk} == {"approved", "superseded"}
    assert any(s["status"] == "withdrawn" and s["reason"].startswith("retirada") for s in steps)
    assert "borrador secreto" not in str(steps) and "motivo privado" not in str(steps)
    assert not {"rosa", "raul"} & {v for s in steps for v in s.values()}, "no person is named"

    gone = {int(r["id"]): r for r in rows(body(client.get("/api/v1/export/superseded-readings.csv")))}
    assert set(gone) == {corrected.pk, withdrawn.pk}
    assert gone[corrected.pk]["value"] == "12.50" and gone[corrected.pk]["corrected_by"] == str(correction.pk)
    assert gone[corrected.pk]["correction_reason"] == "Error de digitación"
    assert gone[withdrawn.pk]["withdrawal_reason"] == "Dato duplicado"
    assert gone[withdrawn.pk]["source"] == '\'=HYPERLINK("http://x","y")'  # inert

    readings = [r for r in rows(body(client.get("/api/v1/export/readings.csv"))) if r["indicator"] == "DATOS-PRUEBA"]
    assert {int(r["id"]) for r in readings} == {correction.pk}
    assert readings[0]["entered_by"] == readings[0]["reviewed_by"] == "", "open data names no one"


def test_the_licence_comes_from_the_site_settings(client, plan):
    site = SiteSettings.load()
    site.license_id, site.license_title, site.license_url = (
        "CC0-1.0",
        "CC0 1.0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    )
    site.save()
    open_data.build_national_package()
    package = json.loads(body(client.get("/api/v1/export/datapackage.json")))
    assert package["licenses"] == [
        {"name": "CC0-1.0", "title": "CC0 1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/"}
    ]


def test_each_table_downloads_on_its_own_and_unknown_ones_do_not(client, plan):
    open_data.build_national_package()
    open_data.build_plan_package(plan)
    for prefix in ("/api/v1/export", f"/planes/{plan.slug}/datos"):
        for name in open_data.TABLE_NAMES:
            response = client.get(f"{prefix}/{name}.csv")
            assert response["Content-Type"].startswith("text/csv")
            assert body(response).startswith(b"\xef\xbb\xbf")
        assert client.get(f"{prefix}/nada.csv").status_code == 404
    assert client.get("/planes/no-existe/datos/export.zip").status_code == 404


def test_the_tables_are_the_apis_own_columns_and_cells(client, plan):
    """Written from querysets and the API's serializers, the files hold what the API's CSV holds."""
    open_data.build_national_package()
    for table in ("plans", "axes", "targets", "indicators", "readings", "alignment", "offices"):
        package = body(client.get(f"/api/v1/export/{table}.csv"))
        api = client.get(f"/api/v1/{table}/", {"format": "csv", "plan": "all"})
        live = api.content if not api.streaming else b"".join(api.streaming_content)
        assert package == live, table


def test_a_plans_package_holds_only_its_own_rows_and_the_national_one_every_plans(client):
    first, second = two_plans()
    open_data.build_plan_package(first)
    open_data.build_national_package()
    own = f"IND-{first.slug.upper()}"
    by_plan = {
        "plans": "slug",
        "axes": "plan",
        "dimensions": "plan",
        "problems": "plan",
        "objectives": "plan",
        "targets": "plan",
    }
    for table, column in by_plan.items():
        plan_rows = rows(body(client.get(f"/planes/{first.slug}/datos/{table}.csv")))
        assert {r[column] for r in plan_rows} == {first.slug}, table
        national_rows = rows(body(client.get(f"/api/v1/export/{table}.csv")))
        assert {first.slug, second.slug} <= {r[column] for r in national_rows}, table
    by_indicator = {"indicators": "code", "readings": "indicator", "reading-history": "indicator"}
    by_indicator["superseded-readings"] = "indicator"
    for table, column in by_indicator.items():
        plan_rows = rows(body(client.get(f"/planes/{first.slug}/datos/{table}.csv")))
        assert {r[column] for r in plan_rows} == {own}, table
        national_rows = rows(body(client.get(f"/api/v1/export/{table}.csv")))
        assert {own, f"IND-{second.slug.upper()}"} <= {r[column] for r in national_rows}, table
    offices = rows(body(client.get(f"/planes/{first.slug}/datos/offices.csv")))
    assert {r["entity"] for r in offices} == {first.entity.ubigeo}
    units = rows(body(client.get(f"/planes/{first.slug}/datos/units.csv")))
    assert [u["code"] for u in units] == [first.targets.get().indicator.unit.code]


def test_exhausting_the_anonymous_api_throttle_does_not_break_a_build(client, settings, plan):
    """The build reads the database: a client address that spent its throttle (the build's used to
    be 127.0.0.1, the test client's too) changes nothing."""
    settings.API_THROTTLE_ANON = "1/min"
    client.get("/api/v1/plans/")
    assert client.get("/api/v1/plans/").status_code == 429
    built = open_data.build_national_package()
    assert built.written
    assert open_data.build_plan_package(plan).written
    assert rows(open_data.storage().open(f"{built}/plans.csv").read())


# --- versions, storage, serving --------------------------------------------------------------------


def test_each_csv_is_stored_compressed_and_sent_so_only_to_clients_that_accept_gzip(client, plan):
    open_data.build_national_package()
    plain = client.get("/api/v1/export/readings.csv", HTTP_ACCEPT_ENCODING="identity")
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    raw = body(plain)
    for accepted in ("gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*"):
        packed = client.get("/api/v1/export/readings.csv", HTTP_ACCEPT_ENCODING=accepted)
        assert packed["Content-Encoding"] == "gzip", accepted
        assert packed["Content-Type"].startswith("text/csv") and "Accept-Encoding" in packed["Vary"]
        assert packed["ETag"] != plain["ETag"]  # two representations
        assert gzip.decompress(body(packed)) == raw
    for refused in ("gzip;q=0", "br", "*;q=0", "identity, *;q=0"):
        response = client.get("/api/v1/export/readings.csv", HTTP_ACCEPT_ENCODING=refused)
        assert "Content-Encoding" not in response and body(response) == raw, refused
    assert "Content-Encoding" not in client.get("/api/v1/export.zip", HTTP_ACCEPT_ENCODING="gzip")


def test_a_version_is_labelled_the_same_everywhere_and_revalidates(client, plan):
    built = open_data.build_plan_package(plan)
    version = versions.current(versions.of_plan(plan.pk)).counter
    assert built.version == version and str(built) == f"plans/{plan.pk}/v{version}"
    response = client.get(f"/planes/{plan.slug}/datos/datapackage.json")
    assert json.loads(body(response))["version"] == str(version)
    assert f"-v{version}-" in response["ETag"] and response["Cache-Control"] == "public, max-age=0, must-revalidate"
    marker = json.loads(open_data.storage().open(f"{built}/ready.json").read())
    assert marker["version"] == version and marker["package"] == f"plans/{plan.pk}"
    for etag in (response["ETag"], "W/" + response["ETag"], f'"x", {response["ETag"]}'):
        again = client.get(f"/planes/{plan.slug}/datos/datapackage.json", HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again["ETag"] == response["ETag"], etag
    assert not open_data.build_plan_package(plan).written, "nothing to do when the version is built"


def test_a_download_before_any_build_is_a_503_and_queues_the_build(client, plan, queued):
    response = client.get("/api/v1/export.zip")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "preparando" in response.json()["detail"]
    assert queued() == [("build_national_package", [])]
    response = client.get(f"/planes/{plan.slug}/datos/readings.csv")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "preparando" in response.content.decode()
    assert ("refresh_plan", [plan.pk]) in queued()


def test_the_newest_built_version_is_sent_until_the_new_one_is_built_then_older_ones_go(
    client, indicator, registrador, revisor, queued
):
    make_plan_tree(indicator=indicator)  # an approval of a plan's indicator is a public change
    open_data.build_national_package()
    first = client.get("/api/v1/export.zip")
    before = body(first)
    assert queued() == [], "the current version is built: nothing to ask for"
    reading = approve(indicator, registrador, revisor)
    during = client.get("/api/v1/export.zip")
    assert during["ETag"] == first["ETag"] and body(during) == before
    assert client.get("/api/v1/export.zip", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert queued() == [("build_national_package", [])] * 2
    built = open_data.build_national_package()
    after = client.get("/api/v1/export.zip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert str(reading.pk) in {r["id"] for r in zipped_rows(after, "readings")}
    assert open_data.stored_versions(open_data.national()) == [built.version]


def test_a_change_in_one_plan_leaves_another_plans_package_current(client, queued):
    first, second = two_plans()
    open_data.build_plan_package(first)
    open_data.build_plan_package(second)
    before = client.get(f"/planes/{first.slug}/datos/export.zip")
    make_reading(second.targets.get().indicator, date(2021, 1, 1))  # public: bumps the second plan only
    assert client.get(f"/planes/{first.slug}/datos/export.zip")["ETag"] == before["ETag"]
    assert ("refresh_plan", [first.pk]) not in queued()
    client.get(f"/planes/{second.slug}/datos/export.zip")
    assert ("refresh_plan", [second.pk]) in queued()


def test_a_late_build_of_an_older_version_never_removes_a_newer_package(plan):
    package = open_data.national()
    store = open_data.storage()
    newer = versions.current().counter + 1000
    store.save(f"national/v{newer}/ready.json", io.BytesIO(b"{}"))
    store.save("national/v0/readings.csv", io.BytesIO(b"a half-written build"))
    built = open_data.build_national_package()
    assert open_data.stored_versions(package) == [newer, built.version]


@contextmanager
def another_server_is_building(package):
    """Hold the package's build lock as another server's process would (another connection) for
    the length of the block, or 10 s at most."""
    other = psycopg2.connect(**connection.get_connection_params())
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [open_data.ADVISORY_LOCK_NAMESPACE, package.lock_id])
    release = threading.Timer(10, other.close)
    release.start()
    try:
        yield
    finally:
        release.cancel()
        other.close()


@on_postgresql
def test_while_another_server_builds_the_new_version_the_older_package_is_sent(client, plan, queued):
    package = open_data.of_plan(plan)
    open_data.build_plan_package(plan)
    first = client.get(f"/planes/{plan.slug}/datos/export.zip")
    before = body(first)
    published = Reading.objects.filter(indicator__targets__plan=plan, status__in=("approved", "cited")).first()
    make_reading(published.indicator, date(2030, 1, 1), published.value)  # public: a new version of the plan
    with another_server_is_building(package):
        with open_data.build_lock(package, wait=False) as held:
            assert not held, "one build at a time across servers"
        during = client.get(f"/planes/{plan.slug}/datos/export.zip")
        assert during["ETag"] == first["ETag"] and body(during) == before
    assert ("refresh_plan", [plan.pk]) in queued()
    assert open_data.build_plan_package(plan).written
    assert client.get(f"/planes/{plan.slug}/datos/export.zip")["ETag"] != first["ETag"]


@pytest.mark.slow  # a race on real connections
@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_two_concurrent_builds_of_one_package_build_once(indicator):
    make_reading(indicator, date(2021, 1, 1))
    gate = threading.Barrier(2)
    results = []

    def build():
        try:
            gate.wait()
            results.append(open_data.build_national_package())
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(built.written for built in results) == [False, True]
    assert results[0].version == results[1].version


@pytest.mark.slow  # a race on real connections
@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_a_version_never_labels_data_committed_during_its_build(monkeypatch, indicator):
    """The version and the data are read in one repeatable-read snapshot: a reading committed while
    the build runs is not in the package labelled with the version read before it."""
    make_reading(indicator, date(2021, 1, 1))
    version_read, carry_on = threading.Event(), threading.Event()
    seen = {}
    real_write = open_data.write_tables

    def paused_write(directory, package, version):
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            seen["isolation"] = cursor.fetchone()[0]
        seen["version"] = version.counter
        version_read.set()
        assert carry_on.wait(10)
        real_write(directory, package, version)

    monkeypatch.setattr(open_data, "write_tables", paused_write)
    results = []

    def build():
        try:
            results.append(open_data.build_national_package())
        finally:
            connection.close()

    builder = threading.Thread(target=build)
    builder.start()
    assert version_read.wait(10)
    late = make_reading(indicator, date(2021, 2, 1))
    versions.bump(versions.SHARED)  # committed (autocommit): a later version
    carry_on.set()
    builder.join()
    (built,) = results
    assert seen["isolation"] == "repeatable read"
    assert built.version == seen["version"] < versions.current().counter
    data = open_data.storage().open(f"{built}/readings.csv").read()
    assert str(late.pk) not in {r["id"] for r in rows(data)}
    assert json.loads(open_data.storage().open(f"{built}/datapackage.json").read())["version"] == str(built.version)


def test_the_command_builds_the_national_package_and_the_plans_asked_for(plan):
    out = io.StringIO()
    call_command("build_open_data", "--plan", plan.slug, stdout=out)
    national = open_data.servable(open_data.national())
    own = open_data.servable(open_data.of_plan(plan))
    assert national.is_current and own.is_current
    assert f"national/v{national.version}" in out.getvalue() and f"plans/{plan.pk}/v{own.version}" in out.getvalue()
    out = io.StringIO()
    call_command("build_open_data", "--all-plans", stdout=out)
    assert out.getvalue().count("ya estaba generado") == 1 + Plan.objects.count()
    with pytest.raises(Exception, match="no-existe"):
        call_command("build_open_data", "--plan", "no-existe", stdout=io.StringIO())


# --- the pages and the catalogue --------------------------------------------------------------------


def test_the_open_data_page_links_each_table_and_its_dictionary(client, plan):
    page = client.get("/datos-abiertos/").content.decode()
    for name in open_data.TABLE_NAMES:
        assert f'href="/api/v1/export/{name}.csv"' in page
        assert f'href="#diccionario-{name}"' in page and f'id="diccionario-{name}"' in page
    assert f'href="/planes/{plan.slug}/datos/"' in page and plan.municipality in page
    assert "Creative Commons Atribución 4.0" in page and "fecha y hora" in page
    english = client.get("/en/datos-abiertos/").content.decode()
    assert "Data dictionary" in english and "Each table on its own" in english and "Diccionario de datos" not in english
    assert "Each plan&#x27;s data" in english or "Each plan's data" in english


def test_a_plans_open_data_page_lists_its_own_downloads_in_both_languages(client, plan):
    page = client.get(f"/planes/{plan.slug}/datos/").content.decode()
    assert f'href="/planes/{plan.slug}/datos/export.zip"' in page
    assert f'href="/planes/{plan.slug}/datos/datapackage.json"' in page
    for name in open_data.TABLE_NAMES:
        assert f'href="/planes/{plan.slug}/datos/{name}.csv"' in page and f'id="diccionario-{name}"' in page
    assert f"Datos abiertos de {plan.title}" in page
    english = client.get(f"/en/planes/{plan.slug}/datos/").content.decode()
    assert f"Open data of {plan.title}" in english and "Data dictionary" in english
    assert client.get("/planes/no-existe/datos/").status_code == 404


def many_plans(count: int, first: int = 0, **extra) -> list:
    return [make_plan_tree(slug=f"plan-{n:03d}", **extra).plan for n in range(first, first + count)]


def slugs_in_order() -> list[str]:
    return list(Plan.objects.order_by("entity__ubigeo", "-period_start", "slug").values_list("slug", flat=True))


def test_the_lists_of_plans_stay_small_pages():
    assert views.OPEN_DATA_PLANS_PER_PAGE == 50 and views.CATALOGUE_DATASETS_PER_PAGE == 100


def test_the_open_data_page_shows_the_plans_a_page_at_a_time_in_constant_queries(client, monkeypatch):
    monkeypatch.setattr(views, "OPEN_DATA_PLANS_PER_PAGE", 2)
    many_plans(3)
    with CaptureQueriesContext(connection) as few:
        client.get("/datos-abiertos/")
    many_plans(2, first=3, entity=entity_of(OTHER_UBIGEO))
    with CaptureQueriesContext(connection) as more:
        first = client.get("/datos-abiertos/").content.decode()
    assert len(few) == len(more), "as many queries whatever the number of plans"
    slugs = slugs_in_order()
    assert all(f'href="/planes/{slug}/datos/"' in first for slug in slugs[:2])
    assert not any(f'href="/planes/{slug}/datos/"' in first for slug in slugs[2:])
    second = client.get("/datos-abiertos/?page=2").content.decode()
    assert all(f'href="/planes/{slug}/datos/"' in second for slug in slugs[2:4]) and 'rel="prev"' in second
    assert slugs[:2] == ["plan-003", "plan-004"]  # Chachapoyas (0101) first, by ubigeo
    assert first.count(entity_of(OTHER_UBIGEO).title) == 1, "an entity's plans under one heading"


def test_data_json_is_a_dcat_catalogue_of_working_links(client, plan):
    open_data.build_national_package()
    open_data.build_plan_package(plan)
    catalog = client.get("/data.json").json()
    assert catalog["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    national, own = catalog["dataset"]
    for dataset in (national, own):
        for key in ("title", "description", "keyword", "modified", "publisher", "contactPoint", "identifier"):
            assert dataset[key], key
        assert dataset["accessLevel"] == "public"
        assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
        downloads = [d["downloadURL"] for d in dataset["distribution"] if "downloadURL" in d]
        assert len(downloads) == len(open_data.TABLE_NAMES) + 2  # the zip, the descriptor, each table
        for url in downloads:
            assert client.get(url.removeprefix("http://testserver")).status_code == 200, url
    assert own["landingPage"] == f"http://testserver/planes/{plan.slug}/datos/"
    assert own["isPartOf"] == national["identifier"]
    assert own["temporal"] == f"{plan.period_start.isoformat()}/{plan.period_end.isoformat()}"


def test_data_json_is_paginated_with_a_link_to_the_next_page_in_constant_queries(client, monkeypatch):
    monkeypatch.setattr(views, "CATALOGUE_DATASETS_PER_PAGE", 2)
    many_plans(3)
    with CaptureQueriesContext(connection) as few:
        client.get("/data.json")
    many_plans(2, first=3, entity=entity_of(OTHER_UBIGEO))
    with CaptureQueriesContext(connection) as more:
        first = client.get("/data.json")
    assert len(few) == len(more), "as many queries whatever the number of plans"
    catalog = first.json()
    assert catalog["dataset"][0]["identifier"] == "http://testserver/datos-abiertos/"  # the national one first
    assert catalog["dataset"][1]["identifier"] == f"http://testserver/planes/{slugs_in_order()[0]}/datos/"
    assert first["Link"] == '<http://testserver/data.json?page=2>; rel="next"'
    assert "?page=" in catalog["description"] and "Link" in catalog["description"]
    pages = (Plan.objects.count() + 1 + 1) // 2
    last = client.get(f"/data.json?page={pages}")
    assert last.status_code == 200 and 'rel="next"' not in last["Link"] and 'rel="prev"' in last["Link"]
    identifiers = [
        d["identifier"] for page in range(1, pages + 1) for d in client.get(f"/data.json?page={page}").json()["dataset"]
    ]
    assert len(identifiers) == len(set(identifiers)) == 1 + Plan.objects.count()
    assert client.get(f"/data.json?page={pages + 1}").status_code == 404
