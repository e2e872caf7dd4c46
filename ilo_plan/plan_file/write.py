"""Writing a checked `Draft` through the models, all or nothing: every record found by its natural
key and saved only where it differs, so importing the same file twice changes nothing, history
included. `import_plan` is the door: read, check, decide the entity and the permission, write."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max, Q
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from alignment.models import AlignmentLevel, AlignmentLink, AlignmentObjective, AlignmentRow
from core.entities import legacy_entity
from core.models import Entity
from core.scoping import scope
from core.sheets import plain_name
from goals.models import (
    Dimension,
    Objective,
    Plan,
    Problem,
    Project,
    StrategicAxis,
    Target,
)
from indicators import access, units
from indicators.models import Indicator, Office, Unit
from indicators.validation import quoted, shortened

from .read import Draft, DraftIndicator, Origin, Report, assign_codes, parse, read_sheets
from .schema import CHANGE_REASON, PLAN_FIELDS

# --- writing ------------------------------------------------------------------------------------

MESSAGE_COLUMNS = {
    "entity": "ubigeo",
    "title": "titulo",
    "party": "organizacion_politica",
    "period_start": "inicio",
    "period_end": "fin",
    "slug": "slug",
}


class Refused(Exception):
    """A record the database or a model rule refused: where it came from and why."""

    def __init__(self, origin: Origin | None, column: str | None, message: str):
        super().__init__(message)
        self.origin, self.column = origin, column


class Writer:
    """Saves the draft through the models, finding each record by its natural key and saving
    only what differs; counts what it created, updated and left as it was."""

    def __init__(self, draft: Draft, report: Report, user, entity: Entity):
        self.draft, self.report, self.user, self.entity = draft, report, user, entity

    def save(self, model, lookup: dict, values: dict, origin: Origin | None, columns: dict | None = None):
        obj = model._default_manager.filter(**lookup).first()
        name = model._meta.verbose_name_plural
        self.report.singular[name] = model._meta.verbose_name
        if obj is None:
            obj = model(**lookup, **values)
            counter = self.report.created
        else:
            if all(getattr(obj, key) == value for key, value in values.items()):
                self.report.unchanged[name] += 1
                return obj
            for key, value in values.items():
                setattr(obj, key, value)
            counter = self.report.updated
        try:
            obj.full_clean()
        except ValidationError as error:
            key, messages = next(iter(error.message_dict.items()))
            raise Refused(origin, (columns or {}).get(key, key), " ".join(messages)) from error
        obj._change_reason = CHANGE_REASON
        if self.user is not None:
            obj._history_user = self.user
        obj.save()
        counter[name] += 1
        return obj

    def write(self) -> Plan:
        draft = self.draft
        # Only the fields the file names: a plan's facts entered in the admin stay when a file
        # leaves them out.
        plan_values = {
            spec.attribute: draft.plan[spec.campo] for spec in PLAN_FIELDS if spec.on_plan and spec.campo in draft.plan
        }
        plan_values.pop("slug")
        plan_values["entity"] = self.entity
        plan_columns = {spec.attribute: "valor" for spec in PLAN_FIELDS}
        plan = self.save(
            Plan, {"slug": draft.plan["slug"]}, plan_values, Origin("plan", draft.plan_origin.get("slug")), plan_columns
        )
        axes = {
            number: self.save(
                StrategicAxis,
                {"plan": plan, "number": number},
                {key: a[key] for key in ("name", "objective", "annex_objective") if key in a},
                a["origin"],
                {"name": "nombre", "objective": "objetivo", "annex_objective": "objetivo_anexo"},
            )
            for number, a in draft.axes.items()
        }
        dimensions = {
            slug: self.save(
                Dimension,
                {"plan": plan, "number": d["number"]},
                {"slug": slug, "name": d["name"]},
                d["origin"],
                {"slug": "dimension", "name": "dimension"},
            )
            for slug, d in draft.dimensions.items()
        }
        problems = {
            text: self.save(
                Problem,
                {"plan": plan, "code": p["code"]},
                {"dimension": dimensions[p["dimension"]], "order": p["order"], "text": text},
                p["origin"],
                {"text": "problema", "dimension": "dimension"},
            )
            for text, p in draft.problems.items()
        }
        objectives = {
            text: self.save(
                Objective,
                {"plan": plan, "code": o["code"]},
                {
                    "problem": problems[o["problem"]],
                    "axis": axes.get(o["axis"]),
                    "order": o["order"],
                    "text": text,
                },
                o["origin"],
                {"text": "objetivo", "axis": "eje", "problem": "problema"},
            )
            for text, o in draft.objectives.items()
        }
        projects = {
            code: self.save(
                Project,
                {"plan": plan, "code": code},
                {
                    "name": p["name"],
                    "objective": objectives[p["objective"]],
                    "cui": p["cui"],
                    "description": p["description"],
                },
                p["origin"],
                {"name": "nombre", "cui": "cui", "description": "descripcion", "objective": "objetivo"},
            )
            for code, p in draft.projects.items()
        }
        indicators = self.indicators()
        for target in draft.targets:
            indicator = indicators.get(target.indicator_code)
            own = None
            if target.baseline is not None and indicator is not None:
                value, when, source = target.baseline
                if (indicator.baseline_value, indicator.baseline_date) != (value, when):
                    own = target.baseline  # a shared indicator keeps its own baseline; this term has another
            self.report.targets.append(
                self.save(
                    Target,
                    {"plan": plan, "code": target.code},
                    {
                        "objective": objectives[target.objective_key],
                        "sentence": target.sentence,
                        "kind": target.kind,
                        "comparator": target.comparator,
                        "value": target.value,
                        "unit": target.unit,
                        "deadline": target.deadline,
                        "indicator": indicator,
                        "project": projects.get(target.project_code),
                        "order": target.order,
                        "baseline_value": own[0] if own else None,
                        "baseline_date": own[1] if own else None,
                        "baseline_source": own[2] if own else "",
                    },
                    target.origin,
                    {
                        "sentence": "meta",
                        "kind": "tipo",
                        "comparator": "comparador",
                        "value": "valor_meta",
                        "unit": "unidad",
                        "deadline": "fecha_meta",
                        "indicator": "codigo_indicador",
                        "project": "proyecto",
                        "baseline_value": "linea_base",
                    },
                )
            )
        self.alignment(plan, axes)
        return plan

    def indicators(self) -> dict[str, Indicator]:
        """The indicators the file names: the entity's own by code (its series continue across its
        terms), and the new ones created in it."""
        draft = self.draft
        existing = {
            i.code: i
            for i in Indicator.objects.filter(entity=self.entity, code__in=list(draft.indicators)).select_related(
                "unit"
            )
        }
        order = (
            (Indicator.objects.filter(entity=self.entity).aggregate(last=Max("order"))["last"] or 0)
            if len(existing) < len(draft.indicators)
            else 0
        )
        for code, item in draft.indicators.items():
            if code in existing:
                continue
            if not item.name:
                raise Refused(
                    item.origin,
                    "indicador",
                    gettext("el indicador %(code)s no existe: escriba su nombre para crearlo.") % {"code": code},
                )
            order += 1
            baseline = item.baseline or (None, None, "")
            existing[code] = self.save(
                Indicator,
                {"entity": self.entity, "code": code},
                {
                    "name": item.name,
                    "unit": self.unit(item),
                    "office": self.office(item),
                    "frequency": item.frequency,
                    "direction": item.direction,
                    "baseline_value": baseline[0],
                    "baseline_date": baseline[1],
                    "baseline_source": baseline[2],
                    "order": order,
                },
                item.origin,
                {"name": "indicador", "unit": "unidad", "office": "oficina", "baseline_value": "linea_base"},
            )
        return existing

    def unit(self, item: DraftIndicator) -> Unit:
        """The unit the file names: one of the national catalogue or of the entity's own, found by
        code, symbol or name (`indicators.units`); a text close to a catalogue unit is refused with
        the catalogue's names; a unit none of them is becomes the entity's own. A catalogue unit is
        never changed by a file."""
        reachable = Unit.objects.filter(Q(entity__isnull=True) | Q(entity=self.entity)).order_by("name")
        match = units.find_unit(item.unit_text, reachable)
        if match.unit is not None:
            return match.unit
        if match.near:
            raise Refused(
                item.origin,
                "unidad",
                gettext(
                    "%(cell)s se parece a %(near)s, pero no es ninguna: escriba una de las unidades del catálogo "
                    "nacional (%(catalogue)s) o una unidad distinta."
                )
                % {
                    "cell": quoted(item.unit_text),
                    "near": units.choices(match.near),
                    "catalogue": units.choices(Unit.objects.catalogue()),
                },
            )
        # A new unit of the entity's own, without a range: the file does not say one; its staff set it.
        code = slugify(item.unit_text)[:40] or "unidad"
        if Unit.objects.catalogue().filter(code=code).exists():
            code = f"{code}-propia"[:40]
        values = {"name": item.unit_text[:80], "symbol": item.unit_text[:40], "decimals": 2}
        return self.save(
            Unit, {"entity": self.entity, "code": code}, values, item.origin, {"code": "unidad", "name": "unidad"}
        )

    def office(self, item: DraftIndicator) -> Office:
        """The office the file names, among the entity's (by code or name), created in the entity
        when it has none such; without one, the entity's default office (`Office.default_for`)."""
        if not item.office_text:
            return Office.objects.default_for(self.entity)
        text = item.office_text
        code = re.sub(r"[^A-Z0-9-]", "", slugify(text).upper())[:40] or "OFICINA"
        for office in Office.objects.filter(entity=self.entity):
            if plain_name(text) in {plain_name(office.code), plain_name(office.name)} or office.code == code:
                return office
        return self.save(
            Office,
            {"entity": self.entity, "code": code},
            {"name": text[:200]},
            item.origin,
            {"code": "oficina", "name": "oficina"},
        )

    def alignment(self, plan: Plan, axes: dict):
        draft = self.draft
        levels = {
            code: self.save(
                AlignmentLevel,
                {"plan": plan, "code": code},
                {"name": level["name"], "source_plan": level["source_plan"], "order": level["order"]},
                level["origin"],
                {"name": "nivel", "source_plan": "plan_fuente", "code": "nivel"},
            )
            for code, level in draft.levels.items()
        }
        objectives = {
            key: self.save(
                AlignmentObjective,
                {"plan": plan, "level": levels[key[0]], "number": item["number"]},
                {"text": key[1]},
                item["origin"],
                {"text": "objetivo", "number": "numero"},
            )
            for key, item in draft.alignment_objectives.items()
        }
        for axis, item in draft.rows.items():
            row = self.save(
                AlignmentRow, {"plan": plan, "number": item["number"]}, {"axis": axes[axis]}, None, {"axis": "eje"}
            )
            for order, key in enumerate(item["links"], start=1):
                self.save(AlignmentLink, {"row": row, "objective": objectives[key]}, {"order": order}, None)


# --- the whole import ---------------------------------------------------------------------------


def import_plan(data, user=None, dry_run: bool = False, entity: Entity | None = None) -> Report:
    """Read, check and (unless `dry_run`, or on any problem) write a plan file, all or nothing.

    `user` is who imports from the admin: the administrador of the plan's entity (an existing plan
    must be open), or a superuser; None is the shell command, which may do both. The plan's entity
    is the one its `ubigeo` names (else its `entidad`'s name, else `entity`, else the importer's
    own); everything is written inside that entity's scope (core.scoping), so a file can change
    nothing of another entity, whatever codes it names.

    The seed plan is loaded by a second loader, `load_plan` (fixtures, serialised JSON): its
    docstring says why the two stay two (the fixtures carry the plan's sections and cited
    figures, which a plan file has no sheet for)."""
    report = Report()
    sheets = read_sheets(data, report)
    if not report.ok:
        return report
    draft = parse(sheets, report)
    if not report.ok:
        return report
    assign_codes(draft)
    owner = plan_entity(draft, user, entity, report)
    if not report.ok:
        return report
    check_permission(draft, user, owner, report)
    if not report.ok:
        return report
    try:
        with transaction.atomic(), scope(entity=owner.pk):
            report.plan = Writer(draft, report, user, owner).write()
            if dry_run:
                transaction.set_rollback(True)
    except Refused as refusal:
        origin = refusal.origin
        report.add(origin.sheet if origin else None, origin.row if origin else None, refusal.column, str(refusal))
    except PermissionDenied as refusal:
        report.add(None, None, None, str(refusal))
    except DatabaseError as error:
        report.add(
            None, None, None, gettext("La base de datos rechazó el plan: %(error)s") % {"error": shortened(error, 200)}
        )
    if not report.ok:
        report.plan = None
        report.targets = []
    return report


def plan_entity(draft: Draft, user, given: Entity | None, report: Report) -> Entity | None:
    """The entity whose term the file is: the one its ubigeo names, else the one its `entidad`
    names ("Municipalidad Provincial de …"), else `given` (the command's --entity), else the
    importer's own. A file of another entity than the importer's is refused."""
    ubigeo, name = draft.plan.get("ubigeo") or "", draft.plan.get("entidad") or ""
    if ubigeo.isdigit() and len(ubigeo) in (1, 3, 5):
        ubigeo = ubigeo.zfill(len(ubigeo) + 1)  # a spreadsheet drops the leading zero of 040101
    row = draft.plan_origin.get("ubigeo") or draft.plan_origin.get("entidad")
    own = access.entity_id(user) if user is not None else None
    found = None
    if ubigeo:
        found = Entity.objects.filter(ubigeo=ubigeo).first()
        if found is None:
            report.add(
                "plan",
                row,
                "valor",
                gettext("no hay una entidad con el ubigeo %(ubigeo)s en el directorio.") % {"ubigeo": quoted(ubigeo)},
            )
            return None
    elif name:
        found = legacy_entity(Entity, municipality=name)
        if found is None and given is None and own is None:
            report.add(
                "plan",
                row,
                "valor",
                gettext("no se sabe qué entidad es %(name)s: escriba su ubigeo (campo ubigeo).")
                % {"name": quoted(name)},
            )
            return None
    found = found or given or (Entity.objects.filter(pk=own).first() if own else None)
    if found is None:
        report.add("plan", None, "campo", gettext("falta el campo ubigeo: el código INEI de la entidad del plan."))
        return None
    if given is not None and found != given:
        report.add(
            "plan",
            row,
            "valor",
            gettext("el archivo es de %(found)s (%(ubigeo)s), no de %(given)s.")
            % {"found": found, "ubigeo": found.ubigeo, "given": given},
        )
    if own is not None and found.pk != own:
        report.add(
            "plan",
            row,
            "valor",
            gettext("el archivo es de %(found)s (%(ubigeo)s): usted trabaja para otra entidad y no puede cargarlo.")
            % {"found": found, "ubigeo": found.ubigeo},
        )
    return found


def check_permission(draft: Draft, user, entity: Entity, report: Report):
    slug = draft.plan.get("slug")
    row = draft.plan_origin.get("slug")
    existing = Plan._base_manager.filter(slug=slug).select_related("entity").first()
    if existing is not None and existing.entity_id != entity.pk:
        report.add(
            "plan",
            row,
            "valor",
            gettext("el identificador %(slug)s ya es de un plan de %(entity)s: elija otro.")
            % {"slug": slug, "entity": existing.entity},
        )
        return
    if user is None:
        return
    if not may_import(user, entity):
        report.add("plan", row, "valor", str(IMPORT_REFUSAL))
    elif existing is not None and not Plan.objects.editable_by(user).filter(pk=existing.pk).exists():
        if existing.is_closed:
            refusal = gettext("no puede cambiar el plan %(slug)s: está cerrado.")
        else:
            refusal = gettext("no puede cambiar el plan %(slug)s: no es de su entidad.")
        report.add("plan", row, "valor", refusal % {"slug": slug})


IMPORT_REFUSAL = gettext_lazy(
    "solo el administrador de la entidad (o un superusuario) carga el archivo de un plan: pídaselo a quien "
    "administra el personal de su entidad."
)


def may_import(user, entity: Entity | None = None) -> bool:
    """Whether `user` loads plan files (of `entity`, when given): a superuser, or an entity's
    administrador for its own entity."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return access.is_entity_admin(user) and (entity is None or access.entity_id(user) == entity.pk)
