"""The compiled catalogues (.mo, what Django reads) say exactly what their sources (.po, what
translators edit) say: a string added to a .po and never compiled would show in Spanish on the
English site with every test of the wording still reading the .po by eye."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


def po_entries(path: Path) -> dict:
    """The translated entries of a .po as gettext keys them: `msgid`, `ctxt\\x04msgid`, and
    `(msgid, n)` for each plural form. Fuzzy and untranslated entries are left out, as msgfmt does."""
    entries, current, field, fuzzy = {}, {}, None, False

    def finish():
        nonlocal current, fuzzy
        msgid = current.get("msgid")
        if msgid and not fuzzy:
            key = f"{current['msgctxt']}\x04{msgid}" if "msgctxt" in current else msgid
            if "msgid_plural" in current:
                forms = sorted(k for k in current if k.startswith("msgstr["))
                if all(current[k] for k in forms):
                    entries.update({(key, int(k[7:-1])): current[k] for k in forms})
            elif current.get("msgstr"):
                entries[key] = current["msgstr"]
        current, fuzzy = {}, False

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            finish()
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
        else:
            field, _, text = line.partition(" ")
            if field in ("msgctxt", "msgid") and "msgstr" in current:
                finish()
            current[field] = ast.literal_eval(text)
    return entries


@pytest.mark.parametrize("po", CATALOGUES, ids=[p.parts[-3] for p in CATALOGUES])
def test_each_compiled_catalogue_matches_its_source(po):
    with open(po.with_suffix(".mo"), "rb") as stream:
        compiled = {k: v for k, v in gettext.GNUTranslations(stream)._catalog.items() if k != ""}
    source = po_entries(po)
    missing = sorted(str(k) for k in source.keys() - compiled.keys())
    stale = sorted(str(k) for k in compiled.keys() - source.keys())
    different = sorted(str(k) for k in source.keys() & compiled.keys() if source[k] != compiled[k])
    assert not (missing or stale or different), (
        f"{po} and its .mo differ (run `msgfmt -c -o {po.with_suffix('.mo')} {po}`): "
        f"not compiled {missing[:5]}, compiled but gone {stale[:5]}, changed {different[:5]}"
    )


def test_the_reader_understands_contexts_plurals_and_continued_lines(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "reading timing"\nmsgid "antes"\nmsgstr "before"\n\n'
        'msgid "uno"\nmsgid_plural "varios"\nmsgstr[0] "one"\nmsgstr[1] ""\n"many"\n\n'
        '#, fuzzy\nmsgid "dudoso"\nmsgstr "doubtful"\n\n'
        'msgid "sin traducir"\nmsgstr ""\n',
        encoding="utf-8",
    )
    assert po_entries(po) == {"reading timing\x04antes": "before", ("uno", 0): "one", ("uno", 1): "many"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_no_entry_is_left_fuzzy(path):
    """A msgid changed in the code leaves its old translation marked fuzzy, which msgfmt drops: the
    English site would show the Spanish. Every fuzzy entry is either translated again or removed."""
    entries = path.read_text(encoding="utf-8").split("\n\n")[1:]  # the first is the header
    fuzzy = [
        entry
        for entry in entries
        if any(line.startswith("#,") and "fuzzy" in line for line in entry.splitlines())
        and not any(line.startswith("#~") for line in entry.splitlines())  # obsolete: not compiled
    ]
    assert fuzzy == []
