"""English that is English: the code's messages are translated in the request's language (the
Spanish text unchanged), dates have one format per language, admin included, and the admin names
the installed apps that come without Spanish (login attempts, API tokens, tasks) in Spanish."""

import io
import re
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, translation

from ilo_plan import plan_file
from indicators import imports, validation
from indicators.access import ROLE_REGISTRADOR
from tests.factories import make_indicator, make_office, make_user
from tests.plan_workbooks import second_plan

pytestmark = pytest.mark.django_db

HEADER = "codigo,periodo,valor,fuente,nota\n"


# --- 1. messages built in code ------------------------------------------------------------------


def set_metas(sheets, number, column, value):
    header = [str(cell).strip().lower() for cell in sheets["Metas"][0]]
    sheets["Metas"][number - 1][header.index(column)] = value


def test_a_plan_files_problems_are_spanish_by_default_and_english_in_english(plan):
    broken = second_plan(lambda sheets: set_metas(sheets, 3, "eje", 7))
    with translation.override("es-pe"):
        spanish = plan_file.import_plan(broken).lines()
    assert any(line.startswith("hoja metas, fila 3, columna eje: no hay eje 7 en la hoja ejes") for line in spanish)
    with translation.override("en"):
        english = plan_file.import_plan(broken).lines()
    assert any(
        line.startswith("sheet metas, row 3, column eje: there is no axis 7 in the sheet ejes") for line in english
    )
    assert not any("hoja" in line or "fila" in line for line in english), english


@pytest.fixture
def clerk():
    office = make_office("G-EDU")
    make_indicator("G-LECTURA", office=office)
    return make_user("rosa", ROLE_REGISTRADOR, [office])


def test_a_readings_files_problems_follow_the_language(clerk):
    text = HEADER + "G-LECTURA,2099,30,F,\nG-LECTURA,2019,treinta,F,\nXX,2019,1,F,\n"
    with translation.override("es-pe"):
        spanish = [str(e) for e in imports.import_file(text.encode(), "lecturas.csv", clerk).errors]
    assert spanish == [
        "fila 2, columna «periodo»: El periodo 01/01/2099 está en el futuro.",
        "fila 3, columna «valor»: «treinta» no es un número.",
        "fila 4, columna «codigo»: No existe un indicador con el código XX.",
    ]
    with translation.override("en"):
        english = [str(e) for e in imports.import_file(text.encode(), "lecturas.csv", clerk).errors]
    assert english == [
        "row 2, column “periodo”: The period 1 Jan 2099 is in the future.",
        "row 3, column “valor”: «treinta» is not a number.",
        "row 4, column “codigo”: There is no indicator with the code XX.",
    ]


def test_the_english_admin_shows_an_uploads_problems_in_english(client, clerk):
    client.force_login(clerk)
    upload = io.BytesIO((HEADER + "G-LECTURA,2019,abc,MINEDU,\n").encode())
    upload.name = "lecturas.csv"
    page = client.post("/en" + reverse("admin:indicators_reading_import"), {"file": upload}).content.decode()
    assert "«abc» is not a number." in page and "no es un número" not in page


def test_a_workflow_refusal_names_its_step_in_each_language(clerk):
    from indicators.models import Reading, TransitionError

    reading = Reading(indicator=make_indicator("G-OTRO", office=make_office("G-OTRA")), period=date(2019, 1, 1))
    reading.status = "approved"
    with translation.override("es-pe"), pytest.raises(TransitionError) as spanish:
        reading._require_state({"draft"}, "submit")
    assert spanish.value.messages == ["No se puede enviar a revisión una lectura en estado «Aprobada»."]
    with translation.override("en"), pytest.raises(TransitionError) as english:
        reading._require_state({"draft"}, "submit")
    assert english.value.messages[0].startswith("Cannot submit a reading for review whose status is")


NO_FSTRING_RAISE = re.compile(r"raise \w+(\.\w+)*\(\s*f[\"']")


def test_no_code_raises_a_message_written_as_an_f_string():
    offenders = []
    for app in ("core", "indicators", "goals", "alignment", "ilo_plan"):
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if NO_FSTRING_RAISE.search(line):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    # Messages for people go through gettext with named placeholders; what is left is for operators.
    allowed = {"ilo_plan/open_data.py"}
    assert [o for o in offenders if o.split(":")[0] not in allowed] == []


def test_a_command_speaks_the_sites_language(tmp_path):
    with translation.override("es-pe"), pytest.raises(Exception, match="No existe el archivo"):
        call_command("import_readings", str(tmp_path / "nada.csv"), user="nadie", stdout=StringIO())


# --- 3. dates -----------------------------------------------------------------------------------


def test_one_date_format_per_language():
    day = date(2022, 12, 31)
    with translation.override("en"):
        assert formats.date_format(day, "DATE_FORMAT") == "31 Dec 2022"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "31 Dec 2022"
    with translation.override("es-pe"):
        assert formats.date_format(day, "DATE_FORMAT") == "31 de diciembre de 2022"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "31/12/2022"


@pytest.mark.parametrize("language", ["es-pe", "en"])
def test_typed_dates_are_read_day_first_in_both_languages(language):
    with translation.override(language):
        field = forms.DateField()
        assert field.clean("31/12/2022") == date(2022, 12, 31)
        assert field.clean("2022-12-31") == date(2022, 12, 31)
        with pytest.raises(forms.ValidationError):
            field.clean("12/31/2022")  # never month first
        assert forms.DateInput().format_value(date(2022, 12, 1)) == "01/12/2022"


def test_no_template_writes_a_day_and_month_pattern_of_its_own():
    literal = re.compile(r"""\|date:["'](?![A-Z_]+["'])[^"']*[dj][^"']*["']""")
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group()}"
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for match in literal.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_messages_write_dates_as_the_guide_in_spanish_and_unambiguously_in_english():
    today = date(2022, 6, 30)
    with translation.override("es-pe"):
        spanish = validation.period_errors(date(2022, 7, 1), today=today)
    assert spanish == ["El periodo 01/07/2022 está en el futuro."]
    with translation.override("en"):
        assert validation.period_errors(date(2022, 7, 1), today=today) == ["The period 1 Jul 2022 is in the future."]


def test_an_english_target_page_has_one_date_format(client, plan):
    page = client.get(f"/en/planes/{plan.slug}/metas/S1.1-M/").content.decode()
    assert "31 Dec 2022" in page and "1 Jan 2019" in page
    assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", page)
    assert not re.search(r"\b(Jan|Dec)\. \d", page)


# --- 4. the admin's names of the other apps ---------------------------------------------------


@pytest.fixture
def superuser(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(user)
    return user


def test_the_spanish_admin_names_login_attempts_tokens_and_tasks_in_spanish(client, superuser):
    page = client.get("/admin/").content.decode()
    for name in ("Intentos de acceso", "Tokens de la API", "Accesos fallidos", "Registros de acceso"):
        assert name in page, name
    assert apps.get_app_config("django_tasks_database").verbose_name == "Tareas en segundo plano"
    for english in ("Axes", "Knox", "Access attempts", "Auth tokens", "Task Results", "Tasks Database Backend"):
        assert english not in page, english


def test_the_english_admin_names_them_in_english(client, superuser):
    page = client.get("/en/admin/").content.decode()
    for name in ("Access attempts", "API tokens", "Failed accesses", "Access logs"):
        assert name in page, name
    with translation.override("en"):
        assert str(apps.get_app_config("django_tasks_database").verbose_name) == "Background tasks"


def test_the_names_need_no_migration_of_those_apps():
    out = StringIO()
    call_command("makemigrations", "axes", "knox", "django_tasks_database", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()
