"""The clerk's words on a reading's pages: a rejection says why where its registrador looks, an
atípico value is a warning to look again (never a red ✗), an integer unit asks for a whole number,
and dates read as the guide writes them (dd/mm/aaaa)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from indicators.forms import ValueInput, typing_hint, unit_data
from indicators.models import Reading
from tests.factories import make_count_unit, make_indicator

pytestmark = pytest.mark.django_db

REASON = "Falta el sustento: adjunte el informe de la EPS"


def rejected(indicator, registrador, revisor):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("12.5"), source="EPS"
    )
    reading.submit(registrador)
    reading.reject(revisor, REASON)
    return reading


def review_box(page: str) -> str:
    start = page.index('id="flujo"')
    return page[start : page.index("</div>", page.index('class="workflow-steps"', start))]


def test_the_rejection_reason_is_in_the_review_box_of_the_rejected_reading(client, registrador, revisor, indicator):
    reading = rejected(indicator, registrador, revisor)
    client.force_login(registrador)
    page = client.get(reverse("admin:indicators_reading_change", args=[reading.pk])).content.decode()
    box = review_box(page)
    assert "Motivo del rechazo" in box and REASON in box and "raul" in box
    # The reviewer opening it reads it there too, though no step is theirs to take.
    client.force_login(revisor)
    page = client.get(reverse("admin:indicators_reading_change", args=[reading.pk])).content.decode()
    assert REASON in review_box(page)


def test_the_list_of_readings_to_send_says_why_each_was_rejected(client, registrador, revisor, indicator):
    reading = rejected(indicator, registrador, revisor)
    client.force_login(registrador)
    url = reverse("admin:indicators_reading_changelist")
    page = client.get(f"{url}?indicator__office__id__exact={indicator.office_id}&status__in=draft,rejected")
    row = page.content.decode().split(f"/reading/{reading.pk}/change/")[1].split("</tr>")[0]
    assert "Rechazada" in row and f"Motivo: {REASON}" in row


def test_an_outlier_is_a_warning_to_look_again_not_an_error(client, registrador, revisor, indicator):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("98"), source="EPS"
    )
    reading.submit(registrador)
    Reading.objects.filter(pk=reading.pk).update(is_outlier=True)
    client.force_login(revisor)
    page = client.get(reverse("admin:indicators_reading_change", args=[reading.pk])).content.decode()
    field = page[page.index("Valor atípico:</label>") :].split("</div>")[0]
    assert '<strong class="outlier" title="Valor atípico">⚠ Revise: muy lejos del historial</strong>' in field
    assert "icon-no" not in field and "icon-yes" not in field
    listing = client.get(reverse("admin:indicators_reading_changelist")).content.decode()
    assert "⚠ Revise: muy lejos del historial" in listing and "css/admin-entry.css" in listing
    # Not atípico: a plain "No", not a red ✗ that reads as a failure.
    Reading.objects.filter(pk=reading.pk).update(is_outlier=False)
    page = client.get(reverse("admin:indicators_reading_change", args=[reading.pk])).content.decode()
    field = page[page.index("Valor atípico:</label>") :].split("</div>")[0]
    assert "icon-no" not in field and field.endswith('class="readonly">No')


def test_the_warning_is_amber_not_the_error_red():
    text = (Path(settings.BASE_DIR) / "static" / "css" / "admin-entry.css").read_text(encoding="utf-8")
    rule = next(line for line in text.splitlines() if line.startswith(".outlier, "))
    assert "--warning-fg" in rule and "error" not in rule


def test_an_integer_unit_asks_for_a_whole_number(registrador):
    count = make_indicator("DENUNCIAS", unit=make_count_unit())
    widget = ValueInput()
    widget.unit = count.unit
    html = widget.render("value", None)
    assert "Escriba un número entero, p. ej. 17." in html and "16,8" not in html
    assert unit_data(count.unit)["hint"] == typing_hint(count.unit)  # followed when the indicator changes
    percent = make_indicator("PORCENTAJE").unit
    assert "Escriba 16.8 o 16,8" in typing_hint(percent) and "Escriba 16.8 o 16,8" in typing_hint(None)


def test_the_add_form_of_an_integer_indicator_never_suggests_a_decimal(client, registrador, office):
    count = make_indicator("DENUNCIAS", unit=make_count_unit(), office=office)
    client.force_login(registrador)
    page = client.get(f"{reverse('admin:indicators_reading_add')}?indicator={count.pk}").content.decode()
    rule = page[page.index('class="help value-rule"') :].split("</div>")[0]
    assert "Escriba un número entero, p. ej. 17." in rule and "16.8" not in rule


def test_messages_name_a_reading_with_its_date_as_the_guide_writes_it(registrador, indicator):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("12.5"), source="EPS"
    )
    assert str(reading) == "AGUA-HORAS 01/03/2021: 12.5"
