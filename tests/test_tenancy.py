"""Nothing a municipality's staff do can change a record another entity uses.

Entity A is the seed plan's (1803), with readings in every state. Entity B (0101) has its own plan,
with indicators of the same codes as A's. B's intruder holds every role an entity gives and, on
top, every permission of the site: only the entity scope (core.scoping) stands between them and
A. They try every change view, delete, history revert and action of every model the admin
registers, every add view with A's records as foreign keys, and every API write of every
endpoint the router registers; a plan file of theirs names A's codes, units and offices. Every
attempt is refused and nothing of A changes. The lists come from the admin registry and the API
router, so a model or endpoint registered later is tried too; a model registered in the admin
must either belong to an entity (`EntityOwned`) or say here whose it is."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.models import Entity, Membership
from core.scoping import EntityOwned, ScopeError, scope
from goals.models import Milestone, Plan, Project
from ilo_plan import plan_file
from ilo_plan.api import router
from ilo_plan.models import SiteSettings
from indicators.access import ROLE_ADMINISTRADOR, ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Indicator, Office, Reading, Unit
from tests.factories import entity_of, make_token, make_user
from tests.plan_workbooks import METAS_HEADER, second_plan

pytestmark = pytest.mark.django_db

TENANT_APPS = ["core", "indicators", "goals", "alignment", "ilo_plan"]
B_SLUG = "chachapoyas-2023-2026"


def plan_of_b(sheets):
    """The second plan's file, as entity B's: its own slug and ubigeo, and names for the
    indicators whose codes are A's (new indicators of B's, with the same codes)."""
    for row in sheets["Plan"]:
        if row[0] == "slug":
            row[1] = B_SLUG
        if row[0] == "ubigeo":
            row[1] = "0101"
    for row in sheets["Metas"][1:]:
        code = row[METAS_HEADER.index("codigo_indicador")]
        if code and not row[METAS_HEADER.index("indicador")]:
            row[METAS_HEADER.index("indicador")] = f"Indicador {code} de la entidad B"


def next_plan_of_b(sheets):
    """B's next term, measured by indicators new to B (so their units and offices are looked up)."""
    plan_of_b(sheets)
    for row in sheets["Plan"]:
        if row[0] == "slug":
            row[1] = "chachapoyas-2027-2030"
    for row in sheets["Metas"][1:]:
        column = METAS_HEADER.index("codigo_indicador")
        if row[column]:
            row[column] = f"{row[column]}-2"
            row[METAS_HEADER.index("indicador")] = f"Indicador {row[column]}"


@pytest.fixture
def world(plan):
    """A's plan and readings in every state; B's plan, its staff and its intruder."""
    a = plan.entity
    water = Indicator.objects.get(entity=a, code="AGUA-HORAS")
    a_registrador = make_user("rosa", ROLE_REGISTRADOR, [water.office])
    a_revisor = make_user("raul", ROLE_REVISOR, [water.office])

    def reading(period, *steps):
        r = Reading.objects.create_draft(
            user=a_registrador, indicator=water, period=period, value=Decimal("12"), source="EPS"
        )
        for step in steps:
            step(r)
        return r

    Milestone.objects.create(project=Project.objects.filter(plan=plan).first(), order=1, name="Expediente")
    reading(date(2021, 1, 1))
    reading(date(2021, 2, 1), lambda r: r.submit(a_registrador))
    reading(date(2021, 3, 1), lambda r: r.submit(a_registrador), lambda r: r.approve(a_revisor))
    Unit.objects.create(entity=a, code="audiencias", name="Audiencias", symbol="audiencias", decimals=0)
    SiteSettings(publisher="Municipalidad A").save()
    AuthToken.objects.create(a_registrador)
    AccessAttempt.objects.create(username="rosa", ip_address="10.0.0.1", failures_since_start=1)
    AccessLog.objects.create(username="rosa", ip_address="10.0.0.1")
    AccessFailureLog.objects.create(username="rosa", ip_address="10.0.0.1")
    from ilo_plan import tasks

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        tasks.refresh_plan.enqueue(plan.pk)  # a task in the queue: the worker's, nobody's to change

    assert plan_file.import_plan(second_plan(plan_of_b)).ok
    b = entity_of("0101")
    intruder = make_user("intrusa", [ROLE_REGISTRADOR, ROLE_REVISOR, ROLE_ADMINISTRADOR], entity=b)
    intruder.user_permissions.add(*Permission.objects.all())
    for office in Office.objects.filter(entity=b):
        office.members.add(intruder)
    return {"a": a, "b": b, "intruder": intruder, "a_user": a_registrador, "water": water}


# --- what A holds, and whose each admin model is ----------------------------------------------


def entity_of_record(model, a):
    """A's records of `model`: by its entity path for an entity's records; for the rest, what
    belongs to A or to everybody."""
    if model is Unit:
        return list(Unit._base_manager.filter(models.Q(entity=a) | models.Q(entity__isnull=True))[:3])
    if issubclass(model, EntityOwned):
        return list(model._base_manager.filter(**{model.entity_path: a}).order_by("pk")[:3])
    return ABOVE_ENTITIES[model](a)


# Models the admin registers that hold no entity's records: whose they are instead.
ABOVE_ENTITIES = {
    Entity: lambda a: [a],
    get_user_model(): lambda a: list(get_user_model().objects.filter(membership__entity=a)),
    Group: lambda a: list(Group.objects.all()),
    SiteSettings: lambda a: [SiteSettings.objects.get(pk=1)],
    AuthToken: lambda a: list(AuthToken.objects.filter(user__membership__entity=a)),
    AccessAttempt: lambda a: list(AccessAttempt.objects.all()),
    AccessLog: lambda a: list(AccessLog.objects.all()),
    AccessFailureLog: lambda a: list(AccessFailureLog.objects.all()),
    DBTaskResult: lambda a: list(DBTaskResult.objects.all()),
}


def admin_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def test_every_admin_model_belongs_to_an_entity_or_says_whose_it_is():
    undeclared = [
        model._meta.label
        for model in admin_models()
        if not issubclass(model, EntityOwned) and model not in ABOVE_ENTITIES
    ]
    assert undeclared == []


def snapshot():
    """Every row and history row of the site's own apps, people, roles and their permissions."""
    state = {}
    for app in TENANT_APPS:
        for model in apps.get_app_config(app).get_models():
            state[model._meta.label] = sorted(map(repr, model._base_manager.values_list()))
    people = get_user_model()
    state["users"] = sorted(map(repr, people.objects.values_list()))
    state["roles"] = sorted(map(repr, people.groups.through.objects.values_list("user_id", "group_id")))
    state["offices"] = sorted(map(repr, Office.members.through.objects.values_list("office_id", "user_id")))
    state["group-permissions"] = sorted(Group.permissions.through.objects.values_list("group_id", "permission_id"))
    state["tokens"] = sorted(map(repr, AuthToken.objects.values_list("digest", "expiry")))
    state["attempts"] = sorted(map(repr, AccessAttempt.objects.values_list("username", "failures_since_start")))
    state["logins"] = sorted(map(repr, AccessLog.objects.values_list("pk", "username")))
    state["failures"] = sorted(map(repr, AccessFailureLog.objects.values_list("pk", "username")))
    state["tasks"] = sorted(map(repr, DBTaskResult.objects.values_list("id", "status", "args_kwargs")))
    return state


def rows_of(a):
    """Every row of A's records and of the shared catalogue, with their history rows."""
    state = {}
    for app in TENANT_APPS:
        for model in apps.get_app_config(app).get_models():
            original = getattr(model, "instance_type", model)  # a history model's record model
            if not issubclass(original, EntityOwned):
                continue
            mine = models.Q(**{original.entity_path: a})
            if original is Unit:
                mine |= models.Q(entity__isnull=True)
            state[model._meta.label] = sorted(map(repr, model._base_manager.filter(mine).values_list()))
    return state


def changed(before, after):
    return {key for key in before if before[key] != after[key]}


# --- the admin -----------------------------------------------------------------------------------


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(client, model, obj):
    """What the change form of `obj` would post, as its page shows it to the intruder (when it
    shows it at all), else its own values; text changed so that a save would show."""
    data = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        value = field.value_from_object(obj)
        if isinstance(value, date):
            value = value.strftime("%d/%m/%Y")
        if isinstance(field, models.CharField | models.TextField) and not field.choices and value is not None:
            value = f"{value}9" if field.name in ("code", "slug", "username", "ubigeo") else f"{value} (cambiado)"
        data[field.name] = "" if value is None else value
    return data


def inline_management(response):
    """The management forms of the page's inlines: without them a post is refused for another reason."""
    data = {}
    for inline in (response.context or {}).get("inline_admin_formsets", []) if response.status_code == 200 else []:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


@pytest.mark.parametrize("model", admin_models(), ids=lambda m: m._meta.label)
def test_another_entitys_staff_change_nothing_of_a_through_the_admin(client, world, model):
    a, intruder = world["a"], world["intruder"]
    records = entity_of_record(model, a)
    assert records, f"no record of {model._meta.label} for A to defend"
    client.force_login(intruder)
    before = snapshot()
    for obj in records:
        page = client.get(url(model, "change", obj.pk))
        if page.status_code == 200:  # the directory of entities, and the catalogue of units, are read by all
            assert page.context["has_change_permission"] is False, (model, obj)
        else:
            assert page.status_code in (302, 403, 404), (model, obj, page.status_code)
        client.post(url(model, "change", obj.pk), {**form_data(client, model, obj), **inline_management(page)})
        client.post(url(model, "delete", obj.pk), {"post": "yes"})
        history = getattr(obj, "history", None)
        if history is not None and history.exists():
            version = history.order_by("-history_id").first().history_id
            client.post(url(model, "history", obj.pk) + f"{version}/", {"_save": "1"})
    for action in admin.site._registry[model].actions or []:
        client.post(
            url(model, "changelist"),
            {
                "action": action,
                admin.helpers.ACTION_CHECKBOX_NAME: [obj.pk for obj in records],
                "apply": "1",
                "reason": "intento",
                "confirmed_outlier": [obj.pk for obj in records],
            },
        )
    assert changed(before, snapshot()) == set()


def foreign_keys_to_a(model, a):
    """Each foreign key of `model` with one of A's records it could point at."""
    for field in model._meta.concrete_fields:
        if field.is_relation and field.editable:
            targets = entity_of_record(field.related_model, a) if field.related_model in admin.site._registry else []
            targets = [
                t for t in targets if not (isinstance(t, Unit) and t.entity_id is None)
            ]  # the catalogue is everyone's
            if targets:
                yield field, targets[0]


@pytest.mark.parametrize(
    "model",
    [m for m in admin_models() if issubclass(m, EntityOwned)],
    ids=lambda m: m._meta.label,
)
def test_no_record_of_another_entitys_staff_points_at_as_records(client, world, model):
    a, b, intruder = world["a"], world["b"], world["intruder"]
    own = entity_of_record(model, b) or entity_of_record(model, a)
    assert own, model
    client.force_login(intruder)
    before = rows_of(a)
    page = client.get(url(model, "add"))
    for field, target in foreign_keys_to_a(model, a):
        data = {**form_data(client, model, own[0]), **inline_management(page), field.name: target.pk}
        if "entity" in data:
            data["entity"] = a.pk
        client.post(url(model, "add"), data)
    after = rows_of(a)
    assert changed(before, after) == set(), (model, changed(before, after))


def test_the_attempts_would_work_on_the_intruders_own_records(client, world):
    """The posts above are valid ones: the same on B's own records is saved (so a refusal above
    is the scope's, not a malformed form's)."""
    b, intruder = world["b"], world["intruder"]
    client.force_login(intruder)
    office = Office.objects.filter(entity=b).first()
    response = client.post(url(Office, "change", office.pk), form_data(client, Office, office))
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.name.endswith("(cambiado)")
    target = world_target(b)
    page = client.get(url(type(target), "change", target.pk))
    data = {**form_data(client, type(target), target), **inline_management(page)}
    assert client.post(url(type(target), "change", target.pk), data).status_code == 302


def world_target(entity):
    from goals.models import Target

    return Target.objects.filter(plan__entity=entity, kind="number").first()


# --- the API ---------------------------------------------------------------------------------------


def api_routes():
    for prefix, viewset, _ in router.registry:
        yield prefix, viewset


def a_lookup(viewset, a, world):
    """The address of one of A's records in the endpoint, and the query naming A's entity."""
    lookup = getattr(viewset, "lookup_field", "pk")
    model = viewset.serializer_class.Meta.model
    if model is Entity:
        return a.ubigeo
    records = entity_of_record(model, a) if model in admin.site._registry or model is Reading else []
    if model is Reading:
        records = list(Reading.objects.filter(indicator__entity=a).order_by("pk"))
    if not records:
        return None
    value = records[-1]
    for part in lookup.split("__"):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize("prefix, viewset", list(api_routes()), ids=[p for p, _ in api_routes()])
def test_another_entitys_token_writes_nothing_of_a_through_the_api(world, prefix, viewset):
    a, intruder = world["a"], world["intruder"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(intruder)}")
    before = snapshot()
    base = f"/api/v1/{prefix}/"
    payload = {
        "indicator": world["water"].code,
        "entity": a.ubigeo,
        "period": "2021-06-01",
        "value": "12",
        "source": "EPS",
        "reason": "intento",
        "confirm_outlier": True,
    }
    created = api.post(base, payload, format="json")
    assert created.status_code in (400, 403, 404, 405), (prefix, created.status_code, created.content[:200])
    key = a_lookup(viewset, a, world)
    if key is not None:
        detail = f"{base}{key}/?entity={a.ubigeo}&plan=all"
        for method in ("put", "patch", "delete"):
            response = getattr(api, method)(detail, payload, format="json")
            assert response.status_code in (400, 403, 404, 405), (prefix, method, response.status_code)
        for action in viewset.get_extra_actions():
            if action.detail and "post" in action.mapping:
                response = api.post(f"{base}{key}/{action.url_path}/", payload, format="json")
                assert response.status_code in (400, 403, 404, 405), (prefix, action.url_path, response.status_code)
    assert changed(before, snapshot()) == set()


# --- the attack that was found: a plan file of B naming A's records ---------------------------------


def test_a_plan_file_of_b_naming_as_units_and_offices_changes_nothing_of_a(world):
    """A registrador of B loaded B's own plan file with «Porcentaje.» as a unit and «G.D.S.» as an
    office: the import matched them by code and rewrote the shared unit (A's 17 indicators lost
    their 0-100 range) and A's office. Now the unit is the catalogue's percent, untouched, and the
    office is B's own."""
    a, b = world["a"], world["b"]
    percent = Unit.objects.get(code="porcentaje", entity__isnull=True)
    a_social = Office.objects.get(entity=a, code="GDS")
    before = rows_of(a)

    def attack(sheets):
        next_plan_of_b(sheets)
        sheets["Metas"][0].append("oficina")
        for row in sheets["Metas"][1:]:
            row.append("G.D.S.")
            if row[METAS_HEADER.index("unidad")] == "%":
                row[METAS_HEADER.index("unidad")] = "Porcentaje."

    administrador = make_user("ada", ROLE_ADMINISTRADOR, entity=b)
    report = plan_file.import_plan(second_plan(attack), user=administrador)
    assert report.ok, report.lines()
    assert rows_of(a) == before
    assert Unit.objects.get(pk=percent.pk).max_value == 100 and a_social.name == Office.objects.get(pk=a_social.pk).name
    b_social = Office.objects.get(entity=b, code="GDS")
    assert b_social.name == "G.D.S." and b_social.pk != a_social.pk
    anemia = Indicator.objects.get(entity=b, code="VALLE-ANEMIA-2")
    assert anemia.unit == percent and anemia.office == b_social
    # And the 250 % that the attack made possible is refused, as the range of percent still says.
    with pytest.raises(Exception, match="rango|100"):
        Reading.objects.create_draft(
            user=world["a_user"], indicator=world["water"], period=date(2021, 9, 1), value=250, source="EPS"
        )


@pytest.mark.parametrize(
    "text, found, refused",
    [
        ("Porcentaje.", "porcentaje", False),
        ("porcentaje %", "porcentaje", False),
        ("Porcentaje (%)", "porcentaje", False),
        ("%", "porcentaje", False),
        ("horas al día", "horas-dia", False),
        ("HORAS AL DIA", "horas-dia", False),
        ("h/día", "horas-dia", False),
        ("Porcentage", None, True),
        ("Tasa de variacion", "tasa-de-variacion", False),
        ("audiencias", None, False),
        ("productores", None, False),
    ],
)
def test_a_unit_is_named_by_code_symbol_or_name_and_a_near_miss_is_refused(db, text, found, refused):
    from indicators.units import find_unit

    match = find_unit(text, Unit.objects.filter(entity__isnull=True))
    assert (match.unit.code if match.unit else None, match.refused) == (found, refused)


def test_a_near_miss_in_a_plan_file_is_refused_with_the_catalogues_names(world):
    def misspelt(sheets):
        next_plan_of_b(sheets)
        for row in sheets["Metas"][1:]:
            if row[METAS_HEADER.index("unidad")] == "%":
                row[METAS_HEADER.index("unidad")] = "Porcentage"

    report = plan_file.import_plan(second_plan(misspelt))
    assert not report.ok
    assert re.search(r"«Porcentage» se parece a «Porcentaje» \(%\).*catálogo nacional", report.lines()[0])


def test_a_unit_the_catalogue_lacks_becomes_the_entitys_own_and_only_its_staff_change_it(client, world):
    def own_unit(sheets):
        next_plan_of_b(sheets)
        for row in sheets["Metas"][1:]:
            if row[METAS_HEADER.index("unidad")] == "%":
                row[METAS_HEADER.index("unidad")] = "productores"

    assert plan_file.import_plan(second_plan(own_unit)).ok
    unit = Unit.objects.get(code="productores")
    assert unit.entity == world["b"] and unit.min_value is None
    client.force_login(make_user("ada", ROLE_ADMINISTRADOR, entity=world["a"]))
    assert client.get(url(Unit, "change", unit.pk)).status_code == 302  # not A's to see
    percent = Unit.objects.get(code="porcentaje", entity__isnull=True)
    page = client.get(url(Unit, "change", percent.pk))
    assert page.status_code == 200 and page.context["has_change_permission"] is False  # the catalogue: superusers


# --- the scope itself ---------------------------------------------------------------------------


def test_a_query_outside_any_scope_fails_loudly():
    """Code that forgot the entity (a task, a thread, a command not run through manage.py) raises
    instead of reading every entity's records."""
    import contextvars

    def unscoped():
        return Office.objects.count()

    with pytest.raises(ScopeError):
        contextvars.Context().run(unscoped)


def test_inside_a_scope_only_that_entitys_records_exist_and_others_cannot_be_written(world):
    a, b = world["a"], world["b"]
    with scope(entity=b.pk):
        assert set(Indicator.objects.values_list("entity", flat=True)) == {b.pk}
        assert not Plan.objects.filter(entity=a).exists()
        water = Indicator._base_manager.get(pk=world["water"].pk)
        water.name = "Cambiado"
        with pytest.raises(PermissionDenied, match="otra entidad"), transaction.atomic():
            water.save()
        with pytest.raises(PermissionDenied, match="otra entidad"), transaction.atomic():
            Office._base_manager.filter(entity=a).first().members.add(world["intruder"])
    assert Indicator.objects.get(pk=world["water"].pk).name != "Cambiado"


def test_a_staff_members_entity_is_read_without_a_scope(world):
    # The middleware reads the person's membership before any scope exists.
    assert Membership._base_manager.get(user=world["intruder"]).entity == world["b"]


# --- names of people, a tenant's own -------------------------------------------------------------


@pytest.mark.parametrize("as_csv", [False, True], ids=["json", "csv"])
def test_staff_read_who_entered_and_approved_only_their_own_entitys_readings(world, as_csv):
    """A public reading of A names its registrador and revisor to A's staff, never to B's."""
    import csv

    def names_seen(user):
        api = APIClient()
        api.force_authenticate(user)
        url = "/api/v1/readings/?status=approved&page_size=1000" + ("&format=csv" if as_csv else "")
        response = api.get(url)
        assert response.status_code == 200
        if as_csv:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        else:
            rows = response.json()["results"]
        return {(row["entity"], row["entered_by"] or None) for row in rows if row["provenance"] == "registered"}

    assert names_seen(world["intruder"]) == {("1803", None)}
    assert names_seen(make_user("ana", ROLE_REVISOR, entity=world["a"])) == {("1803", "rosa")}
    assert names_seen(make_user("jefa", is_superuser=True)) == {("1803", "rosa")}
