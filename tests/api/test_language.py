"""The API answers in the request's language (Accept-Language), Spanish when it names none the
site speaks: errors, validation messages and the schema's words."""

import pytest

pytestmark = pytest.mark.django_db

GOOD = {"indicator": "AGUA-HORAS", "period": "2021-03-17", "value": "12.5", "source": "EPS"}


@pytest.mark.parametrize("accept", [None, "es", "es-PE", "es-MX,es;q=0.9", "fr", "de-DE,fr;q=0.8", "*"])
def test_a_404_is_spanish_by_default_and_for_spanish_or_unsupported_languages(api, plan, accept):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = api.get("/api/v1/readings/999999999/", **headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "No encontrado."}
    assert response["Content-Language"] == "es-pe"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("accept", ["en", "en-US,en;q=0.9,es;q=0.5", "fr;q=0.9,en;q=0.8"])
def test_a_404_is_english_when_the_request_asks_for_english(api, plan, accept):
    response = api.get("/api/v1/readings/999999999/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert response["Content-Language"] == "en"


def test_no_answer_of_the_api_names_a_model_class(api, plan):
    for url in ("/api/v1/targets/999999999/", "/api/v1/indicators/NO-EXISTE/", "/api/v1/plans/no-existe/"):
        body = api.get(url).json()
        assert "matches the given query" not in str(body), (url, body)


def test_the_sites_language_cookie_does_not_choose_the_apis(api, plan):
    api.cookies["django_language"] = "en"
    assert api.get("/api/v1/readings/999999999/").json() == {"detail": "No encontrado."}


def test_a_validation_error_is_spanish_by_default_and_english_on_request(api, plan):
    spanish = api.get("/api/v1/targets/", {"as_of": "31/12/2020"})
    assert spanish.status_code == 400
    assert spanish.json() == {"as_of": ["«31/12/2020» no es una fecha: use AAAA-MM-DD."]}
    english = api.get("/api/v1/targets/", {"as_of": "31/12/2020"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"as_of": ["“31/12/2020” is not a date: use YYYY-MM-DD."]}


def test_validation_messages_of_django_and_drf_follow_the_language(api, plan):
    spanish = api.get("/api/v1/readings/", {"period_from": "ayer"})
    assert spanish.status_code == 400 and spanish.json()["period_from"] == ["Introduzca una fecha válida."]
    english = api.get("/api/v1/readings/", {"period_from": "ayer"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["period_from"] == ["Enter a valid date."]
    refused = api.post("/api/v1/readings/", GOOD, format="json")
    assert refused.status_code in (401, 403)
    assert refused.json()["detail"] == "Las credenciales de autenticación no se proveyeron."
    refused = api.post("/api/v1/readings/", GOOD, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.json()["detail"] == "Authentication credentials were not provided."


def test_the_apis_own_messages_follow_the_language(api, plan):
    spanish = api.get("/api/v1/targets/", {"plan": "no-existe"})
    english = api.get("/api/v1/targets/", {"plan": "no-existe"}, HTTP_ACCEPT_LANGUAGE="en")
    assert spanish.status_code == english.status_code == 400
    assert spanish.json() == {"plan": ["No existe un plan con el identificador «no-existe»."]}
    assert english.json() == {"plan": ["There is no plan with the identifier “no-existe”."]}


def test_the_schemas_error_descriptions_follow_the_language(api, db):
    spanish = api.get("/api/schema/", {"format": "json"}).json()
    english = api.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()
    spanish_404 = spanish["paths"]["/api/v1/readings/"]["get"]["responses"]["404"]["description"]
    english_404 = english["paths"]["/api/v1/readings/"]["get"]["responses"]["404"]["description"]
    assert (spanish_404, english_404) == ("No existe.", "It does not exist.")


def test_the_schemas_field_and_filter_descriptions_follow_the_language(api, db):
    spanish = api.get("/api/schema/", {"format": "json"}).json()
    english = api.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()

    def entity_filter(schema):
        parameters = schema["paths"]["/api/v1/readings/"]["get"]["parameters"]
        return next(p["description"] for p in parameters if p["name"] == "entity")

    def entered_by(schema):
        return schema["components"]["schemas"]["Reading"]["properties"]["entered_by"]["description"]

    assert entity_filter(spanish) == "Ubigeo de la entidad (municipalidad o gobierno regional) dueña del registro."
    assert entity_filter(english) == "Ubigeo of the entity (municipality or regional government) that owns the record."
    assert entered_by(spanish) == "Usuario que la registró (solo personal y auditores)."
    assert entered_by(english) == "User who entered it (staff and auditors only)."
