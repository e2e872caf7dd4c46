"""Several plans in one site: every plan's pages under /planes/<slug>/ (and /en/), the featured plan
at today's addresses, a plan with fewer parts showing only the pages it has, and the same number
of queries per page whatever the data size."""

import pytest
from django.db import IntegrityError, transaction

from goals.models import Plan
from ilo_plan import plan_file
from tests.factories import load_demo
from tests.goals.test_pages import grow, queries_for
from tests.plan_workbooks import SECOND_SLUG, minimal_plan, second_plan

pytestmark = pytest.mark.django_db

SEED = "ilo-2019-2022"
MINIMAL = "sin-ejes-2023-2026"
# Every page kind of a plan, as a path under the plan's address, with a text it must show.
SEED_PAGES = [
    ("", "Plan de Gobierno Municipal Provincia de Ilo 2019-2022"),
    ("ejes/2/", "Mejorar el acceso a los servicios básicos"),
    ("dimensiones/social/", "Problema identificado"),
    ("metas/S3.1-M/", "¿Por qué este estado?"),
    ("metas/S3.1-M/serie.csv", "ECE-SEC-LECTURA"),
    ("indicadores/", "Indicadores de contexto"),
    ("indicadores/TBC-TASA/", "Valor de referencia"),
    ("alineamiento/", "Plan Bicentenario del Perú"),
    ("alineamiento/regional/8/", "Promover la protección social"),
    ("rendicion-de-cuentas/", "Rendición de cuentas 2021"),
    ("rendicion-de-cuentas/2021/", "31 de diciembre de 2021"),
    ("diagnostico/", "20,601"),
    ("principios-y-objetivos/", "Creemos en la democracia participativa"),
]
SECOND_PAGES = [
    ("", "Plan de Gobierno Municipal del Valle 2023-2026"),
    ("ejes/1/", "Servicios básicos para todos"),
    ("dimensiones/institucional/", "Una rendición de cuentas cada año."),
    ("metas/S1.1-M/", "15.5 (2022)"),
    ("metas/E1.1-M/", "Centro de empleo juvenil"),
    ("metas/I1.1-M/serie.csv", "RENDICION-CUENTAS"),
    ("indicadores/", "Trámites que se hacen en línea"),
    ("indicadores/VALLE-TRAMITES/", "Al menos 60% de trámites en línea."),
    ("alineamiento/", "Plan de Desarrollo Regional Concertado del Valle"),
    ("alineamiento/regional/2/", "Empleo digno"),
    ("rendicion-de-cuentas/", "Rendición de cuentas 2023"),
    ("rendicion-de-cuentas/2023/", "31 de diciembre de 2023"),
]


@pytest.fixture(scope="module")
def plans(seed_plan, django_db_blocker):
    """The seed plan, a second plan and a minimal one (no axes, alignment or diagnosis), loaded
    once per module; the next test that asks for the seed plan gets it afresh, without them."""
    with django_db_blocker.unblock():
        for data in (second_plan(), minimal_plan(MINIMAL)):
            report = plan_file.import_plan(data)
            assert report.ok, report.lines()
    yield
    seed_plan.changed()


@pytest.fixture
def site(plans, db):
    load_demo()


def body(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.slow  # every page kind of two plans in two languages
@pytest.mark.parametrize("slug, pages", [(SEED, SEED_PAGES), (SECOND_SLUG, SECOND_PAGES)], ids=["seed", "second"])
def test_every_page_kind_renders_for_each_plan_in_both_languages(client, site, slug, pages):
    for path, text in pages:
        assert text in body(client, f"/planes/{slug}/{path}").decode(), path
        if not path.endswith(".csv"):
            english = body(client, f"/en/planes/{slug}/{path}").decode()
            assert '<html lang="en">' in english, path


def test_each_plans_pages_show_its_own_data_and_link_within_it(client, site):
    second = body(client, f"/planes/{SECOND_SLUG}/").decode()
    assert "Restauración Nacional" not in second and "Movimiento Regional del Valle" in second
    assert f'href="/planes/{SECOND_SLUG}/ejes/1/"' in second
    assert f'href="/planes/{SECOND_SLUG}/alineamiento/"' in second
    assert "Plan de Gobierno del Valle 2023-2026, presentado al JNE" in second  # the footer's source
    assert "Diagnóstico" not in second  # the second plan has no diagnosis
    assert "<title>Inicio · Municipalidad Provincial de Ilo 2023-2026</title>" in second  # the same entity's next term
    seed = body(client, f"/planes/{SEED}/metas/S1.1-M/").decode()
    assert "En promedio: 18 horas al día de agua potable." in seed and "Al menos 20 horas" not in seed
    # The shared indicator keeps one series: each plan's page of it lists its own target.
    water = body(client, f"/planes/{SECOND_SLUG}/indicadores/AGUA-HORAS/").decode()
    assert "Al menos 20 horas de agua al día." in water and "En promedio: 18 horas" not in water


def test_a_plan_without_axes_alignment_or_diagnosis_renders_what_it_has(client, site):
    base = f"/planes/{MINIMAL}/"
    home = body(client, base).decode()
    assert "Plan mínimo" in home and "ejes estratégicos" not in home and "Alineamiento" not in home
    for path, text in [
        ("", "¿Cómo va 1 meta?"),
        ("dimensiones/ambiental/", "Recoger el 90% de la basura."),
        ("metas/A1.1-M/", "Dimensión Ambiental"),
        ("indicadores/", "Aguas residuales"),
        ("rendicion-de-cuentas/", "Rendición de cuentas 2023"),
    ]:
        assert text in body(client, base + path).decode(), path
    for path in [
        "ejes/1/",
        "alineamiento/",
        "alineamiento/national/1/",
        "diagnostico/",
        "principios-y-objetivos/",
        "metas/S1.1-M/",
    ]:
        assert "No encontramos esa página" in body(client, base + path, status=404).decode(), path


def test_the_root_shows_the_featured_plan_and_todays_addresses_follow_it(client, plans):
    assert "Provincia de Ilo 2019-2022" in body(client, "/").decode()
    assert "Eje 2" in body(client, "/ejes/2/").decode()
    listing = body(client, "/planes/").decode()
    for title in ["Plan de Gobierno Municipal del Valle 2023-2026", "Plan mínimo", "Provincia de Ilo 2019-2022"]:
        assert title in listing
    # By entity, in ubigeo order: the province (1803) before its district (180302).
    assert listing.index("Municipalidad Provincial de Ilo") < listing.index("Municipalidad Distrital de El Algarrobal")
    Plan.objects.filter(is_featured=True).update(is_featured=False)
    Plan.objects.filter(slug=SECOND_SLUG).update(is_featured=True)
    assert "Plan de Gobierno Municipal del Valle 2023-2026" in body(client, "/").decode()
    assert "Servicios básicos para todos" in body(client, "/ejes/1/").decode()
    assert "Empleo digno" in body(client, "/alineamiento/").decode()
    body(client, "/diagnostico/", status=404)


def test_at_most_one_plan_is_featured(plans):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(slug=SECOND_SLUG).update(is_featured=True)
    assert Plan.objects.featured().slug == SEED


def test_with_no_plan_featured_the_root_is_the_directory_unless_one_entity_has_every_plan(client, plans):
    Plan.objects.update(is_featured=False)
    assert Plan.objects.featured() is None  # plans of two entities: a national site
    root = body(client, "/").decode()
    assert "Gobiernos regionales y municipalidades del Perú" in root and "Moquegua" in root
    Plan.objects.filter(slug=MINIMAL).update(entity=Plan.objects.get(slug=SEED).entity)
    assert Plan.objects.featured().period_start.year == 2023  # one municipality's site: its latest term


def plan_pages():
    for slug, pages in ((SEED, SEED_PAGES), (SECOND_SLUG, SECOND_PAGES)):
        for path, _ in pages:
            yield f"/planes/{slug}/{path}"
    yield "/planes/"


@pytest.mark.slow  # every page at two data sizes
def test_every_plan_page_costs_the_same_queries_at_two_data_sizes(client, site):
    urls = list(plan_pages())
    small = {url: queries_for(client, url) for url in urls}
    grow(10)
    large = {url: queries_for(client, url) for url in urls}
    assert large == small
    # Uncached, in a transaction that changed the data: nothing remembered, so the page's plan
    # (its id, for its data version) and the versions are read, besides the page's own queries.
    assert max(small.values()) <= 13


def test_the_matrix_keeps_the_annexs_order_and_walks_both_ways(client, plans):
    matrix = body(client, f"/planes/{SEED}/alineamiento/").decode()
    first_row = matrix[matrix.index('data-label="N.º">1</th>') : matrix.index('data-label="N.º">2</th>')]
    assert first_row.index("Promover la protección social") < first_row.index("Garantizar los derechos de las mujeres")
    down = body(client, f"/planes/{SEED}/alineamiento/national/2/").decode()
    assert "En promedio: 18 horas al día de agua potable." in down and f"/planes/{SEED}/ejes/2/" in down
    up = body(client, f"/planes/{SEED}/ejes/2/").decode()
    assert f"/planes/{SEED}/alineamiento/national/2/" in up and "Plan Bicentenario del Perú" in up
