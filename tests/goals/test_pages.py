"""The public pages: content, errors, languages, and a constant number of queries whatever the data size."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import versions
from goals.progress import Status
from ilo_plan import plans
from indicators.models import Indicator, Reading, ReviewStatus
from tests.factories import load_demo

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/ejes/2/",
    "/dimensiones/social/",
    "/metas/S3.1-M/",
    "/metas/A2.1-M/",
    "/metas/S3.1-M/serie.csv",
    "/indicadores/",
    "/indicadores/TBC-TASA/",
    "/entidades/1803/indicadores/AGUA-HORAS/serie.csv",
    "/alineamiento/",
    "/alineamiento/national/2/",
    "/alineamiento/regional/8/",
    "/correcciones/",
    "/diagnostico/",
    "/rendicion-de-cuentas/",
    "/rendicion-de-cuentas/2021/",
    "/metodologia/",
    "/datos-abiertos/",
]


@pytest.fixture
def demo(plan):
    load_demo()


def grow(times: int):
    """Ten times more data: past readings for every indicator, and more context indicators."""
    approved_at = timezone.make_aware(datetime.combine(date(2018, 6, 1), time(12)))
    readings = []
    template = Indicator.objects.get(code="PNP-ROBO")
    for n in range(len(Indicator.objects.all()) * (times - 1) // 4):
        Indicator.objects.create(
            code=f"EXTRA-{n}", name=f"Indicador extra {n}", unit=template.unit, office=template.office, order=999
        )
    for indicator in Indicator.objects.all():
        for year in range(1990, 1990 + times):
            readings.append(
                Reading(
                    indicator=indicator,
                    period=date(year, 1, 1),
                    value=Decimal(1),
                    source="Prueba",
                    status=ReviewStatus.APPROVED,
                    approved_at=approved_at,
                    reviewed_at=approved_at,
                )
            )
    Reading.objects.bulk_create(readings)


def queries_for(client, url):
    # Counted as a page's first request in its process: nothing remembered (its plan, its version).
    plans.forget()
    versions.forget()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.slow  # every page at two data sizes
def test_every_page_costs_the_same_queries_at_two_data_sizes(client, demo):
    small = {url: queries_for(client, url) for url in PAGES}
    grow(10)
    large = {url: queries_for(client, url) for url in PAGES}
    assert large == small
    # Uncached, in a transaction that changed the data: nothing remembered, so the page's plan
    # (its id, for its data version) and the versions are read, besides the page's own queries.
    assert max(small.values()) <= 13


def test_home_shows_the_plan_status_counts_and_axes(client, demo):
    page = client.get("/").content.decode()
    assert "Plan de Gobierno Municipal Provincia de Ilo 2019-2022" in page
    assert "Partido Político Restauración Nacional" in page
    assert page.count('class="card"') == 6
    assert "Meta cumplida" in page and "Avance promedio" in page
    assert "<script" not in page


def test_axis_page_lists_targets_and_alignment(client, demo):
    page = client.get("/ejes/2/").content.decode()
    assert "En promedio: 18 horas al día de agua potable." in page
    assert "Impulsar el Consejo Participativo Local de Educación" in page
    assert "El plan no fija una meta para este objetivo." in page
    assert "Oportunidades y acceso a los servicios" in page
    assert "<polyline" in page and "<script" not in page


def test_dimension_page_is_the_plan_table_with_a_status_column(client, demo):
    page = client.get("/dimensiones/ambiental/").content.decode()
    for text in [
        "Problema identificado",
        "Objetivo estratégico (solución al problema)",
        "Meta (al 2022)",
        "Estado",
        "01 Relleno sanitario en funcionamiento",
    ]:
        assert text in page


def test_target_page_has_explanation_chart_data_table_and_sources(client, demo):
    page = client.get("/metas/S3.1-M/").content.decode()
    assert "¿Por qué este estado?" in page
    assert 'id="chart-data"' in page and "plotly-basic-4.1.1.min.js" in page
    assert "Datos publicados, con su procedencia" in page
    assert "Subgerencia de Educación" in page
    assert "27.8 (2016)" in page


def test_a_correction_shows_on_the_target_page_and_the_corrections_page(client, demo):
    reading = Reading.objects.approved().filter(indicator__code="ECE-SEC-LECTURA", is_demo=True).first()
    reviewer = reading.reviewed_by
    correction = reading.correct(reading.entered_by, value=Decimal("31"), source="MINEDU", reason="Error de digitación")
    correction.submit(reading.entered_by)
    correction.approve(reviewer)
    spanish = client.get("/metas/S3.1-M/").content.decode()
    assert "Corregido el" in spanish and "aprobado el" in spanish and "antes del periodo" in spanish
    # The table's words are written in Python (goals' table_row), in the page's language.
    english = client.get("/en/metas/S3.1-M/").content.decode()
    assert "Corrected on" in english and "approved on" in english and "before the term" in english
    assert "Corregido el" not in english and "aprobado el" not in english
    page = client.get("/correcciones/").content.decode()
    assert "Error de digitación" in page and "31" in page


def test_no_personal_names_on_public_pages(client, demo):
    for url in ["/", "/metas/S1.1-M/", "/indicadores/AGUA-HORAS/", "/correcciones/"]:
        assert "demo-registrador" not in client.get(url).content.decode()


def test_the_catalogue_has_target_and_context_indicators_and_due_dates(client, demo):
    page = client.get("/indicadores/").content.decode()
    assert "Tasa de tuberculosis" in page and "Horas al día de abastecimiento" in page
    water = client.get("/indicadores/AGUA-HORAS/").content.decode()
    assert "Horas al día de abastecimiento" in water
    # The plan's term has ended and no later plan measures it: nothing more is due (issue 20).
    assert "Próximo dato" not in water and "dato atrasado" not in water
    tb = client.get("/indicadores/TBC-TASA/").content.decode()
    assert "Indicador de contexto" in tb and "27" in tb


def test_the_yearly_report_shows_the_past_as_it_stood(client, demo):
    response = client.get("/rendicion-de-cuentas/2020/")
    page = response.content.decode()
    assert "31 de diciembre de 2020" in page
    assert "Imprimir o guardar como PDF" in page
    assert response.context["rollup"].counts[Status.NOT_ACHIEVED] == 0  # nothing fails before the 2022 deadline
    assert response.context["rollup"].counts[Status.ON_TRACK] + response.context["rollup"].counts[Status.AT_RISK] > 0


def test_alignment_walks_down_to_the_targets(client, demo):
    page = client.get("/alineamiento/national/2/").content.decode()
    assert "En promedio: 18 horas al día de agua potable." in page
    assert "/ejes/2/" in page


@pytest.mark.parametrize(
    "url",
    [
        "/ejes/9/",
        "/ejes/0/",
        "/rendicion-de-cuentas/abc/",
        "/rendicion-de-cuentas/2030/",
        "/rendicion-de-cuentas/2018/",
        "/metas/NADA/",
        "/dimensiones/otra/",
        "/alineamiento/galactic/1/",
        "/indicadores/NADA/",
    ],
)
def test_unknown_things_answer_a_spanish_404(client, plan, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "No encontramos esa página" in response.content.decode()


def test_english_lives_under_en(client, demo):
    page = client.get("/en/ejes/2/").content.decode()
    assert '<html lang="en">' in page
    assert "Skip to content" in page and "Objectives and targets" in page and "Axis 2" in page
    english_target = client.get("/en/metas/S3.1-M/").content.decode()
    assert "Why this status?" in english_target and "Cited from the plan" in english_target
    spanish = client.get("/ejes/2/").content.decode()
    assert '<html lang="es">' in spanish


def test_the_demo_notice_is_on_every_page_while_demo_data_exists(client, demo):
    for url in PAGES:
        if not url.endswith(".csv"):
            assert "Datos de demostración" in client.get(url).content.decode(), url


@pytest.mark.parametrize("url", ["/", "/ejes/2/"])
def test_home_and_axis_pages_weigh_under_100_kb_gzipped_with_no_javascript(client, demo, url):
    import gzip
    import re
    from pathlib import Path

    from django.conf import settings

    html = client.get(url).content
    assert b"<script" not in html
    styles = re.findall(rb'<link rel="stylesheet" href="/static/([^"]+)"', html)
    weight = len(gzip.compress(html)) + sum(
        len(gzip.compress((Path(settings.BASE_DIR) / "static" / name.decode()).read_bytes())) for name in styles
    )
    assert weight < 100_000
