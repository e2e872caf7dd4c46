"""The headline of an ended term (issue 20): how many targets were met, not met and left without
data of the term, in that order, and "final" only once staff have closed the plan, a recorded
decision after which nothing of the term changes."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from goals import public
from goals.models import Plan
from indicators.access import ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Indicator, Reading
from tests.factories import entity_of, make_reading, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _spanish():
    # A request to /en/ leaves English active in the test's thread: each test starts in Spanish.
    with translation.override(settings.LANGUAGE_CODE):
        yield


def framing(**counts):
    fields = {"ended": True, "expected": None, "verdicts": [], "closed": False, "closed_at": None}
    fields |= {"achieved": 0, "not_achieved": 0, "no_data": 0} | counts
    fields.setdefault("total", fields["achieved"] + fields["not_achieved"] + fields["no_data"])
    return public.Framing(**fields)


@pytest.mark.parametrize(
    "counts, spanish, english",
    [
        (
            {"no_data": 15},
            "Al cierre del periodo: ninguna de las 15 metas tiene datos del periodo",
            "At the end of the term: none of the 15 targets has data for the term",
        ),
        (
            {"no_data": 1},
            "Al cierre del periodo: la meta no tiene datos del periodo",
            "At the end of the term: the target has no data for the term",
        ),
        (
            {"achieved": 3, "not_achieved": 2, "no_data": 10},
            "Al cierre del periodo: 3 metas cumplidas, 2 no cumplidas y 10 sin datos del periodo",
            "At the end of the term: 3 targets met, 2 not met and 10 without data for the term",
        ),
        (
            {"achieved": 1, "not_achieved": 1, "no_data": 1},
            "Al cierre del periodo: 1 meta cumplida, 1 no cumplida y 1 sin datos del periodo",
            "At the end of the term: 1 target met, 1 not met and 1 without data for the term",
        ),
        (
            {"achieved": 4, "not_achieved": 0},
            "Al cierre del periodo: 4 metas cumplidas y 0 no cumplidas",
            "At the end of the term: 4 targets met and 0 not met",
        ),
        (
            {"achieved": 0, "not_achieved": 2, "no_data": 1, "total": 4},
            "Al cierre del periodo: 0 metas cumplidas, 2 no cumplidas, 1 sin datos del periodo y 1 aún en curso",
            "At the end of the term: 0 targets met, 2 not met, 1 without data for the term and 1 still under way",
        ),
        (
            {"achieved": 3, "not_achieved": 2, "no_data": 10, "closed": True},
            "Resultado final: 3 metas cumplidas, 2 no cumplidas y 10 sin datos del periodo",
            "Final result: 3 targets met, 2 not met and 10 without data for the term",
        ),
    ],
)
def test_the_headline_of_an_ended_term(counts, spanish, english):
    headline = framing(**counts)
    with translation.override(settings.LANGUAGE_CODE):
        assert headline.headline == spanish
    with translation.override("en"):
        assert headline.headline == english


def approve(code, period, value):
    make_reading(Indicator.objects.get(code=code), period=period, value=Decimal(value))


def partial_data():
    approve("AGUA-HORAS", date(2022, 1, 1), "19")  # at least 18 h a day: met
    approve("ANEMIA-36M", date(2022, 1, 1), "15")  # less than 11 %: not met


def headline_of(client, url="/"):
    page = client.get(url).content.decode()
    start = page.index('<h2 id="resumen">') + len('<h2 id="resumen">')
    return page[start : page.index("</h2>", start)], page


@pytest.mark.parametrize(
    "state, spanish, english, final",
    [
        (
            "plan alone",
            "Al cierre del periodo: ninguna de las 15 metas tiene datos del periodo",
            "At the end of the term: none of the 15 targets has data for the term",
            False,
        ),
        (
            "partial data",
            "Al cierre del periodo: 1 meta cumplida, 1 no cumplida y 13 sin datos del periodo",
            "At the end of the term: 1 target met, 1 not met and 13 without data for the term",
            False,
        ),
        (
            "closed plan",
            "Resultado final: 1 meta cumplida, 1 no cumplida y 13 sin datos del periodo",
            "Final result: 1 target met, 1 not met and 13 without data for the term",
            True,
        ),
    ],
)
def test_the_home_says_what_the_data_allow_and_final_only_once_the_plan_is_closed(
    client, plan, state, spanish, english, final
):
    if state != "plan alone":
        partial_data()
    if state == "closed plan":
        plan.close(make_user("jefa", is_superuser=True))
    headline, page = headline_of(client)
    assert headline == spanish
    assert "Resultado final" not in page if not final else "Resultado final" in page
    if final:
        assert "este es el resultado final, y ya no cambia" in page
    else:
        assert "ya no cambia" not in page
        assert "Resultado al cierre del periodo, con los datos registrados hasta hoy." in page
    assert headline_of(client, "/en/")[0] == english


def test_a_target_page_says_final_only_once_the_plan_is_closed(client, plan):
    partial_data()
    url = reverse("goals:target-detail", args=[plan.slug, "S1.1-M"])
    page = client.get(url).content.decode()
    assert "Resultado al plazo" in page and "Resultado final" not in page
    plan.close(make_user("jefa", is_superuser=True))
    page = client.get(url).content.decode()
    assert "Resultado final" in page and "Resultado al plazo" not in page


# --- closing a plan: a recorded staff decision ---------------------------------------------------


def test_a_revisor_of_the_plans_entity_closes_it_from_the_admin_and_it_is_recorded(client, plan):
    water = Indicator.objects.get(code="AGUA-HORAS")
    revisor = make_user("raul", ROLE_REVISOR, [water.office])
    client.force_login(revisor)
    response = client.post(
        reverse("admin:goals_plan_changelist"),
        {"action": "close_plans", "_selected_action": [plan.pk]},
        follow=True,
    )
    assert "1 plan cerrado: su resultado es final" in response.content.decode()
    plan.refresh_from_db()
    assert plan.is_closed and plan.closed_by == revisor and plan.closed_at is not None
    last = plan.history.latest()
    assert last.is_closed and last.history_user == revisor


def test_nobody_else_closes_a_plan_and_an_open_term_does_not_close(plan):
    water = Indicator.objects.get(code="AGUA-HORAS")
    with pytest.raises(PermissionDenied, match="Solo un superusuario o un revisor de la entidad del plan"):
        plan.close(make_user("rosa", ROLE_REGISTRADOR, [water.office]))
    with pytest.raises(PermissionDenied):
        plan.close(make_user("otra", ROLE_REVISOR, entity=entity_of("1801")))  # another entity's revisor
    assert not Plan.objects.get(pk=plan.pk).is_closed
    jefa = make_user("jefa", is_superuser=True)
    with pytest.raises(ValidationError, match="Un plan se cierra cuando termina su periodo: el 31/12/2022"):
        plan.close(jefa, today=date(2022, 12, 31))
    plan.close(jefa)
    with pytest.raises(ValidationError, match="ya está cerrado"):
        plan.close(jefa)


def test_after_closing_no_reading_of_the_term_changes_not_even_a_superusers(plan):
    water = Indicator.objects.get(code="AGUA-HORAS")
    registrador = make_user("rosa", ROLE_REGISTRADOR, [water.office])
    draft = Reading.objects.create_draft(
        user=registrador, indicator=water, period=date(2022, 3, 1), value=12, source="EPS"
    )
    draft.submit(registrador)
    jefa = make_user("jefa", is_superuser=True)
    plan.close(jefa)
    with pytest.raises(PermissionDenied, match="ya cerrado: sus lecturas son resultados finales y ya no cambian"):
        draft.approve(jefa)
    assert Reading.objects.get(pk=draft.pk).status == "submitted"


def test_a_superuser_ticking_closed_in_the_form_is_recorded_too(client, plan):
    jefa = make_user("jefa", is_superuser=True)
    client.force_login(jefa)
    page = client.get(reverse("admin:goals_plan_change", args=[plan.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["is_closed"] = "on"
    data.pop("is_featured", None)
    if plan.is_featured:
        data["is_featured"] = "on"
    response = client.post(reverse("admin:goals_plan_change", args=[plan.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan.refresh_from_db()
    assert plan.is_closed and plan.closed_by == jefa and plan.closed_at is not None
