"""The citizen's site on a cheap phone (issue 13): a finished term reads as a result, one bar per
axis, tables that become cards, compressed HTML, a search box, words a neighbour uses, the API
docs in the page's language."""

import gzip
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals import public
from goals.progress import Rollup, Status
from ilo_plan import plan_file
from indicators.models import Indicator
from tests.factories import load_demo
from tests.plan_workbooks import second_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(plan):
    load_demo()


def test_a_term_that_has_ended_reads_as_a_result_with_the_verdict_of_each_target(client, demo):
    page = client.get("/").content.decode()
    # Met, not met, without data of the term; and not "final" while the plan is open (issue 20).
    assert "Al cierre del periodo: 4 metas cumplidas, 7 no cumplidas y 4 sin datos del periodo" in page
    assert "Resultado final" not in page and "ya no cambia" not in page
    assert "¿Cómo van" not in page
    verdicts = page[page.index('<ul class="verdicts">') :]
    verdicts = verdicts[: verdicts.index("</ul>")]
    assert verdicts.count("<li>") == 15
    # Met targets first, then the missed ones, then those without data: the plan's order within each.
    assert verdicts.index("Meta cumplida") < verdicts.index("No cumplida") < verdicts.index("Sin datos del periodo")
    english = client.get("/en/").content.decode()
    assert "At the end of the term: 4 targets met, 7 not met and 4 without data for the term" in english


def test_during_the_term_the_home_asks_how_the_targets_go_with_the_expected_pace(client, plan):
    assert plan_file.import_plan(second_plan()).ok  # 2023-2026: under way on the suite's clock
    rows = public.target_statuses(public.get_plan("valle-2023-2026"))
    framing = public.plan_framing(public.get_plan("valle-2023-2026"), rows, today=date(2025, 1, 1))
    assert not framing.ended and framing.verdicts == [] and 40 < framing.expected < 60
    page = client.get("/planes/valle-2023-2026/").content.decode()
    assert re.search(r"¿Cómo van las \d+ metas\?|¿Cómo va 1 meta\?", page)
    assert "Ha transcurrido el" in page and "Resultado final" not in page
    ended = public.plan_framing(public.get_plan("valle-2023-2026"), rows, today=date(2027, 1, 1))
    assert ended.ended and ended.expected is None and len(ended.verdicts) == len(rows)


def test_status_segments_keep_only_the_statuses_a_group_has():
    counts = {status: 0 for status in Status.ordered()}
    counts |= {Status.ACHIEVED: 1, Status.NOT_ACHIEVED: 2}
    segments = public.status_segments(Rollup(counts=counts, total=3))
    assert [(s.status, s.count) for s in segments] == [(Status.ACHIEVED, 1), (Status.NOT_ACHIEVED, 2)]
    assert segments[0].offset == 0 and segments[1].offset == pytest.approx(33.33, abs=0.01)
    assert sum(s.share for s in segments) == pytest.approx(100, abs=0.02)
    assert public.status_segments(Rollup(counts={s: 0 for s in Status.ordered()}, total=0)) == []


def test_axis_cards_show_one_bar_and_only_the_counts_that_are_not_zero(client, demo):
    page = client.get("/").content.decode()
    cards = page[page.index('<ul class="cards">') :]
    assert cards.count('<svg class="stack"') == 6
    assert "<strong>0</strong>" not in page


def test_data_tables_carry_their_column_names_for_the_phone_cards(client, demo):
    for url, labels in [
        ("/alineamiento/", ["Eje del plan", "Metas del eje"]),
        ("/dimensiones/social/", ["Problema", "Objetivo", "Meta", "Estado"]),
        ("/metas/S3.1-M/", ["Valor", "Fuente", "Procedencia"]),
        ("/metas/A2.1-M/", ["Previsto", "Cumplido"]),
        ("/diagnostico/", ["Año", "Valor"]),
    ]:
        page = client.get(url).content.decode()
        assert 'class="cards-sm"' in page or "cards-sm" in page, url
        for label in labels:
            assert f'data-label="{label}"' in page, (url, label)
    methodology = client.get("/metodologia/").content.decode()
    assert methodology.count('<div class="table-scroll sticky-key"') == methodology.count("<table>") >= 3
    assert 'class="scroll-hint"' in methodology


def test_public_answers_are_gzipped_when_asked_and_the_admin_and_tokens_never(client, demo, admin_client):
    plain = client.get("/")
    assert "Content-Encoding" not in plain
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(response.content) == plain.content or b"Al cierre del periodo" in gzip.decompress(
        response.content
    )
    assert len(response.content) * 3 < len(plain.content)
    # The public API's answers hold no secret (no token, no session): compressed too.
    api = client.get("/api/v1/targets/", HTTP_ACCEPT_ENCODING="gzip")
    assert api.status_code == 200 and api["Content-Encoding"] == "gzip"
    token = client.get("/api/v1/targets/", HTTP_ACCEPT_ENCODING="gzip", HTTP_AUTHORIZATION="Token nada")
    assert "Content-Encoding" not in token
    admin = admin_client.get("/admin/", HTTP_ACCEPT_ENCODING="gzip")
    assert admin.status_code == 200 and "Content-Encoding" not in admin
    signed_in = admin_client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in signed_in


def test_search_finds_targets_and_indicators_regardless_of_accents_and_case(client, demo):
    for query in ["anemia", "ANEMIA", "Anémia"]:
        results = public.search(public.get_plan(), query)
        assert [row.target.code for row in results.targets] == ["S2.1-M"], query
    assert {i.code for i in public.search(public.get_plan(), "comprension LECTORA").indicators} >= {
        "ECE-SEC-LECTURA",
        "ECE-PRIM-LECTURA",
    }
    assert public.search(public.get_plan(), "   ").count == 0
    assert public.search(public.get_plan(), "palabra-que-no-existe").count == 0
    page = client.get("/buscar/", {"q": "Educación"}).content.decode()
    assert "resultados para «Educación»" in page and "ECE-SEC-LECTURA" in page
    assert "<script" not in page
    english = client.get("/en/buscar/", {"q": "agua"}).content.decode()
    assert "results for “agua”" in english or "results for «agua»" in english
    assert 'href="/planes/ilo-2019-2022/buscar/"' in client.get("/metodologia/").content.decode() or (
        "/buscar/" in client.get("/").content.decode()
    )


def test_search_costs_the_same_queries_whatever_it_finds(client, demo):
    for url in ["/planes/ilo-2019-2022/buscar/", "/buscar/"]:  # in a plan, and in every plan
        counts = []
        for query in ["agua", "a"]:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, {"q": query}).status_code == 200
            counts.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"q": "x-nada"}).status_code == 200
        assert len(queries) <= min(counts), url  # finding nothing never costs more
        Indicator.objects.create(
            code=f"EXTRA-AGUA-{len(url)}",
            name="Otro indicador de agua",
            unit=Indicator.objects.first().unit,
            office=Indicator.objects.first().office,
        )
        with CaptureQueriesContext(connection) as queries:
            client.get(url, {"q": "agua"})
        counts.append(len(queries))
        assert max(counts) - min(counts) <= 1, (url, counts)


def test_public_pages_use_the_words_a_neighbour_uses(client, demo):
    for url in ["/", "/metas/S3.1-M/", "/metas/A2.1-M/", "/indicadores/", "/indicadores/TBC-TASA/", "/ejes/2/"]:
        text = re.sub(r"<[^>]+>", " ", client.get(url).content.decode())
        assert not re.search(r"\blecturas?\b", text, re.I), url
        assert not re.search(r"\bhitos?\b", text, re.I), url


def test_the_api_docs_speak_the_page_language_and_carry_no_inline_style(client):
    spanish = client.get("/api/docs/").content.decode()
    assert '<html lang="es">' in spanish and "<style" not in spanish
    english = client.get("/en/api/docs/").content.decode()
    assert '<html lang="en">' in english and "<style" not in english
