"""The English site is English: a crawl of every public page under /en/, with the seed plan loaded,
finds no Spanish sentence outside the plan's own words. The plan's texts (targets, objectives,
indicator names, sections, offices, entities: what the data hold) stay in Spanish, marked
lang="es"; the allowed set is built from that data, never from a list typed here."""

import re
import unicodedata
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from core import formatting
from indicators.models import Unit

pytestmark = pytest.mark.django_db

# Words a Spanish sentence can hardly do without, and English never uses: one of them already
# gives a sentence away. The short ones ("de", "la", "el", "en", "y") are also particles of names
# and abbreviations, so it takes two of them.
SPANISH_ALONE = {
    "del", "los", "las", "para", "por", "que", "una", "unos", "unas", "según", "desde", "hasta",
    "cada", "sobre", "entre", "esta", "este", "estos", "estas", "cuando", "donde", "sus", "más",
    "también", "aún", "ningún", "ninguna", "ninguno", "cuál", "qué", "cómo", "hay", "está", "están",
}  # fmt: skip
SPANISH_PAIRED = {"de", "la", "el", "en", "y", "con", "sin", "al", "es", "se", "su", "un", "lo", "o"}
ACCENTED = re.compile(r"[áéíóúñ¿¡]", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIPPED = {"script", "style", "template", "code", "pre", "svg"}
ATTRIBUTES = {"title", "aria-label", "alt", "placeholder", "aria-description"}

MAX_PAGES = 320
PER_PARENT = 25  # at most this many children of one address (1,890 municipalities stay a sample)


class Text(HTMLParser):
    """A page's readable text (and the attributes read aloud), without what is marked lang="es"
    (the plan's own words) nor scripts; and its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden: inside lang="es" or a script)
        self.chunks: list[str] = []
        self.links: list[str] = []

    @property
    def hidden(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = self.hidden or tag in SKIPPED or (attrs.get("lang") or "").startswith("es")
        if tag == "html":
            hidden = False
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if not hidden:
            self.chunks.extend(f"\n{value}\n" for name, value in attrs.items() if name in ATTRIBUTES and value)
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.chunks.append(f"\n{attrs['value']}\n")
        if tag not in VOID:
            self.stack.append((tag, hidden))
        self.chunks.append("\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        self.chunks.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.chunks.append(data)


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def plan_texts() -> list[str]:
    """Every text the data hold (plans, sections, targets, objectives, indicators, readings'
    sources and notes, offices, entities, alignment, units, the site's settings), longest first."""
    texts = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"core", "goals", "indicators", "alignment", "ilo_plan"}:
            continue
        if model.__name__.startswith("Historical"):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not isinstance(f, models.SlugField)
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            texts.update(fold(value) for value in row if value and len(value) > 3)
    return sorted(texts, key=len, reverse=True)


def allowed_words(texts: list[str]) -> set[str]:
    """The plan's vocabulary, for its words quoted in part (a shortened sentence, an office's
    name): proper words only, never the Spanish function words, which must come with the text."""
    words = {w for text in texts for w in WORD.findall(text)}
    return words - SPANISH_PAIRED - SPANISH_ALONE


def spanish_words(chunk: str, allowed: set[str]) -> list[str]:
    """The words that make `chunk` a Spanish sentence, or [] when it is not one. An accented word
    written with a capital inside an English sentence is a name ("for example: Callería"), not a
    Spanish word; first in its line, it is a Spanish heading ("Metodología")."""
    words = WORD.findall(chunk)
    folded = [w.casefold() for w in words]
    alone = [w for w in folded if w in SPANISH_ALONE]
    paired = [w for w in folded if w in SPANISH_PAIRED]
    accented = [
        w.casefold()
        for position, w in enumerate(words)
        if ACCENTED.search(w) and w.casefold() not in allowed and (position == 0 or not w[0].isupper())
    ]
    if alone or accented or len(paired) >= 2:
        return alone + accented + paired
    return []


SHORTENED = re.compile(r"([^·›()|:«»]+)…")


def without_shortened(chunk: str, texts: list[str]) -> str:
    """`chunk` without the plan's words cut short ("Reducir a menos de 1150 de…" in a crumb or a
    page title, where a lang attribute cannot go)."""

    def cut(match):
        piece = match.group(1).strip().casefold()
        return " " if len(piece) > 3 and any(piece in text for text in texts) else match.group(0)

    return SHORTENED.sub(cut, chunk)


def findings(html: str, texts: list[str], allowed: set[str]) -> list[str]:
    """The lines of a page that are Spanish sentences, once the plan's own words are set aside."""
    parser = Text()
    parser.feed(html)
    found = []
    for chunk in "".join(parser.chunks).split("\n"):
        chunk = " ".join(unicodedata.normalize("NFC", chunk).split())
        if not chunk:
            continue
        chunk = without_shortened(chunk, texts)
        for text in texts:  # the plan's words, quoted whole (whole words: never a piece of one)
            if text in chunk.casefold():
                chunk = re.sub(rf"(?<!\w){re.escape(text)}(?!\w)", " ", chunk, flags=re.IGNORECASE)
        if spanish_words(chunk, allowed):
            found.append(" ".join(chunk.split()))
    return found


def local_links(links: list[str]) -> list[str]:
    """The English pages a page links to: not the admin, the API, nor files."""
    found = []
    for href in links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/en/"):
            continue
        path = parts.path
        if path.startswith(("/en/admin", "/en/api/", "/en/i18n")) or re.search(r"\.\w{2,5}$", path):
            continue
        found.append(path)
    return found


def crawl(client, start: list[str]) -> dict[str, str]:
    """The pages reached from `start`, breadth first, within /en/ (bounded: MAX_PAGES, and at most
    PER_PARENT children of one address)."""
    pages, queue, seen, children = {}, deque(start), set(start), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        parser = Text()
        parser.feed(html)
        for path in local_links(parser.links):
            parent = path.rstrip("/").rsplit("/", 1)[0]
            if path in seen or children.get(parent, 0) >= PER_PARENT:
                continue
            children[parent] = children.get(parent, 0) + 1
            seen.add(path)
            queue.append(path)
    return pages


def test_the_detector_tells_spanish_sentences_from_english_ones_and_the_plans_words():
    texts = [fold("Gerencia de Desarrollo Social"), fold("Reducir la anemia en niños menores de 36 meses")]
    allowed = allowed_words(texts)
    assert spanish_words("Sin datos del periodo", allowed)
    assert spanish_words("at least 18 horas al día", allowed)
    assert spanish_words("Cómo decidimos el estado de cada meta", allowed)
    assert not spanish_words("No data for the term: no approved figure between 1 January 2019", allowed)
    assert not spanish_words("Office: Gerencia", allowed)
    assert findings("<p>Office: Gerencia de Desarrollo Social</p>", texts, allowed) == []
    assert findings('<p>Target: <span lang="es">menos de 11 % de la población</span></p>', texts, allowed) == []
    assert findings("<p>Target: Reducir la anemia en niños menores de 36 meses</p>", texts, allowed) == []
    assert findings('<p title="Ver la meta en el mapa">x</p>', texts, allowed) == ["Ver la meta en el mapa"]
    assert findings("<label>Name (for example: Arequipa, Callería, 1803)</label>", texts, allowed) == []
    assert findings("<h1>Metodología</h1><p>16.8 h/día</p>", texts, allowed) == ["Metodología", "16.8 h/día"]
    assert findings("<p>Projection: 18 horas al día</p>", texts, allowed) == ["Projection: 18 horas al día"]
    assert findings("<title>Reducir la anemia en niños men… (S2.1-M)</title>", texts, allowed) == []
    assert findings("<p>Reducir la malaria en niños…</p>", texts, allowed) != []


@pytest.mark.slow  # crawls every English page
def test_english_pages_say_no_spanish_sentence_outside_the_plans_own_words(client, plan):
    with translation.override("en"):
        pages = crawl(client, ["/en/", "/en/metodologia/", "/en/buscar/?q=agua", "/en/planes/", "/en/entidades/"])
    texts = plan_texts()
    allowed = allowed_words(texts)
    report = {url: found for url, html in pages.items() if (found := findings(html, texts, allowed))}
    shapes = {re.sub(r"/[^/]+/$", "/*/", url) for url in pages}
    assert len(pages) > 60 and len(shapes) > 12, sorted(shapes)  # the crawl reaches the site it means to
    pages_of = {}  # each Spanish line once, with how many pages show it and the first of them
    for url, found in report.items():
        for chunk in found:
            pages_of.setdefault(chunk, []).append(url)
    assert not report, "\n".join(f"{len(urls)}× {urls[0]}: {chunk}" for chunk, urls in pages_of.items())


def test_units_have_english_names_and_symbols_in_the_catalogue(db):
    missing = [u.code for u in Unit.objects.catalogue() if not u.name_en]
    assert missing == []
    hours = Unit.objects.catalogue().get(code="horas-dia")
    with translation.override("en"):
        assert hours.quantity(16.8) == f"{formatting.number(16.8, 1)} h/day"
        assert (hours.display_name, hours.label) == ("Hours a day", "h/day")
    with translation.override("es"):
        assert hours.quantity(16.8) == f"{formatting.number(16.8, 1)} h/día"
        assert (hours.display_name, hours.label) == ("Horas al día", "h/día")
    # A unit without English words (an entity's own) keeps its Spanish ones on the English site.
    own = Unit(code="audiencias", name="Audiencias", symbol="audiencias")
    with translation.override("en"):
        assert (own.display_name, own.display_symbol) == ("Audiencias", "audiencias")


def test_english_target_pages_give_units_in_english_and_mark_the_plans_words(client, plan):
    hours = client.get("/en/metas/S1.1-M/").content.decode()
    assert "<dt>Target</dt><dd>at least 18 h/day</dd>" in hours
    assert '<h1><span lang="es">' in hours  # the target's own sentence, in Spanish, said so
    assert "The plan's own words, in Spanish" in hours
    # A unit the plan names in its own word, not the indicator's: the plan's word, marked Spanish.
    fishers = client.get("/en/metas/E3.1-M/").content.decode()
    assert '<dd>at least 2,000 <span lang="es">pescadores</span></dd>' in fishers
    assert "Hours a day" in client.get("/en/indicadores/AGUA-HORAS/").content.decode()
    spanish = client.get("/metas/S1.1-M/").content.decode()
    assert "18 horas al día</dd>" in spanish
    assert 'lang="es"' not in spanish.split("<main", 1)[1] and "plan-words-note" not in spanish


def test_the_methodology_is_english_under_en_with_the_plans_axes_in_spanish(client, plan):
    english = client.get("/en/metodologia/").content.decode()
    assert "<h1>Methodology: how we decide the status of each target</h1>" in english
    assert "Qué datos cuentan" not in english and "Which data count" in english
    axes = plan.axes.count()
    assert axes and len(re.findall(r'<tr><td>\d+\. <span lang="es">', english)) == axes
    spanish = client.get("/metodologia/").content.decode()
    assert "<h1>Metodología: cómo decidimos el estado de cada meta</h1>" in spanish
    assert "Which data count" not in spanish


def test_the_api_gives_the_units_english_symbol_beside_the_spanish_one(client, plan):
    rows = client.get("/api/v1/indicators/").json()["results"]
    hours = next(row for row in rows if row["code"] == "AGUA-HORAS")
    assert (hours["unit_symbol"], hours["unit_symbol_en"]) == ("h/día", "h/day")


def test_the_open_data_dictionary_speaks_the_pages_language_and_the_package_stays_spanish(client, plan):
    """The dictionary's descriptions are the site's words: English under /en/, not hidden behind
    lang="es", the API serializers' own help texts included; the package's
    schema stays Spanish whatever language is active."""
    from ilo_plan import open_data

    texts = plan_texts()
    allowed = allowed_words(texts)
    for url in ["/en/datos-abiertos/", f"/en/planes/{plan.slug}/datos/"]:
        english = client.get(url).content.decode()
        dictionary = english.split('id="diccionario"', 1)[1]
        assert "<dd>Code of the indicator (see the <code>indicators</code> table).</dd>" in dictionary, url
        assert "<dd>Symbol the values are shown with.</dd>" in dictionary
        assert "Values: <code>monthly</code> (Monthly)" in dictionary  # the choices, translated
        # Every column is described in English: the serializers' own help texts are translated too.
        assert "<dd>User who entered it (staff and auditors only).</dd>" in dictionary
        assert "<dd>Ubigeo of the entity (municipality or regional government) that owns the record.</dd>" in dictionary
        assert 'lang="es"' not in dictionary.split("</dl>")[0], url
        assert "Código del indicador (ver la tabla" not in english and "Símbolo con que se muestran" not in english
        assert '<dd lang="es">Identificador interno del registro.' not in english
        assert findings(english, texts, allowed) == [], url
    spanish = client.get("/datos-abiertos/").content.decode().split('id="diccionario"', 1)[1]
    assert "<dd>Código del indicador (ver la tabla <code>indicators</code>).</dd>" in spanish
    assert 'lang="es"' not in spanish
    with translation.override("en"):  # a build run inside an English request
        history = open_data.table_fields("reading-history")
        readings = open_data.table_fields("readings")
    assert history == open_data.table_fields("reading-history", "es")
    assert history[3]["description"] == "Código del indicador (ver la tabla `indicators`)."
    value = next(field for field in readings if field["name"] == "value")
    assert value["description"].endswith("Unidad: la unidad del indicador (`indicators.unit`).")
    assert value["unit"] == "la unidad del indicador (`indicators.unit`)" and "lang" not in value
