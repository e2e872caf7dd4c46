"""The search's words are kept by the database (`core.search`): every way a target or an indicator
is written fills them (fixtures, plan files, saves), a renamed objective, unit or office reaches
the records that read from it, and a query's wildcards are words like any other."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import search
from goals import public
from goals.models import Objective, Target
from ilo_plan import plan_file
from indicators.models import Indicator, Office, Unit
from tests.plan_workbooks import minimal_plan, second_plan

pytestmark = pytest.mark.django_db

TARGET_PATHS = ("code", "sentence", "objective__text", "unit")
INDICATOR_PATHS = ("code", "name", "unit__name", "office__name", "source")


def target_codes(plan, query):
    return [row.target.code for row in public.search(plan, query).targets]


def indicator_codes(plan, query):
    return [indicator.code for indicator in public.search(plan, query).indicators]


def test_the_seed_plan_and_plan_files_arrive_with_their_words(plan):
    for data in (second_plan(), minimal_plan("sin-ejes-2023-2026")):
        assert plan_file.import_plan(data).ok
    assert Target.objects.values("plan").distinct().count() == 3 and Indicator.objects.count() > 10
    # Nothing left to rewrite: every record's words are what its fields say.
    assert search.refresh(Target.objects.all(), TARGET_PATHS) == 0
    assert search.refresh(Indicator.objects.all(), INDICATOR_PATHS) == 0
    target = Target.objects.select_related("objective").get(plan=plan, code="S1.1-M")
    assert target.search_text == search.words_of(target.code, target.sentence, target.objective.text, target.unit)
    assert "s1.1-m" in target.search_text and target.search_text == target.search_text.lower()


def test_words_forgive_accents_and_case_both_ways(plan):
    assert "S1.1-M" in target_codes(plan, "AGUA potable")
    accented = target_codes(plan, "anemia")
    assert accented and target_codes(plan, "ANEMÍA") == accented
    assert target_codes(plan, "agua anemia zzz") == []


def test_a_renamed_objective_reaches_its_targets(plan):
    objective = Objective.objects.get(plan=plan, code="S1.1")
    assert "S1.1-M" not in target_codes(plan, "Quebradagrande")
    objective.text = "Llevar agua a Quebradagrande."
    objective.save()
    assert target_codes(plan, "quebradagrande") == ["S1.1-M"]
    assert "S1.1-M" in [
        row.target.code for row in public.search_everywhere("quebradágrande").entities[0].plans[0].targets
    ]


def test_a_renamed_unit_or_office_reaches_its_indicators(plan):
    indicator = Indicator.objects.select_related("unit", "office").filter(entity=plan.entity).first()
    unit, office = indicator.unit, indicator.office
    unit.name = "Cántaros por vecino"
    unit.save()
    assert indicator.code in indicator_codes(plan, "cantaros")
    office.name = "Subgerencia de Ñandúes"
    office.save()
    assert indicator.code in indicator_codes(plan, "ñandues")
    assert Indicator.objects.get(pk=indicator.pk).search_text.count("nandues") == 1
    assert Unit.objects.get(pk=unit.pk).name == "Cántaros por vecino"
    assert Office.objects.get(pk=office.pk).name == "Subgerencia de Ñandúes"


def test_a_target_saved_again_keeps_its_words_up_to_date(plan):
    target = Target.objects.get(plan=plan, code="S1.1-M")
    target.sentence = "Veinticuatro horas de agua al día."
    target.save()
    assert target_codes(plan, "veinticuatro") == ["S1.1-M"]
    assert "en promedio" not in Target.objects.get(pk=target.pk).search_text


def test_a_save_of_some_fields_writes_the_words_too(plan):
    target = Target.objects.get(plan=plan, code="S1.1-M")
    target.sentence = "Cisternas para cada barrio."
    target.save(update_fields=["sentence"])
    assert "cisternas" in Target.objects.get(pk=target.pk).search_text
    assert target_codes(plan, "cisternas") == ["S1.1-M"]


@pytest.mark.parametrize("query", ["_", "_gua", "a%e", "%%", "\\", "agua%"])
def test_wildcards_in_a_query_are_plain_characters(plan, client, query):
    assert public.search(plan, query).count == 0
    assert public.search_everywhere(query).count == 0
    assert client.get("/buscar/", {"q": query}).status_code == 200


def test_a_percent_sign_finds_exactly_what_holds_one(plan):
    holding = sorted(t.code for t in Target.objects.filter(plan=plan) if "%" in t.search_text)
    assert holding  # the seed plan's units hold "%"
    assert sorted(target_codes(plan, "%")) == holding
    assert set(target_codes(plan, "% anemia")) < set(holding)


def found_on(results):
    """(target pks, indicator pks) shown on a page of a search of every plan."""
    targets = [row.target.pk for e in results.entities for p in e.plans for row in p.targets]
    return targets, [i.pk for e in results.entities for i in e.indicators]


def test_the_search_of_every_plan_counts_everything_and_pages_through_it_in_fixed_queries(plan):
    assert plan_file.import_plan(second_plan()).ok
    everything = public.search_everywhere("agua", limit=1000)
    all_targets, all_indicators = found_on(everything)
    assert len(all_targets) >= 3 and len(all_indicators) >= 2 and everything.page.paginator.num_pages == 1
    with CaptureQueriesContext(connection) as few:
        first = public.search_everywhere("agua", limit=2)
    assert first.count == everything.count == len(all_targets) + len(all_indicators)
    assert (
        first.page.paginator.num_pages == -(-max(len(all_targets), len(all_indicators)) // 2) and first.page.has_next()
    )
    seen_targets, seen_indicators = [], []
    for number in range(1, first.page.paginator.num_pages + 1):
        targets, indicators = found_on(public.search_everywhere("agua", page=number, limit=2))
        assert len(targets) <= 2 and len(indicators) <= 2
        seen_targets += targets
        seen_indicators += indicators
    assert sorted(seen_targets) == sorted(all_targets) and sorted(seen_indicators) == sorted(all_indicators)
    past = public.search_everywhere("agua", page=999, limit=2)
    assert past.page.number == first.page.paginator.num_pages and not past.page.has_next()
    with CaptureQueriesContext(connection) as many:
        public.search_everywhere("agua")
    assert len(many.captured_queries) == len(few.captured_queries) <= 10


def test_the_root_search_links_its_pages_keeping_the_words(client, plan, monkeypatch):
    assert plan_file.import_plan(second_plan()).ok
    monkeypatch.setattr(public, "SEARCH_ALL_LIMIT", 1)
    monkeypatch.setattr(public.search_everywhere, "__defaults__", (1, 1))
    html = client.get("/buscar/", {"q": "Agua", "page": "2"}).content.decode()
    assert 'href="?q=Agua&amp;page=1" rel="prev"' in html  # the words as typed
    assert 'href="?q=Agua&amp;page=3" rel="next"' in html and "Página 2 de " in html
    for odd in ["0", "-1", "dos", "9999999999", ""]:
        page = client.get("/buscar/", {"q": "Agua", "page": odd})
        assert page.status_code == 200 and "Página 1 de " in page.content.decode(), odd


def test_rows_written_in_sql_get_their_words_from_the_command(plan):
    indicator = Indicator.objects.filter(entity=plan.entity).first()
    with connection.cursor() as cursor:  # as a bulk load in SQL would: no signal, the column's default
        cursor.execute(
            "INSERT INTO indicators_indicator (code, name, description, unit_id, direction, frequency, office_id, "
            'source, method, baseline_source, reference_note, "order", entity_id) '
            "SELECT 'SQL-1', 'Pozos tubulares', '', unit_id, direction, frequency, office_id, 'Censo', '', '', '', 0, "
            "entity_id FROM indicators_indicator WHERE id = %s",
            [indicator.pk],
        )
    written = Indicator.objects.select_related("unit", "office").get(code="SQL-1")
    assert written.search_text == ""  # the column's default: found by no search yet
    assert public.search_everywhere("pozos tubulares").count == 0
    out = io.StringIO()
    call_command("refresh_search", stdout=out)
    assert out.getvalue().strip() == "Palabras de búsqueda rehechas: 1."
    expected = search.words_of("SQL-1", "Pozos tubulares", written.unit.name, written.office.name, "Censo")
    assert Indicator.objects.get(code="SQL-1").search_text == expected
    assert public.search_everywhere("pozos tubulares").count == 1
    call_command("refresh_search", stdout=out)
    assert out.getvalue().strip().endswith("Palabras de búsqueda rehechas: 0.")
