"""Reading spreadsheet cells and reporting what is wrong with them: the one door of every import
(the readings' CSV/XLSX in `indicators.imports`, the whole plan file in `ilo_plan.plan_file`).

- `plain_name`: a sheet or column name (or a word picked from a list) as people write it,
  accents, case, spaces and hyphens forgiven ("Código-Indicador", "codigo indicador" and
  "CODIGO_INDICADOR" are one column).
- `is_blank`: an empty cell, or one of spaces only.
- `CellError`: one refused cell, naming its sheet (when the file has several), its row (as the
  spreadsheet numbers it, header = 1) and its column, then the reason in the request's language.
- `ErrorReport`: every error counted, the first `MAX_MESSAGES` kept, and "… y N errores más."
  after them; each import's own report extends it with what the import would do.

Writing spreadsheets (and keeping their cells inert) is `core.spreadsheets`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext

MAX_MESSAGES = 100
_SEPARATORS = re.compile(r"[\s\-]+")


def plain_name(text) -> str:
    """A sheet or column name (or a word from a list: tipo, frecuencia) as the code names it:
    without accents, lower case, and each run of spaces or hyphens one underscore ("Fecha de
    meta" → fecha_de_meta, "año-base" → ano_base)."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return _SEPARATORS.sub("_", text.strip().lower())


def is_blank(cell) -> bool:
    """True for an empty cell or one holding only spaces."""
    return cell is None or not str(cell).strip()


@dataclass(frozen=True)
class CellError:
    """One refused cell (or row, or file, when `row` or `column` is None).

    `column` is the name the code uses; `label`, how the file's template names it, when that
    differs (the readings' `value` is the template's «valor»). `quote_column` puts the column in
    «» for the readings' files, whose columns are ordinary words ("fila 3, columna «valor»: …");
    the plan file's are its headers as written (valor_meta) and stand bare."""

    row: int | None
    column: str | None
    message: str
    sheet: str | None = None
    label: str | None = None
    quote_column: bool = False

    @property
    def column_label(self) -> str:
        return self.label or self.column or ""

    def __str__(self):
        where = [gettext("hoja %(sheet)s") % {"sheet": self.sheet}] if self.sheet else []
        if self.row is not None:
            where.append(gettext("fila %(row)s") % {"row": self.row})
        if self.column:
            shown = gettext("columna «%(column)s»") if self.quote_column else gettext("columna %(column)s")
            where.append(shown % {"column": self.column_label})
        return f"{', '.join(where)}: {self.message}" if where else self.message


def more_errors(hidden: int) -> str:
    """«… y 1,234 errores más.» for errors counted but not kept; empty for none."""
    if hidden <= 0:
        return ""
    return ngettext("… y %(count)s error más.", "… y %(count)s errores más.", hidden) % {"count": f"{hidden:,}"}


@dataclass
class ErrorReport:
    """The errors of a file: every one counted, the first MAX_MESSAGES kept (a file of a million bad
    rows costs a hundred messages, not a million)."""

    errors: list[CellError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    def keep(self, error: CellError) -> None:
        """Count `error`; keep it while fewer than MAX_MESSAGES are kept."""
        self.error_count += 1
        if len(self.errors) < MAX_MESSAGES:
            self.errors.append(error)

    def add(self, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        """Count the error of `column` at `row` of `sheet`, named as the file's header writes it."""
        self.keep(CellError(row, column, message, sheet=sheet))

    @property
    def more(self) -> str:
        """«… y 1,234 errores más.» when some errors are not kept; empty otherwise."""
        return more_errors(self.error_count - len(self.errors))

    def lines(self, limit: int = MAX_MESSAGES) -> list[str]:
        """The first `limit` errors as sentences, and how many more there are."""
        shown = [str(error) for error in self.errors[:limit]]
        if more := more_errors(self.error_count - len(shown)):
            shown.append(more)
        return shown
