"""The reading's page is where work happens: the value as people type it, the steps each person
may take there, the atípico confirmation, one reading in review per period, and the words."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from core.admin_base import is_feminine, saved_message
from indicators.access import ROLE_AUDITOR, ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Reading
from tests.factories import make_count_unit, make_indicator, make_reading, make_unit, make_user

pytestmark = pytest.mark.django_db
ADD = reverse("admin:indicators_reading_add")
CHANGELIST = reverse("admin:indicators_reading_changelist")


@pytest.fixture
def hours(office):
    unit = make_unit(code="horas-dia", name="Horas al día", symbol="h/día", max_value=Decimal(24), decimals=1)
    return make_indicator("AGUA-HORAS-DIA", unit=unit, office=office, frequency="monthly")


@pytest.fixture
def anemia(office):
    """A percentage with three approved years near 10 %: 98 % is the decimal comma misread."""
    indicator = make_indicator("ANEMIA", office=office)
    for year, value in ((2018, "10.2"), (2019, "9.9"), (2020, "9.6")):
        make_reading(indicator, date(year, 1, 1), Decimal(value))
    return indicator


@pytest.fixture
def counts(office):
    return make_indicator("DENUNCIAS", unit=make_count_unit(), office=office)


def change_url(reading):
    return reverse("admin:indicators_reading_change", args=[reading.pk])


def step_url(reading, step):
    return reverse("admin:indicators_reading_step", args=[reading.pk, step])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def submitted(indicator, user, period=date(2021, 3, 1), value=Decimal("12.5")):
    reading = Reading.objects.create_draft(user=user, indicator=indicator, period=period, value=value, source="EPS")
    reading.submit(user)
    return reading


def add(client, indicator, value, period="01/03/2021", **extra):
    data = {"indicator": indicator.pk, "period": period, "value": value, "source": "EPS Ilo", "note": "", **extra}
    return client.post(ADD, data)


# --- the value as people type it ---


@pytest.mark.parametrize(
    "typed, stored", [("16,8", "16.8"), ("16.8", "16.8"), (" 9,8 ", "9.8"), ("2,05E+1", "20.5")], ids=str
)
def test_the_value_is_read_as_typed(client, registrador, hours, typed, stored):
    client.force_login(registrador)
    add(client, hours, typed)
    assert Reading.objects.get().value == Decimal(stored)


def test_one_separator_and_three_digits_is_thousands_for_a_count_and_ambiguous_with_decimals(
    client, registrador, counts, indicator
):
    client.force_login(registrador)
    add(client, counts, "1.150")
    assert Reading.objects.get().value == 1150
    page = add(client, indicator, "1,150")
    assert page.context["adminform"].form.errors["value"] == [
        "«1,150» es ambiguo: ¿1150 o 1.15? Escriba 1150 si son miles, o 1.15 si es un decimal."
    ]
    assert Reading.objects.count() == 1


def test_the_value_field_shows_its_unit_range_and_decimals_and_opens_the_decimal_keyboard(client, registrador, hours):
    client.force_login(registrador)
    page = client.get(ADD, {"indicator": hours.pk, "period": "2021-03-01"}).content.decode()
    assert 'inputmode="decimal"' in page and 'type="text"' in page
    assert "h/día · de 0 a 24 · 1 decimal" in page
    assert 'value="01/03/2021"' in page  # the dashboard's link pre-fills the period
    assert "js/value-input.js" in page and "<script>" not in page.split("</head>")[1]


def test_a_draft_shows_its_value_with_the_units_decimals_for_editing(client, registrador, indicator):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("27.8"), source="EPS"
    )
    client.force_login(registrador)
    page = client.get(change_url(reading)).content.decode()
    assert 'value="27.80"' in page and "27.8000" not in page
    # Saved again unchanged, the value stays what it was.
    client.post(change_url(reading), {"period": "01/03/2021", "value": "27.80", "source": "EPS", "note": ""})
    assert Reading.objects.get(pk=reading.pk).value == Decimal("27.8")


def test_values_show_with_the_units_decimals_in_lists_and_read_only_pages(client, registrador, revisor, hours):
    reading = submitted(hours, registrador, value=Decimal("16.8"))
    client.force_login(revisor)
    for url in (CHANGELIST, change_url(reading), reverse("admin:indicators_indicator_change", args=[hours.pk])):
        page = client.get(url).content.decode()
        assert "16.8 h/día" in page and "16.8000" not in page, url


# --- the steps on the reading's page ---


def test_each_person_sees_the_steps_they_may_take(client, office, registrador, revisor, indicator):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal(12), source="EPS"
    )
    client.force_login(registrador)
    page = client.get(change_url(reading)).content.decode()
    assert "Guardar y enviar a revisión" in page and step_url(reading, "retirar") in page
    assert step_url(reading, "aprobar") not in page
    reading.submit(registrador)
    page = client.get(change_url(reading)).content.decode()
    assert "Guardar y enviar a revisión" not in page and step_url(reading, "aprobar") not in page
    client.force_login(revisor)
    page = client.get(change_url(reading)).content.decode()
    assert step_url(reading, "aprobar") in page and step_url(reading, "rechazar") in page
    both = make_user("doble", ROLE_REGISTRADOR, [office])
    both.groups.add(revisor.groups.get())
    own = submitted(indicator, both, period=date(2021, 4, 1))
    client.force_login(both)
    page = client.get(change_url(own)).content.decode()
    assert step_url(own, "aprobar") not in page and "la revisa otra persona (cuatro ojos)" in page
    client.force_login(make_user("ana", ROLE_AUDITOR))
    page = client.get(change_url(reading)).content.decode()
    assert "/paso/" not in page and "Espera la revisión de un revisor de la oficina." in page


def test_save_and_submit_from_the_add_form_then_the_next_draft_in_the_queue(client, registrador, indicator):
    waiting = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 1, 1), value=Decimal(11), source="EPS"
    )
    client.force_login(registrador)
    response = add(client, indicator, "12,5", _submit_review="1")
    reading = Reading.objects.get(period=date(2021, 3, 1))
    assert (reading.status, reading.value) == ("submitted", Decimal("12.5"))
    assert response.url == change_url(waiting)
    messages = texts(response)
    assert messages[0].startswith("La lectura “AGUA-HORAS 01/03/2021: 12.5” fue agregada correctamente.")
    assert "La lectura “AGUA-HORAS 01/03/2021: 12.5” fue enviada a revisión." in messages
    assert "Siguiente en su cola: AGUA-HORAS 01/01/2021: 11" in messages


def test_approve_and_reject_from_the_page_then_the_next_in_the_review_queue(client, registrador, revisor, indicator):
    first, second, third = (submitted(indicator, registrador, date(2021, month, 1)) for month in (1, 2, 3))
    client.force_login(revisor)
    response = client.post(step_url(first, "aprobar"), {"_version": first.updated_at.isoformat()})
    assert Reading.objects.get(pk=first.pk).status == "approved"
    assert response.url == change_url(second)
    assert "La lectura “AGUA-HORAS 01/01/2021: 12.5” fue aprobada: ya es pública." in texts(response)
    page = client.post(step_url(second, "rechazar"))
    assert page.status_code == 200 and "Motivo" in page.content.decode()  # asks for the reason first
    assert Reading.objects.get(pk=second.pk).status == "submitted"
    response = client.post(step_url(second, "rechazar"), {"reason": "No coincide con la EPS"})
    assert Reading.objects.get(pk=second.pk).review_note == "No coincide con la EPS"
    assert response.url == change_url(third)
    response = client.post(step_url(third, "aprobar"))
    assert response.url == reverse("admin:index")
    assert "No quedan lecturas por revisar en su cola." in texts(response)


def test_withdraw_from_the_page_asks_for_the_reason(client, registrador, indicator):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal(12), source="EPS"
    )
    client.force_login(registrador)
    assert "Motivo" in client.get(step_url(reading, "retirar")).content.decode()
    response = client.post(step_url(reading, "retirar"), {"reason": "Duplicada"})
    assert Reading.objects.get(pk=reading.pk).status == "withdrawn"
    assert response.url == reverse("admin:index")  # nothing else in the queue
    assert "No quedan borradores ni lecturas rechazadas en su cola." in texts(response)


def test_a_step_someone_else_got_to_first_is_a_spanish_message_never_a_500(
    client, office, registrador, revisor, indicator
):
    reading = submitted(indicator, registrador)
    seen = reading.updated_at.isoformat()
    other = make_user("rita", ROLE_REVISOR, [office])
    reading.reject(other, "Sin sustento")
    client.force_login(revisor)
    client.raise_request_exception = False
    response = client.post(step_url(reading, "aprobar"), {"_version": seen}, follow=True)
    assert response.status_code == 200
    assert any("Otra persona cambió esta lectura" in m for m in texts(response))
    response = client.post(step_url(reading, "aprobar"), follow=True)  # without the page's version
    assert response.status_code == 200
    assert any("No se puede aprobar una lectura en estado «Rechazada»" in m for m in texts(response))
    assert Reading.objects.get(pk=reading.pk).status == "rejected"


def test_a_step_the_person_may_not_take_is_a_message_not_a_403_page(client, registrador, indicator):
    reading = submitted(indicator, registrador)
    client.force_login(registrador)
    response = client.post(step_url(reading, "aprobar"), follow=True)
    assert response.status_code == 200 and any("no es revisor" in m for m in texts(response))
    assert client.get(step_url(reading, "borrar")).status_code == 404


# --- atípico values need a second look ---


def test_approving_an_outlier_asks_to_confirm_it_against_the_previous_value(client, registrador, revisor, anemia):
    client.force_login(registrador)
    add(client, anemia, "98", period="01/01/2021", _submit_review="1")  # "9,8" read as 98 by a number field
    reading = Reading.objects.get(period=date(2021, 1, 1))
    assert reading.is_outlier
    client.force_login(revisor)
    page = client.get(change_url(reading)).content.decode()
    assert "9.60 % → 98.00 %: ¿confirma?" in page
    confirm = client.post(step_url(reading, "aprobar"))
    assert confirm.status_code == 200 and "9.60 % → 98.00 %: ¿confirma?" in confirm.content.decode()
    assert Reading.objects.get(pk=reading.pk).status == "submitted"
    client.post(step_url(reading, "aprobar"), {"confirm_outlier": "1"})
    assert Reading.objects.get(pk=reading.pk).status == "approved"


def test_the_bulk_approval_lists_outliers_and_approves_only_after_confirmation(client, registrador, revisor, anemia):
    wild = submitted(anemia, registrador, date(2021, 1, 1), Decimal("98"))
    calm = submitted(anemia, registrador, date(2022, 1, 1), Decimal("9.4"))
    client.force_login(revisor)
    selection = {"action": "approve_selected", "_selected_action": [wild.pk, calm.pk]}
    page = client.post(CHANGELIST, selection)
    assert page.status_code == 200 and "9.60 % → 98.00 %: ¿confirma?" in page.content.decode()
    assert set(Reading.objects.filter(pk__in=[wild.pk, calm.pk]).values_list("status", flat=True)) == {"submitted"}
    # A crafted confirmation of only the calm one still leaves the outlier unapproved.
    response = client.post(CHANGELIST, {**selection, "apply": "1", "confirmed_outlier": [calm.pk]}, follow=True)
    assert Reading.objects.get(pk=calm.pk).status == "approved"
    assert Reading.objects.get(pk=wild.pk).status == "submitted"
    assert any("Valor atípico" in m and "9.60 %" in m for m in texts(response))
    client.post(CHANGELIST, {**selection, "apply": "1", "confirmed_outlier": [wild.pk]})
    assert Reading.objects.get(pk=wild.pk).status == "approved"


# --- one reading in review per period ---


def test_a_second_reading_of_a_period_in_review_is_refused_at_submission_with_a_link(
    client, office, registrador, indicator
):
    first = submitted(indicator, registrador)
    client.force_login(make_user("rebeca", ROLE_REGISTRADOR, [office]))
    response = add(client, indicator, "13", _submit_review="1")
    second = Reading.objects.exclude(pk=first.pk).get()
    assert second.status == "draft" and response.url == change_url(second)
    [saved, refused] = texts(response)
    assert "Ya hay una lectura de AGUA-HORAS para 03/2021 en revisión" in refused
    assert f'href="{change_url(first)}"' in refused


def test_a_draft_for_a_period_in_review_warns_when_saved(client, office, registrador, indicator):
    first = submitted(indicator, registrador)
    client.force_login(registrador)
    response = add(client, indicator, "13")
    assert any("esta no podrá enviarse" in m and change_url(first) in m for m in texts(response))


# --- words: gender, number, headings ---


@pytest.mark.parametrize(
    "noun, feminine",
    [
        ("lectura", True),
        ("unidad", True),
        ("oficina", True),
        ("meta", True),
        ("dimensión", True),
        ("sección del plan", True),
        ("fila del anexo", True),
        ("indicador", False),
        ("problema", False),
        ("eje estratégico", False),
        ("hito", False),
        ("plan de gobierno", False),
    ],
)
def test_the_models_gender_follows_its_spanish_name(noun, feminine):
    assert is_feminine(noun) is feminine


def test_save_messages_agree_in_gender_and_translate():
    assert saved_message(Reading._meta, "X", added=True) == "La lectura “X” fue agregada correctamente."
    assert saved_message(Reading._meta, "X", added=False, follow_up="_addanother") == (
        "La lectura “X” fue modificada correctamente. Puede agregar otra lectura a continuación."
    )
    from indicators.models import Indicator

    assert saved_message(Indicator._meta, "<b>", added=True) == "El indicador “&lt;b&gt;” fue agregado correctamente."
    with translation.override("en"):
        assert saved_message(Reading._meta, "X", added=True) == "The reading “X” was added successfully."


def test_the_add_form_offers_to_add_another_in_the_right_gender(client, registrador):
    client.force_login(registrador)
    page = client.get(ADD).content.decode()
    assert "Guardar y añadir otra" in page and "añadir otro" not in page


def test_the_import_and_correction_pages_have_one_heading(client, registrador, revisor, indicator):
    reading = submitted(indicator, registrador)
    reading.approve(revisor)
    client.force_login(registrador)
    pages = [reverse("admin:indicators_reading_import"), reverse("admin:indicators_reading_correct", args=[reading.pk])]
    for url in pages:
        page = client.get(url).content.decode()
        assert page.count("<h1") == 1, url


def test_the_admin_speaks_english_under_english(client, registrador, hours):
    client.force_login(registrador)
    # The language a request activates stays on in the test's thread: give back the one it had.
    with translation.override(translation.get_language()):
        index = client.get("/en/admin/").content.decode()
        form = client.get("/en" + ADD, {"indicator": hours.pk}).content.decode()
    assert "Readings" in index and "Indicators" in index and "Lecturas" not in index
    assert "Indicators and readings" in index and "Plan and targets" in index
    for words in ("Indicator", "Period", "The first day of the month", "Source", "Save and add another"):
        assert words in form, words
    assert "h/día · 0 to 24 · 1 decimal" in form and "Type 16.8 or 16,8" in form


def test_no_admin_page_writes_a_number_with_trailing_zeros(client, registrador, revisor, hours, plan):
    from goals.models import Target

    reading = submitted(hours, registrador, value=Decimal("16.8"))
    reading.approve(revisor)
    target = Target.objects.filter(value__isnull=False).first()
    client.force_login(make_user("ana", ROLE_AUDITOR))  # sees every page, read-only
    version = reading.history.order_by("history_id").first()
    pages = [
        reverse("admin:indicators_unit_changelist"),
        reverse("admin:indicators_unit_change", args=[hours.unit_id]),
        reverse("admin:goals_target_changelist"),
        reverse("admin:goals_target_change", args=[target.pk]),
        reverse("admin:indicators_reading_simple_history", args=[reading.pk, version.history_id]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert ".0000" not in page and ".000<" not in page, url
    unit_page = client.get(pages[1]).content.decode()
    assert '<div class="readonly">24</div>' in unit_page


def test_the_plans_other_numbers_are_typed_as_text_too(client):
    client.force_login(make_user("jefa", is_superuser=True))
    unit = make_unit()
    page = client.get(reverse("admin:indicators_unit_change", args=[unit.pk])).content.decode()
    assert '<input type="text" name="max_value" value="100" inputmode="decimal"' in page
    assert "Elija el indicador" not in page
    fields = {"code": unit.code, "name": unit.name, "symbol": "%", "min_value": "0", "decimals": "2"}
    client.post(reverse("admin:indicators_unit_change", args=[unit.pk]), {**fields, "max_value": "1.000,5"})
    unit.refresh_from_db()
    assert unit.max_value == Decimal("1000.5")


def test_the_readings_list_and_a_readings_page_cost_the_same_queries_with_more_readings(
    client, registrador, revisor, hours, anemia
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reading = submitted(hours, registrador, value=Decimal("16.8"))
    client.force_login(revisor)

    def cost():
        with CaptureQueriesContext(connection) as listed:
            client.get(CHANGELIST)
        with CaptureQueriesContext(connection) as shown:
            client.get(change_url(reading))
        return len(listed), len(shown)

    cost()  # the first request fills the process's caches (content types)
    few = cost()
    for month in range(1, 13):
        make_reading(hours, date(2020, month, 1), Decimal("15.5"))
        make_reading(anemia, date(2000 + month, 1, 1), Decimal("10"))
    assert cost() == few
