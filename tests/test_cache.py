"""Public pages and API reads come from the cache until any record changes, and never for staff."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals.models import StrategicAxis, Target
from indicators.models import Reading
from tests.factories import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings, plan):
    settings.PUBLIC_CACHE_SECONDS = 600
    load_demo()
    cache.clear()
    yield
    cache.clear()


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        body = client.get(url).content.decode()
    return len(context.captured_queries), body


@pytest.mark.parametrize("url", ["/", "/metas/S1.1-M/", "/api/v1/targets/", "/api/v1/readings/?indicator=AGUA-HORAS"])
def test_a_second_visit_costs_one_query(client, cached, url):
    first, body = queries(client, url)
    second, again = queries(client, url)
    assert first > 1 and second == 1  # only the data version
    assert again == body


def submitted_reading():
    return Reading.objects.filter(status="submitted").order_by("period").first()


def test_an_approval_shows_at_once(client, cached):
    reading = submitted_reading()
    url = f"/api/v1/readings/?indicator=AGUA-HORAS&period_from={reading.period}&period_to={reading.period}"
    assert client.get(url).json()["count"] == 0
    reading.approve(get_user_model().objects.get(username="demo-revisor"))
    assert client.get(url).json()["count"] == 1


def test_a_correction_shows_at_once(client, cached):
    reading = Reading.objects.approved().filter(indicator__code="ECE-SEC-LECTURA", is_demo=True).last()
    before = client.get("/metas/S3.1-M/").content.decode()
    assert "Corregido el" not in before
    correction = reading.correct(reading.entered_by, value=Decimal("44"), source="MINEDU", reason="Error")
    correction.submit(reading.entered_by)
    correction.approve(reading.reviewed_by, confirm_outlier=True)  # 37.37 → 44 is atípico
    assert "Corregido el" in client.get("/metas/S3.1-M/").content.decode()


def test_a_withdrawal_shows_at_once(client, cached):
    reading = Reading.objects.approved().filter(indicator__code="AGUA-HORAS").order_by("-period").first()
    url = f"/api/v1/readings/?indicator=AGUA-HORAS&period_from={reading.period}&period_to={reading.period}"
    assert client.get(url).json()["count"] == 1
    reading.withdraw(reading.reviewed_by, "Duplicada")
    assert client.get(url).json()["count"] == 0


def test_a_plan_edit_shows_at_once(client, cached):
    client.get("/ejes/2/")
    axis = StrategicAxis.objects.get(number=2)
    axis.name = "Agua de calidad para todos"
    axis.save()
    assert "Agua de calidad para todos" in client.get("/ejes/2/").content.decode()
    target = Target.objects.get(code="S1.1-M")
    target.sentence = "En promedio: 19 horas al día de agua potable."
    target.save()
    assert "19 horas" in client.get("/api/v1/targets/S1.1-M/").content.decode()


def test_staff_never_get_cached_pages(client, cached):
    client.get("/")
    client.force_login(get_user_model().objects.get(username="demo-auditor"))
    count, _ = queries(client, "/")
    assert count > 1


@pytest.fixture
def version_remembered(settings, monkeypatch):
    """Outside a transaction that bumped the version (each test runs inside one that did, the
    demo's load), the version is remembered for DATA_VERSION_SECONDS."""
    settings.DATA_VERSION_SECONDS = 60
    monkeypatch.setattr(connection, "_data_version_bumped", False, raising=False)


def test_a_cached_visit_within_the_version_memo_costs_no_query(client, cached, version_remembered):
    first, body = queries(client, "/api/v1/targets/")
    second, again = queries(client, "/api/v1/targets/")
    assert first > 1 and second == 0
    assert again == body


def test_a_change_in_this_process_shows_at_once_even_with_the_version_remembered(client, cached, version_remembered):
    reading = submitted_reading()
    url = f"/api/v1/readings/?indicator=AGUA-HORAS&period_from={reading.period}&period_to={reading.period}"
    assert client.get(url).json()["count"] == 0
    assert client.get(url).json()["count"] == 0  # from the cache, the version remembered
    reading.approve(get_user_model().objects.get(username="demo-revisor"))
    assert client.get(url).json()["count"] == 1
