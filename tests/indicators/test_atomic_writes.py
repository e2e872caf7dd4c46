"""A workflow write interrupted after its first statement leaves nothing behind: the reading, its
history row and the data version commit together or not at all."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from simple_history.models import HistoricalRecords

from core import versions
from indicators.models import Reading
from tests.factories import make_reading

pytestmark = pytest.mark.django_db


class Crash(Exception):
    """The connection dying in the middle of a write."""


@pytest.fixture
def history_insert_fails(monkeypatch):
    def crash(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(HistoricalRecords, "create_historical_record", crash)


@pytest.fixture
def version_bump_fails(monkeypatch):
    def crash(*scopes):
        raise Crash

    monkeypatch.setattr(versions, "bump", crash)


def everything():
    """What a write could leave behind: every reading, every history row, the data version."""
    readings = list(Reading.objects.order_by("pk").values_list("pk", "status", "value", "updated_at"))
    return readings, list(Reading.history.values_list("history_id", flat=True)), versions.current(versions.EVERYTHING)


def submitted(indicator, registrador):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("12"), source="EPS"
    )
    reading.submit(registrador)
    return reading


@pytest.mark.parametrize("failure", ["history_insert_fails", "version_bump_fails"])
def test_a_registration_that_fails_midway_writes_nothing(request, failure, indicator, registrador):
    before = everything()
    request.getfixturevalue(failure)
    with pytest.raises(Crash):
        Reading.objects.create_draft(
            user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("12"), source="EPS"
        )
    assert everything() == before


@pytest.mark.parametrize("failure", ["history_insert_fails", "version_bump_fails"])
@pytest.mark.parametrize("step", ["submit", "approve", "reject", "withdraw", "edit"])
def test_a_step_that_fails_midway_changes_nothing(request, failure, step, indicator, registrador, revisor):
    reading = submitted(indicator, registrador) if step in ("approve", "reject") else None
    reading = reading or Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("12"), source="EPS"
    )
    calls = {
        "submit": lambda: reading.submit(registrador),
        "approve": lambda: reading.approve(revisor),
        "reject": lambda: reading.reject(revisor, "Sin sustento"),
        "withdraw": lambda: reading.withdraw(registrador, "Duplicada"),
        "edit": lambda: reading.edit(registrador, value=Decimal("13")),
    }
    before = everything()
    request.getfixturevalue(failure)
    with pytest.raises(Crash):
        calls[step]()
    assert everything() == before


def test_an_approved_correction_that_fails_on_its_second_save_leaves_the_original_public(
    monkeypatch, indicator, registrador, revisor
):
    original = submitted(indicator, registrador)
    original.approve(revisor)
    correction = original.correct(registrador, value=Decimal("13"), source="EPS", reason="Error de digitación")
    correction.submit(registrador)
    before = everything()
    bump, calls = versions.bump, []

    def bump_once_then_crash(*scopes):
        calls.append(1)
        if len(calls) > 1:  # the original is already marked superseded when the correction saves
            raise Crash
        bump(*scopes)

    monkeypatch.setattr(versions, "bump", bump_once_then_crash)
    with pytest.raises(Crash):
        correction.approve(revisor)
    assert everything() == before
    assert Reading.objects.approved().get() == original


def test_a_withdrawal_that_fails_midway_stays_public_and_the_public_cache_agrees(
    client, settings, request, indicator, revisor
):
    settings.PUBLIC_CACHE_SECONDS = 600
    reading = make_reading(indicator, date(2021, 3, 1))
    url = f"/api/v1/readings/?indicator={indicator.code}"
    assert client.get(url).json()["count"] == 1
    before = everything()
    request.getfixturevalue("version_bump_fails")
    with pytest.raises(Crash):
        reading.withdraw(revisor, "Duplicada")
    assert everything() == before
    assert client.get(url).json()["count"] == Reading.objects.approved().count() == 1


def test_an_api_step_that_fails_midway_answers_an_error_and_writes_nothing(request, indicator, registrador, revisor):
    reading = submitted(indicator, registrador)
    before = everything()
    request.getfixturevalue("version_bump_fails")
    api = Client(raise_request_exception=False)
    api.force_login(revisor)
    assert api.post(f"/api/v1/readings/{reading.pk}/approve/").status_code == 500
    assert everything() == before
