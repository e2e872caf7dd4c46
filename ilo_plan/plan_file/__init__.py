"""The plan file: a whole plan de gobierno in one XLSX workbook (docs/plan-file.md), read, checked
and written all or nothing; and written back out from the database (the template, a plan's file).

- `schema`: what the file holds (sheets, columns, the plan's fields, the words it may use).
- `read`: the workbook into a `Draft`, every problem collected with its sheet, row and column
  ("hoja metas, fila 4, columna comparador: «~» no es un comparador"), through the bounded,
  streamed XLSX reader every import shares (`indicators.workbooks`).
- `write`: a checked draft through the models, every record found by its natural key and saved
  only where it differs, so importing the same file twice changes nothing, history included; a
  file with any problem writes nothing. `import_plan` is the door.
- `export`: a plan (or the empty template) written out as a file `import_plan` reads back.

Sheets (names and columns forgive accents, case, spaces and hyphens):
- plan: campo, valor (one row per field: slug, titulo, entidad, ...).
- ejes (optional): numero, nombre, objetivo[, objetivo_anexo].
- metas: one row per target; a row with an empty `meta` is an objective without a target.
- articulacion (optional): nivel, plan_fuente, objetivo, eje[, numero].
- proyectos (optional): codigo, nombre, objetivo[, cui, descripcion].
Codes follow the rows: problem S1 (first letters of the dimension, then its place), objective
S1.1, target S1.1-M (S1.1-M2 for a second target of the same objective)."""

from .export import plan_workbook
from .read import Report
from .schema import CHANGE_REASON, NUMBERLESS_DELIVERED, PLAN_FIELDS, SHEETS
from .write import IMPORT_REFUSAL, import_plan, may_import

__all__ = [
    "CHANGE_REASON",
    "IMPORT_REFUSAL",
    "NUMBERLESS_DELIVERED",
    "PLAN_FIELDS",
    "SHEETS",
    "Report",
    "import_plan",
    "may_import",
    "plan_workbook",
]
