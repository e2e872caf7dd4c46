"""The open data package: a valid Frictionless Data Package, built once per data version, served
as files, with the public history and the values that were replaced or withdrawn."""

import csv
import fcntl
import io
import json
import threading
import zipfile
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import psycopg2
import pytest
from django.db import connection

from ilo_plan import open_data
from ilo_plan.models import SiteSettings
from indicators.models import Reading
from tests.factories import make_indicator, make_reading

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


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


def test_the_zip_is_a_valid_frictionless_package(client, plan, history, tmp_path):
    from frictionless import Package

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


def test_history_and_superseded_values_hold_only_what_was_public(client, history):
    corrected, correction, withdrawn, rejected = history
    steps = rows(body(client.get("/api/v1/export/reading-history.csv")))
    assert {int(s["reading_id"]) for s in steps} == {corrected.pk, correction.pk, withdrawn.pk}
    assert {s["status"] for s in steps if int(s["reading_id"]) == corrected.pk} == {"approved", "superseded"}
    assert any(s["status"] == "withdrawn" and s["reason"].startswith("retirada") for s in steps)
    assert "borrador secreto" not in str(steps) and "motivo privado" not in str(steps)
    assert not {"rosa", "raul"} & {v for s in steps for v in s.values()}, "no person is named"

    gone = {int(r["id"]): r for r in rows(body(client.get("/api/v1/export/superseded-readings.csv")))}
    assert set(gone) == {corrected.pk, withdrawn.pk}
    assert gone[corrected.pk]["value"] == "12.5000" and gone[corrected.pk]["corrected_by"] == str(correction.pk)
    assert gone[corrected.pk]["correction_reason"] == "Error de digitación"
    assert gone[withdrawn.pk]["withdrawal_reason"] == "Dato duplicado"
    assert gone[withdrawn.pk]["source"] == '\'=HYPERLINK("http://x","y")'  # inert


def test_the_licence_comes_from_the_site_settings(client, plan):
    site = SiteSettings.load()
    site.license_id, site.license_title, site.license_url = (
        "CC0-1.0",
        "CC0 1.0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    )
    site.save()
    package = json.loads(body(client.get("/api/v1/export/datapackage.json")))
    assert package["licenses"] == [
        {"name": "CC0-1.0", "title": "CC0 1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/"}
    ]


def test_each_table_downloads_on_its_own_and_unknown_ones_do_not(client, plan):
    for name in open_data.TABLE_NAMES:
        response = client.get(f"/api/v1/export/{name}.csv")
        assert response["Content-Type"].startswith("text/csv")
        assert body(response).startswith(b"\xef\xbb\xbf")
    assert client.get("/api/v1/export/nada.csv").status_code == 404


def test_a_new_approval_yields_a_new_package_and_old_ones_are_removed(client, indicator, registrador, revisor):
    first = client.get("/api/v1/export.zip")
    before = rows(zipfile.ZipFile(io.BytesIO(body(first))).read("readings.csv"))
    assert client.get("/api/v1/export.zip", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2022, 1, 1), value=Decimal("4"), source="EPS"
    )
    reading.submit(registrador)
    reading.approve(revisor)
    second = client.get("/api/v1/export.zip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second["ETag"] != first["ETag"]
    readings = rows(zipfile.ZipFile(io.BytesIO(body(second))).read("readings.csv"))
    assert {r["id"] for r in readings} - {r["id"] for r in before} == {str(reading.pk)}
    assert [p.name for p in open_data.root().iterdir() if p.name.startswith("v")] == [open_data.current().name]


@contextmanager
def someone_else_is_building():
    """Hold the build lock as another server's process would (another connection, another file
    description) for the length of the block, or 10 s at most: a request that waits for the lock
    instead of sending the previous package then fails the test instead of hanging it."""
    if connection.vendor == "postgresql":
        other = psycopg2.connect(**connection.get_connection_params())
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [open_data.ADVISORY_LOCK_KEY])
        release = threading.Timer(10, other.close)
    else:
        open_data.root().mkdir(parents=True, exist_ok=True)
        handle = open(open_data.root() / ".lock", "w")  # noqa: SIM115 (closed by the timer or below)
        fcntl.flock(handle, fcntl.LOCK_EX)
        release = threading.Timer(10, handle.close)
    release.start()
    try:
        yield
    finally:
        release.cancel()
        release.function()


def test_while_another_process_builds_the_new_package_the_previous_one_is_sent_at_once(
    client, indicator, registrador, revisor
):
    first = client.get("/api/v1/export.zip")
    before = body(first)
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2022, 1, 1), value=Decimal("4"), source="EPS"
    )
    reading.submit(registrador)
    reading.approve(revisor)
    with someone_else_is_building():
        during = client.get("/api/v1/export.zip")
        assert during.status_code == 200 and during["ETag"] == first["ETag"] and body(during) == before
        assert client.get("/api/v1/export.zip", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    after = client.get("/api/v1/export.zip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    new_ids = {r["id"] for r in rows(zipfile.ZipFile(io.BytesIO(body(after))).read("readings.csv"))}
    assert str(reading.pk) in new_ids


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Carrera con conexiones reales: solo en PostgreSQL (en SQLite la tabla queda bloqueada).",
)
def test_two_concurrent_first_requests_build_once(monkeypatch, indicator):
    make_reading(indicator, date(2021, 1, 1))
    builds, real_build = [], open_data.build
    gate = threading.Barrier(2)

    def counted_build(*args):
        builds.append(args[1])
        real_build(*args)

    monkeypatch.setattr(open_data, "build", counted_build)
    from django.test import Client

    results = []

    def download():
        try:
            gate.wait()
            results.append(body(Client().get("/api/v1/export.zip")))
        finally:
            connection.close()

    threads = [threading.Thread(target=download) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0] == results[1]
    assert len(builds) == 1


def test_the_command_builds_the_current_version(plan):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("build_open_data", stdout=out)
    assert (open_data.current() / "export.zip").is_file()
    assert open_data.current().name in out.getvalue()


def test_the_open_data_page_links_each_table_and_its_dictionary(client, plan):
    page = client.get("/datos-abiertos/").content.decode()
    for name in open_data.TABLE_NAMES:
        assert f'href="/api/v1/export/{name}.csv"' in page
        assert f'href="#diccionario-{name}"' in page and f'id="diccionario-{name}"' in page
    assert "Creative Commons Atribución 4.0" in page and "fecha y hora" in page
    english = client.get("/en/datos-abiertos/").content.decode()
    assert "Data dictionary" in english and "Each table on its own" in english and "Diccionario de datos" not in english


def test_data_json_is_a_dcat_catalogue_of_working_links(client, plan):
    catalog = client.get("/data.json").json()
    assert catalog["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    (dataset,) = catalog["dataset"]
    for key in ("title", "description", "keyword", "modified", "publisher", "contactPoint", "identifier"):
        assert dataset[key], key
    assert dataset["accessLevel"] == "public" and dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    downloads = [d["downloadURL"] for d in dataset["distribution"] if "downloadURL" in d]
    assert len(downloads) == len(open_data.TABLE_NAMES) + 1
    for url in downloads:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


def test_a_late_build_of_an_older_version_never_removes_a_newer_package(plan):
    newer = open_data.version_dir(10**6)
    newer.mkdir(parents=True)
    older = open_data.version_dir(0)
    older.mkdir()
    built = open_data.current(force=True)
    assert newer.is_dir() and built.is_dir()
    assert not older.is_dir() or older == built
