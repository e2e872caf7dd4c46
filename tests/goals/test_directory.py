"""The national directory: every entity of Peru at /entidades/, with or without a plan loaded, each
department, province and district page, the root that shows either the featured plan or the
directory, the search of every plan, the demo notice per plan, and a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals.models import Plan
from ilo_plan import plan_file
from indicators.models import Indicator
from tests.factories import load_demo
from tests.plan_workbooks import SECOND_SLUG, minimal_plan, second_plan

pytestmark = pytest.mark.django_db

SEED = "ilo-2019-2022"
SEED_TITLE = "Plan de Gobierno Municipal Provincia de Ilo 2019-2022"
SECOND_TITLE = "Plan de Gobierno Municipal del Valle 2023-2026"
MINIMAL = "sin-ejes-2023-2026"
NOT_LOADED = "Plan aún no cargado"
DEMO = "Datos de demostración"


def import_plans(*files):
    for data in files:
        report = plan_file.import_plan(data)
        assert report.ok, report.lines()


@pytest.fixture
def minimal(plan):
    import_plans(minimal_plan(MINIMAL))


@pytest.fixture
def three_plans(plan):
    import_plans(second_plan(), minimal_plan(MINIMAL))


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def words(html):
    """The page's text as read: tags out, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def entity_rows(html) -> dict[str, str]:
    """Each entity row of a list, by ubigeo: its text."""
    rows = {}
    for chunk in html.split('<li class="entity-row">')[1:]:
        chunk = chunk.split("</li>")[0]
        ubigeo = re.search(r'href="(?:/en)?/entidades/(\d+)/"', chunk).group(1)
        rows[ubigeo] = words(chunk)
    return rows


def departments(html) -> list[tuple[str, str]]:
    """The departments list: (name, its count line)."""
    section = html.split('class="entity-list departments"')[1].split("</ul>")[0]
    return [
        (name, count)
        for name, count in re.findall(
            r'<a href="/entidades/\d\d/">([^<]+)</a>\s*<span class="small">([^<]+)</span>', section
        )
    ]


def breadcrumbs(html) -> str:
    return words(re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0))


# --- /entidades/ ------------------------------------------------------------------------------------


def test_the_directory_lists_every_department_with_how_many_entities_have_a_plan(client, plan):
    html = page(client, "/entidades/")
    assert "Gobiernos regionales y municipalidades del Perú" in html
    assert "Hay 1 plan cargado." in words(html)
    listed = dict(departments(html))
    assert len(listed) == 25
    assert listed["Moquegua"] == "1 de 21 entidades con plan cargado"  # its region, 3 provinces, 17 districts
    assert listed["Amazonas"] == "0 de 85 entidades con plan cargado"
    assert listed["Áncash"] == "0 de 167 entidades con plan cargado"
    assert listed["Callao"] == "0 de 8 entidades con plan cargado"
    assert 'href="/entidades/18/"' in html
    assert 'class="entity-row"' not in html  # entities are listed by a search or on their department's page


def test_the_counts_follow_the_plans_loaded(client, minimal):
    html = page(client, "/entidades/")
    assert "Hay 2 planes cargados." in words(html)
    assert dict(departments(html))["Moquegua"] == "2 de 21 entidades con plan cargado"


def test_the_departments_read_in_alphabetical_order(client, plan):
    names = [name for name, _ in departments(page(client, "/entidades/"))]
    assert names[:3] == ["Amazonas", "Áncash", "Apurímac"]


@pytest.mark.parametrize("query", ["ilo", "ILO", "1803"])
def test_a_search_finds_entities_by_name_or_ubigeo_with_their_current_plan(client, minimal, query):
    html = page(client, f"/entidades/?q={query}")
    assert f"3 entidades para «{query}»." in words(html)
    rows = entity_rows(html)
    assert list(rows) == ["1803", "180302", "180303"]
    ilo = rows["1803"]
    assert ilo.startswith("Municipalidad Provincial de Ilo 1803")
    assert f"{SEED_TITLE} (2019-2022)" in ilo
    # The seed plan's 15 targets, none with an approved reading of its term (no demo data here).
    assert "15 Sin datos del periodo" in ilo
    assert "Plan mínimo (2023-2026)" in rows["180302"] and "1 Sin datos del periodo" in rows["180302"]
    assert rows["180303"] == f"Municipalidad Distrital de Pacocha 180303 {NOT_LOADED}"
    assert "Departamentos" not in html  # a search shows what it found, not the departments


def test_a_search_by_a_department_forgives_accents_and_finds_nothing_politely(client, plan):
    rows = entity_rows(page(client, "/entidades/?q=ancash"))
    assert "02" in rows and rows["02"] == f"Gobierno Regional de Áncash 02 {NOT_LOADED}"
    assert "0 entidades para «zzzz»." in words(page(client, "/entidades/?q=zzzz"))


def test_an_entity_with_several_plans_shows_its_current_one_and_how_many(client, three_plans):
    ilo = entity_rows(page(client, "/entidades/?q=1803"))["1803"]
    assert f"{SECOND_TITLE} (2023-2026) · 2 planes" in ilo and SEED_TITLE not in ilo


# --- an entity's page -------------------------------------------------------------------------------


def test_a_regions_page_lists_its_provinces_each_with_its_plan(client, plan):
    html = page(client, "/entidades/18/")
    assert "<h1>Gobierno Regional de Moquegua</h1>" in html
    assert "Gobierno regional · ubigeo 18 · departamento de Moquegua" in words(html)
    assert "Plan aún no cargado." in words(html.split("<h2>Municipalidades provinciales</h2>")[0])
    assert "<h2>Municipalidades provinciales</h2>" in html
    rows = entity_rows(html)
    assert sorted(rows) == ["1801", "1802", "1803"]  # the provinces only, not their districts
    assert f"Municipalidad Provincial de Ilo 1803 {SEED_TITLE} (2019-2022)" in rows["1803"]
    assert "15 Sin datos del periodo" in rows["1803"]
    assert rows["1801"] == f"Municipalidad Provincial de Mariscal Nieto 1801 {NOT_LOADED}"
    assert rows["1802"] == f"Municipalidad Provincial de General Sanchez Cerro 1802 {NOT_LOADED}"
    assert breadcrumbs(html) == "Perú › Moquegua"


def test_a_provinces_page_lists_its_plans_current_first_and_its_districts(client, three_plans):
    html = page(client, "/entidades/1803/")
    assert "<h1>Municipalidad Provincial de Ilo</h1>" in html
    assert "Municipalidad provincial · ubigeo 1803 · provincia de Ilo, departamento de Moquegua" in words(html)
    plans = html.split("<h2>Planes de gobierno</h2>")[1].split("<h2>")[0]
    assert plans.index(f'href="/planes/{SECOND_SLUG}/"') < plans.index(f'href="/planes/{SEED}/"')
    assert "periodo 2023–2026 · Movimiento Regional del Valle · periodo actual" in words(plans)
    assert "periodo 2019–2022 · Partido Político Restauración Nacional" in words(plans)
    assert words(plans).count("periodo actual") == 1
    assert "<h2>Municipalidades distritales</h2>" in html
    rows = entity_rows(html)
    assert list(rows) == ["180302", "180303"]  # El Algarrobal, Pacocha; Ilo's capital district is the province's
    assert "Plan mínimo (2023-2026)" in rows["180302"]
    assert rows["180303"] == f"Municipalidad Distrital de Pacocha 180303 {NOT_LOADED}"
    assert breadcrumbs(html) == "Perú › Moquegua › Ilo"
    assert 'href="/entidades/"' in html and 'href="/entidades/18/"' in html


def test_a_districts_page_shows_its_plan_and_its_breadcrumbs(client, minimal):
    html = page(client, "/entidades/180302/")
    assert "<h1>Municipalidad Distrital de El Algarrobal</h1>" in html
    assert "Municipalidad distrital · ubigeo 180302 · provincia de Ilo, departamento de Moquegua" in words(html)
    assert f'href="/planes/{MINIMAL}/"' in html
    assert "Plan mínimo periodo 2023–2026 · Partido Mínimo · periodo actual" in words(html)
    assert "1 Sin datos del periodo" in words(html)
    assert "Municipalidades distritales" not in html and 'class="entity-row"' not in html
    assert breadcrumbs(html) == "Perú › Moquegua › Ilo › El Algarrobal"
    nav = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', nav) == ["/entidades/", "/entidades/18/", "/entidades/1803/"]
    assert '<span aria-current="page">El Algarrobal</span>' in nav


def test_an_entity_without_a_plan_offers_the_plan_files_template(client, plan):
    html = page(client, "/entidades/180303/")
    assert "Plan aún no cargado." in words(html) and 'href="/planes/plantilla.xlsx"' in html


@pytest.mark.parametrize("ubigeo", ["999999", "99", "180301", "abc", "1803011"])
def test_an_unknown_ubigeo_is_a_404(client, plan, ubigeo):
    page(client, f"/entidades/{ubigeo}/", status=404)


# --- English -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["entidades/", "entidades/?q=ilo", "entidades/18/", "entidades/1803/"])
def test_the_directory_answers_in_english_under_en(client, plan, path):
    html = page(client, f"/en/{path}")
    assert '<html lang="en">' in html
    assert "Open data" in html and "Skip to content" in html
    # Its links stay in English; only the language switch leads to the Spanish page.
    links = re.findall(r'<a href="([^"]+)"(?! lang="es")', html)
    assert "/en/entidades/" in links
    assert not [link for link in links if link.startswith("/entidades/")]


def test_the_directorys_own_words_are_translated(client, plan):
    english = words(page(client, "/en/entidades/")) + words(page(client, "/en/entidades/18/"))
    for spanish in [
        "Gobiernos regionales y municipalidades del Perú",
        "Departamentos",
        "entidades con plan cargado",
        "Plan aún no cargado",
        "Municipalidades provinciales",
    ]:
        assert spanish not in english, spanish


# --- the root ------------------------------------------------------------------------------------


def test_the_root_shows_the_featured_plan_and_links_to_the_directory(client, plan):
    assert Plan.objects.get(slug=SEED).is_featured
    html = page(client, "/")
    assert SEED_TITLE in html
    assert '<a href="/entidades/">Entidades</a>' in html
    assert "Gobiernos regionales y municipalidades del Perú" not in html


def test_with_no_plan_featured_and_plans_of_two_entities_the_root_is_the_directory(client, minimal):
    Plan.objects.update(is_featured=False)
    html = page(client, "/")
    assert "Gobiernos regionales y municipalidades del Perú" in html
    assert dict(departments(html))["Moquegua"] == "2 de 21 entidades con plan cargado"
    assert SEED_TITLE not in html


# --- the search of every plan --------------------------------------------------------------------


def headings(html):
    return [words(h) for h in re.findall(r"<h[23][^>]*>.*?</h[23]>", html, re.S)]


def test_the_root_search_covers_every_plan_grouped_by_entity_and_plan(client, three_plans):
    html = page(client, "/buscar/?q=agua")
    assert "<h1>Buscar en todos los planes</h1>" in html
    assert headings(html) == [
        "Municipalidad Provincial de Ilo",
        f"Metas de «{SECOND_TITLE}»",  # the entity's latest term first
        f"Metas de «{SEED_TITLE}»",
        "Indicadores",
        "Municipalidad Distrital de El Algarrobal",
        "Indicadores",
    ]
    text = words(html)
    assert "Al menos 20 horas de agua al día." in text
    assert "En promedio: 18 horas al día de agua potable." in text
    assert (
        "Aguas residuales tratadas Porcentaje · responsable asignado por la municipalidad: "
        "Oficina responsable aún no asignada" in text
    )
    assert 'href="/entidades/1803/"' in html and 'href="/entidades/180302/"' in html
    second = html.split(f"Metas de «{SECOND_TITLE}»")[1].split("<h3>")[0]
    assert "Al menos 20 horas de agua al día." in second and "En promedio: 18 horas" not in second


def test_the_root_search_finds_a_target_of_another_entitys_plan(client, three_plans):
    html = page(client, "/buscar/?q=basura")
    assert headings(html) == ["Municipalidad Distrital de El Algarrobal", "Metas de «Plan mínimo»"]
    assert f'href="/planes/{MINIMAL}/metas/A1.1-M/"' in html


def test_a_search_inside_a_plan_stays_inside_it(client, three_plans):
    html = page(client, f"/planes/{MINIMAL}/buscar/?q=agua")
    assert "1 resultado para «agua»." in words(html)
    assert "Aguas residuales tratadas" in html
    for elsewhere in ["Horas al día de abastecimiento", "18 horas", "20 horas", "Municipalidad Provincial de Ilo"]:
        assert elsewhere not in html, elsewhere
    seed = words(page(client, f"/planes/{SEED}/buscar/?q=agua"))
    assert "En promedio: 18 horas al día de agua potable." in seed and "20 horas" not in seed
    assert "Oficina responsable aún no asignada" not in seed  # El Algarrobal's indicator is not the seed plan's


# --- the demo notice, per plan ----------------------------------------------------------------------


def test_the_demo_notice_shows_on_the_plans_with_demo_data_only(client, minimal):
    load_demo()
    for url in ["/", f"/planes/{SEED}/", f"/planes/{SEED}/metas/S1.1-M/"]:
        assert DEMO in page(client, url), url
    for url in [f"/planes/{MINIMAL}/", f"/planes/{MINIMAL}/metas/A1.1-M/", f"/planes/{MINIMAL}/indicadores/"]:
        assert DEMO not in page(client, url), url
    directory = words(page(client, "/entidades/"))
    notice = directory.split("Datos de demostración:")[1].split("Gobiernos regionales")[0]
    assert SEED_TITLE in notice and "Plan mínimo" not in notice
    # The directory's headline of a plan counts its demo readings like its own pages do.
    assert "Meta cumplida" in entity_rows(page(client, "/entidades/?q=1803"))["1803"]


def test_without_demo_data_no_page_carries_the_notice(client, minimal):
    for url in ["/", "/entidades/", "/entidades/1803/", f"/planes/{MINIMAL}/"]:
        assert DEMO not in page(client, url), url


# --- who answers for an indicator --------------------------------------------------------------


def test_an_indicator_in_the_default_office_reads_no_office_assigned_yet(client, minimal):
    indicator = Indicator.objects.select_related("office").get(entity__ubigeo="180302")
    assert indicator.office.is_default and indicator.office.entity.ubigeo == "180302"
    assert indicator.source == ""
    text = words(page(client, f"/planes/{MINIMAL}/metas/A1.1-M/"))
    assert (
        "Responsable asignado por la municipalidad: Oficina responsable aún no asignada · Fuente: aún no registrada"
        in text
    )
    assert indicator.office.name not in text
    catalogue = words(page(client, f"/planes/{MINIMAL}/indicadores/{indicator.code}/"))
    assert (
        "Responsable asignado por la municipalidad Oficina responsable aún no asignada Fuente aún no registrada"
        in catalogue
    )


def test_an_indicator_of_a_named_office_reads_its_office(client, plan):
    text = words(page(client, f"/planes/{SEED}/metas/S1.1-M/"))
    assert (
        "Responsable asignado por la municipalidad: Gerencia de Servicios Públicos" in text
        and "aún no asignada" not in text
    )


# --- a fixed number of queries -------------------------------------------------------------------


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200, url
    return len(context.captured_queries)


DIRECTORY_PAGES = ["/entidades/", "/entidades/18/", "/entidades/1803/"]


def test_the_directory_pages_cost_the_same_queries_whatever_the_number_of_plans(client, minimal):
    """One plan more (the seed's entity's next term), and more plans per entity: the same cost.
    (Here every list already holds an entity with a plan; see the test below for the other case.)"""
    urls = [*DIRECTORY_PAGES, "/entidades/?q=ilo", "/entidades/180302/"]
    before = {url: queries(client, url) for url in urls}
    import_plans(second_plan())
    after = {url: queries(client, url) for url in urls}
    assert after == before
    assert max(after.values()) <= 14


def test_the_directory_pages_cost_at_most_as_many_queries_with_more_plans(client, plan):
    # With no plan among a page's entities the roll-up's queries are skipped; once there is one,
    # more plans cost nothing more (the test above adds plans to a district that has one).
    one = {url: queries(client, url) for url in DIRECTORY_PAGES}
    import_plans(second_plan(), minimal_plan(MINIMAL))
    assert Plan.objects.count() == 3
    three = {url: queries(client, url) for url in DIRECTORY_PAGES}
    assert all(three[url] <= one[url] + 2 for url in DIRECTORY_PAGES), (one, three)
    assert max(three.values()) <= 14
