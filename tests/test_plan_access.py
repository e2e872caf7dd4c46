"""Who sees and changes which plan: staff see their entity's plans, a closed plan is read-only
for everybody but superusers; the API lists every plan and scopes every plan list with ?plan=."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from goals.models import Milestone, Plan, Project, Target
from ilo_plan import open_data, plan_file
from indicators.access import ROLE_AUDITOR
from tests.factories import make_user
from tests.plan_workbooks import SECOND_SLUG, minimal_plan, second_plan

pytestmark = pytest.mark.django_db

PLAN_LISTS = ["axes", "dimensions", "problems", "objectives", "targets", "projects", "milestones", "alignment"]


@pytest.fixture
def second(plan):
    """The seed entity's next term."""
    assert plan_file.import_plan(second_plan()).ok
    return Plan.objects.get(slug=SECOND_SLUG)


@pytest.fixture
def foreign(plan):
    """A plan of another entity."""
    assert plan_file.import_plan(minimal_plan()).ok
    return Plan.objects.get(slug="sin-ejes-2023-2026")


def planner(plan, *codenames):
    """A staff member of `plan`'s entity, who may change targets, projects and milestones."""
    user = make_user(entity=plan.entity)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def change_url(obj):
    return reverse(f"admin:goals_{obj._meta.model_name}_change", args=[obj.pk])


EDIT = [
    "view_plan",
    "view_target",
    "change_target",
    "view_project",
    "change_project",
    "view_milestone",
    "add_milestone",
]


# --- the admin --------------------------------------------------------------------------------


def test_staff_see_only_their_entitys_plans(client, plan, second, foreign):
    client.force_login(planner(foreign, *EDIT))
    listed = client.get(reverse("admin:goals_target_changelist")).context["cl"].result_count
    assert listed == Target.objects.filter(plan=foreign).count() == 1
    seed_target = Target.objects.get(plan=plan, code="S1.1-M")
    assert client.get(change_url(seed_target)).status_code == 302  # "does not exist", back to the list
    plans = client.get(reverse("admin:goals_plan_changelist")).context["cl"].result_list
    assert [p.slug for p in plans] == [foreign.slug]
    client.force_login(planner(second, *EDIT))  # the seed entity's staff: both its terms
    plans = client.get(reverse("admin:goals_plan_changelist")).context["cl"].result_list
    assert {p.slug for p in plans} == {plan.slug, SECOND_SLUG}


def test_national_auditors_and_superusers_see_every_plan(client, plan, second, foreign):
    for user in (make_user("ana", ROLE_AUDITOR), make_user("jefa", is_superuser=True)):
        client.force_login(user)
        assert client.get(reverse("admin:goals_target_changelist")).context["cl"].result_count == 21
    client.force_login(make_user("oci", ROLE_AUDITOR, entity=foreign.entity))  # an entity's own auditor
    assert client.get(reverse("admin:goals_target_changelist")).context["cl"].result_count == 1


def test_a_record_cannot_be_moved_into_another_plan(client, plan, foreign):
    client.force_login(planner(foreign, *EDIT))
    target = Target.objects.get(plan=foreign)
    form = client.get(change_url(target)).context["adminform"].form
    assert set(form.fields["objective"].queryset.values_list("plan__slug", flat=True)) == {foreign.slug}
    assert set(form.fields["plan"].queryset.values_list("slug", flat=True)) == {foreign.slug}
    seed_objective = plan.objectives.first()
    with pytest.raises(ValidationError, match="otro plan"):
        Target(
            plan=foreign,
            objective=seed_objective,
            code="X-M",
            sentence="x",
            value=1,
            unit="x",
            deadline=date(2026, 1, 1),
            kind="delivered",
        ).full_clean()


def test_a_closed_plan_is_read_only_except_for_superusers(client, plan, second):
    staff = planner(second, *EDIT)
    target = Target.objects.get(plan=second, code="S1.2-M")
    client.force_login(staff)
    assert client.get(change_url(target)).context["has_change_permission"] is True
    Plan.objects.filter(entity=second.entity).update(is_closed=True)  # both terms of the entity
    page = client.get(change_url(target))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    response = client.post(change_url(target), {"sentence": "Cambiada", "value": "1"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.sentence == "Menos del 15% de anemia."
    project = Project.objects.get(plan=second)
    inline = client.get(change_url(project)).context["inline_admin_formsets"]
    assert not inline or not inline[0].has_add_permission
    assert client.get(reverse("admin:goals_milestone_add")).status_code == 403  # no open plan to add to
    client.force_login(make_user("jefa", is_superuser=True))
    assert client.get(change_url(target)).context["has_change_permission"] is True


def test_only_superusers_feature_or_close_a_plan_and_only_administradores_add_one(client, plan, second):
    staff = planner(second, "view_plan", "change_plan", "add_plan")
    client.force_login(staff)
    form = client.get(reverse("admin:goals_plan_change", args=[second.pk])).context["adminform"]
    assert {"is_featured", "is_closed", "entity"} <= set(form.readonly_fields)
    assert client.get(reverse("admin:goals_plan_add")).status_code == 403
    client.force_login(make_user("ada", "administrador", entity=second.entity))
    form = client.get(reverse("admin:goals_plan_add")).context["adminform"].form
    assert "entity" not in form.fields  # a new term of their own entity


def test_a_plan_closes_only_once_its_term_has_ended(plan, second):
    second.is_closed = True
    with pytest.raises(ValidationError, match="Un plan se cierra cuando termina su periodo: el 31/12/2026"):
        second.full_clean()
    plan.is_closed = True
    plan.full_clean()


# --- the API ------------------------------------------------------------------------------------


def rows(client, name, **params):
    response = client.get(f"/api/v1/{name}/", {"page_size": 1000, **params})
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def test_the_api_lists_every_plan_with_its_flags(client, plan, second):
    Plan.objects.filter(pk=plan.pk).update(is_closed=True)
    plans = {p["slug"]: p for p in rows(client, "plans")}
    assert set(plans) == {"ilo-2019-2022", SECOND_SLUG}
    assert (plans["ilo-2019-2022"]["featured"], plans["ilo-2019-2022"]["closed"]) == (True, True)
    assert (plans[SECOND_SLUG]["featured"], plans[SECOND_SLUG]["closed"]) == (False, False)


@pytest.mark.parametrize("name", PLAN_LISTS)
def test_every_plan_list_filters_by_plan_and_defaults_to_the_featured_one(client, plan, second, name):
    Milestone.objects.create(project=Project.objects.get(plan=second), order=1, name="Local alquilado")
    Milestone.objects.create(project=Project.objects.filter(plan=plan).first(), order=1, name="Expediente")
    featured = rows(client, name)
    mine = rows(client, name, plan=SECOND_SLUG)
    everything = rows(client, name, plan="all")
    assert featured and mine
    assert {row["plan"] for row in featured} == {"ilo-2019-2022"}
    assert {row["plan"] for row in mine} == {SECOND_SLUG}
    assert len(everything) == len(featured) + len(mine)


def test_a_code_is_found_within_its_plan(client, plan, second):
    assert client.get("/api/v1/targets/S1.1-M/").json()["sentence"] == "En promedio: 18 horas al día de agua potable."
    mine = client.get("/api/v1/targets/S1.1-M/", {"plan": SECOND_SLUG}).json()
    assert (mine["sentence"], mine["baseline_value"]) == ("Al menos 20 horas de agua al día.", "15.5")
    assert client.get("/api/v1/axes/2/", {"plan": SECOND_SLUG}).status_code == 200
    assert client.get("/api/v1/axes/3/", {"plan": SECOND_SLUG}).status_code == 404


def test_an_unknown_plan_is_a_400_in_spanish(client, plan):
    response = client.get("/api/v1/targets/", {"plan": "no-existe"})
    assert response.status_code == 400 and "No existe un plan" in response.json()["plan"][0]


def test_readings_and_indicators_filter_by_plan_and_target(client, plan, second):
    indicators = {row["code"] for row in rows(client, "indicators", plan=SECOND_SLUG)}
    assert indicators == {"AGUA-HORAS", "VALLE-ANEMIA", "RENDICION-CUENTAS", "VALLE-TRAMITES"}
    assert len(rows(client, "indicators")) == len(rows(client, "indicators", plan="all"))
    cited = rows(client, "readings", plan="ilo-2019-2022")
    assert cited and not rows(client, "readings", plan=SECOND_SLUG)  # the second plan cites no figures
    assert rows(client, "readings", target="S4.1-M") == []  # VIOLENCIA-FAMILIAR, no reading yet
    assert {r["indicator"] for r in rows(client, "readings", dimension="social", plan="ilo-2019-2022")} == {
        "ECE-SEC-LECTURA"
    }


def test_the_open_data_zip_holds_every_plan(client, plan, second):
    import io
    import zipfile

    open_data.build_national_package()  # the worker's, never a request's
    response = client.get("/api/v1/export.zip")
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    targets = bundle.read("targets.csv").decode("utf-8-sig")
    assert "Al menos 20 horas de agua al día." in targets and "En promedio: 18 horas al día" in targets


# --- a closed plan's results ------------------------------------------------------------------


def test_a_closed_plans_term_keeps_its_readings_for_the_api_the_workflow_and_imports(client, plan):
    from datetime import date

    from django.core.exceptions import PermissionDenied

    from indicators import imports
    from indicators.access import ROLE_REGISTRADOR, ROLE_REVISOR
    from indicators.models import Indicator, Reading

    water = Indicator.objects.get(code="AGUA-HORAS")
    registrador = make_user("rosa", ROLE_REGISTRADOR, [water.office])
    revisor = make_user("raul", ROLE_REVISOR, [water.office])
    draft = Reading.objects.create_draft(
        user=registrador, indicator=water, period=date(2021, 3, 1), value=12, source="EPS"
    )
    draft.submit(registrador)
    Plan.objects.filter(pk=plan.pk).update(is_closed=True)

    with pytest.raises(
        PermissionDenied, match="es del plan «Plan de Gobierno Municipal Provincia de Ilo 2019-2022», ya cerrado"
    ):
        draft.approve(revisor)
    assert Reading.objects.get(pk=draft.pk).status == "submitted"

    client.force_login(registrador)
    body = {"indicator": "AGUA-HORAS", "value": "12.5", "source": "EPS"}
    refused = client.post("/api/v1/readings/", {**body, "period": "2022-06-01"})
    assert refused.status_code == 403 and "ya cerrado" in str(refused.json())
    assert client.post("/api/v1/readings/", {**body, "period": "2023-06-01"}).status_code == 201  # after the term

    report = imports.import_file(
        b"indicator_code,period,value,source\nAGUA-HORAS,2022-07,12,EPS\n", "l.csv", registrador
    )
    assert not report.ok and "fila 2, columna «periodo»: El periodo 07/2022 es del plan" in report.lines()[0]

    # Nobody, superusers included: a closed plan's result is final (issue 20). A superuser who
    # must fix one reopens the plan first, and the plan's history records it.
    jefa = make_user("jefa", is_superuser=True)
    with pytest.raises(PermissionDenied, match="ya no cambian"):
        draft.approve(jefa)
    Plan.objects.filter(pk=plan.pk).update(is_closed=False)
    draft.approve(jefa)
    assert Reading.objects.get(pk=draft.pk).status == "approved"
