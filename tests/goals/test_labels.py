"""Labels a citizen can trust (issue 20): a deliverable with no project says only that; the period
of a yearly figure is its year, and an ended term expects nothing more; a target with no baseline
says what is known; breadcrumbs and titles in words, the code small after them; demo figures say
so in plain words; the objective → axis grouping is said to be the team's."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from goals import public
from goals.models import Plan
from indicators.calendar import Due
from indicators.models import Indicator, Reading
from tests.factories import load_demo, make_plan_tree, make_reading

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _spanish():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("code", ["S5.1-M", "E1.1-M", "E2.1-M"])
def test_a_deliverable_with_no_project_says_only_that_the_plan_names_none(client, plan, code):
    text = page(client, f"/metas/{code}/")
    assert text.count("El plan no nombra un proyecto para este entregable") == 1
    assert "El proyecto de este entregable aún no tiene avances registrados" not in text


def test_a_deliverable_with_a_project_still_says_its_milestones_are_missing(client, plan):
    text = page(client, "/metas/A2.1-M/")
    assert "El proyecto de este entregable aún no tiene avances registrados" in text


@pytest.mark.parametrize(
    "frequency, period, label",
    [("annual", date(2019, 1, 1), "2019"), ("monthly", date(2021, 3, 1), "marzo de 2021")],
)
def test_the_period_of_a_due_figure_reads_as_people_name_it(frequency, period, label):
    class Yearly:
        pass

    indicator = Yearly()
    indicator.frequency = frequency
    assert Due(indicator, period, date(2020, 1, 31), False).period_label == label


def test_an_ended_term_expects_nothing_more_unless_a_later_plan_measures_the_indicator(client, plan):
    duty = Indicator.objects.get(code="RENDICION-CUENTAS")
    assert public.indicator_due(plan, duty, None, today=date(2022, 6, 1)).due.period_label == "2019"
    assert public.indicator_due(plan, duty, None, today=date(2026, 12, 7)) is None
    text = page(client, "/indicadores/RENDICION-CUENTAS/")
    assert "Próximo dato" not in text and "dato atrasado" not in text

    later = make_plan_tree(slug="siguiente-periodo", indicator=duty, entity=plan.entity).plan
    Plan.objects.filter(pk=later.pk).update(period_start=date(2023, 1, 1), period_end=date(2026, 12, 31))
    due = public.indicator_due(plan, duty, None, today=date(2026, 12, 7))
    assert due.plan == later and due.due.period == date(2023, 1, 1)
    text = page(client, "/indicadores/RENDICION-CUENTAS/")
    assert "Próximo dato" in text and "enero 2023" not in text
    assert re.search(r"<dd>2023, esperado hasta el 31/01/2024", text)
    assert "según el calendario del plan «Plan de prueba»" in text


def test_a_target_without_baseline_says_what_is_known_and_keeps_its_verdict(client, plan):
    anemia = Indicator.objects.get(code="ANEMIA-36M")
    make_reading(anemia, period=date(2019, 1, 1), value=Decimal("20"))
    make_reading(anemia, period=date(2022, 1, 1), value=Decimal("16.5"))
    text = page(client, "/metas/S2.1-M/")
    assert (
        "El plan no dio un punto de partida, así que el avance no se mide en porcentaje; desde el primer dato del "
        "periodo (2019: 20 %) hasta el último (2022: 16.5 %), el valor bajó 3.5 puntos porcentuales."
    ) in text
    assert '<span class="bar-none">Avance no medible' not in text
    row = public.target_statuses(plan, code="S2.1-M")[0]
    assert row.status == "not_achieved"  # the status rules decide, as before


def test_breadcrumbs_and_titles_say_the_targets_words_with_the_code_small_after(client, plan):
    text = page(client, "/metas/S1.1-M/")
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
    assert title.startswith("En promedio: 18 horas al día de agua potable. (S1.1-M)")
    crumbs = re.search(r'<p class="crumbs">(.*?)</p>', text, re.S).group(1)
    assert "Meta S1.1-M" not in crumbs and "Meta S1.1-M" not in title
    assert '<small class="code">S1.1-M</small>' in crumbs and "En promedio: 18 horas" in crumbs
    report = page(client, "/rendicion-de-cuentas/2021/")
    assert '<h3>En promedio: 18 horas al día de agua potable. <small class="code">S1.1-M</small></h3>' in report


def test_demo_figures_say_so_in_plain_words(client, plan):
    load_demo()
    sources = set(Reading.objects.filter(is_demo=True).values_list("source", flat=True))
    assert sources == {"Dato de demostración (no es un dato real)"}
    assert "load_demo" not in page(client, "/metas/S1.1-M/")


@pytest.mark.parametrize("url", ["/", "/ejes/2/", "/alineamiento/"])
def test_the_axis_grouping_is_said_to_be_the_teams(client, plan, url):
    text = page(client, url)
    assert "Agrupación de los objetivos por eje hecha por el equipo del sitio; el plan no la indica." in text
    assert 'href="/metodologia/"' in text


def test_the_api_says_the_axis_grouping_is_the_teams(client, plan):
    schema = client.get("/api/schema/", {"format": "json"}).content.decode()
    assert "el plan no la indica" in schema
