"""Writing through the API goes through the same workflow as the admin; bad input changes nothing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from indicators.access import ROLE_AUDITOR, ROLE_REGISTRADOR
from indicators.models import Reading
from tests.factories import make_count_unit, make_indicator, make_office, make_reading, make_token, make_user

pytestmark = pytest.mark.django_db


def as_token(api, user):
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    return api


GOOD = {"indicator": "AGUA-HORAS", "period": "2021-03-17", "value": "12.5", "source": "EPS Ilo"}


def test_a_registrador_posts_a_draft_with_a_token(api, registrador, indicator):
    response = as_token(api, registrador).post("/api/v1/readings/", GOOD, format="json")
    assert response.status_code == 201, response.json()
    reading = Reading.objects.get()
    assert (reading.status, reading.entered_by, reading.period) == ("draft", registrador, date(2021, 3, 1))


def test_the_whole_cycle_through_the_api(api, registrador, revisor, indicator):
    as_token(api, registrador)
    pk = api.post("/api/v1/readings/", GOOD, format="json").json()["id"]
    assert api.patch(f"/api/v1/readings/{pk}/", {"value": "13"}, format="json").json()["value"] == "13.00"
    assert api.post(f"/api/v1/readings/{pk}/submit/").json()["status"] == "submitted"
    assert api.post(f"/api/v1/readings/{pk}/approve/").status_code == 403  # the registrador does not review
    as_token(api, revisor)
    assert api.post(f"/api/v1/readings/{pk}/approve/").json()["status"] == "approved"
    as_token(api, registrador)
    correction = api.post(
        f"/api/v1/readings/{pk}/correct/",
        {"value": "13.5", "source": "EPS", "reason": "Error de digitación"},
        format="json",
    )
    assert correction.status_code == 201 and correction.json()["corrects"] == pk


@pytest.mark.parametrize(
    "payload, field, message",
    [
        ({**GOOD, "value": "doce"}, "value", "número"),
        (
            {**GOOD, "indicator": "NO-EXISTE"},
            "indicator",
            "No existe un indicador con el código NO-EXISTE en su entidad.",
        ),
        ({**GOOD, "value": "130"}, "value", "fuera del rango"),
        ({**GOOD, "period": (timezone.localdate() + timedelta(days=62)).isoformat()}, "period", "en el futuro"),
        ({**GOOD, "period": "2021-03-01", "source": ""}, "source", "fuente"),
        ({k: v for k, v in GOOD.items() if k != "period"}, "period", ""),
    ],
    ids=["wrong-type", "unknown-indicator", "out-of-range", "future-period", "no-source", "missing-period"],
)
def test_bad_payloads_answer_400_naming_the_field_and_write_nothing(
    api, registrador, indicator, payload, field, message
):
    response = as_token(api, registrador).post("/api/v1/readings/", payload, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert Reading.objects.count() == 0


def test_a_duplicate_of_an_approved_period_is_refused(api, registrador, indicator):
    make_reading(indicator, date(2021, 3, 1))
    response = as_token(api, registrador).post("/api/v1/readings/", GOOD, format="json")
    assert response.status_code == 400 and "registre una corrección" in " ".join(response.json()["period"])
    assert Reading.objects.count() == 1


def test_someone_elses_office_is_forbidden(api, indicator):
    stranger = make_user("otro", ROLE_REGISTRADOR, [make_office("OTRA")])
    response = as_token(api, stranger).post("/api/v1/readings/", GOOD, format="json")
    assert response.status_code == 403 and "no pertenece" in response.json()["detail"]
    assert Reading.objects.count() == 0


@pytest.mark.parametrize("role", [ROLE_AUDITOR, None])
def test_auditors_and_anonymous_write_nothing(api, indicator, role):
    if role:
        as_token(api, make_user("ana", role))
    response = api.post("/api/v1/readings/", GOOD, format="json")
    assert response.status_code in (401, 403)
    assert Reading.objects.count() == 0


def test_an_illegal_step_is_a_409_and_changes_nothing(api, registrador, revisor, indicator):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=12, source="EPS"
    )
    response = as_token(api, revisor).post(f"/api/v1/readings/{reading.pk}/approve/")
    assert response.status_code == 409 and "Borrador" in str(response.json())
    assert Reading.objects.get(pk=reading.pk).status == "draft"


def test_reject_needs_a_reason(api, registrador, revisor, indicator):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=12, source="EPS"
    )
    reading.submit(registrador)
    as_token(api, revisor)
    assert api.post(f"/api/v1/readings/{reading.pk}/reject/", {}, format="json").status_code == 400
    response = api.post(f"/api/v1/readings/{reading.pk}/reject/", {"reason": "Sin sustento"}, format="json")
    assert response.json()["status"] == "rejected"


def test_anonymous_clients_are_throttled_with_retry_after(api, settings, db):
    settings.API_THROTTLE_ANON = "3/min"
    codes = [api.get("/api/v1/offices/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert int(api.get("/api/v1/offices/")["Retry-After"]) > 0


def test_token_clients_are_throttled_too(api, registrador, settings):
    settings.API_THROTTLE_USER = "2/min"
    as_token(api, registrador)
    assert [api.get("/api/v1/offices/").status_code for _ in range(3)] == [200, 200, 429]


def test_withdraw_then_approve_another_then_approve_the_correction_is_409_never_500(
    api, registrador, revisor, indicator
):
    original = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=12, source="EPS"
    )
    original.submit(registrador)
    original.approve(revisor)
    api.force_authenticate(registrador)
    correction = api.post(
        f"/api/v1/readings/{original.pk}/correct/", {"value": "13", "source": "EPS", "reason": "Error"}, format="json"
    ).json()
    assert api.post(f"/api/v1/readings/{correction['id']}/submit/").status_code == 200
    api.force_authenticate(revisor)
    refused = api.post(f"/api/v1/readings/{original.pk}/withdraw/", {"reason": "Duplicada"}, format="json")
    assert refused.status_code == 409 and "corrección en curso" in str(refused.json())
    # The same story with data from before that rule: the original withdrawn, another approved.
    Reading.objects.filter(pk=original.pk).update(status="withdrawn", withdrawn_at=timezone.now())
    make_reading(indicator, date(2021, 3, 1), value=14)
    response = api.post(f"/api/v1/readings/{correction['id']}/approve/")
    assert response.status_code == 409 and "Retirada" in str(response.json())
    assert Reading.objects.get(pk=correction["id"]).status == "submitted"


@pytest.mark.parametrize(
    "value, stored", [("12,5", "12.50"), ("12.5", "12.50"), (12.5, "12.50"), (" 1,5E+1 ", "15.00")]
)
def test_the_api_reads_a_value_as_the_admin_does(api, registrador, indicator, value, stored):
    response = as_token(api, registrador).post("/api/v1/readings/", {**GOOD, "value": value}, format="json")
    assert response.status_code == 201 and response.json()["value"] == stored


def test_a_value_whose_meaning_depends_on_the_convention_is_refused_for_a_unit_with_decimals(
    api, registrador, indicator, office
):
    as_token(api, registrador)
    response = api.post("/api/v1/readings/", {**GOOD, "value": "1.150"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "value": ["«1.150» es ambiguo: ¿1150 o 1.15? Escriba 1150 si son miles, o 1.15 si es un decimal."]
    }
    make_indicator("DENUNCIAS", unit=make_count_unit(), office=office)
    response = api.post("/api/v1/readings/", {**GOOD, "indicator": "DENUNCIAS", "value": "1.150"}, format="json")
    assert response.status_code == 201 and response.json()["value"] == "1150"
    pk = response.json()["id"]
    edited = api.patch(f"/api/v1/readings/{pk}/", {"value": "1,200"}, format="json")  # the reading's own unit
    assert edited.json()["value"] == "1200"


def test_an_outlier_is_approved_only_with_an_explicit_confirmation(api, registrador, revisor, indicator):
    for month, value in enumerate(["9.9", "9.6", "9.8"], start=1):
        make_reading(indicator, date(2021, month, 1), value=value)
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 4, 1), value=98, source="EPS"
    )
    reading.submit(registrador)
    assert reading.is_outlier
    as_token(api, revisor)
    url = f"/api/v1/readings/{reading.pk}/approve/"
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 400
    [message] = refused.json()["confirm_outlier"]
    assert "el anterior: 9.80 % en 03/2021" in message and "9.80 % → 98.00 %: ¿confirma?" in message
    assert api.post(url, {"confirm_outlier": False}, format="json").status_code == 400
    assert Reading.objects.get(pk=reading.pk).status == "submitted"
    assert api.post(url, {"confirm_outlier": True}, format="json").json()["status"] == "approved"


def test_a_second_reading_of_a_period_in_review_is_a_409_naming_the_first(api, registrador, indicator):
    first = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=12, source="EPS"
    )
    first.submit(registrador)
    as_token(api, registrador)
    second = api.post("/api/v1/readings/", GOOD, format="json").json()["id"]
    response = api.post(f"/api/v1/readings/{second}/submit/")
    assert response.status_code == 409
    body = response.json()
    assert body["existing"] == {"id": first.pk, "url": f"http://testserver/api/v1/readings/{first.pk}/"}
    assert "Ya hay una lectura de AGUA-HORAS para 03/2021 en revisión" in body["detail"][0]
    assert Reading.objects.get(pk=second).status == "draft"
