"""Finding the unit a plan file or an import names: by code, symbol or name, forgiving accents,
case, punctuation and a symbol written beside the name ("Porcentaje.", "porcentaje %",
"Porcentaje (%)"); a text close to a unit but not one of them ("Porcentage") is refused with the
names to choose from, never taken as a new unit nor as that one. Only reads: a catalogue unit is
never changed by what a file says."""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

# How close a text must be to a unit's name to be a misspelling of it rather than another unit.
NEAR = 0.8


def key(text) -> str:
    """Lowercase, no accents, punctuation gone but for % and /, spaces folded: 'Horas al día.' → 'horas al dia'."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    text = text.replace("³", "3")
    text = re.sub(r"[^\w%/ ]+", " ", text)
    return " ".join(text.split())


def _names(unit) -> set[str]:
    return {key(unit.code.replace("-", " ")), key(unit.code), key(unit.name), key(unit.symbol)} - {""}


@dataclass(frozen=True)
class Match:
    unit: object | None  # the unit found, or None
    near: tuple = ()  # units the text nearly names: a refusal, with these as the choices

    @property
    def refused(self) -> bool:
        return self.unit is None and bool(self.near)


def find_unit(text: str, units) -> Match:
    """The one unit of `units` that `text` names, or the near misses that make it a refusal, or
    neither (a unit none of them is)."""
    units = list(units)
    wanted = key(text)
    if not wanted:
        return Match(None)
    exact = [unit for unit in units if wanted in _names(unit)]
    if len(exact) == 1:
        return Match(exact[0])
    if len(exact) > 1:
        return Match(None, tuple(exact))
    # "porcentaje %", "Porcentaje (%)": every word names the same unit (its name, code or symbol).
    words = wanted.split()
    if len(words) > 1:
        covering = [unit for unit in units if all(any(word in name.split() for name in _names(unit)) for word in words)]
        if len(covering) == 1:
            return Match(covering[0])
    near = [
        unit
        for unit in units
        if any(SequenceMatcher(None, wanted, name).ratio() >= NEAR for name in _names(unit) if len(name) > 3)
    ]
    return Match(None, tuple(near))


def choices(units) -> str:
    """The catalogue as a file's author chooses from it: «Porcentaje» (%), «Horas al día» (h/día), …"""
    return ", ".join(f"«{unit.name}» ({unit.symbol})" if unit.symbol else f"«{unit.name}»" for unit in units)
