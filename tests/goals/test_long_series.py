"""Long series: target and indicator pages list the latest 12 figures and link to all of them,
at the same cost in queries; the chart always draws the whole series."""

import re

import pytest

from tests.factories import load_demo
from tests.goals.test_pages import grow, queries_for

pytestmark = pytest.mark.django_db

LONG = ["/metas/S1.1-M/", "/indicadores/AGUA-HORAS/"]


@pytest.fixture
def demo(plan):
    load_demo()


def table_rows(page: str) -> int:
    table = page[page.index('id="datos"') : page.index("</table>", page.index('id="datos"'))]
    return table.count("<tr>") - 1  # the header row


def test_a_long_series_lists_its_latest_twelve_figures_and_links_to_all(client, demo):
    for url in LONG:
        page = client.get(url).content.decode()
        assert table_rows(page) == 12
        assert "Se muestran los 12 datos más recientes de 48." in page
        assert '<a href="?todas=1#datos">Ver todos (48)</a>' in page
        assert page.count('class="point main"') == 48  # the chart keeps every figure
        assert "diciembre 2022" in page[page.index('id="datos"') :][:2000]  # newest first
        everything = client.get(url, {"todas": "1"}).content.decode()
        assert table_rows(everything) == 48
        assert "Ver solo los 12 más recientes" in everything and "Ver todos (48)" not in everything


def test_a_short_series_has_no_link(client, demo):
    page = client.get("/metas/S3.1-M/").content.decode()
    assert "Ver todos" not in page and "más recientes" not in page


def test_english_pages_say_it_in_english(client, demo):
    page = client.get("/en/metas/S1.1-M/").content.decode()
    assert "Showing the latest 12 figures of 48." in page and "Show all (48)" in page
    assert "Show interactive chart" in page


@pytest.mark.slow  # every figure at two data sizes
def test_all_the_figures_cost_the_same_queries_at_two_data_sizes(client, demo):
    urls = [url + suffix for url in LONG for suffix in ("", "?todas=1")]
    small = {url: queries_for(client, url) for url in urls}
    assert small[LONG[0]] == small[LONG[0] + "?todas=1"]
    grow(10)
    large = {url: queries_for(client, url) for url in urls}
    assert large == small
    page = client.get(LONG[1], {"todas": "1"}).content.decode()
    assert table_rows(page) == 58 and re.search(r"Ver solo los 12 más recientes", page)
