from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from indicators.access import ROLE_AUDITOR, ROLE_REGISTRADOR
from indicators.models import Reading
from tests.factories import make_indicator, make_office, make_reading, make_user

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:indicators_reading_changelist")


def draft(indicator, user, month):
    return Reading.objects.create_draft(
        user=user, indicator=indicator, period=date(2021, month, 1), value=Decimal("12"), source="EPS"
    )


def act(client, action, readings, **extra):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [r.pk for r in readings], **extra}, follow=True
    )


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)] or [str(m) for m in response.context["messages"]]


def test_a_registrador_adds_a_reading_in_the_admin_as_a_draft(client, registrador, indicator):
    client.force_login(registrador)
    client.post(
        reverse("admin:indicators_reading_add"),
        {
            "indicator": indicator.pk,
            "period": "2021-03-17",
            "value": "12,5",
            "source": "EPS Ilo",
            "note": "",
        },
    )
    reading = Reading.objects.get()
    assert (reading.status, reading.entered_by, reading.period, reading.value) == (
        "draft",
        registrador,
        date(2021, 3, 1),
        Decimal("12.5"),
    )


def test_the_form_shows_spanish_errors_naming_the_field(client, registrador, indicator):
    client.force_login(registrador)
    page = client.post(
        reverse("admin:indicators_reading_add"),
        {
            "indicator": indicator.pk,
            "period": "2021-03-01",
            "value": "130",
            "source": "",
        },
    )
    form = page.context["adminform"].form
    assert "El valor 130 está fuera del rango de la unidad porcentaje (0 a 100)." in form.errors["value"]
    assert Reading.objects.count() == 0


def test_bulk_submit_moves_what_it_may_and_names_what_it_refuses(client, registrador, revisor, indicator):
    first, second = draft(indicator, registrador, 1), draft(indicator, registrador, 2)
    second.submit(registrador)
    client.force_login(registrador)
    response = act(client, "submit_selected", [first, second])
    messages = texts(response)
    assert "1 lectura enviada a revisión." in messages
    assert any("No se pudo" in m and "Enviada a revisión" in m for m in messages)
    assert Reading.objects.get(pk=first.pk).status == "submitted"


def test_bulk_approve_refuses_four_eyes_rows(client, revisor, registrador, indicator, office):
    theirs = draft(indicator, registrador, 1)
    theirs.submit(registrador)
    both = make_user("doble", ROLE_REGISTRADOR, [office])
    both.groups.add(revisor.groups.get())
    own = draft(indicator, both, 2)
    own.submit(both)
    client.force_login(both)
    messages = texts(act(client, "approve_selected", [theirs, own]))
    assert "1 lectura aprobada." in messages
    assert any("cuatro ojos" in m for m in messages)
    assert Reading.objects.get(pk=theirs.pk).status == "approved"
    assert Reading.objects.get(pk=own.pk).status == "submitted"


def test_reject_asks_for_a_reason_first(client, registrador, revisor, indicator):
    reading = draft(indicator, registrador, 1)
    reading.submit(registrador)
    client.force_login(revisor)
    page = act(client, "reject_selected", [reading])
    assert "Motivo" in page.content.decode()
    assert Reading.objects.get(pk=reading.pk).status == "submitted"
    act(client, "reject_selected", [reading], apply="1", reason="Falta el sustento")
    reading.refresh_from_db()
    assert (reading.status, reading.review_note) == ("rejected", "Falta el sustento")


def test_the_correction_page_opens_a_new_review_cycle(client, registrador, revisor, indicator):
    reading = draft(indicator, registrador, 1)
    reading.submit(registrador)
    reading.approve(revisor)
    client.force_login(registrador)
    client.post(
        reverse("admin:indicators_reading_correct", args=[reading.pk]),
        {"value": "13,5", "source": "EPS", "note": "", "reason": "Error de digitación"},
    )
    correction = Reading.objects.get(corrects=reading)
    assert (correction.status, correction.value) == ("draft", Decimal("13.5"))
    assert Reading.objects.get(pk=reading.pk).status == "approved"


def test_each_role_sees_only_what_it_may(client, registrador, indicator):
    draft(indicator, registrador, 1)
    make_reading(indicator, date(2020, 1, 1))
    other = make_indicator("OTRO", office=make_office("OTRA"))
    make_reading(other, date(2020, 1, 1), status="draft")
    client.force_login(registrador)
    assert client.get(CHANGELIST).context["cl"].result_count == 2
    client.force_login(make_user("ana", ROLE_AUDITOR))
    assert client.get(CHANGELIST).context["cl"].result_count == 3


def test_an_auditor_sees_everything_and_changes_nothing(client, registrador, indicator):
    reading = draft(indicator, registrador, 1)
    client.force_login(make_user("ana", ROLE_AUDITOR))
    change = reverse("admin:indicators_reading_change", args=[reading.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"value": "1", "source": "x"}).status_code == 403
    assert client.get(reverse("admin:indicators_reading_add")).status_code == 403
    assert client.get(reverse("admin:indicators_reading_history", args=[reading.pk])).status_code == 200
    assert client.post(reverse("admin:goals_plan_add"), {}).status_code == 403
    assert Reading.objects.get(pk=reading.pk).value == Decimal("12")


def test_nothing_is_deleted_through_the_admin(client, registrador, indicator):
    reading = draft(indicator, registrador, 1)
    client.force_login(make_user("jefa", is_superuser=True))
    assert client.get(reverse("admin:indicators_reading_delete", args=[reading.pk])).status_code == 403


def test_the_history_page_shows_before_and_after(client, registrador, indicator):
    reading = draft(indicator, registrador, 1)
    reading.edit(registrador, value=Decimal("13"))
    client.force_login(make_user("ana", ROLE_AUDITOR))
    page = client.get(reverse("admin:indicators_reading_history", args=[reading.pk])).content.decode()
    assert "12 &nbsp;&rarr;&nbsp;&nbsp;13" in " ".join(page.split()) and "edición" in page and "rosa" in page
    assert ".0000" not in page
    assert "Cambiado por" in page and "Changed by" not in page  # simple-history's headings, in Spanish


def test_an_edit_that_another_step_got_to_first_is_a_spanish_message(client, registrador, indicator, monkeypatch):
    reading = draft(indicator, registrador, 1)
    lock = Reading._lock_as_read

    def someone_submits_it_first(self):
        Reading.objects.filter(pk=self.pk).update(status="submitted", updated_at=timezone.now())
        lock(self)

    monkeypatch.setattr(Reading, "_lock_as_read", someone_submits_it_first)
    client.force_login(registrador)
    url = reverse("admin:indicators_reading_change", args=[reading.pk])
    response = client.post(url, {"period": "2021-01-01", "value": "13", "source": "EPS", "note": ""}, follow=True)
    assert response.status_code == 200
    assert any("No se guardó: Otra persona cambió esta lectura" in m for m in texts(response))
    assert Reading.objects.get(pk=reading.pk).value == Decimal("12")


def test_bulk_approval_of_two_readings_of_one_period_approves_one_and_names_the_other(
    client, registrador, revisor, indicator
):
    # Two submitted readings of one period, as data from before submission refused the second.
    first = draft(indicator, registrador, 1)
    first.submit(registrador)
    second = make_reading(indicator, date(2021, 1, 1), status="submitted", entered_by=registrador)
    client.force_login(revisor)
    messages = texts(act(client, "approve_selected", [first, second]))
    assert "1 lectura aprobada." in messages
    assert any("Ya hay una lectura aprobada para AGUA-HORAS en 01/2021" in m for m in messages)
    assert Reading.objects.filter(status="approved").count() == 1
