"""What staff may type into the plan's and the readings' text, enforced on the model fields so every
door (admin forms, the API, the imports, the plan file) uses the same rule.

- **Length.** A `BoundedTextField` is a TextField with a limit enforced like a CharField's: a
  validator (forms, `full_clean`, the API's serializers) and, in its model's Meta, a
  `length_check` on the column (what bypasses validation). A problem or an objective is a
  sentence or a paragraph (`PARAGRAPH`), not a book.
- **Invisible characters.** `VisibleText` refuses bidirectional controls (U+202E turns the rest of
  a line around: "fuente: INEI" can show as something else) and zero-width characters in short
  fields (names, sources, codes, units), with a message naming the field and the character."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# A sentence or a paragraph: a problem, an objective, a target, a description, a note.
PARAGRAPH = 2_000
# A section of the plan as the site shows it (the longest in the seed is about 3,100 characters).
SECTION = 20_000

# Bidirectional controls (embeddings, overrides, isolates, marks) and zero-width characters.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u180e\u200b\u200c\u200d\u2060\ufeff"
INVISIBLE = re.compile(f"[{BIDI_CONTROLS}{ZERO_WIDTH}]")


def invisible_characters(text) -> list[str]:
    """The invisible characters of `text`, each once, in order of appearance."""
    return list(dict.fromkeys(INVISIBLE.findall(str(text or ""))))


def describe(character: str) -> str:
    """'U+202E (control de dirección del texto)'."""
    kind = _("control de dirección del texto") if character in BIDI_CONTROLS else _("carácter de ancho cero")
    return f"U+{ord(character):04X} ({kind})"


def invisible_message(text, label="") -> str:
    """The refusal of a text with invisible characters, naming the field (`label`, e.g. "la
    fuente") and each character; "" when there are none."""
    found = invisible_characters(text)
    if not found:
        return ""
    field = gettext(str(label)) if label else gettext("el texto")
    return gettext(
        "%(field)s contiene caracteres invisibles que cambian cómo se lee el texto: %(characters)s. "
        "Bórrelos (escriba el texto de nuevo o péguelo sin formato)."
    ) % {"field": field[:1].upper() + field[1:], "characters": ", ".join(map(describe, found))}


@deconstructible
class VisibleText:
    """Refuses a text with bidirectional controls or zero-width characters; `label` names the field
    in the message ("la fuente"), translated when the message is shown."""

    code = "invisible_characters"

    def __init__(self, label=""):
        self.label = label  # maybe lazy: read when a message is shown, never at import

    def __call__(self, value):
        if message := invisible_message(value, self.label):
            raise ValidationError(message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, VisibleText) and str(self.label) == str(other.label)


class BoundedTextField(models.TextField):
    """A TextField whose `max_length` is enforced by a validator, as a CharField's is (forms,
    `full_clean`, the API's serializers); `length_check` puts the same limit in the database."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is None:
            raise TypeError("BoundedTextField needs a max_length.")
        self.validators.append(MaxLengthValidator(self.max_length))


def length_check(model_name: str, field: str, limit: int) -> models.CheckConstraint:
    """The database's half of a BoundedTextField's limit (for what bypasses validation: a
    queryset's update, a bulk insert): a CHECK on the column's length, named after the field."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"{model_name}_{field}_max_length",
        violation_error_message=_("Un texto pasa del largo máximo de su campo."),
    )
