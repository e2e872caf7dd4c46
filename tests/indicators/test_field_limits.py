"""One row validation for every door: the model's workflow, the admin's forms, the API and the
imports refuse the same texts and numbers with the same Spanish words, and write nothing."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from indicators import imports
from indicators.models import Reading
from tests.factories import make_count_unit, make_indicator, make_reading

pytestmark = pytest.mark.django_db

GOOD = {"period": "2021-03-01", "value": "12", "source": "EPS Ilo", "note": ""}
CASES = [
    ("note", "n" * 2001, "Tiene 2,001 caracteres; el máximo es 2,000."),
    ("note", "a\x01b", "Contiene un carácter invisible no permitido (U+0001) en la posición 2"),
    ("source", "F" * 301, "Tiene 301 caracteres; el máximo es 300."),
    ("source", "EPS\nIlo", "Contiene un salto de línea o tabulación no permitido (U+000A) en la posición 4"),
]
IDS = ["long-note", "control-in-note", "long-source", "newline-in-source"]
# The admin's own source box stops typing at 300 (maxlength) and says so in Django's words.
DJANGO_MAX_LENGTH = "Asegúrese de que este valor tenga menos de 300 caracteres (tiene 301)."


def through_the_model(client, registrador, approved, field, text):
    indicator = approved.indicator
    data = {**GOOD, "period": date(2021, 3, 1), field: text}
    with pytest.raises(ValidationError) as refusal:
        Reading.objects.create_draft(user=registrador, indicator=indicator, **data)
    return refusal.value.message_dict[field]


def through_the_admin(client, registrador, approved, field, text):
    indicator = approved.indicator
    client.force_login(registrador)
    page = client.post(reverse("admin:indicators_reading_add"), {**GOOD, "indicator": indicator.pk, field: text})
    assert page.status_code == 200
    return page.context["adminform"].form.errors[field]


def through_the_admin_correction(client, registrador, approved, field, text):
    client.force_login(registrador)
    page = client.post(
        reverse("admin:indicators_reading_correct", args=[approved.pk]), {**GOOD, "reason": "Error", field: text}
    )
    assert page.status_code == 200
    return page.context["form"].errors[field]


def through_the_api(client, registrador, approved, field, text):
    api = APIClient()
    api.force_authenticate(registrador)
    # json.dumps escapes every character, even a lone surrogate, as a client library would.
    payload = json.dumps({**GOOD, "indicator": approved.indicator.code, field: text})
    response = api.post("/api/v1/readings/", payload, content_type="application/json")
    assert response.status_code == 400
    return response.json()[field]


def through_the_api_correction(client, registrador, approved, field, text):
    api = APIClient()
    api.force_authenticate(registrador)
    payload = {"value": "13", "source": "EPS", "note": "", "reason": "Error", field: text}
    response = api.post(
        f"/api/v1/readings/{approved.pk}/correct/", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400
    return response.json()[field]


def through_an_import(client, registrador, approved, field, text):
    row = {**GOOD, "indicator_code": approved.indicator.code, field: text}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(imports.READ)  # the English headers, which imports accept too
    writer.writerow([row[name] for name in imports.READ])
    report = imports.import_file(buffer.getvalue().encode("utf-8"), "l.csv", registrador)
    return [error.message for error in report.errors if error.column == field]


DOORS = [
    through_the_model,
    through_the_admin,
    through_the_admin_correction,
    through_the_api,
    through_the_api_correction,
    through_an_import,
]


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.__name__)
@pytest.mark.parametrize("field, text, message", CASES, ids=IDS)
def test_every_door_refuses_the_same_text_with_the_same_words(
    client, registrador, indicator, door, field, text, message
):
    approved = make_reading(indicator, date(2020, 1, 1))
    before = Reading.objects.count(), Reading.history.count()
    messages = door(client, registrador, approved, field, text)
    if door is through_the_admin and text == "F" * 301:
        message = DJANGO_MAX_LENGTH
    assert any(message in m for m in messages), messages
    assert (Reading.objects.count(), Reading.history.count()) == before


def test_a_lone_surrogate_never_reaches_the_database(client, registrador, indicator):
    approved = make_reading(indicator, date(2020, 1, 1))
    message = "Contiene un carácter invisible no permitido (U+D800) en la posición 5"
    for door in (through_the_model, through_the_api, through_the_api_correction):
        assert any(message in m for m in door(client, registrador, approved, "source", "EPS \ud800"))
    assert Reading.objects.count() == 1


@pytest.mark.parametrize("value", ["1E+999999", "1E+999999999", "12345678901234567", 1e300])
def test_the_api_refuses_numbers_beyond_the_column_briefly(registrador, indicator, value):
    api = APIClient()
    api.force_authenticate(registrador)
    response = api.post("/api/v1/readings/", {**GOOD, "indicator": indicator.code, "value": value}, format="json")
    assert response.status_code == 400 and len(response.content) < 500
    assert Reading.objects.count() == 0


@pytest.mark.parametrize("value", ["1E+999999", "1E+999999999", "12345678901234567", "9" * 5000])
def test_the_admin_form_refuses_numbers_beyond_the_column_briefly(client, registrador, indicator, value):
    client.force_login(registrador)
    page = client.post(reverse("admin:indicators_reading_add"), {**GOOD, "indicator": indicator.pk, "value": value})
    assert page.status_code == 200 and len(page.content) < 50_000
    [message] = page.context["adminform"].form.errors["value"]
    assert "se admiten hasta 12 cifras enteras y 4 decimales" in message or "más de 40 caracteres" in message
    assert Reading.objects.count() == 0


def test_a_value_at_the_column_limit_is_kept_exactly(registrador, office):
    counted = make_indicator("CONTEO", unit=make_count_unit(), office=office)
    reading = Reading.objects.create_draft(
        user=registrador, indicator=counted, period=date(2021, 1, 1), value=Decimal("999999999999"), source="X"
    )
    reading.refresh_from_db()
    assert reading.value == Decimal("999999999999")
