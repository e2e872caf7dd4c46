"""Small helpers that build the rows tests need; defaults are the plainest valid values."""

import io
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from knox.models import AuthToken

from core.models import Entity, Membership
from goals.models import Dimension, Objective, Plan, Problem, StrategicAxis, Target
from indicators.models import Indicator, Office, Reading, Unit

_counter = iter(range(1, 10**9))

# The seed plan's entity: records the factories make share it with the seed plan, as every record
# did before entities existed. Tests of several entities name another one (`entity_of("0101")`).
DEFAULT_UBIGEO = "1803"


def entity_of(ubigeo=DEFAULT_UBIGEO) -> Entity:
    """An entity of the directory every database holds (core 0002)."""
    return Entity.objects.get(ubigeo=ubigeo)


def make_user(username=None, role=None, offices=(), entity=None, **extra):
    """A staff user, in the group `role` (or each of `role` when a list) when given, member of
    `offices`, and staff of `entity` (else of the offices' entity; none without offices)."""
    user = get_user_model().objects.create_user(
        username or f"user{next(_counter)}", password="secreto-de-prueba", is_staff=True, **extra
    )
    for name in [role] if isinstance(role, str) else role or []:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    offices = list(offices)
    if entity is None and offices:
        entity = offices[0].entity
    if entity is not None:
        Membership.objects.create(user=user, entity=entity)
    for office in offices:
        office.members.add(user)
    return user


def make_token(user, expiry=None) -> str:
    """A new API token of `user` (knox, default expiry unless given): the key to send."""
    return AuthToken.objects.create(user, **({"expiry": expiry} if expiry is not None else {}))[1]


def load_demo(stdout=None):
    """The demo command, which refuses to run without DEBUG; the suite runs with DEBUG off, as
    Django's test runner does."""
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=stdout or io.StringIO())


def make_unit(
    code="porcentaje", name="Porcentaje", symbol="%", min_value=Decimal(0), max_value=Decimal(100), decimals=2
):
    unit, _ = Unit.objects.get_or_create(
        code=code,
        defaults=dict(name=name, symbol=symbol, min_value=min_value, max_value=max_value, decimals=decimals),
    )
    return unit


def make_count_unit():
    return make_unit(code="denuncias", name="Denuncias", symbol="", min_value=Decimal(0), max_value=None, decimals=0)


def make_office(code=None, name=None, entity=None):
    code = code or f"OF{next(_counter)}"
    return Office.objects.create(code=code, name=name or f"Oficina {code}", entity=entity or entity_of())


def make_indicator(code=None, unit=None, office=None, frequency="annual", **extra):
    office = office or make_office(entity=extra.get("entity"))
    extra.setdefault("entity", office.entity)
    return Indicator.objects.create(
        code=code or f"IND-{next(_counter)}",
        name=extra.pop("name", "Indicador de prueba"),
        unit=unit or make_unit(),
        office=office,
        frequency=frequency,
        **extra,
    )


def make_reading(indicator, period=date(2020, 1, 1), value=Decimal("10"), status="approved", approved_at=None, **extra):
    """A reading saved as is (no workflow); approved ones get an approval date."""
    if status == "approved" and approved_at is None:
        approved_at = timezone.make_aware(datetime.combine(period, time(12)))
    return Reading.objects.create(
        indicator=indicator,
        period=period,
        value=value,
        source=extra.pop("source", "Fuente de prueba"),
        status=status,
        approved_at=approved_at,
        reviewed_at=extra.pop("reviewed_at", approved_at),
        **extra,
    )


def make_plan_tree(
    slug="plan-prueba", indicator=None, comparator=">=", value=Decimal("45"), baseline=None, entity=None
):
    """A tiny plan: one axis, one dimension, one problem, one objective and one numeric target."""
    entity = entity or (indicator.entity if indicator else entity_of())
    plan = Plan.objects.create(
        entity=entity,
        slug=slug,
        title="Plan de prueba",
        party="Partido de prueba",
        period_start=date(2019, 1, 1),
        period_end=date(2022, 12, 31),
    )
    axis = StrategicAxis.objects.create(plan=plan, number=1, name="Eje uno", objective="Objetivo del eje uno")
    dimension = Dimension.objects.create(plan=plan, number=1, slug="social", name="Social")
    problem = Problem.objects.create(plan=plan, code="S1", dimension=dimension, text="Un problema")
    objective = Objective.objects.create(plan=plan, code="S1.1", problem=problem, axis=axis, text="Un objetivo")
    indicator = indicator or make_indicator(
        baseline_value=baseline, baseline_date=date(2019, 1, 1) if baseline else None, entity=entity
    )
    target = Target.objects.create(
        plan=plan,
        code="S1.1-M",
        objective=objective,
        sentence="Al menos el 45% de algo.",
        comparator=comparator,
        value=value,
        unit="%",
        deadline=date(2022, 12, 31),
        indicator=indicator,
    )
    return target
