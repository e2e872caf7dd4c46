"""The status rules as citizens, auditors and the open data see them: the term decides, the
plan's own figures are citations, and every reason reads in the page's language."""

import csv
import io
import json
import re
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from goals import public
from goals.progress import ReasonCode, Status
from indicators.models import Indicator, Reading
from tests.factories import make_reading

pytestmark = pytest.mark.django_db


def moment(day: date):
    return timezone.make_aware(datetime.combine(day, time(12)))


def csv_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("as_of", [None, date(2020, 12, 31), date(2023, 6, 30)], ids=["today", "2020", "after"])
def test_with_the_plan_alone_every_target_has_no_data_of_the_term(plan, as_of):
    rows = public.target_statuses(plan, as_of=as_of)
    assert len(rows) == 15
    assert {row.status for row in rows} == {Status.NO_DATA}
    assert {row.evaluation.progress for row in rows} == {None}
    # The targets whose indicator the plan already gives figures for say those are context.
    earlier = {row.target.code for row in rows if row.evaluation.reason.code == ReasonCode.ONLY_EARLIER_DATA}
    assert earlier == {"S3.1-M"}


def test_with_the_plan_alone_no_page_or_api_claims_a_result(client, plan):
    home = client.get("/").content.decode()
    assert re.search(r"<strong>15</strong> Sin datos del periodo", home)
    assert not re.search(r"<strong>[1-9]\d*</strong> (Meta cumplida|No cumplida)", home)
    assert "Último dato aprobado" not in home  # nothing the municipality approved yet
    targets = client.get("/api/v1/targets/", {"page_size": 100}).json()["results"]
    assert {t["status"] for t in targets} == {"no_data"}
    target = client.get("/metas/S3.1-M/").content.decode()
    assert "es anterior al plan: es contexto, no un resultado" in target
    assert (
        "Responsable asignado por la municipalidad para registrarlo: Subgerencia de Educación, Cultura y Deporte"
        in target
    )


def test_a_figure_of_the_term_approved_after_the_deadline_decides_the_final_verdict(client, plan):
    indicator = Indicator.objects.get(code="ECE-SEC-LECTURA")
    make_reading(indicator, period=date(2022, 1, 1), value=Decimal("46"), approved_at=moment(date(2023, 3, 1)))
    [row] = public.target_statuses(plan, as_of=date(2023, 6, 30), code="S3.1-M")
    assert (row.status, row.evaluation.final, row.evaluation.progress) == (Status.ACHIEVED, True, 100.0)
    [before] = public.target_statuses(plan, as_of=date(2023, 1, 31), code="S3.1-M")
    assert before.status == Status.NO_DATA  # not approved yet on that day


def test_a_figure_after_the_deadline_is_shown_apart_and_changes_nothing(client, plan):
    indicator = Indicator.objects.get(code="VIOLENCIA-FAMILIAR")
    make_reading(indicator, period=date(2022, 1, 1), value=Decimal("1095"), approved_at=moment(date(2023, 2, 1)))
    [before] = public.target_statuses(plan, code="S4.1-M")
    make_reading(indicator, period=date(2023, 1, 1), value=Decimal("1300"), approved_at=moment(date(2024, 2, 1)))
    [after] = public.target_statuses(plan, code="S4.1-M")
    assert after.evaluation == before.evaluation
    assert after.status == Status.ACHIEVED
    page = client.get("/metas/S4.1-M/").content.decode()
    assert page.count("después del plazo</span>") == 1
    assert "Meta cumplida: el último dato del periodo (1,095 denuncias, 2022) la alcanza." in page
    figure = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page).group(1))
    names = {trace["name"]: trace["x"] for trace in figure["data"]}
    assert names["Después del plazo"] == ["2023-01-01"]
    assert "Proyección" not in names  # the deadline has passed


def test_figures_cited_from_the_plan_show_no_approval_anywhere(client, plan):
    page = client.get("/metas/S3.1-M/").content.decode()
    table = page[page.index("<caption>Datos publicados") :]
    assert table.count("Citado del plan") == 2 and "aprobado el" not in table
    readings = client.get("/api/v1/readings/", {"indicator": "ECE-SEC-LECTURA"}).json()["results"]
    assert [(r["provenance"], r["approved_at"], r["reviewed_at"]) for r in readings] == [("cited", None, None)] * 2
    exported = csv_rows(client.get("/api/v1/readings/", {"format": "csv", "provenance": "cited"}))
    assert len(exported) == 48 and {(r["provenance"], r["approved_at"]) for r in exported} == {("cited", "")}
    series = csv_rows(client.get("/metas/S3.1-M/serie.csv"))
    assert [(r["provenance"], r["approved_at"]) for r in series] == [("cited", "")] * 2


def test_the_provenance_of_each_figure_is_told_apart(client, plan):
    indicator = Indicator.objects.get(code="ECE-SEC-LECTURA")
    make_reading(indicator, period=date(2019, 1, 1), value=Decimal("30"), approved_at=moment(date(2020, 2, 15)))
    make_reading(indicator, period=date(2021, 1, 1), value=Decimal("33"), is_demo=True)
    kinds = {r.period.year: r.provenance for r in Reading.objects.approved().filter(indicator=indicator)}
    assert kinds == {2015: "cited", 2016: "cited", 2019: "registered", 2021: "demo"}
    annotated = Reading.objects.filter(indicator=indicator).annotate(kind=Reading.provenance_expression())
    assert {r.period.year: r.kind for r in annotated} == kinds
    page = client.get("/metas/S3.1-M/").content.decode()
    assert "Registrado por la municipalidad" in page and "aprobado el 15/02/2020" in page
    series = csv_rows(client.get("/metas/S3.1-M/serie.csv"))
    assert [r["provenance"] for r in series] == ["cited", "cited", "registered", "demo"]
    assert [
        r["provenance"] for r in client.get("/api/v1/readings/", {"provenance": "registered"}).json()["results"]
    ] == ["registered"]


def test_a_figure_without_a_year_in_the_plan_says_so_wherever_it_shows(client, plan):
    note = "Sin año en el plan."
    assert note in client.get("/indicadores/").content.decode()
    assert note in client.get("/diagnostico/").content.decode()
    page = client.get("/indicadores/OSMORE-ESTIAJE/").content.decode()
    assert note in page
    figure = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page).group(1))
    annotations = [a["text"].replace("<br>", " ") for a in figure["layout"]["annotations"]]
    assert note in annotations
    [row] = csv_rows(client.get("/entidades/1803/indicadores/OSMORE-ESTIAJE/serie.csv"))
    assert (row["period"], row["value"], row["note"]) == ("2018-01-01", "0.807", note)


def test_the_diagnosis_shows_the_plans_sections_whole(client, plan):
    page = client.get("/diagnostico/").content.decode()
    for text in [
        "I. Datos referenciales",
        "es un Puerto natural, que constituye una puerta de ingreso y salida al mundo.",
        "IV. Roles y tendencias de desarrollo de Ilo",
        "10 millones de toneladas de mercancía y 6 millones de personas",
        "V.1. Agua",
        "con una profundidad de 40 metros.",
        "V.2. Educación",
        "sólo 3 de 10 estudiantes entienden lo que leen.",
        "V.3. Seguridad Ciudadana",
        "Año inferido: el plan no da el año",
        "V.4. Salud",
        "tumores malignos",
        "V.5. Actividades económicas productivas",
        "<li>11) Limitadas capacidades de la municipalidad provincial y distritales",
        "V.6. Empleo y Juventud",
        "FUENTE: INEI, 2009",
        "Nota de este sitio:",
        "V.7. Gestión ambiental",
        "13 zonas de atención prioritaria por el DIGESA",
        "20,601",
        "2,300,000",
    ]:
        assert text in page, text
    assert "<script" not in page


def test_the_alignment_page_shows_the_plans_note_on_the_provincial_plan(client, plan):
    page = client.get("/alineamiento/").content.decode()
    assert "Resolución de Alcaldía Nro. 1080-2017-A-MPI" in page


def test_english_pages_carry_english_reasons(client, plan):
    indicator = Indicator.objects.get(code="VIOLENCIA-FAMILIAR")
    make_reading(indicator, period=date(2022, 1, 1), value=Decimal("1095"), approved_at=moment(date(2023, 2, 1)))
    page = client.get("/en/metas/S4.1-M/").content.decode()
    assert "Achieved: the latest figure of the term (1,095 reports, 2022) meets the target." in page
    assert "Result at the deadline" in page and "Meta cumplida" not in page  # final once the plan is closed
    dimension = client.get("/en/dimensiones/social/").content.decode()
    assert "No data for the term: there is no approved figure" in dimension
    assert "Sin datos del periodo" not in dimension


def test_the_api_gives_the_reason_as_data_and_in_spanish_words(client, plan):
    target = client.get("/api/v1/targets/S3.1-M/").json()
    assert target["status"] == "no_data" and target["reason"] == "only_earlier_data"
    assert target["reason_values"] == {
        "start": "2019-01-01",
        "end": "2022-12-31",
        "value": "27.8",
        "period": "2016-01-01",
    }
    assert target["status_label"] == "Sin datos del periodo"
    assert target["explanation"] == (
        "Sin datos del periodo: no hay ningún dato aprobado con periodo entre el 01/01/2019 y el 31/12/2022. "
        "El último dato (27.8 %, 2016) es anterior al plan: es contexto, no un resultado."
    )
    assert (target["final"], target["maintain"], target["progress"]) == (True, False, None)
    [row] = csv_rows(client.get("/api/v1/targets/", {"format": "csv", "dimension": "social", "kind": "number"}))[2:3]
    assert (row["code"], row["reason"], row["explanation"]) == ("S3.1-M", "only_earlier_data", target["explanation"])


def test_roll_ups_say_how_many_targets_their_mean_covers(client, plan):
    indicator = Indicator.objects.get(code="ANEMIA-36M")
    make_reading(indicator, period=date(2022, 1, 1), value=Decimal("10.6"), approved_at=moment(date(2023, 2, 1)))
    home = client.get("/").content.decode()
    assert "Avance promedio: <strong>100 %</strong> (1 de 15 metas con avance medible" in home
    axes = client.get("/api/v1/axes/").json()["results"]
    assert sum(axis["rollup"]["measured"] for axis in axes) == 1
