"""Every page type in a real Chromium: it loads, shows its content, logs no error, asks no other
host, passes axe-core, fits a 360 px phone, and leaves screenshots for CI to keep."""

from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import SCREENSHOTS

PAGE_TYPES = [
    ("inicio", "/", "Al cierre del periodo: 4 metas cumplidas, 7 no cumplidas y 4 sin datos del periodo"),
    ("eje", "/ejes/2/", "Mejorar el acceso a los servicios básicos"),
    ("dimension", "/dimensiones/social/", "Problema identificado"),
    ("meta", "/metas/S3.1-M/", "¿Por qué este estado?"),
    ("meta-entregable", "/metas/A2.1-M/", "Avances del proyecto"),
    ("indicadores", "/indicadores/", "Indicadores de contexto"),
    ("indicador", "/indicadores/TBC-TASA/", "Valor de referencia"),
    ("alineamiento", "/alineamiento/", "Matriz de articulación"),
    ("objetivo-alineado", "/alineamiento/national/2/", "Oportunidades y acceso a los servicios"),
    ("correcciones", "/correcciones/", "Correcciones de datos publicados"),
    ("diagnostico", "/diagnostico/", "20,601"),
    ("rendicion", "/rendicion-de-cuentas/2021/", "Rendición de cuentas 2021"),
    ("metodologia", "/metodologia/", "Metodología"),
    ("datos-abiertos", "/datos-abiertos/", "Datos abiertos"),
    ("english", "/en/", "Plan de Gobierno Municipal"),
    ("planes", "/planes/", "Planes de gobierno"),
    ("otro-plan", "/planes/valle-2023-2026/", "Plan de Gobierno Municipal del Valle 2023-2026"),
    ("otro-plan-meta", "/planes/valle-2023-2026/metas/S1.1-M/", "Al menos 20 horas de agua al día."),
    ("otro-plan-alineamiento", "/planes/valle-2023-2026/alineamiento/", "Empleo digno"),
    ("otro-plan-english", "/en/planes/valle-2023-2026/dimensiones/social/", "Problem"),
    ("no-encontrada", "/ejes/99/", "No encontramos esa página"),
]


def open_page(browser, url, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems, hosts = [], set()
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, response, problems, hosts


@pytest.mark.parametrize("name, path, text", PAGE_TYPES, ids=[p[0] for p in PAGE_TYPES])
def test_page_type(browser, site, name, path, text):
    for width in (360, 1280):
        page, response, problems, hosts = open_page(browser, site + path, width)
        assert response.status == (404 if name == "no-encontrada" else 200)
        assert text in page.inner_text("main")
        # A 404 page logs the failed document load itself; nothing else may go wrong.
        assert [p for p in problems if "404" not in p] == []
        assert hosts == {urlparse(site).netloc}
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scrolling"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        if width == 360:
            results = Axe().run(page)
            assert results.violations_count == 0, results.generate_report()
        page.close()


def test_the_chart_draws_on_a_target_page(browser, site):
    page, _, problems, _ = open_page(browser, site + "/metas/S1.1-M/", 1280)
    page.get_by_role("button", name="Ver gráfico interactivo").click()
    page.wait_for_selector("#chart .main-svg", timeout=15000)
    assert page.locator("#chart .scatterlayer .trace").count() >= 1
    assert problems == []
    page.close()


def test_pages_without_charts_load_no_javascript(browser, site):
    scripts = []
    page = browser.new_page()
    page.on("request", lambda request: request.resource_type == "script" and scripts.append(request.url))
    for path in ["/", "/ejes/2/"]:
        page.goto(site + path)
    assert scripts == []
    page.close()


def test_the_first_tab_reaches_the_skip_link_and_it_moves_focus_to_the_content(browser, site):
    page = browser.new_page()
    page.goto(site + "/ejes/2/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenido"
    page.close()


def test_headings_are_in_order(browser, site):
    page = browser.new_page()
    for path in ["/", "/ejes/2/", "/metas/S3.1-M/", "/rendicion-de-cuentas/2021/"]:
        page.goto(site + path)
        levels = page.eval_on_selector_all("main h1, main h2, main h3, main h4", "els => els.map(e => +e.tagName[1])")
        assert levels[0] == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (path, levels)
    page.close()
