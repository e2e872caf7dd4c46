"""The national directory: every entity of Peru, with or without its plan loaded, and the headline
of the current term of those that have one. At most a fixed number of queries per page, whatever
the number of entities or plans (a page none of whose entities has a plan skips the roll-up's)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models.functions import Length
from django.utils import timezone

from core.models import Entity, EntityKind, fold

from . import progress, public
from .models import Plan

SEARCH_LIMIT = 60


@dataclass(frozen=True)
class EntityRow:
    """An entity with its current term's plan (None: no plan loaded) and that plan's roll-up."""

    entity: Entity
    plan: Plan | None
    rollup: progress.Rollup | None
    plan_count: int


def current_plan(plans: list[Plan], today: date) -> Plan | None:
    """The term under way; else the latest that started; else the next to start."""
    under_way = [p for p in plans if p.period_start <= today <= p.period_end]
    if under_way:
        return max(under_way, key=lambda p: p.period_start)
    started = [p for p in plans if p.period_start <= today]
    if started:
        return max(started, key=lambda p: p.period_start)
    return min(plans, key=lambda p: p.period_start) if plans else None


def entity_rows(entities, today: date | None = None) -> list[EntityRow]:
    """Each entity with the headline of its current term: five queries for the whole list."""
    today = today or timezone.localdate()
    entities = list(entities)
    plans_by_entity: dict[int, list[Plan]] = {}
    for plan in Plan.objects.filter(entity__in=entities).order_by("-period_start", "slug"):
        plans_by_entity.setdefault(plan.entity_id, []).append(plan)
    current = {e.pk: current_plan(plans_by_entity.get(e.pk, []), today) for e in entities}
    shown = [plan.pk for plan in current.values() if plan is not None]
    rows = public.target_statuses(None, plan__in=shown) if shown else []
    rollups = public.rollup_by(rows, key=lambda target: target.plan_id)
    return [
        EntityRow(
            entity,
            current[entity.pk],
            rollups.get(current[entity.pk].pk, public.rollup([])) if current[entity.pk] else None,
            len(plans_by_entity.get(entity.pk, [])),
        )
        for entity in entities
    ]


@dataclass(frozen=True)
class Department:
    entity: Entity  # its regional government
    municipalities: int
    with_plan: int


def departments() -> list[Department]:
    """The 25 departments, each with how many of its governments have a plan loaded (two queries)."""
    regions = sorted(Entity.objects.filter(kind=EntityKind.REGION), key=lambda region: fold(region.name))
    sizes = Counter(ubigeo[:2] for ubigeo in Entity.objects.values_list("ubigeo", flat=True))
    planned = Counter(
        ubigeo[:2] for ubigeo in Plan.objects.order_by().values_list("entity__ubigeo", flat=True).distinct()
    )
    return [Department(region, sizes[region.ubigeo], planned[region.ubigeo]) for region in regions]


def children(entity: Entity):
    """The governments one level below: a region's provinces, a province's districts."""
    length = {EntityKind.REGION: 4, EntityKind.PROVINCE: 6}.get(entity.kind)
    if length is None:
        return []
    found = Entity.objects.within(entity.ubigeo).annotate(digits=Length("ubigeo")).filter(digits=length)
    # By name as people read it, accents aside (a database's byte order puts «Áncash» after «Ucayali»).
    return sorted(found, key=lambda child: fold(child.name))


def ancestors(entity: Entity) -> list[Entity]:
    """The department's and province's governments above an entity, for its breadcrumbs."""
    codes = [entity.ubigeo[:n] for n in (2, 4) if len(entity.ubigeo) > n]
    found = {e.ubigeo: e for e in Entity.objects.filter(ubigeo__in=codes)}
    return [found[code] for code in codes if code in found]


def search(text: str) -> list[Entity]:
    return list(Entity.objects.search(text).order_by("ubigeo")[:SEARCH_LIMIT])
