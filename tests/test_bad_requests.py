"""Hostile requests get a 400 or 404, never a 500; under /api/ every error is a short JSON body."""

import pytest
from django.test import Client

from tests.factories import make_user

pytestmark = pytest.mark.django_db

NUL_URLS = [
    "/metas/%00/",
    "/metas/S1.1-M%00/serie.csv",
    "/indicadores/%00/",
    "/en/metas/%00/",
    "/ejes/2/?x=%00",
    "/rendicion-de-cuentas/%00/",
    "/%00",
    "/api/v1/indicators/%00/",
    "/api/v1/targets/S1.1-M%00/",
    "/api/v1/readings/?indicator=%00",
    "/api/v1/readings/?%00=1",
    "/admin/indicators/reading/?status=%00",
    "/admin/indicators/reading/?q=%00",
    "/admin/indicators/indicator/?office__id__exact=%00",
    "/admin/goals/target/%00/change/",
]


@pytest.fixture
def hostile(plan):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("jefa", is_superuser=True))
    return client


@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_byte_anywhere_in_the_url_answers_400(hostile, url):
    response = hostile.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json() == {"detail": "La dirección, un parámetro o una cabecera lleva un carácter nulo."}
    else:
        assert "No podemos atender esa dirección" in response.content.decode()


@pytest.mark.parametrize("header", ["HTTP_X_CUALQUIERA", "HTTP_COOKIE", "HTTP_AUTHORIZATION"])
def test_a_nul_byte_in_a_header_answers_400(hostile, header):
    value = {"HTTP_COOKIE": "sessionid=abc\x00def", "HTTP_AUTHORIZATION": "Token abc\x00"}.get(header, "a\x00b")
    assert hostile.get("/api/v1/readings/", **{header: value}).status_code == 400
    assert hostile.get("/metas/S1.1-M/", **{header: value}).status_code == 400


def test_a_nul_byte_in_a_form_field_is_a_form_error(plan):
    client = Client(raise_request_exception=False)
    response = client.post("/admin/login/", {"username": "jefa\x00", "password": "secreto"})
    assert response.status_code == 200 and "nulos" in response.content.decode()


def test_a_literal_percent_zero_zero_is_not_a_nul(hostile):
    assert hostile.get("/api/v1/readings/", {"indicator": "%00"}).status_code == 200


def api_error(client, method, url, **kwargs):
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code >= 400, url
    assert response["Content-Type"] == "application/json", (url, response["Content-Type"], response.content[:200])
    assert len(response.content) < 1024
    return response.status_code, response.json()


def test_every_api_error_is_a_short_json_body(plan, settings):
    settings.API_THROTTLE_ANON = "100000/min"
    client = Client(raise_request_exception=False)
    registrador = Client(raise_request_exception=False)
    registrador.force_login(make_user("rosa", "registrador"))
    too_big = '{"source": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + '"}'
    many = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    cases = [
        ("get", "/api/v1/offices/", {"HTTP_HOST": "otro.example"}, 400, "nombre de host"),
        ("get", f"/api/v1/offices/?{many}", {}, 400, "demasiados parámetros"),
        ("post", "/api/v1/readings/", {"data": too_big, "content_type": "application/json"}, 400, "demasiado grande"),
        ("get", "/api/schema/?format=xml", {}, 404, None),
        ("get", "/api/v1/offices/?format=xml", {}, 404, None),
        ("get", "/api/v1/readings/999999/", {}, 404, None),
        ("get", "/api/no-existe/", {}, 404, None),
        ("put", "/api/v1/offices/", {}, 405, None),
        ("get", "/api/v1/offices/", {"HTTP_ACCEPT": "application/xml"}, 406, None),
    ]
    for method, url, kwargs, status, words in cases:
        code, body = api_error(registrador if method != "get" else client, method, url, **kwargs)
        assert code == status, (url, code, body)
        if words:
            assert words in body["detail"].lower()
    code, _ = api_error(registrador, "post", "/api/v1/readings/", data="{", content_type="application/json")
    assert code == 400
    code, _ = api_error(client, "post", "/api/v1/readings/", data="{}", content_type="application/json")
    assert code == 401


def test_a_bad_host_outside_the_api_gets_the_spanish_400_page(plan):
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="otro.example")
    assert response.status_code == 400 and "No podemos atender esa dirección" in response.content.decode()
