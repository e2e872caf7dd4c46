"""A lower app's page shows what the apps above it give (core.slots) without naming them: the
corrections page (indicators) links to each indicator's page (goals), an axis page (goals) shows
the alignment (alignment), the plan's pages link to the site's own pages (ilo_plan)."""

import pytest
from django.template import engines

from alignment.models import AlignmentRow
from core import slots
from indicators.access import ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Indicator
from tests.factories import make_user
from tests.indicators.test_corrections_page import published_correction

pytestmark = pytest.mark.django_db

SEED = "ilo-2019-2022"


def render(source, **context):
    return engines["django"].from_string("{% load slots %}" + source).render(context)


def test_an_empty_slot_gives_no_link_and_no_panel():
    assert slots.link("nadie-lo-da") is None
    assert render('[{% link "nadie-lo-da" %}]') == "[]"
    assert render('{% link "nadie-lo-da" as url %}{% if url %}enlace{% else %}sin enlace{% endif %}') == "sin enlace"
    assert render('[{% panels "nadie.lo-da" x=1 %}]') == "[]"


def test_the_upper_apps_fill_the_slots_the_lower_pages_ask_for():
    assert slots.link("methodology") == "/metodologia/"
    assert slots.link("open-data") == "/datos-abiertos/"
    assert slots.link("plan-file-template") == "/planes/plantilla.xlsx"
    assert slots.link("indicator", Indicator(code="AGUA-HORAS")) == "/indicadores/AGUA-HORAS/"


def test_the_corrections_page_links_each_correction_to_its_indicators_page(client, plan):
    water = Indicator.objects.get(code="AGUA-HORAS")
    office = [water.office]
    published_correction(water, make_user("rosa", ROLE_REGISTRADOR, office), make_user("raul", ROLE_REVISOR, office))
    page = client.get("/correcciones/").content.decode()
    assert f'<a href="/indicadores/AGUA-HORAS/">{water.name}</a>' in page


def test_an_axis_page_shows_the_alignment_only_when_the_plan_records_it(client, plan):
    page = client.get(f"/planes/{SEED}/ejes/2/").content.decode()
    assert "<h2>Alineamiento</h2>" in page and f'href="/planes/{SEED}/alineamiento/national/2/"' in page
    home = client.get(f"/planes/{SEED}/").content.decode()
    assert f'<li><a href="/planes/{SEED}/alineamiento/">Alineamiento con otros planes</a></li>' in home
    assert 'href="/metodologia/"' in home and 'href="/datos-abiertos/"' in home

    AlignmentRow.objects.filter(plan=plan).delete()
    page = client.get(f"/planes/{SEED}/ejes/2/").content.decode()
    assert "Alineamiento" not in page and "/alineamiento/" not in page
    assert "Alineamiento con otros planes" not in client.get(f"/planes/{SEED}/").content.decode()


def test_plan_pages_link_to_the_site_pages_above_them(client, plan):
    target = client.get(f"/planes/{SEED}/metas/S1.1-M/").content.decode()
    assert '<a href="/metodologia/">Cómo se calcula el estado</a>' in target
    assert 'href="/planes/plantilla.xlsx" download' in client.get("/planes/").content.decode()
