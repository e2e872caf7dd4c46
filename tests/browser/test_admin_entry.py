"""Data entry in the real admin, in a real Chromium: a registrador types values as people write
them, submits, corrects, withdraws and imports the office's template; a revisor approves, rejects
and confirms an atípico value. The pictures of docs/guia-registro.md are taken here
(`make guide-images` writes them to docs/img/guia/)."""

import csv
import io
import os
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from indicators.models import Indicator, Reading
from tests import reference_data
from tests.browser.conftest import SCREENSHOTS

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "img" / "guia"
PASSWORD = "clave-de-prueba-larga"
VIEWPORT = {"width": 1200, "height": 760}


@pytest.fixture
def staff(site):
    """The demo's registrador and revisor, able to log in. A live-server test starts from an
    emptied database, so the roles get their permissions again as their migration grants them."""
    reference_data.restore()
    for group in Group.objects.all():
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="authtoken"))
    for user in get_user_model().objects.filter(username__in=["demo-registrador", "demo-revisor"]):
        user.set_password(PASSWORD)
        user.save()
    return site


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # The admin asks for /favicon.ico, which this site does not serve: nothing else may fail.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.location.get("url", "").endswith("/favicon.ico")
            and problems.append(message.text)
        ),
    )
    yield page
    page.close()
    assert problems == []


def log_in(page, site, username):
    page.context.clear_cookies()
    page.goto(site + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    press(page, "input[type=submit]")
    assert page.url == site + "/admin/"


def picture(page, name, selector="#content", height=620):
    """A screenshot of `selector`, at most `height` pixels of it (pictures stay small), for CI
    and, when its pictures are being made, for the staff guide."""
    path = SCREENSHOTS / f"guia-{name}.png"
    box = page.locator(selector).first.bounding_box()  # relative to the viewport as scrolled
    top = box["y"] + page.evaluate("window.scrollY")
    clip = {"x": box["x"], "y": top, "width": box["width"], "height": min(box["height"], height)}
    page.screenshot(path=str(path), clip=clip, full_page=True)
    if os.environ.get("UPDATE_GUIDE_IMAGES") == "1":
        GUIDE.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, GUIDE / f"{name}.png")


def press(page, selector):
    """Click what submits a form and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def messages(page):
    return page.locator("ul.messagelist li").all_inner_texts()


def test_values_as_people_type_them_and_every_step_on_the_readings_page(browser, staff, page):
    site = staff
    anemia = Indicator.objects.get(code="ANEMIA-36M")
    log_in(page, site, "demo-registrador")
    picture(page, "inicio", "#dashboard")

    # From the dashboard's row (the entity's current term) to the add form, indicator and period
    # filled in; then "9,8" as typed, where a period is asked for by address.
    water_row = page.locator("#por-registrar tr", has_text="AGUA-HORAS")
    assert "Abrir (enviada a revisión)" in water_row.first.inner_text()  # the demo's 2023 readings under way
    page.goto(f"{site}/admin/indicators/reading/add/?indicator={anemia.pk}&period=2023-01-01")
    assert page.input_value("#id_period") == "01/01/2023"
    assert "% · de 0 a 100 · 2 decimales" in page.inner_text(".value-rule")
    assert "Escriba 16.8 o 16,8" in page.inner_text(".value-rule")
    # An indicator counted in whole numbers asks for one as soon as it is chosen, never for "16,8".
    page.select_option("#id_indicator", str(Indicator.objects.get(code="VIOLENCIA-FAMILIAR").pk))
    assert "Escriba un número entero, p. ej. 17." in page.inner_text(".value-rule")
    page.select_option("#id_indicator", str(anemia.pk))
    assert "Escriba 16.8 o 16,8" in page.inner_text(".value-rule")
    page.fill("#id_value", "9,8")
    assert page.inner_text(".value-preview") == "= 9.80 %"
    picture(page, "valor")
    press(page, "button[name=_submit_review]")
    assert Reading.objects.get(indicator=anemia, period=date(2023, 1, 1)).value == Decimal("9.8")
    assert any("fue enviada a revisión" in m for m in messages(page)), messages(page)

    # "16,8" h/día, saved as a draft first; then sent from the reading's own page.
    water = Indicator.objects.get(code="AGUA-HORAS")
    page.goto(f"{site}/admin/indicators/reading/add/?indicator={water.pk}&period=2023-04-01")
    page.fill("#id_value", "1.150")
    assert page.inner_text(".value-preview").startswith("⚠ Ambiguo: ¿1150 o 1.15?")
    page.fill("#id_value", "16,8")
    assert page.inner_text(".value-preview") == "= 16.8 h/día"
    page.fill("#id_source", "EPS Ilo, informe de abril")
    press(page, "input[name=_continue]")
    draft = Reading.objects.get(indicator=water, period=date(2023, 4, 1))
    assert (draft.value, draft.status) == (Decimal("16.8"), "draft")
    assert page.input_value("#id_value") == "16.8"
    press(page, "button[name=_submit_review]")
    assert Reading.objects.get(pk=draft.pk).status == "submitted"

    # 98 % where 9,8 % was meant, and a true but startling 1,2 %: both submitted, both flagged.
    for period, typed in (("2024-01-01", "98"), ("2025-01-01", "1,2")):
        page.goto(f"{site}/admin/indicators/reading/add/?indicator={anemia.pk}&period={period}")
        page.fill("#id_value", typed)
        page.fill("#id_source", "MINSA")
        press(page, "button[name=_submit_review]")
    wild, low = (Reading.objects.get(indicator=anemia, period=date(year, 1, 1)) for year in (2024, 2025))
    assert wild.is_outlier and low.is_outlier

    # Retirar: the demo's March draft, with its reason.
    march = Reading.objects.get(indicator=water, period=date(2023, 3, 1))
    page.goto(f"{site}/admin/indicators/reading/{march.pk}/change/")
    press(page, "button[value=retirar]")
    page.fill("#id_reason", "Duplicada: se registró en el informe de abril")
    press(page, "input[type=submit].default")
    assert Reading.objects.get(pk=march.pk).status == "withdrawn"

    # The revisor: the atípico value needs its confirmation; refused with a reason instead.
    log_in(page, site, "demo-revisor")
    page.goto(f"{site}/admin/indicators/reading/{wild.pk}/change/")
    assert "→ 98.00 %" in page.inner_text(".outlier-note")
    picture(page, "revision")
    press(page, "button[value=aprobar]")
    assert "→ 98.00 %: ¿confirma?" in page.inner_text(".outlier-question")
    picture(page, "atipico")
    press(page, "text=No: rechazar con motivo")
    page.fill("#id_reason", "Valor mal digitado: el informe dice 9,8 %")
    press(page, "input[type=submit].default")
    assert Reading.objects.get(pk=wild.pk).status == "rejected"
    # After a step, the next reading of the queue, the longest waiting first: the demo's January.
    january = Reading.objects.get(indicator=water, period=date(2023, 1, 1))
    assert page.url.endswith(f"/reading/{january.pk}/change/")
    press(page, "button[value=aprobar]")
    assert Reading.objects.get(pk=january.pk).status == "approved"
    # The startling but true value: compared, confirmed, approved.
    page.goto(f"{site}/admin/indicators/reading/{low.pk}/change/")
    press(page, "button[value=aprobar]")
    assert "→ 1.20 %: ¿confirma?" in page.inner_text(".outlier-question")
    assert Reading.objects.get(pk=low.pk).status == "submitted"
    press(page, "text=Sí, el valor es correcto: aprobar")
    assert Reading.objects.get(pk=low.pk).status == "approved"
    # A plain value: approved with one click.
    nine = Reading.objects.get(indicator=anemia, period=date(2023, 1, 1))
    page.goto(f"{site}/admin/indicators/reading/{nine.pk}/change/")
    press(page, "button[value=aprobar]")
    assert Reading.objects.get(pk=nine.pk).status == "approved"

    # Registrar corrección on the approved reading, value typed with a comma.
    log_in(page, site, "demo-registrador")
    page.goto(f"{site}/admin/indicators/reading/{nine.pk}/change/")
    press(page, "text=Registrar corrección")
    page.fill("#id_value", "9,7")
    assert page.inner_text(".value-preview") == "= 9.70 %"
    page.fill("#id_reason", "El informe final corrige la cifra preliminar")
    picture(page, "correccion")
    press(page, "input[type=submit].default")
    correction = Reading.objects.get(corrects=nine)
    assert (correction.value, correction.status) == (Decimal("9.7"), "draft")


def fill(rows, value_of, note):
    header, *lines = rows
    return [header] + [[*line[:5], value_of(line), line[6] or "MINSA", note] for line in lines]


def upload(page, site, name, body: bytes):
    page.goto(site + "/admin/indicators/reading/importar/")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": body}])
    press(page, "input[value='Revisar el archivo']")


def download_rows(page, site, office, label, delimiter):
    page.goto(site + "/admin/indicators/reading/importar/")
    row = page.locator("#plantillas tr", has_text=office)
    with page.expect_download() as download:
        row.get_by_text(label).click()
    body = Path(download.value.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, so Excel shows accents right
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def test_the_offices_template_downloaded_filled_in_latin1_and_utf8_and_imported(browser, staff, page):
    site = staff
    log_in(page, site, "demo-registrador")
    page.goto(site + "/admin/indicators/reading/importar/")
    picture(page, "plantillas")

    # Excel in Spanish: `;`, decimal comma, thousands with a point, saved in Windows' code page.
    rows = download_rows(page, site, "Gerencia de Desarrollo Social", "CSV (16,8)", ";")
    assert rows[0] == ["codigo", "indicador", "unidad", "decimales", "periodo", "valor", "fuente", "nota"]
    assert len(rows) > 1 and all(line[4].count("/") == 2 for line in rows[1:])
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(
        fill(rows, lambda line: "1.150" if line[3] == "0" else "9,8", "señal: año de campaña")
    )
    upload(page, site, "plantilla-gds.csv", text.getvalue().encode("cp1252"))
    preview = page.locator("#vista-previa").text_content()
    assert "Código" in preview and "9.80 %" in preview
    picture(page, "vista-previa", "#vista-previa", height=300)
    press(page, "input[value='Confirmar importación']")
    assert any(f"{len(rows) - 1} lecturas importadas" in m for m in messages(page))
    imported = Reading.objects.filter(note="señal: año de campaña", status="draft")
    assert imported.count() == len(rows) - 1
    assert set(imported.values_list("value", flat=True)) <= {Decimal("1150"), Decimal("9.8")}

    # UTF-8 with `,` and a decimal point; first with "1.150" for a percentage, refused by row and column.
    rows = download_rows(page, site, "Subgerencia de Educación", "CSV (16.8)", ",")
    assert len(rows) > 1
    text = io.StringIO()
    csv.writer(text).writerows(fill(rows, lambda line: "1.150" if line[3] == "2" else "1150", "ñandú"))
    upload(page, site, "plantilla-sge.csv", text.getvalue().encode("utf-8"))
    errors = page.locator("#errores").text_content()
    assert "valor" in errors and "«1.150» es ambiguo: ¿1150 o 1.15?" in errors
    picture(page, "errores", "#errores", height=300)
    assert not Reading.objects.filter(note="ñandú").exists()
    text = io.StringIO()
    csv.writer(text).writerows(fill(rows, lambda line: "1150" if line[3] == "0" else "33.5", "ñandú"))
    upload(page, site, "plantilla-sge.csv", text.getvalue().encode("utf-8"))
    press(page, "input[value='Confirmar importación']")
    assert Reading.objects.filter(note="ñandú", status="draft").count() == len(rows) - 1
