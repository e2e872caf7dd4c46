"""The reference list of Peru's governments, from INEI's ubigeo list (core/data/README.md): read,
turned into entities, and loaded without ever touching what the site decided (a corrected name).

Used by the migration that first fills the directory and by `manage.py load_entities`, with the
models each gives (the migration's historical ones have none of the models' methods)."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EntityKind, fold

DEFAULT_LIST = Path(__file__).resolve().parent / "data" / "ubigeo-inei.csv"
COLUMNS = ("ubigeo", "departamento", "provincia", "distrito")


@dataclass(frozen=True)
class Place:
    ubigeo: str
    kind: str
    name: str
    department: str
    province: str

    @property
    def search_text(self) -> str:
        return fold(" ".join([self.name, self.province, self.department]))


class ListRefused(ValueError):
    """A list that cannot be loaded; its message names the line."""


def read_list(data: bytes) -> list[Place]:
    """The entities of a ubigeo list: one region per department, one provincial municipality per
    province, one district municipality per district but the province's capital (code …01), which
    the provincial municipality governs."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # as Excel saves a CSV on Windows in Spanish
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [fold(cell) for cell in next(rows, [])]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ListRefused(
            _("Línea 1: faltan las columnas %(missing)s (se esperan %(expected)s).")
            % {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)}
        )
    index = {column: header.index(column) for column in COLUMNS}
    places: dict[str, Place] = {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            code, department, province, district = (row[index[c]].strip() for c in COLUMNS)
        except IndexError:
            raise ListRefused(_("Línea %(line)s: faltan celdas.") % {"line": number}) from None
        code = code.zfill(6) if code.isdigit() and len(code) == 5 else code  # Excel drops the leading 0
        if not (code.isdigit() and len(code) == 6):
            raise ListRefused(
                _("Línea %(line)s, columna ubigeo: «%(code)s» no es un ubigeo de distrito (6 dígitos).")
                % {"line": number, "code": code[:20]}
            )
        if not (department and province and district):
            raise ListRefused(
                _("Línea %(line)s: el departamento, la provincia y el distrito son obligatorios.") % {"line": number}
            )
        places.setdefault(code[:2], Place(code[:2], EntityKind.REGION, department, department, ""))
        places.setdefault(code[:4], Place(code[:4], EntityKind.PROVINCE, province, department, province))
        if not code.endswith("01"):
            places[code] = Place(code, EntityKind.DISTRICT, district, department, province)
    if not places:
        raise ListRefused("La lista no tiene filas.")
    return sorted(places.values(), key=lambda place: place.ubigeo)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_listed: tuple[str, ...] = ()

    def summary(self) -> str:
        text = f"{self.created} entidades nuevas, {self.updated} actualizadas, {self.unchanged} sin cambios"
        if self.not_listed:
            text += (
                f"; {len(self.not_listed)} ya no están en la lista y se conservan: {', '.join(self.not_listed[:10])}"
            )
        return text + "."


def load_list(places: list[Place], entity_model, history_model=None) -> LoadReport:
    """Add the new entities and update the names of known ones (never `display_name`), in bulk.
    `history_model` given: each created or updated entity gets its history row (the migration's
    historical models write none by themselves)."""
    report = LoadReport()
    known = {entity.ubigeo: entity for entity in entity_model.objects.all()}
    place_fields = ("kind", "name", "department", "province")
    fields = (*place_fields, "search_text")
    new, changed = [], []
    for place in places:
        entity = known.pop(place.ubigeo, None)
        values = {name: getattr(place, name) for name in place_fields}
        if entity is None:
            new.append(entity_model(ubigeo=place.ubigeo, display_name="", search_text=place.search_text, **values))
        elif any(getattr(entity, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(entity, name, value)
            # As Entity.save() writes it: the corrected name, when there is one, is searched too.
            entity.search_text = fold(" ".join([place.name, entity.display_name, place.province, place.department]))
            changed.append(entity)
        else:
            report.unchanged += 1
    created = entity_model.objects.bulk_create(new, batch_size=500)
    entity_model.objects.bulk_update(changed, fields, batch_size=500)
    if history_model is not None and (new or changed):
        # bulk_create gives primary keys on PostgreSQL and SQLite ≥ 3.35 alike.
        now = timezone.now()
        rows = [(entity, "+") for entity in created] + [(entity, "~") for entity in changed]
        history_model.objects.bulk_create(
            [
                history_model(
                    id=entity.pk,
                    ubigeo=entity.ubigeo,
                    display_name=entity.display_name,
                    history_date=now,
                    history_type=kind,
                    history_change_reason="lista de ubigeos del INEI",
                    **{name: getattr(entity, name) for name in fields if name != "search_text"},
                )
                for entity, kind in rows
            ],
            batch_size=500,
        )
    report.created, report.updated = len(new), len(changed)
    report.not_listed = tuple(sorted(known))
    return report


def legacy_entity(entity_model, *, ubigeo="", municipality="", province="", department=""):
    """The entity of a plan recorded before plans had one, from what it said of itself: its ubigeo;
    else its entity's name ("Municipalidad Provincial de …"), compared with every entity's
    title; else its province. None when nothing identifies one entity. For the migrations."""
    if ubigeo:
        found = entity_model.objects.filter(ubigeo=ubigeo).first()
        if found is not None:
            return found
    wanted = fold(municipality)
    if wanted:
        matches = [
            entity
            for entity in entity_model.objects.all()
            if wanted in {fold(entity.display_name), fold(str(TITLE_FORMS[entity.kind]) % {"place": entity.name})}
        ]
        if len(matches) == 1:
            return matches[0]
    if province:
        matches = list(entity_model.objects.filter(kind=EntityKind.PROVINCE, name__iexact=province))
        if department and len(matches) > 1:
            matches = [entity for entity in matches if fold(entity.department) == fold(department)]
        if len(matches) == 1:
            return matches[0]
    return None


TITLE_FORMS = {
    EntityKind.REGION: "Gobierno Regional de %(place)s",
    EntityKind.PROVINCE: "Municipalidad Provincial de %(place)s",
    EntityKind.DISTRICT: "Municipalidad Distrital de %(place)s",
}
