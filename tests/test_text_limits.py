"""Text staff types has limits every door keeps (core.text): a plan's problem is a paragraph, not
15 MB; bidirectional controls and zero-width characters stay out of names, sources and codes.
Each case is the hole as an attacker found it: a plan file, the API, the admin, the model."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from core.text import PARAGRAPH, invisible_characters
from goals.models import Objective, Plan, PlanSection, Problem
from ilo_plan import plan_file
from indicators.models import Indicator, Reading
from indicators.validation import source_errors
from tests.factories import make_token, make_user
from tests.plan_workbooks import METAS_HEADER, SECOND_SLUG, second_plan

pytestmark = pytest.mark.django_db

RLO, ZWSP = "\u202e", "\u200b"


def metas(number, column, value):
    def change(sheets):
        sheets["Metas"][number - 1][METAS_HEADER.index(column)] = value

    return change


def plan_row(name, value):
    def change(sheets):
        for row in sheets["Plan"]:
            if row[0] == name:
                row[1] = value

    return change


# --- plan file ----------------------------------------------------------------------------------


def test_a_15_mb_problem_cell_is_refused_by_the_preview_and_the_confirmation(client, plan):
    huge = second_plan(metas(2, "problema", "agua " * 3_000_000))
    assert len(huge) < 200_000  # a small file: the text compresses to almost nothing
    client.force_login(make_user("jefa", is_superuser=True))
    upload = io.BytesIO(huge)
    upload.name = "grande.xlsx"
    page = client.post(reverse("admin:goals_plan_import"), {"file": upload}).content.decode()
    # Excel's own limit, 32,767 characters a cell, is all the reader keeps of it: still 16 times a paragraph.
    assert "no se cargará nada" in page and "el texto tiene 32,767 caracteres; el máximo es 2,000." in page
    client.post(reverse("admin:goals_plan_import_confirm"))
    assert not Plan.objects.filter(slug=SECOND_SLUG).exists()
    report = plan_file.import_plan(huge)
    expected = "hoja metas, fila 2, columna problema: el texto tiene 32,767 caracteres; el máximo es 2,000."
    assert not report.ok and expected in report.lines()


@pytest.mark.parametrize(
    "change, message",
    [
        (metas(3, "objetivo", "x" * (PARAGRAPH + 1)), "hoja metas, fila 3, columna objetivo: el texto tiene 2,001"),
        (metas(2, "indicador", "n" * 251), "hoja metas, fila 2, columna indicador: el texto tiene 251 caracteres"),
        (plan_row("Título", "Plan " * 60), "hoja plan, fila 3, columna valor: el texto tiene 300 caracteres"),
        (
            plan_row("fuente", f"JNE {RLO}2023"),
            "hoja plan, fila 9, columna valor: Documento fuente contiene caracteres invisibles que cambian cómo se "
            "lee el texto: U+202E (control de dirección del texto).",
        ),
        (
            lambda sheets: sheets["Ejes"][1].__setitem__(1, f"Servicios{ZWSP} básicos"),
            "hoja ejes, fila 2, columna nombre: Eje estratégico contiene caracteres invisibles",
        ),
    ],
)
def test_a_text_cell_longer_than_its_field_or_with_invisible_characters_is_named(plan, change, message):
    report = plan_file.import_plan(second_plan(change))
    assert not report.ok
    assert any(line.startswith(message) for line in report.lines()), report.lines()
    assert not Plan.objects.filter(slug=SECOND_SLUG).exists()


def test_the_longest_texts_of_the_seed_plan_fit_with_room(plan):
    for model, name in [(Problem, "text"), (Objective, "text"), (Plan, "location"), (PlanSection, "text")]:
        longest = max(len(text) for text in model.objects.values_list(name, flat=True))
        assert 0 < longest * 3 < model._meta.get_field(name).max_length


# --- the model, and the database under it --------------------------------------------------------


def test_a_problem_longer_than_a_paragraph_is_refused_by_the_model_and_the_database(plan):
    problem = Problem.objects.first()
    problem.text = "x" * (PARAGRAPH + 1)
    with pytest.raises(ValidationError) as refusal:
        problem.full_clean()
    assert "text" in refusal.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Problem.objects.filter(pk=problem.pk).update(text="x" * (PARAGRAPH + 1))


def test_a_name_with_a_right_to_left_override_is_refused_naming_the_field(indicator):
    indicator.name = f"Horas de agua{RLO}"
    with pytest.raises(ValidationError) as refusal:
        indicator.full_clean()
    assert refusal.value.message_dict["name"] == [
        "Nombre contiene caracteres invisibles que cambian cómo se lee el texto: U+202E (control de dirección "
        "del texto). Bórrelos (escriba el texto de nuevo o péguelo sin formato)."
    ]


def test_the_readings_source_refuses_them_in_every_door(registrador, indicator):
    assert source_errors(f"EPS{ZWSP}") == [
        "La fuente contiene caracteres invisibles que cambian cómo se lee el texto: U+200B (carácter de ancho "
        "cero). Bórrelos (escriba el texto de nuevo o péguelo sin formato)."
    ]
    with pytest.raises(ValidationError) as refusal:
        Reading.objects.create_draft(
            user=registrador, indicator=indicator, period=date(2021, 3, 1), value=12, source=f"EPS {RLO}Ilo"
        )
    assert "U+202E" in refusal.value.message_dict["source"][0]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(registrador)}")
    body = {"indicator": indicator.code, "period": "2021-03-01", "value": "12", "source": f"EPS{RLO}"}
    response = api.post("/api/v1/readings/", body, format="json")
    assert response.status_code == 400 and "La fuente contiene caracteres invisibles" in response.json()["source"][0]
    assert not Reading.objects.exists()


def test_the_admin_form_refuses_them_too(client, indicator):
    client.force_login(make_user("jefa", is_superuser=True))
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"name": f"Horas{ZWSP} de agua"})
    response = client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 200
    assert "Nombre contiene caracteres invisibles" in response.content.decode()
    assert not invisible_characters(Indicator.objects.get(pk=indicator.pk).name)


def test_a_rejection_reason_is_a_paragraph_at_most(registrador, revisor, indicator):
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=12, source="EPS"
    )
    reading.submit(registrador)
    with pytest.raises(ValidationError) as refusal:
        reading.reject(revisor, "no " * 1000)
    assert refusal.value.message_dict["review_note"] == ["Tiene 3,000 caracteres; el máximo es 2,000."]
    assert Reading.objects.get(pk=reading.pk).status == "submitted"
