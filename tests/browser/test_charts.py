"""Charts in a real Chromium on a 360 px phone: the server's SVG first, plotly.js only when the
reader asks for it, from this site, speaking Spanish on Spanish pages."""

import io
import re
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages import PAGE_TYPES

BUDGET = 100 * 1024
# Words plotly.js writes by itself in English: month ticks, modebar titles, notices, trace names.
ENGLISH = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Zoom|Pan|Autoscale|Reset|Download|Share|"
    r"Produced|Double-click|trace|Edit|Snapshot|Plotly Cloud)\b"
)


def phone(browser, javascript=True):
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=javascript)
    page = context.new_page()
    log = {"requests": [], "bytes": 0, "problems": []}

    def finished(request):
        sizes = request.sizes()
        log["bytes"] += sizes["responseBodySize"] + sizes["responseHeadersSize"]

    page.on("request", lambda request: log["requests"].append(request.url))
    page.on("requestfinished", finished)
    page.on("console", lambda message: message.type == "error" and log["problems"].append(message.text))
    page.on("pageerror", lambda error: log["problems"].append(str(error)))
    return context, page, log


def test_a_target_page_shows_the_svg_chart_and_loads_plotly_only_when_asked_in_spanish(browser, site):
    context, page, log = phone(browser)
    page.goto(site + "/metas/S1.1-M/")
    page.wait_for_load_state("networkidle")
    svg = page.locator("svg.chart-svg")
    assert svg.is_visible()
    assert svg.bounding_box()["width"] <= 360
    assert page.locator("svg.chart-svg .point").count() >= 12
    assert page.locator("svg.chart-svg line.target").count() == 1
    assert page.locator("svg.chart-svg line.deadline").count() == 1
    assert "Horas al día" in page.locator("svg.chart-svg title").first.text_content()
    assert not [url for url in log["requests"] if "plotly" in url]
    assert log["bytes"] <= BUDGET, f"{log['bytes']} bytes before the click"
    before = log["bytes"]
    print(f"\nFIRST VISIT /metas/S1.1-M/: {before} bytes")
    page.locator("figure.chart").screenshot(path=str(SCREENSHOTS / "grafico-svg-360.png"))

    button = page.get_by_role("button", name="Ver gráfico interactivo")
    assert button.is_visible()
    button.click()
    page.wait_for_selector("#chart .main-svg", timeout=15000)
    page.wait_for_load_state("networkidle")
    loaded = [urlparse(url).path for url in log["requests"]]
    assert any("plotly-basic" in path for path in loaded)
    assert any("plotly-locale-es-pe" in path for path in loaded)
    assert {urlparse(url).netloc for url in log["requests"]} == {urlparse(site).netloc}
    assert log["problems"] == []
    assert log["bytes"] - before > 300 * 1024  # the bundle came now, not before
    assert not svg.is_visible() and not button.is_visible()

    chart = page.locator("#chart")
    text = chart.inner_text()
    assert "Meta: 18 h/día" in text and "Plazo" in text and "2021" in text
    titles = chart.locator(".modebar-btn").evaluate_all("buttons => buttons.map(b => b.getAttribute('data-title'))")
    assert titles and "Ampliar" in titles and "Reiniciar ejes" in titles
    assert not chart.locator(".modebar-btn[data-title*='PNG'], a.modebar-btn[href*='plotly']").count()
    page.locator("#chart .scatterlayer .trace .points path").nth(3).hover(force=True)
    page.wait_for_selector("#chart .hoverlayer .hovertext", timeout=5000)
    hover = chart.locator(".hoverlayer").text_content()
    assert "de 2019" in hover and "h/día" in hover
    page.locator("figure.chart").screenshot(path=str(SCREENSHOTS / "grafico-interactivo-360.png"))
    words = " ".join([text, hover, *titles])
    assert not ENGLISH.search(words), ENGLISH.search(words)
    context.close()


def test_without_javascript_the_chart_is_the_svg_and_no_dead_button(browser, site):
    context, page, log = phone(browser, javascript=False)
    page.goto(site + "/metas/S4.1-M/")
    assert page.locator("svg.chart-svg").is_visible()
    assert page.locator("svg.chart-svg").get_attribute("aria-labelledby") == "chart-svg-title chart-svg-desc"
    assert not page.get_by_role("button", name="Ver gráfico interactivo").is_visible()
    assert page.locator(".chart-legend li").count() >= 3
    context.close()


def test_english_pages_draw_the_interactive_chart_in_english_without_the_spanish_locale(browser, site):
    context, page, log = phone(browser)
    page.goto(site + "/en/metas/S1.1-M/")
    page.get_by_role("button", name="Show interactive chart").click()
    page.wait_for_selector("#chart .main-svg", timeout=15000)
    page.wait_for_load_state("networkidle")
    assert not [url for url in log["requests"] if "locale" in url]
    assert "Target: 18 h/día" in page.locator("#chart").inner_text()
    assert log["problems"] == []
    context.close()


def test_chart_pages_stay_under_the_budget_and_long_series_show_the_latest_twelve(browser, site):
    for path in ["/metas/S1.1-M/", "/indicadores/AGUA-HORAS/", "/indicadores/TBC-TASA/", "/metas/A2.1-M/"]:
        context, page, log = phone(browser)
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
        assert log["bytes"] <= BUDGET, (path, log["bytes"])
        context.close()
    context, page, log = phone(browser)
    page.goto(site + "/metas/S1.1-M/")
    assert page.locator("#datos tbody tr").count() == 12
    page.get_by_role("link", name=re.compile(r"Ver todos \(\d+\)")).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#datos tbody tr").count() > 12
    assert "todas=1" in page.url
    context.close()


@pytest.fixture
def plain_site(live_server, transactional_db):
    """The live server with the seed plan only: the figures the plan cites, no demo data."""
    call_command("load_plan", stdout=io.StringIO())
    return live_server.url


def first_visit_bytes(browser, url):
    context, page, log = phone(browser)
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    context.close()
    return response.status, log["bytes"]


def test_every_page_kind_stays_under_the_budget_with_demo_data(browser, site):
    sizes = {name: first_visit_bytes(browser, site + path) for name, path, _ in PAGE_TYPES}
    print("\nFIRST VISIT (demo)", sizes)
    assert {name: size for name, (_, size) in sizes.items() if size > BUDGET} == {}


def test_every_page_kind_stays_under_the_budget_without_demo_data(browser, plain_site):
    sizes = {
        name: first_visit_bytes(browser, plain_site + path)
        for name, path, _ in PAGE_TYPES
        if not name.startswith("otro-plan")
    }
    print("\nFIRST VISIT (no demo)", sizes)
    assert {name: size for name, (_, size) in sizes.items() if size > BUDGET} == {}
