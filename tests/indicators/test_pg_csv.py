"""The readings CSV that PostgreSQL writes (COPY) is byte for byte the one Python writes."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection

from indicators import pg_csv
from indicators.access import ROLE_AUDITOR
from tests.factories import make_indicator, make_reading, make_unit, make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]

HOSTILE = [
    '=HYPERLINK("http://x","clic")',
    "+51 053 481234",
    "-dato preliminar",
    "@SUM(A1)",
    "\tcon tabulación",
    "\rcon retorno",
    "coma, dentro",
    "punto;y coma",
    'comillas "dobles"',
    "dos\nlíneas",
    "windows\r\nlíneas",
    "barra \\ invertida \\n no es salto",
    "Ñandú, acentos áéíóú ü",
    "-3.5",
    "+2",
    "-27,8",
    "1E+5",
    "- ",
    "'=ya citado",
    "",
]


@pytest.fixture
def hostile_readings(office):
    unit = make_unit(code="variacion-pg", name="Variación", symbol="%", min_value=Decimal(-100), decimals=2)
    indicator = make_indicator("PG-CSV", unit=unit, office=office, source="=1+1")
    other = make_indicator("=PG-OTRO", unit=unit, office=office)
    author = make_user("@autora")
    moments = [
        datetime(2021, 5, 4, 12, 30, tzinfo=UTC),
        datetime(2021, 5, 4, 5, 0, 0, 123456, tzinfo=UTC),
        datetime(2021, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    ]
    readings = []
    for year, source in enumerate(HOSTILE, start=1990):
        note = HOSTILE[(year + 3) % len(HOSTILE)]
        value = Decimal("-3.5") if year % 2 else Decimal("12.3456")
        readings.append(
            make_reading(
                indicator,
                date(year, 1, 1),
                value,
                source=source or "vacía",
                note=note,
                approved_at=moments[year % 3],
                entered_by=author,
                is_outlier=bool(year % 3),
            )
        )
    make_reading(other, date(2020, 1, 1), Decimal("0"), source="x", note="")
    make_reading(
        indicator,
        date(2030, 1, 1),
        Decimal("1"),
        source="a",
        corrects=readings[0],
        correction_reason="motivo, con coma\ny salto",
    )
    return indicator


def both(client, monkeypatch, params):
    copies, copy_lines = [], pg_csv.copy_lines
    monkeypatch.setattr(pg_csv, "copy_lines", lambda sql, zone: copies.append(sql) or copy_lines(sql, zone))
    by_postgres = client.get("/api/v1/readings/", {"format": "csv", **params})
    assert by_postgres.status_code == 200
    postgres = b"".join(by_postgres.streaming_content)
    assert len(copies) == 1, "written by COPY"
    monkeypatch.setattr(pg_csv, "available", lambda: False)
    python = b"".join(client.get("/api/v1/readings/", {"format": "csv", **params}).streaming_content)
    monkeypatch.undo()
    return postgres, python


@pytest.mark.parametrize(
    "params",
    [{}, {"indicator": "PG-CSV"}, {"ordering": "-value"}, {"period_after": "2000-01-01"}],
    ids=["all", "indicator", "ordering", "period"],
)
def test_the_public_csv_is_the_same_by_postgres_and_by_python(client, monkeypatch, hostile_readings, params):
    postgres, python = both(client, monkeypatch, params)
    assert postgres.count(b"\r\n") >= 3
    assert postgres == python
    # The unit's two decimals, a value's own four kept; yes/no in words.
    assert b'"-3.50"' in postgres and b'"12.3456"' in postgres and b'"-3.5000"' not in postgres
    assert b'"true"' in postgres and b'"True"' not in postgres


def test_the_auditors_csv_with_names_is_the_same_too(client, monkeypatch, hostile_readings):
    client.force_login(make_user("ana", ROLE_AUDITOR))
    postgres, python = both(client, monkeypatch, {})
    assert b"'@autora" in postgres
    assert postgres == python


def test_the_copy_is_streamed_in_batches(client, hostile_readings, monkeypatch):
    monkeypatch.setattr(pg_csv, "BATCH_BYTES", 10)
    response = client.get("/api/v1/readings/", {"format": "csv"})
    chunks = list(response.streaming_content)
    assert len(chunks) > 10  # header, then one batch per line or so


@pytest.mark.slow  # real connections
@pytest.mark.django_db(transaction=True)
def test_a_download_cut_short_leaves_the_connection_usable(client, hostile_readings, monkeypatch):
    monkeypatch.setattr(pg_csv, "BATCH_BYTES", 10)
    monkeypatch.setattr(pg_csv, "QUEUE_BATCHES", 1)
    response = client.get("/api/v1/readings/", {"format": "csv"})
    stream = iter(response.streaming_content)
    next(stream), next(stream)
    response.close()  # the client went away
    again = client.get("/api/v1/readings/", {"format": "csv"})
    assert b"PG-CSV" in b"".join(again.streaming_content)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "Europe/London"])
def test_times_match_in_any_time_zone(client, monkeypatch, hostile_readings, settings, zone):
    settings.TIME_ZONE = zone
    postgres, python = both(client, monkeypatch, {})
    assert postgres == python


def test_plain_orderings_are_sorted_where_the_cells_are_formatted(client, monkeypatch, hostile_readings):
    from django.db.models import F

    from indicators.models import Reading

    readings = Reading.objects.all()
    assert pg_csv.plain_ordering(readings.order_by("indicator__code", "-period", "pk")) == [
        ("indicator__code", False),
        ("period", True),
        ("pk", False),
    ]
    # Django sorts a relation by the related model's ordering, and these are not columns: kept inside.
    for unplain in (readings.order_by("indicator"), readings.order_by("?"), readings.order_by(F("value").desc())):
        assert pg_csv.plain_ordering(unplain) is None
    copies, copy_lines = [], pg_csv.copy_lines
    monkeypatch.setattr(pg_csv, "copy_lines", lambda sql, zone: copies.append(sql) or copy_lines(sql, zone))
    client.get("/api/v1/readings/", {"format": "csv", "ordering": "-value"}).getvalue()
    assert copies[0].endswith("ORDER BY k0 DESC, k1 OFFSET 0) AS f"), "the id breaks ties"


def show_parallel_workers():
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return cursor.fetchone()[0]


def test_only_the_export_runs_with_parallel_workers(settings):
    # Web queries read a few rows: no parallel workers to start (settings). The export's COPY asks
    # for them and gives the session's setting back when it ends.
    assert show_parallel_workers() == "0"
    settings.EXPORT_PARALLEL_WORKERS = 3
    during = b"".join(pg_csv.copy_lines("SELECT current_setting('max_parallel_workers_per_gather')", "UTC"))
    assert during == b"3\r\n"
    assert show_parallel_workers() == "0"
