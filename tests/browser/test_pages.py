"""Every public page kind in a real Chromium, served by the production profile (DEBUG off, the
hashed and compressed static files of `collectstatic`, gunicorn, whitenoise) with the seed plan,
the demo and a second plan, each page checked once: it answers, shows its content, logs no error,
asks no other host, is gzipped, says its language (and a Spanish page no English word), fits a
360 px phone (nothing wider, no table cut off) and a 1280 px screen, passes axe-core, weighs at
most 100 KB on a first visit, and leaves screenshots at 360 and 1280 px for CI to keep.

One server and one browser for the module: the data is loaded once."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings

from ilo_plan import plan_file
from tests.browser.conftest import SCREENSHOTS
from tests.factories import load_demo
from tests.plan_workbooks import second_plan
from tests.test_serve import free_port, get, subprocess_database_url

# The test database must exist for the module fixture (pytest-django creates it only for a
# session with database tests); each test's own transaction is empty.
pytestmark = pytest.mark.django_db
ROOT = Path(django_settings.BASE_DIR)
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
PHONE, SCREEN = 360, 1280
BUDGET = 100_000  # bytes on the wire, headers included, for a first visit

# Each page kind: its name (and screenshots'), its address, and texts its main content shows
# (None: the API docs, whose content Swagger UI draws).
PAGES = [
    ("inicio", "/", ["Al cierre del periodo: 4 metas cumplidas, 7 no cumplidas y 4 sin datos del periodo"]),
    ("planes", "/planes/", ["Planes de gobierno"]),
    ("eje", "/ejes/2/", ["Mejorar el acceso a los servicios básicos", "Objetivos y metas"]),
    ("dimension", "/dimensiones/social/", ["Problema identificado"]),
    ("meta", "/metas/S3.1-M/", ["¿Por qué este estado?"]),
    ("meta-entregable", "/metas/A2.1-M/", ["Avances del proyecto"]),
    ("indicadores", "/indicadores/", ["Indicadores de contexto"]),
    ("indicador", "/indicadores/TBC-TASA/", ["Valor de referencia"]),
    ("alineamiento", "/alineamiento/", ["Matriz de articulación"]),
    (
        "objetivo-alineado",
        "/alineamiento/national/2/",
        ["Oportunidades y acceso a los servicios", "Cómo van las metas"],
    ),
    ("correcciones", "/correcciones/", ["Correcciones de datos publicados"]),
    ("diagnostico", "/diagnostico/", ["Diagnóstico del plan", "20,601"]),
    ("rendicion-indice", "/rendicion-de-cuentas/", ["Rendición de cuentas por año"]),
    ("rendicion", "/rendicion-de-cuentas/2021/", ["Rendición de cuentas 2021"]),
    ("metodologia", "/metodologia/", ["Metodología"]),
    ("datos-abiertos", "/datos-abiertos/", ["Datos abiertos"]),
    ("buscar", "/buscar/?q=agua", ["resultados para «agua»"]),
    ("api-docs", "/api/docs/", None),
    ("english", "/en/", ["Plan de Gobierno Municipal"]),
    ("otro-plan", "/planes/valle-2023-2026/", ["Plan de Gobierno Municipal del Valle 2023-2026"]),
    ("otro-plan-meta", "/planes/valle-2023-2026/metas/S1.1-M/", ["Al menos 20 horas de agua al día."]),
    ("otro-plan-alineamiento", "/planes/valle-2023-2026/alineamiento/", ["Empleo digno"]),
    ("otro-plan-english", "/en/planes/valle-2023-2026/dimensiones/social/", ["Problem"]),
    ("no-encontrada", "/ejes/99/", ["No encontramos esa página"]),
]
NOT_FOUND = {"no-encontrada"}
# Swagger UI (drf-spectacular-sidecar) builds the API docs page: its buttons are English, it weighs
# about 550 KB (a developer's page, not a citizen's), and three axe rules fail on its own markup
# (buttons inside buttons, an h3 after the h1, its header outside any landmark). Its colours are
# fixed in static/css/api-docs.css; the rest is Swagger UI's and recorded in docs/public-site.md.
SWAGGER_RULES = {"nested-interactive", "heading-order", "region"}
OVER_BUDGET = {"api-docs": "Swagger UI's bundle, loaded by the API docs page"}
# The page kinds a citizen reads, as (name, path, texts), for the other browser tests.
PAGE_TYPES = [(name, path, texts) for name, path, texts in PAGES if name not in OVER_BUDGET]

# Words that give English away on a page meant to be in Spanish (whole words, any case).
ENGLISH = re.compile(
    r"\b(the|and|of|with|target|targets|reading|readings|download|chart|status|progress|search|"
    r"results?|source|page|indicator|indicators|milestones?|data|approved|deadline|baseline|zoom|"
    r"autoscale|reset|plot)\b",
    re.I,
)


@pytest.fixture(scope="module")
def production_site(seed_plan, django_db_blocker, tmp_path_factory):
    """gunicorn in the production profile on the suite's database, with the seed plan, the demo
    and a second plan."""
    with django_db_blocker.unblock():
        load_demo()
        assert plan_file.import_plan(second_plan()).ok
        database_url = subprocess_database_url(tmp_path_factory.mktemp("pages"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "p4!x9#qL2mV7rT0wZ3yB8nC5fH1jK6sD-phone-test-key-0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "DJANGO_CONN_MAX_AGE": "0",
        "PUBLIC_CACHE_SECONDS": "0",
        "API_THROTTLE_ANON": "100000/min",
        "AXES_ENABLED": "0",
    }
    env.pop("DJANGO_STATICFILES_STORAGE", None)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    env |= {"HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4"}
    process = subprocess.Popen(
        [GUNICORN, "-c", "python:ilo_plan.gunicorn_conf", "ilo_plan.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError("gunicorn no arrancó: " + process.stderr.read().decode()[-2000:])
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()
        seed_plan.changed()  # the demo and the second plan were committed on top of it


def open_page(browser, url, width):
    """A first visit (a fresh context: nothing cached) at `width`, with what the page logged,
    which hosts it asked and how many bytes it transferred."""
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="es-PE")
    page = context.new_page()
    problems, hosts, finished = [], set(), []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page.on("requestfinished", lambda request: finished.append(request))
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    sizes = [request.sizes() for request in finished]
    transferred = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    return page, response, problems, hosts, transferred


def loaded_well(response, problems, hosts, site, name):
    assert response.status == (404 if name in NOT_FOUND else 200)
    assert response.headers.get("content-encoding") == "gzip"
    # A missing page logs the failed document load itself; nothing else may go wrong.
    assert [p for p in problems if not (name in NOT_FOUND and "404" in p)] == []
    assert hosts == {urlparse(site).netloc}


@pytest.mark.parametrize("name, path, texts", PAGES, ids=[p[0] for p in PAGES])
def test_the_page_loads_fits_a_phone_and_a_screen_speaks_its_language_and_passes_axe(
    browser, production_site, name, path, texts
):
    page, response, problems, hosts, transferred = open_page(browser, production_site + path, PHONE)
    loaded_well(response, problems, hosts, production_site, name)
    language = "en" if path.startswith("/en/") else "es"
    assert page.evaluate("document.documentElement.lang") == language
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, "horizontal scrolling"
    # A table fits the screen, or scrolls inside a region that does, with a hint shown above it.
    cut = page.evaluate(
        """width => [...document.querySelectorAll('table')].filter(table => {
            if (table.getBoundingClientRect().right <= width) return false;
            const region = table.closest('.table-scroll');
            const hint = region && region.previousElementSibling;
            const shown = hint && hint.classList.contains('scroll-hint') && hint.offsetHeight > 0;
            return !(region && region.getBoundingClientRect().right <= width && shown);
        }).map(table => (table.caption ? table.caption.innerText : table.outerHTML.slice(0, 80)))""",
        PHONE,
    )
    assert cut == []
    if texts is not None:
        main = page.inner_text("main")
        assert [text for text in texts if text not in main] == []
    else:  # The API docs: Swagger UI's own buttons are English; its title and texts are ours.
        assert "API del seguimiento" in page.inner_text("body")
    if texts is not None and language == "es":
        # Code (a file path, an API parameter) is not prose: it is left out.
        prose = page.evaluate(
            "() => { const body = document.body.cloneNode(true);"
            " body.querySelectorAll('code, pre, script').forEach(e => e.remove()); return body.innerText; }"
        )
        english = sorted({m.lower() for m in ENGLISH.findall(prose)})
        assert english == [], english
    options = {"resultTypes": ["violations"]}
    if name == "api-docs":
        options["rules"] = {rule: {"enabled": False} for rule in SWAGGER_RULES}
    results = Axe().run(page, options=options)
    assert results.violations_count == 0, results.generate_report()
    print(f"transferred {name}: {transferred:,} bytes")
    if name not in OVER_BUDGET:
        assert transferred <= BUDGET, f"{transferred:,} bytes"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{PHONE}.png"), full_page=True)
    page.context.close()

    page, response, problems, hosts, _ = open_page(browser, production_site + path, SCREEN)
    loaded_well(response, problems, hosts, production_site, name)
    if texts is not None:
        main = page.inner_text("main")
        assert [text for text in texts if text not in main] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN, "horizontal scrolling"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{SCREEN}.png"), full_page=True)
    page.context.close()


def test_the_chart_draws_on_a_target_page(browser, production_site):
    page, _, problems, _, _ = open_page(browser, production_site + "/metas/S1.1-M/", SCREEN)
    page.get_by_role("button", name="Ver gráfico interactivo").click()
    page.wait_for_selector("#chart .main-svg", timeout=15000)
    assert page.locator("#chart .scatterlayer .trace").count() >= 1
    assert problems == []
    page.context.close()


def test_pages_without_charts_load_no_javascript(browser, production_site):
    scripts = []
    page = browser.new_page()
    page.on("request", lambda request: request.resource_type == "script" and scripts.append(request.url))
    for path in ["/", "/ejes/2/"]:
        page.goto(production_site + path)
    assert scripts == []
    page.close()


def test_the_first_tab_reaches_the_skip_link_and_it_moves_focus_to_the_content(browser, production_site):
    page = browser.new_page()
    page.goto(production_site + "/ejes/2/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenido"
    page.close()


def test_headings_are_in_order(browser, production_site):
    page = browser.new_page()
    for path in ["/", "/ejes/2/", "/metas/S3.1-M/", "/rendicion-de-cuentas/2021/"]:
        page.goto(production_site + path)
        levels = page.eval_on_selector_all("main h1, main h2, main h3, main h4", "els => els.map(e => +e.tagName[1])")
        assert levels[0] == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (path, levels)
    page.close()
