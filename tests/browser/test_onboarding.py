"""A new entity starts without a developer, in the seven steps of the staff guide (docs/guia-registro.md,
«Empezar con un plan nuevo»): a superuser invites its first administrador, who loads the plan file
and invites a registrador and a revisor; the first reading is entered, approved and public."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from core.models import Entity
from goals.models import Plan, Target
from indicators.models import Reading
from tests.plan_workbooks import METAS_HEADER, second_plan

PASSWORD = "una-clave-larga-de-prueba"
SLUG = "chachapoyas-2023-2026"
GUIDE = "docs/guia-registro.md"


def plan_file_of_chachapoyas(sheets):
    """The second plan's file as the province of Chachapoyas' (0101), its offices named."""
    for row in sheets["Plan"]:
        if row[0] == "slug":
            row[1] = SLUG
        if row[0] == "ubigeo":
            row[1] = "0101"
    sheets["Metas"][0].append("oficina")
    for row in sheets["Metas"][1:]:
        code = METAS_HEADER.index("codigo_indicador")
        if row[code] and not row[METAS_HEADER.index("indicador")]:
            row[METAS_HEADER.index("indicador")] = f"Indicador {row[code]}"
        row.append("Gerencia de Servicios Públicos")


def press(page, selector):
    with page.expect_navigation():
        page.click(selector)


def invitation_link(page) -> str:
    text = " ".join(page.locator("ul.messagelist li").all_inner_texts())
    found = re.search(r"(http://\S+/admin/invitacion/\S+/)", text)
    assert found, text
    return found.group(1)


def accept(page, link):
    """Open an invitation and choose the password: the person is then in their dashboard."""
    page.context.clear_cookies()
    page.goto(link)
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    press(page, "input[type=submit]")
    assert page.url.endswith("/admin/"), page.url


def add_person(page, site, username, role, office=None):
    page.goto(site + "/admin/core/membership/add/")
    page.fill("#id_username", username)
    page.fill("#id_first_name", username.capitalize())
    page.check(f"input[name=roles][value={role}]")
    if office:
        page.get_by_label(office, exact=True).check()
    press(page, "input[name=_save]")
    return invitation_link(page)


@pytest.fixture
def superuser(live_server, transactional_db):
    get_user_model().objects.create_superuser("jefa", password=PASSWORD)
    return live_server.url


def test_a_new_entity_goes_from_an_invitation_to_its_first_public_reading(browser, superuser, tmp_path):
    site = superuser
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    steps = 0

    # 1. A superuser adds the entity's first administrador and gets the invitation.
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "jefa")
    page.fill("#id_password", PASSWORD)
    press(page, "input[type=submit]")
    page.goto(site + "/admin/core/membership/add/")
    page.click(".field-entity .select2-selection")
    page.fill(".select2-search__field", "0101")
    page.locator(".select2-results__option", has_text="Chachapoyas").first.click()
    page.fill("#id_username", "ada")
    page.check("input[name=roles][value=administrador]")
    press(page, "input[name=_save]")
    administrador_link = invitation_link(page)
    steps += 1

    # 2. The administrador chooses their password.
    accept(page, administrador_link)
    steps += 1

    # 3. They load the plan file: reviewed whole, then confirmed.
    path = tmp_path / "plan.xlsx"
    path.write_bytes(second_plan(plan_file_of_chachapoyas))
    page.goto(site + "/admin/goals/plan/importar/")
    page.set_input_files("#id_file", str(path))
    press(page, "input[type=submit]")
    assert "Listo para cargar" in page.inner_text("#content")
    press(page, "form[action$='confirmar/'] input[type=submit]")
    plan = Plan.objects.get(slug=SLUG)
    assert plan.entity == Entity.objects.get(ubigeo="0101")
    steps += 1

    # 4. They add a registrador and a revisor of the office the file named.
    office = "Gerencia de Servicios Públicos"
    registrador_link = add_person(page, site, "rosa", "registrador", office)
    revisor_link = add_person(page, site, "raul", "revisor", office)
    steps += 1

    # 5. Each chooses a password (the registrador last, to work on).
    accept(page, revisor_link)
    accept(page, registrador_link)
    steps += 1

    # 6. The registrador enters the reading due in their dashboard, and sends it to review.
    row = page.locator("table.por-registrar tr", has_text="AGUA-HORAS")
    with page.expect_navigation():
        row.get_by_text("Registrar").click()
    page.fill("#id_value", "16,5")
    page.fill("#id_source", "EPS, informe de enero")
    press(page, "button[name=_submit_review]")
    reading = Reading.objects.get(indicator__entity=plan.entity, indicator__code="AGUA-HORAS")
    assert (reading.period, reading.status) == (date(2023, 1, 1), "submitted")
    steps += 1

    # 7. The revisor approves it, and it is public on the plan's pages.
    page.context.clear_cookies()
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "raul")
    page.fill("#id_password", PASSWORD)
    press(page, "input[type=submit]")
    press(page, f"#por-revisar a[href$='/reading/{reading.pk}/change/']")
    press(page, "button[value=aprobar]")
    reading.refresh_from_db()
    assert reading.status == "approved"
    steps += 1
    target = Target.objects.get(plan=plan, indicator=reading.indicator)
    page.goto(f"{site}/planes/{SLUG}/metas/{target.code}/")
    assert "16.5" in page.inner_text("main") and "Oficina responsable aún no asignada" not in page.inner_text("main")

    guide = open(GUIDE, encoding="utf-8").read()
    assert f"{['', 'Un', 'Dos', 'Tres', 'Cuatro', 'Cinco', 'Seis', 'Siete'][steps]} pasos" in guide
    page.close()
