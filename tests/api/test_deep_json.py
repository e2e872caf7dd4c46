"""A body nested 100,000 levels from any token holder is a 400 in Spanish, never a 500: the API's
JSON parser is bounded in depth (core.parsers), on every write."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from core.parsers import MAX_DEPTH, depth
from indicators.models import Reading
from tests.factories import make_token

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000
# Parses without a RecursionError, yet deeper than any write of the API.
FAIRLY_DEEP = '{"value": ' + "[" * 200 + "]" * 200 + "}"


@pytest.fixture
def submitted(indicator, registrador):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=12, source="EPS"
    )
    reading.submit(registrador)
    return reading


def client_of(user):
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    return client


@pytest.mark.parametrize("body", [DEEP, FAIRLY_DEEP], ids=["100000", "200"])
def test_a_deeply_nested_body_is_a_400_in_spanish_on_every_write(body, registrador, revisor, indicator, submitted):
    draft = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 4, 1), value=12, source="EPS"
    )
    writes = [
        (registrador, "post", "/api/v1/readings/"),
        (registrador, "patch", f"/api/v1/readings/{draft.pk}/"),
        (revisor, "post", f"/api/v1/readings/{submitted.pk}/approve/"),
    ]
    for user, method, url in writes:
        response = getattr(client_of(user), method)(url, data=body, content_type="application/json")
        assert response.status_code == 400, (method, url, response.status_code)
        assert f"JSON no válido: anida objetos o listas a más de {MAX_DEPTH} niveles." in response.content.decode()
    assert Reading.objects.get(pk=submitted.pk).status == "submitted"
    assert Reading.objects.count() == 2


def test_ordinary_bodies_still_pass(registrador, indicator):
    body = {"indicator": "AGUA-HORAS", "period": "2021-03-17", "value": "12.5", "source": "EPS Ilo"}
    assert client_of(registrador).post("/api/v1/readings/", body, format="json").status_code == 201


def test_depth_counts_objects_and_lists_without_recursion():
    assert [depth(1), depth([]), depth({"a": [{"b": 1}]})] == [0, 1, 3]
    nested = []
    for _ in range(100_000):
        nested = [nested]
    assert depth(nested) == MAX_DEPTH + 1  # stops counting once past the bound
