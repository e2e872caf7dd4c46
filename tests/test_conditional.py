"""304 before the view: an unchanged page, API list or API resource answers from the data
version alone (one query, nothing rendered), until something changes."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from indicators.access import ROLE_AUDITOR
from indicators.models import Reading
from tests.factories import load_demo, make_token, make_user

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/en/",
    "/ejes/1/",
    "/metas/S1.1-M/",
    "/indicadores/",
    "/datos-abiertos/",
    "/api/v1/targets/",
    "/api/v1/readings/",
    "/api/v1/readings/?format=csv",
    "/api/v1/plans/ilo-2019-2022/",
    "/api/v1/indicators/AGUA-HORAS/",
]


@pytest.fixture
def demo(plan):
    load_demo()


def revisit(client, url, queries, **headers):
    first = client.get(url, **headers)
    assert first.status_code == 200, url
    etag = first["ETag"]
    with queries(1):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag, **headers)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    return etag


@pytest.mark.parametrize("url", PAGES)
def test_an_unchanged_page_or_api_answer_is_a_304_from_one_query(client, demo, url, django_assert_max_num_queries):
    revisit(client, url, django_assert_max_num_queries)


def test_an_approval_changes_every_etag(client, demo):
    etags = {url: client.get(url)["ETag"] for url in ("/", "/api/v1/targets/")}
    reading = Reading.objects.filter(status="submitted").first()
    reading.approve(get_user_model().objects.get(username="demo-revisor"))
    for url, etag in etags.items():
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200, url


def test_the_etag_depends_on_the_form_and_the_language(client, demo):
    json_tag = client.get("/api/v1/targets/")["ETag"]
    csv_tag = client.get("/api/v1/targets/", HTTP_ACCEPT="text/csv")["ETag"]
    assert json_tag != csv_tag
    assert client.get("/")["ETag"] != client.get("/en/")["ETag"]
    assert client.get("/api/v1/targets/", HTTP_ACCEPT="text/csv", HTTP_IF_NONE_MATCH=json_tag).status_code == 200


def test_a_token_client_gets_its_304_after_authentication(demo, django_assert_max_num_queries):
    auditor = make_user("ana", ROLE_AUDITOR)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {make_token(auditor)}")
    first = api.get("/api/v1/readings/?status=rejected")
    assert first.status_code == 200
    with django_assert_max_num_queries(3):  # the token, its user's last use, the data version
        assert api.get("/api/v1/readings/?status=rejected", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # Another user, or nobody, never gets this user's 304.
    assert APIClient().get("/api/v1/readings/?status=rejected", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_draft_changes_no_public_answer_but_every_staff_one(client, demo):
    """A draft is on no public page: the public keep their 304; staff, whose answers show drafts
    (a registrador's office's, an auditor's every one), get the new answer."""
    etag = client.get("/api/v1/readings/")["ETag"]
    auditor = APIClient(HTTP_AUTHORIZATION=f"Token {make_token(make_user('ana', ROLE_AUDITOR))}")
    staff_etag = auditor.get("/api/v1/readings/?status=draft")["ETag"]
    Reading.objects.create(
        indicator=Reading.objects.first().indicator, period=date(1999, 1, 1), value=Decimal(1), source="x"
    )
    assert client.get("/api/v1/readings/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert auditor.get("/api/v1/readings/?status=draft", HTTP_IF_NONE_MATCH=staff_etag).status_code == 200
