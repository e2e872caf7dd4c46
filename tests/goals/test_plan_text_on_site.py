"""The whole plan is on the site: every section of the seed, by its heading and its sentences, on
the page that shows it; and the site's words around the plan's figures say only what is true."""

import csv
import html
import io
import re
import unicodedata
from pathlib import Path

import pytest

from goals.models import Target
from indicators.models import Reading

pytestmark = pytest.mark.django_db

SEED = (Path(__file__).parent.parent / "data" / "plan_seed.txt").read_text(encoding="utf-8")
BASE = "/planes/ilo-2019-2022/"

# Each numbered section of the plan → the page that shows it. VII, the summary table, is the
# targets: each of its targets has its own page (checked below, sentence by sentence).
PAGES = {
    "I": "diagnostico/",
    "II": "alineamiento/",
    "III": "principios-y-objetivos/",
    "IV": "diagnostico/",
    "V": "diagnostico/",
    "VI": "principios-y-objetivos/",
    "VIII": "alineamiento/",
}
HEADING = re.compile(r"^(?:\*\*)?([IVX]+)\. (.+?)(?:\*\*)?$", re.MULTILINE)
FOOTNOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹]")


def folded(text: str) -> str:
    """Case, accents, markup of the extraction and whitespace folded: how a reader compares."""
    text = text.replace("**", "").replace("NO _x", "NOₓ").replace("NO_x", "NOₓ")
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()


def page_text(client, path: str) -> str:
    response = client.get(BASE + path)
    assert response.status_code == 200, path
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.DOTALL)
    return folded(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def sections() -> list[tuple[str, str, str]]:
    """(number, heading, text) of each numbered section of the seed, in order."""
    found = list(HEADING.finditer(SEED))
    return [
        (m.group(1), m.group(2), SEED[m.end() : found[i + 1].start() if i + 1 < len(found) else len(SEED)])
        for i, m in enumerate(found)
    ]


def key_sentences(text: str):
    """The start of each paragraph and list item of a section's own prose: no table rows (tabs),
    no footnotes (checked on their own), no half of a footnote cut by a page break, no lettered
    facts (section I's facts are fields, shown formatted)."""
    for block in text.split("\n"):
        line = block.strip().removeprefix("- ").strip()
        if not line or "\t" in line or FOOTNOTE.match(line) or line[0].islower():
            continue
        if re.match(r"^[a-e]\. ", line):
            continue
        first = re.split(r"(?<=[.:;])\s", line, maxsplit=1)[0]
        yield first[:80]


def test_the_seed_has_the_sections_this_test_knows():
    assert [number for number, _, _ in sections()] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


@pytest.mark.parametrize("number", list(PAGES))
def test_every_section_of_the_plan_is_on_its_page_heading_and_sentences(client, plan, number):
    heading, text = next((h, t) for n, h, t in sections() if n == number)
    page = page_text(client, PAGES[number])
    assert folded(f"{number}. {heading}") in page, heading
    if number == "VIII":
        # The annex is a table: each of its objectives is in the matrix.
        for row in text.strip().splitlines()[1:]:
            for cell in row.split("\t"):
                cell = cell.strip()
                if cell and not cell.isdigit():
                    assert folded(cell.split("Ilo.")[0]) in page, cell
        return
    missing = [sentence for sentence in key_sentences(text) if folded(sentence) not in page]
    assert not missing, (number, missing)


def test_every_footnote_of_the_plan_is_on_the_site_as_a_footnote(client, plan):
    pages = {path: page_text(client, path) for path in set(PAGES.values())}
    footnotes = [line.strip() for line in SEED.splitlines() if FOOTNOTE.match(line.strip())]
    assert [note[0] for note in footnotes] == ["¹", "²", "³", "⁴", "⁵"]
    for note in footnotes[1:]:  # ¹ is the source of the population: «(RENIEC 2015)»
        assert any(folded(note[:70]) in page for page in pages.values()), note
    # Footnote 2 (the Resolución de Alcaldía) is printed among the principles, but its mark is in
    # 2.2: the site shows it under 2.2, in the notes, not as a principle.
    alignment = client.get(BASE + "alineamiento/").content.decode()
    notes = re.findall(r'<div class="small plan-notes">(.*?)</div>', alignment, flags=re.DOTALL)
    assert any("Resolución de Alcaldía Nro. 1080-2017-A-MPI" in note for note in notes)
    assert "1080-2017" not in page_text(client, "principios-y-objetivos/")
    assert "(RENIEC 2015)" in client.get(BASE + "diagnostico/").content.decode()


def test_every_target_of_the_summary_table_has_its_page(client, plan):
    for target in Target.objects.filter(plan=plan):
        assert folded(target.sentence) in page_text(client, f"metas/{target.code}/"), target.code


def test_the_principles_page_is_linked_from_every_plan_page(client, plan):
    assert f'href="{BASE}principios-y-objetivos/"' in client.get(BASE).content.decode()
    assert f'href="{BASE}principios-y-objetivos/"' in client.get(BASE + "indicadores/").content.decode()


def test_the_diagnosis_promises_only_what_is_true(client, plan):
    page = client.get(BASE + "diagnostico/").content.decode()
    # The plan's «3 de 10» students, the two wells of 40 m, the seven terminals, the 13 priority
    # zones and the bioceanic train's forecasts are counts, approximations and forecasts, not a
    # measured indicator: they stay in the text, and the page no longer says every figure is a datum.
    assert "Cada cifra que cita está también como dato, con su año" not in page
    assert "quedan solo en el texto" in page
    for words in ["sólo 3 de 10 estudiantes", "dos Pozos subterráneos", "siete terminales", "13 zonas"]:
        assert words in page


def test_figures_without_a_year_show_no_year(client, plan):
    page = client.get(BASE + "diagnostico/").content.decode()
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", page, flags=re.DOTALL)
    osmore = [row for row in rows if "estiaje" in row]
    assert osmore and "sin año en el plan" in osmore[0] and "2018" not in osmore[0]
    detail = client.get(BASE + "indicadores/OSMORE-ESTIAJE/").content.decode()
    table = detail[detail.index('id="datos"') :]
    assert "sin año en el plan" in table and ">2018<" not in table
    catalogue = client.get(BASE + "indicadores/").content.decode()
    line = catalogue[catalogue.index("/indicadores/OSMORE-ESTIAJE/") :][:600]
    assert "sin año en el plan" in line and "2018" not in line
    assert "elaboró el plan" not in client.get("/metodologia/").content.decode()


def test_offices_are_the_municipalitys_assignment_not_the_plans(client, plan):
    indicator = client.get(BASE + "indicadores/ANEMIA-36M/").content.decode()
    assert "Responsable asignado por la municipalidad" in indicator
    assert "Oficina responsable</dt>" not in indicator
    target = Target.objects.filter(plan=plan, indicator__isnull=False).first()
    page = client.get(BASE + f"metas/{target.code}/").content.decode()
    assert "Responsable asignado por la municipalidad" in page


def test_cited_figures_have_their_own_status_in_the_api_and_the_csv(client, plan):
    readings = client.get("/api/v1/readings/", {"provenance": "cited", "page_size": 100}).json()["results"]
    assert len(readings) == Reading.objects.cited().count() == 48
    assert {r["status"] for r in readings} == {"cited"}
    response = client.get("/api/v1/readings/", {"format": "csv", "provenance": "cited"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 48 and {row["status"] for row in rows} == {"cited"}


def test_the_workflow_has_no_verb_for_a_cited_figure(plan):
    from datetime import date
    from decimal import Decimal

    from django.core.exceptions import PermissionDenied, ValidationError

    from indicators.access import ROLE_REGISTRADOR, ROLE_REVISOR
    from indicators.models import TransitionError
    from tests.factories import make_user

    figure = Reading.objects.get(indicator__code="TBC-TASA", period=date(2016, 1, 1))
    office = figure.indicator.office
    clerk = make_user("registra-tbc", [ROLE_REGISTRADOR, ROLE_REVISOR], [office])
    assert not (figure.can_edit(clerk) or figure.can_submit(clerk) or figure.can_review(clerk))
    assert not figure.can_withdraw(clerk)
    for step in [
        lambda: figure.edit(clerk, value=Decimal("1")),
        lambda: figure.submit(clerk),
        lambda: figure.approve(clerk),
        lambda: figure.withdraw(clerk, "no"),
        lambda: figure.correct(clerk, value=Decimal("1"), source="x", reason="no"),
    ]:
        with pytest.raises((TransitionError, PermissionDenied, ValidationError)):
            step()
        figure.refresh_from_db()
        assert (figure.status, figure.value) == ("cited", Decimal("151"))
    # Its period is the plan's: a reading of the same indicator and year is refused.
    with pytest.raises(ValidationError, match="ese periodo es del plan"):
        Reading.objects.create_draft(
            user=clerk, indicator=figure.indicator, period=date(2016, 1, 1), value=Decimal(150), source="MINSA"
        )
