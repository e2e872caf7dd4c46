from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import Plan
from ilo_plan import plan_file
from indicators.models import Indicator, Reading
from tests.factories import load_demo, make_user
from tests.plan_workbooks import SECOND_SLUG, second_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(plan):
    load_demo()


@pytest.fixture
def next_term(demo):
    """The seed entity's 2023-2026 term, which measures AGUA-HORAS and RENDICION-CUENTAS again."""
    assert plan_file.import_plan(second_plan()).ok
    return Plan.objects.get(slug=SECOND_SLUG)


def test_the_registrador_home_lists_due_and_overdue_readings_of_each_plan(client, next_term):
    client.force_login(Reading.objects.demo().first().entered_by)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Lecturas por registrar" in page
    assert "Plan de Gobierno Municipal del Valle 2023-2026: próximas y atrasadas" in page
    assert "Atrasada" in page  # the demo stops in 2023, today is later
    assert "Lecturas por revisar" not in page


def test_a_finished_term_lists_nothing_due_after_it(client, demo):
    client.force_login(Reading.objects.demo().first().entered_by)
    page = client.get(reverse("admin:index")).content.decode()
    # The seed plan ended in 2022: its indicators' 2023 periods are no longer its business.
    assert "Nada pendiente en sus oficinas." in page and "enero 2023" not in page


def test_the_reviewer_sees_the_queue_oldest_first_with_outlier_flags(client, demo):
    revisor = get_user_model().objects.get(username="demo-revisor")
    client.force_login(revisor)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Lecturas por revisar" in page
    first, second = (r.pk for r in Reading.objects.filter(status="submitted").order_by("submitted_at", "pk"))
    assert page.index(f"/reading/{first}/") < page.index(f"/reading/{second}/")


def test_an_auditor_home_has_no_work_lists(client, plan):
    client.force_login(make_user("ana", "auditor"))
    page = client.get(reverse("admin:index")).content.decode()
    assert "Lecturas por revisar" not in page and "Lecturas por registrar" not in page


def test_each_due_row_leads_to_the_form_or_to_the_reading_under_way(client, next_term):
    registrador = Reading.objects.demo().first().entered_by
    client.force_login(registrador)
    page = client.get(reverse("admin:index")).content.decode()
    water = Reading.objects.get(indicator__code="AGUA-HORAS", period="2023-01-01")  # submitted by the demo
    assert f'href="/admin/indicators/reading/{water.pk}/change/">Abrir (enviada a revisión)' in page
    hearings = Indicator.objects.get(code="RENDICION-CUENTAS")
    link = f'href="/admin/indicators/reading/add/?indicator={hearings.pk}&amp;period=2023-01-01">Registrar'
    assert link in page
    form = client.get(f"/admin/indicators/reading/add/?indicator={hearings.pk}&period=2023-01-01").content.decode()
    assert 'value="01/01/2023"' in form


def test_the_home_counts_each_offices_work(client, next_term):
    registrador = Reading.objects.demo().first().entered_by
    client.force_login(registrador)
    page = client.get(reverse("admin:index")).content.decode()
    table = page[page.index('id="por-oficina"') : page.index("</table>", page.index('id="por-oficina"'))]
    water = table[table.index("Gerencia de Servicios Públicos") :].split("</tr>")[0]
    # AGUA-HORAS: 2023-01 and 2023-02 in review, 2023-03 a draft; its next reading is overdue.
    assert [cell.split("<")[0] for cell in water.split("<td>")[1:]] == ["1", "0", "", ""]
    assert ">1</a>" in water and ">2</a>" in water


def test_the_home_costs_the_same_queries_with_more_work_waiting(client, demo):
    revisor = get_user_model().objects.get(username="demo-revisor")
    client.force_login(revisor)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("admin:index"))
    registrador = Reading.objects.demo().first().entered_by
    for month in range(4, 13):
        Reading.objects.create_draft(
            user=registrador,
            indicator=Indicator.objects.get(code="AGUA-HORAS"),
            period=date(2023, month, 1),
            value=Decimal("16.1"),
            source="EPS",
        ).submit(registrador)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("admin:index")).content.decode()
    assert len(many) == len(few)
    submitted = list(Reading.objects.filter(status="submitted").order_by("submitted_at", "pk"))
    positions = [page.index(f"/reading/{reading.pk}/change/") for reading in submitted]
    assert positions == sorted(positions)  # the oldest waiting first


def test_the_to_send_count_leads_to_the_rejected_reading_and_its_reason(client, plan):
    indicator = Indicator.objects.get(code="AGUA-HORAS")
    registrador = make_user("rosa", "registrador", [indicator.office])
    revisor = make_user("raul", "revisor", [indicator.office])
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("12.5"), source="EPS"
    )
    reading.submit(registrador)
    reading.reject(revisor, "El informe dice 9.8 %")
    client.force_login(registrador)
    page = client.get(reverse("admin:index")).content.decode()
    table = page[page.index('id="por-oficina"') : page.index("</table>", page.index('id="por-oficina"'))]
    link = table.split("<td>")[3].split('href="')[1].split('"')[0].replace("&amp;", "&")
    listing = client.get(link)
    assert listing.status_code == 200 and "?e=1" not in listing.get("Location", "")
    row = listing.content.decode().split(f"/reading/{reading.pk}/change/")[1].split("</tr>")[0]
    assert "Motivo: El informe dice 9.8 %" in row
    opened = client.get(reverse("admin:indicators_reading_change", args=[reading.pk])).content.decode()
    box = opened[opened.index('id="flujo"') :]
    assert box.index("El informe dice 9.8 %") < box.index("</div>")


def test_each_due_period_reads_as_its_frequency_a_year_or_a_month(client, next_term):
    client.force_login(Reading.objects.demo().first().entered_by)
    page = client.get(reverse("admin:index")).content.decode()
    hearings = Indicator.objects.get(code="RENDICION-CUENTAS")
    water = Indicator.objects.get(code="AGUA-HORAS")
    assert (hearings.frequency, water.frequency) == ("annual", "monthly")
    rows = {
        code: row for row in page.split("<tr>") for code in ("RENDICION-CUENTAS", "AGUA-HORAS") if f">{code} · " in row
    }
    assert "<td>2023</td>" in rows["RENDICION-CUENTAS"] and "enero" not in rows["RENDICION-CUENTAS"]
    assert "<td>enero de 2023</td>" in rows["AGUA-HORAS"] or "de 2023</td>" in rows["AGUA-HORAS"]
