"""The plan a page is about, remembered by each process while the plan's data version holds
(`goals.public.get_plan`): an unchanged plan is read once, a change is seen at once."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from core import versions
from core.models import DataVersion
from goals.models import Objective, Plan, Target


@pytest.fixture
def outside_a_bump(monkeypatch):
    # Each test runs in a transaction that bumped versions (the seed plan's load): nothing read
    # there is remembered. Pretend it committed, as a web request's reads are.
    monkeypatch.setattr(connection, "_data_version_bumped", False, raising=False)


def visit(client, url):
    """The page's text, and how many times it read its plan (the query with the plan's flags)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    reads = [q for q in context.captured_queries if '"has_axes"' in q["sql"]]
    return response.content.decode(), len(reads)


@pytest.mark.parametrize("url", ["/planes/ilo-2019-2022/metas/S1.1-M/", "/metas/S1.1-M/"])
def test_an_unchanged_plan_is_read_once(client, plan, outside_a_bump, url):
    first, reads = visit(client, url)
    assert reads == 1
    visit(client, url)  # its version read before the plan, this time
    again, reads = visit(client, url)
    assert reads == 0
    assert again == first


def remembered(client, plan) -> str:
    """The plan's home visited until its plan is remembered (its version read before it)."""
    url = f"/planes/{plan.slug}/"
    for _ in range(3):
        visit(client, url)
    return url


def changed_by_another_server(plan, **fields):
    """Another server's change: the plan's row and its counter, with nothing said to this process."""
    Plan.objects.filter(pk=plan.pk).update(**fields)
    DataVersion.objects.filter(scope=versions.plan_scope(plan.pk)).update(counter=F("counter") + 1)


def test_a_change_through_this_process_shows_at_once(client, plan, outside_a_bump):
    url = remembered(client, plan)
    plan.source_document = "Plan de Gobierno Municipal, versión corregida"
    plan.save()  # bumps the plan's version in this process
    page, reads = visit(client, url)
    assert reads == 1 and "versión corregida" in page


def test_a_change_through_another_server_shows_once_its_version_is_read(client, plan, outside_a_bump):
    url = remembered(client, plan)
    changed_by_another_server(plan, source_document="Plan de Gobierno Municipal, desde otro servidor")
    page, reads = visit(client, url)  # DATA_VERSION_SECONDS=0 in the tests: the version read anew
    assert reads == 1 and "desde otro servidor" in page


def test_a_plan_that_is_gone_is_not_found(client, plan, outside_a_bump):
    url = remembered(client, plan)
    changed_by_another_server(plan, slug="otro-nombre")
    assert client.get(url).status_code == 404


# --- the target a target's page is about (`goals.public.get_target`) -----------------------------


def target_reads(client, url):
    """The page's text, and how many times it read its target (the query with the target's joins)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    reads = [q for q in context.captured_queries if 'FROM "goals_target"' in q["sql"]]
    return response, len(reads)


def remembered_target(client, url):
    for _ in range(3):
        target_reads(client, url)


@pytest.mark.parametrize("url", ["/planes/ilo-2019-2022/metas/S1.1-M/", "/metas/S1.1-M/"])
def test_an_unchanged_target_is_read_once_in_either_language(client, plan, outside_a_bump, url):
    first, reads = target_reads(client, url)
    assert reads == 1
    remembered_target(client, url)
    again, reads = target_reads(client, url)
    assert reads == 0 and again.content == first.content
    english, reads = target_reads(client, f"/en{url}")
    assert reads == 0 and english.status_code == 200
    assert 'lang="en"' in english.content.decode() and "Deadline:" in english.content.decode()
    assert target_reads(client, url)[0].content == first.content


def test_a_target_changed_through_this_process_or_another_server_shows_at_once(client, plan, outside_a_bump):
    url = "/metas/S1.1-M/"
    remembered_target(client, url)
    target = Target.objects.get(plan=plan, code="S1.1-M")
    target.sentence = "Veinticuatro horas de agua al día, corregida aquí."
    target.save()
    page, reads = target_reads(client, url)
    assert reads == 1 and "corregida aquí" in page.content.decode()
    remembered_target(client, url)
    Objective.objects.filter(pk=target.objective_id).update(text="Objetivo escrito desde otro servidor.")
    DataVersion.objects.filter(scope=versions.plan_scope(plan.pk)).update(counter=F("counter") + 1)
    page, reads = target_reads(client, url)
    assert reads == 1 and "Objetivo escrito desde otro servidor." in page.content.decode()


def test_a_target_whose_code_changed_elsewhere_is_not_found(client, plan, outside_a_bump):
    url = "/metas/S1.1-M/"
    remembered_target(client, url)
    Target.objects.filter(plan=plan, code="S1.1-M").update(code="S1.1-X")
    DataVersion.objects.filter(scope=versions.plan_scope(plan.pk)).update(counter=F("counter") + 1)
    assert client.get(url).status_code == 404
    assert client.get("/metas/S1.1-X/").status_code == 200


def test_a_process_keeps_at_most_its_size_of_records(plan, outside_a_bump):
    kept = versions.RememberedByPlan(size=2)
    reads = []

    def reader(key):
        return lambda: reads.append(key) or key

    for key in ["a", "b", "a", "c", "a", "b"]:
        assert kept.get(plan.pk, key, reader(key)) == key
    # "a" stays (used last but one each time), "b" was forgotten for "c" and read again.
    assert reads == ["a", "b", "c", "b"]
    assert kept.get(plan.pk, "nothing", lambda: None) is None
    assert len(kept._records) == 2
