"""Two people acting on one reading at the same moment, through the model and through the API, on
PostgreSQL with real connections: exactly one wins, the others are told 409, never 500."""

import threading
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from core import versions
from indicators.access import ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Reading, TransitionError
from tests.factories import entity_of, make_plan_tree, make_reading, make_user

pytestmark = [
    pytest.mark.slow,  # races on real connections
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Carreras con conexiones reales: solo en PostgreSQL (SQLite serializa toda escritura).",
    ),
]
CHANNELS = ["modelo", "api"]  # the model verbs, and the HTTP API in front of them


def race(*contenders):
    """Runs each contender in its own thread and database connection. A contender is a pair
    (read, act): every `read` runs first, then a barrier releases all the `act`s at once."""
    barrier = threading.Barrier(len(contenders))
    outcomes = [None] * len(contenders)

    def run(index, read, act):
        # A thread starts outside the suite's operator scope (conftest): the model verbs act as
        # the operator's would; the API's requests get each person's scope from the API.
        try:
            with scopes_disabled():
                state = read()
                barrier.wait(timeout=30)
                outcomes[index] = act(state)
        except Exception as error:  # reported in the outcome, so the test names it
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *contender)) for i, contender in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def contender(channel, user, verb, pk, **data):
    """`user` doing `verb` on reading `pk`: through the model (having read the reading before the
    barrier) or through the API (whose view reads it after). Outcome: "ok", "409", or what else happened."""
    if channel == "modelo":

        def act(reading):
            try:
                getattr(reading, verb)(user, **data)
            except TransitionError:
                return "409"
            return "ok"

        return (lambda: Reading.objects.get(pk=pk)), act

    client = Client(raise_request_exception=False)
    client.force_login(user)

    def request(_):
        status = client.post(f"/api/v1/readings/{pk}/{verb}/", data, content_type="application/json").status_code
        return "ok" if status in (200, 201) else str(status)

    return (lambda: None), request


def submitted(indicator, registrador, month):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, month, 1), value=Decimal("12"), source="EPS"
    )
    reading.submit(registrador)
    return reading


@pytest.fixture
def second_revisor(office):
    return make_user("rita", ROLE_REVISOR, [office])


@pytest.fixture
def second_registrador(office):
    return make_user("rebeca", ROLE_REGISTRADOR, [office])


def reasons(reading):
    return list(reading.history.order_by("history_id").values_list("history_change_reason", flat=True))


# Each test runs its race once per channel, on a reading of its own month: a transactional test
# costs a flush of the whole database, so the channels share one.


def test_approve_against_reject(indicator, registrador, revisor, second_revisor):
    for month, channel in enumerate(CHANNELS, start=1):
        reading = submitted(indicator, registrador, month)
        outcomes = race(
            contender(channel, revisor, "approve", reading.pk),
            contender(channel, second_revisor, "reject", reading.pk, reason="No coincide con la EPS"),
        )
        assert outcomes == ["409", "ok"], channel
        reading.refresh_from_db()
        winner = {"approved": "aprobada", "rejected": "rechazada: No coincide con la EPS"}[reading.status]
        assert reasons(reading) == ["registro", "enviada a revisión", winner]


def test_approve_against_approve(indicator, registrador, revisor, second_revisor):
    for month, channel in enumerate(CHANNELS, start=1):
        reading = submitted(indicator, registrador, month)
        outcomes = race(
            contender(channel, revisor, "approve", reading.pk),
            contender(channel, second_revisor, "approve", reading.pk),
        )
        assert outcomes == ["409", "ok"], channel
        assert reasons(reading) == ["registro", "enviada a revisión", "aprobada"]


def test_two_readings_of_one_period_submitted_at_once(indicator, registrador, second_registrador):
    for month, channel in enumerate(CHANNELS, start=1):
        first, duplicate = (
            Reading.objects.create_draft(
                user=user, indicator=indicator, period=date(2021, month, 1), value=Decimal("12"), source="EPS"
            )
            for user in (registrador, second_registrador)
        )
        outcomes = race(
            contender(channel, registrador, "submit", first.pk),
            contender(channel, second_registrador, "submit", duplicate.pk),
        )
        assert outcomes == ["409", "ok"], channel
        statuses = Reading.objects.filter(period=first.period).values_list("status", flat=True)
        assert sorted(statuses) == ["draft", "submitted"]


def test_two_readings_of_one_period_approved_at_once(indicator, registrador, revisor):
    for month, channel in enumerate(CHANNELS, start=1):
        # Two in review at once: data from before a second submission of a period was refused.
        first = submitted(indicator, registrador, month)
        duplicate = make_reading(indicator, date(2021, month, 1), status="submitted", entered_by=registrador)
        outcomes = race(
            contender(channel, revisor, "approve", first.pk),
            contender(channel, revisor, "approve", duplicate.pk),
        )
        assert outcomes == ["409", "ok"], channel
        statuses = Reading.objects.filter(period=first.period).values_list("status", flat=True)
        assert sorted(statuses) == ["approved", "submitted"]


def test_a_correction_against_a_withdrawal(indicator, registrador, revisor):
    for month, channel in enumerate(CHANNELS, start=1):
        original = submitted(indicator, registrador, month)
        original.approve(revisor)
        outcomes = race(
            contender(channel, registrador, "correct", original.pk, value="13", source="EPS", reason="Error"),
            contender(channel, revisor, "withdraw", original.pk, reason="Duplicada"),
        )
        assert outcomes == ["409", "ok"], channel
        original.refresh_from_db()
        corrections = list(original.corrections.values_list("status", flat=True))
        assert (original.status, corrections) in [("withdrawn", []), ("approved", ["draft"])]


def test_two_corrections_at_once(indicator, registrador, second_registrador, revisor):
    for month, channel in enumerate(CHANNELS, start=1):
        original = submitted(indicator, registrador, month)
        original.approve(revisor)
        outcomes = race(
            contender(channel, registrador, "correct", original.pk, value="13", source="EPS", reason="Error"),
            contender(channel, second_registrador, "correct", original.pk, value="14", source="EPS", reason="Otro"),
        )
        assert outcomes == ["409", "ok"], channel
        assert original.corrections.count() == 1


def test_an_admin_edit_against_an_api_submission_is_never_a_500(indicator, registrador):
    draft = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 4, 1), value=Decimal("12"), source="EPS"
    )
    admin = Client(raise_request_exception=False)
    admin.force_login(registrador)
    change = reverse("admin:indicators_reading_change", args=[draft.pk])
    form = {"period": "2021-04-01", "value": "13", "source": "EPS", "note": ""}
    outcomes = race(
        ((lambda: None), lambda _: str(admin.post(change, form).status_code)),
        contender("api", registrador, "submit", draft.pk),
    )
    assert set(outcomes) <= {"ok", "409", "302", "403"}, outcomes
    draft.refresh_from_db()
    latest = draft.history.order_by("history_id").last()
    assert (latest.status, latest.value) == (draft.status, draft.value)


def test_the_public_cache_never_serves_a_withdrawn_reading_once_the_withdrawal_commits(settings, indicator, revisor):
    settings.PUBLIC_CACHE_SECONDS = 600
    cache.clear()
    reading = make_reading(indicator, date(2021, 3, 1))
    url = f"/api/v1/readings/?indicator={indicator.code}"
    public = Client()
    version = versions.current().counter
    bumped, release = threading.Event(), threading.Event()
    bump = versions.bump

    def bump_then_hold_the_transaction_open(*scopes):
        bump(*scopes)
        bumped.set()
        release.wait(timeout=30)

    def withdraw():
        try:
            with scopes_disabled():
                reading.withdraw(revisor, "Duplicada")
        finally:
            connection.close()

    with mock.patch.object(versions, "bump", bump_then_hold_the_transaction_open):
        thread = threading.Thread(target=withdraw)
        thread.start()
        assert bumped.wait(timeout=30)
        # Written but not committed: still public, and the new version is not visible yet either.
        assert versions.current().counter == version
        assert public.get(url).json()["count"] == 1  # cached under the old version
        release.set()
        thread.join(timeout=30)
    assert Reading.objects.get(pk=reading.pk).status == "withdrawn"
    assert public.get(url).json()["count"] == 0
    cache.clear()


def test_approvals_in_two_plans_never_wait_for_each_other():
    """Each plan has its own data version (core.versions): an approval holding its transaction
    open after bumping plan A's counter leaves an approval in plan B free to commit."""
    first = make_plan_tree("plan-a", entity=entity_of("1803"))
    second = make_plan_tree("plan-b", entity=entity_of("180302"))
    held, free = (
        submitted(target.indicator, make_user(None, ROLE_REGISTRADOR, [target.indicator.office]), 1)
        for target in (first, second)
    )
    revisor_a = make_user("ana-revisora", ROLE_REVISOR, [first.indicator.office])
    revisor_b = make_user("beto-revisor", ROLE_REVISOR, [second.indicator.office])
    bumped, release = threading.Event(), threading.Event()
    bump = versions.bump
    holder = {}

    def bump_then_hold_if_plan_a(*scopes):
        bump(*scopes)
        if threading.current_thread() is holder.get("thread"):
            bumped.set()
            release.wait(timeout=30)

    def approve(reading, user, seconds):
        try:
            with scopes_disabled():
                with connection.cursor() as cursor:  # a wait on plan A's row would fail, not hang
                    cursor.execute("SET lock_timeout = %s", [f"{seconds}s"])
                Reading.objects.get(pk=reading.pk).approve(user)
            return "ok"
        except Exception as error:
            return repr(error)
        finally:
            connection.close()

    outcome = {}
    with mock.patch.object(versions, "bump", bump_then_hold_if_plan_a):
        holder["thread"] = threading.Thread(target=lambda: outcome.setdefault("a", approve(held, revisor_a, 60)))
        holder["thread"].start()
        assert bumped.wait(timeout=30)  # plan A's counter written, its transaction open
        other = threading.Thread(target=lambda: outcome.setdefault("b", approve(free, revisor_b, 5)))
        other.start()
        other.join(timeout=20)
        b_done_while_a_held = not other.is_alive() and holder["thread"].is_alive()
        release.set()
        holder["thread"].join(timeout=30)
    assert b_done_while_a_held and outcome == {"a": "ok", "b": "ok"}, outcome
    assert Reading.objects.get(pk=held.pk).status == Reading.objects.get(pk=free.pk).status == "approved"
