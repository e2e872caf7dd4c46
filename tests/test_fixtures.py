"""Every figure of the seed plan is in the database, as a number, after load_plan."""

from datetime import date
from decimal import Decimal as D

import pytest

from alignment.models import AlignmentObjective, AlignmentRow
from goals.models import Objective, Problem, Project, StrategicAxis, Target
from indicators.models import Indicator, Reading

pytestmark = pytest.mark.django_db

# (code, sentence, kind, comparator, value, unit) exactly as section VII of the plan.
TARGETS = [
    ("S1.1-M", "En promedio: 18 horas al día de agua potable.", "number", ">=", "18", "horas al día"),
    (
        "S2.1-M",
        "Menos del 11% de población de Niños y niñas menores de 36 meses presentan anemia.",
        "number",
        "<",
        "11",
        "%",
    ),
    ("S3.1-M", "Al menos el 45% de los estudiantes de secundaria entienden lo que leen.", "number", ">=", "45", "%"),
    (
        "S4.1-M",
        "Reducir a menos de 1150 casos de denuncias de violencia familiar y sexual.",
        "number",
        "<",
        "1150",
        "denuncias",
    ),
    ("S5.1-M", "01 Comité Provincial de Seguridad Ciudadana fortalecido.", "delivered", ">=", "1", "comité"),
    ("E1.1-M", "01 proyecto piloto implementado.", "delivered", ">=", "1", "proyecto piloto"),
    ("E2.1-M", "01 programa de incentivos a la empresa.", "delivered", ">=", "1", "programa"),
    ("E3.1-M", "2,000 pescadores beneficiados.", "number", ">=", "2000", "pescadores"),
    ("E4.1-M", "01 proyecto piloto implementado.", "delivered", ">=", "1", "proyecto piloto"),
    ("E5.1-M", "Al menos el 70% de los actores locales sensibilizados.", "number", ">=", "70", "%"),
    ("A1.1-M", "Al menos el 80% de las aguas residuales son tratadas adecuadamente.", "number", ">=", "80", "%"),
    ("A2.1-M", "01 Relleno sanitario en funcionamiento", "delivered", ">=", "1", "relleno sanitario"),
    (
        "A3.1-M",
        "01 Sistema de monitoreo de calidad de aire funcionando.",
        "delivered",
        ">=",
        "1",
        "sistema de monitoreo",
    ),
    (
        "I1.1-M",
        "Al menos una rendición de cuentas de la gestión municipal cada año.",
        "recurring",
        ">=",
        "1",
        "rendición de cuentas por año",
    ),
    (
        "I2.1-M",
        "Al menos el 50% de la gestión local opera bajo el sistema de gobierno electrónico.",
        "number",
        ">=",
        "50",
        "%",
    ),
]

# (indicator code, year, value) of section V, each stored as an approved reading citing the plan.
DIAGNOSIS = [
    ("ECE-PRIM-LECTURA", 2010, "47.3"),
    ("ECE-PRIM-LECTURA", 2015, "72.2"),
    ("ECE-PRIM-MATEMATICA", 2010, "23.8"),
    ("ECE-PRIM-MATEMATICA", 2014, "46.9"),
    ("ECE-PRIM-MATEMATICA", 2015, "41.3"),
    ("ECE-SEC-MATEMATICA", 2015, "19.7"),
    ("ECE-SEC-MATEMATICA", 2016, "26.90"),
    ("ECE-SEC-LECTURA", 2015, "28.28"),
    ("ECE-SEC-LECTURA", 2016, "27.80"),
    ("MATRICULA-TOTAL", 2016, "20601"),
    ("MATRICULA-HOMBRES", 2016, "10483"),
    ("MATRICULA-MUJERES", 2016, "10118"),
    ("MATRICULA-URBANA", 2016, "20327"),
    ("MATRICULA-RURAL", 2016, "274"),
    ("MATRICULA-PUBLICA", 2016, "15799"),
    ("MATRICULA-PRIVADA", 2016, "4802"),
    ("MATRICULA-EBR", 2016, "18224"),
    ("MATRICULA-EBA", 2016, "680"),
    ("MATRICULA-EBE", 2016, "112"),
    ("MATRICULA-ETP", 2016, "661"),
    ("MATRICULA-ESNU", 2016, "924"),
    ("PNP-ROBO", 2015, "325"),
    ("PNP-DANOS", 2015, "31"),
    ("PNP-HURTOS", 2015, "29"),
    ("PNP-ALCOHOL", 2015, "6571"),
    ("PNP-TOXICOS", 2015, "1075"),
    ("VIOLENCIA-FAMILIAR", 2015, "789"),
    ("VF-FISICA-PSICOLOGICA", 2015, "57"),
    ("VF-PSICOLOGICA", 2015, "41"),
    ("VF-LEY-PENAL", 2015, "1"),
    ("VF-ABANDONO", 2015, "1"),
    ("DEFUNCIONES", 2010, "210"),
    ("DEFUNCIONES", 2015, "238"),
    ("TASA-MORTALIDAD", 2010, "3.10"),
    ("TASA-MORTALIDAD", 2015, "3.37"),
    ("NACIDOS-VIVOS", 2010, "1121"),
    ("NACIDOS-VIVOS", 2015, "1224"),
    ("TBC-TASA", 2010, "130"),
    ("TBC-TASA", 2016, "151"),
    ("OSMORE-ESTIAJE", 2018, "0.807"),
    ("OSMORE-AVENIDA", 2018, "5.941"),
    ("OSMORE-ECOLOGICO", 2018, "0.11"),
    ("PBI-PESCA", 2018, "5.2"),
    ("PBI-MINERIA", 2018, "63"),
    ("VAB-MINERIA-MOQUEGUA", 2018, "43"),
    ("PUERTO-TONELAJE", 2018, "2300000"),
    ("POST-SECUNDARIA", 2018, "6.6"),
    ("JOVENES-EMPLEADOS", 2018, "30"),
]

NATIONAL = [
    "Derechos fundamentales y dignidad de las personas",
    "Oportunidades y acceso a los servicios",
    "Estado y gobernabilidad",
    "Economía, competitividad y empleo",
    "Desarrollo regional e infraestructura",
    "Recursos naturales y ambiente",
]
# annex row → (regional numbers, provincial numbers); regional 8 is the annex's "protección social".
ROWS = {1: ({1, 8}, {1}), 2: ({2}, {2, 3}), 3: ({3, 4}, {4}), 4: ({5}, {5, 6}), 5: ({6}, {7}), 6: ({7}, {8})}


def test_province_facts(plan):
    assert plan.province_created_on == date(1970, 5, 26)
    assert plan.area_km2 == D("1523.44")
    assert (plan.population, plan.population_source, plan.population_year) == (79727, "RENIEC", 2015)
    assert plan.department == "Moquegua"
    assert plan.distance_to_capital_km == 1250
    assert "17°38'15\"" in plan.latitude_range and "17°20'39\"" in plan.latitude_range
    assert "71°21'39\"" in plan.longitude_range and "71°22'00\"" in plan.longitude_range
    assert (plan.period_start, plan.period_end) == (date(2019, 1, 1), date(2022, 12, 31))


def test_six_axes_with_their_three_wordings(plan):
    axes = list(StrategicAxis.objects.filter(plan=plan))
    assert [a.number for a in axes] == [1, 2, 3, 4, 5, 6]
    assert axes[1].name == "Mejorar el acceso a los servicios básicos con prioridad en el agua de calidad."
    assert (
        axes[1].annex_objective
        == "Mejorar el acceso a los servicios básicos con especial preferencia en el agua de calidad."
    )
    assert axes[5].objective == "Mejorar la calidad del ambiente y los impactos de las aguas servidas."


@pytest.mark.parametrize("code, sentence, kind, comparator, value, unit", TARGETS, ids=[t[0] for t in TARGETS])
def test_each_target_is_stored_as_the_plan_says(plan, code, sentence, kind, comparator, value, unit):
    target = Target.objects.get(plan=plan, code=code)
    assert (target.sentence, target.kind, target.comparator, target.value, target.unit) == (
        sentence,
        kind,
        comparator,
        D(value),
        unit,
    )
    assert target.deadline == date(2022, 12, 31)


def test_fifteen_targets_and_every_numeric_one_has_an_indicator(plan):
    assert Target.objects.filter(plan=plan).count() == 15
    assert not Target.objects.filter(plan=plan, kind__in=["number", "recurring"], indicator__isnull=True).exists()


def test_the_education_council_objective_has_no_target(plan):
    council = Objective.objects.get(plan=plan, text__contains="Consejo Participativo Local de Educación")
    assert not council.targets.exists()
    assert council.problem == Objective.objects.get(plan=plan, code="S3.1").problem


def test_the_smart_city_sentence_is_whole_again(plan):
    assert Objective.objects.get(plan=plan, code="E4.1").text.endswith(
        "bajo el esquema de “Ilo Ciudad inteligente” (Smart City) y la “Incubadora de proyectos”."
    )


def test_no_pdf_markup_is_left_in_any_text(plan):
    for model, field in [(Problem, "text"), (Objective, "text"), (Target, "sentence"), (Project, "name")]:
        assert not model.objects.filter(**{f"{field}__contains": "<"}).exists()


def test_the_projects_the_objectives_name(plan):
    assert set(Project.objects.filter(plan=plan).values_list("code", flat=True)) == {
        "DESALINIZADORA",
        "PTAR-ILO",
        "VARADERO",
        "PUERTO-PESQUERO",
        "RELLENO-SANITARIO",
        "MONITOREO-AIRE",
        "ILO-CIUDAD-INTELIGENTE",
        "INCUBADORA",
        "PLATAFORMA-LOGISTICA",
    }


def test_baselines_the_seed_gives(plan):
    reading = Indicator.objects.get(code="ECE-SEC-LECTURA")
    assert (reading.baseline_value, reading.baseline_date) == (D("27.80"), date(2016, 1, 1))
    violence = Indicator.objects.get(code="VIOLENCIA-FAMILIAR")
    assert (violence.baseline_value, violence.baseline_date) == (D("789"), date(2015, 1, 1))


@pytest.mark.parametrize("code, year, value", DIAGNOSIS, ids=[f"{c}-{y}" for c, y, _ in DIAGNOSIS])
def test_every_diagnosis_figure_is_an_approved_reading_citing_the_plan(plan, code, year, value):
    reading = Reading.objects.approved().get(indicator__code=code, period=date(year, 1, 1))
    assert reading.value == D(value)
    assert "Plan de Gobierno Municipal 2019-2022" in reading.source
    assert not reading.is_demo


def test_tuberculosis_keeps_its_low_risk_reference(plan):
    tb = Indicator.objects.get(code="TBC-TASA")
    assert tb.reference_value == D("27")
    assert "27" in tb.reference_note


def test_alignment_six_national_eight_regional_eight_provincial(plan):
    counts = {
        level: AlignmentObjective.objects.filter(plan=plan, level=level).count()
        for level in ("national", "regional", "provincial")
    }
    assert counts == {"national": 6, "regional": 8, "provincial": 8}
    assert (
        list(AlignmentObjective.objects.filter(plan=plan, level="national").values_list("text", flat=True)) == NATIONAL
    )


@pytest.mark.parametrize("number", ROWS)
def test_each_annex_row_links_its_objectives_to_its_axis(plan, number):
    row = AlignmentRow.objects.get(plan=plan, number=number)
    regional, provincial = ROWS[number]
    assert row.axis.number == number
    assert row.national.number == number
    assert set(row.regional.values_list("number", flat=True)) == regional
    assert set(row.provincial.values_list("number", flat=True)) == provincial
