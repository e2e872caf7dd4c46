"""An entity's staff start in one step: its administrador adds a person with their offices and roles
on one page, no superuser needed, and hands over a one-time invitation to choose a password. Every
change is kept (who, when, before, after), and nothing reaches beyond the entity."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.models import Membership
from indicators.access import ROLE_ADMINISTRADOR, ROLE_REGISTRADOR
from indicators.models import Office
from tests.factories import entity_of, make_office, make_user

pytestmark = pytest.mark.django_db

ADD = reverse("admin:core_membership_add")
LIST = reverse("admin:core_membership_changelist")


@pytest.fixture
def administrador(plan):
    return make_user("ada", ROLE_ADMINISTRADOR, entity=plan.entity)


def person(username="rosa", roles=(ROLE_REGISTRADOR,), offices=(), **extra):
    return {
        "username": username,
        "first_name": "Rosa",
        "last_name": "Quispe",
        "email": "rosa@example.pe",
        "roles": list(roles),
        "offices": [office.pk for office in offices],
        "is_active": "on",
        **extra,
    }


def invitation(response) -> str:
    messages = [str(m) for m in response.context["messages"]] if response.context else []
    found = re.search(r"href='(http://testserver(/admin/invitacion/[^']+))'", " ".join(messages))
    assert found, messages
    return found.group(2)


def test_an_administrador_adds_a_registrador_with_offices_who_then_chooses_a_password(client, administrador, plan):
    water = Office.objects.get(entity=plan.entity, code="GSP")
    client.force_login(administrador)
    response = client.post(ADD, person(offices=[water]), follow=True)
    assert response.status_code == 200
    rosa = get_user_model().objects.get(username="rosa")
    assert (rosa.is_staff, rosa.has_usable_password(), rosa.membership.entity) == (True, False, plan.entity)
    assert list(rosa.groups.values_list("name", flat=True)) == [ROLE_REGISTRADOR]
    assert list(rosa.offices.all()) == [water]
    link = invitation(response)
    entry = LogEntry.objects.get(object_id=str(rosa.membership.pk))
    assert (entry.user, entry.get_change_message()) == (
        administrador,
        "Agregado con roles: registrador; oficinas: GSP.",
    )
    assert water.history.latest().history_user == administrador  # the office's history names who added her

    client.logout()
    page = client.get(link, follow=True)
    assert "Elegir su contraseña" in page.content.decode()
    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": "una-clave-larga-9", "new_password2": "una-clave-larga-9"}
    )
    assert done.status_code == 302 and done["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200  # she is in
    rosa.refresh_from_db()
    assert rosa.check_password("una-clave-larga-9")
    client.logout()
    assert "ya no sirve" in client.get(link, follow=True).content.decode()  # one use only


def test_a_change_of_roles_and_offices_is_logged_before_and_after(client, administrador, plan):
    water, social = (Office.objects.get(entity=plan.entity, code=code) for code in ("GSP", "GDS"))
    rosa = make_user("rosa", ROLE_REGISTRADOR, [water])
    client.force_login(administrador)
    change = reverse("admin:core_membership_change", args=[rosa.membership.pk])
    data = person(roles=[ROLE_REGISTRADOR, "revisor"], offices=[social])
    assert client.post(change, data).status_code == 302
    assert set(rosa.groups.values_list("name", flat=True)) == {"registrador", "revisor"}
    assert list(rosa.offices.all()) == [social]
    entry = LogEntry.objects.filter(object_id=str(rosa.membership.pk)).latest("action_time")
    assert entry.get_change_message() == (
        "Antes: roles: registrador; oficinas: GSP. Ahora: roles: registrador, revisor; oficinas: GDS."
    )
    assert client.post(change, {**data, "is_active": ""}).status_code == 302
    rosa.refresh_from_db()
    assert not rosa.is_active


def test_an_administrador_reaches_only_their_entitys_people_offices_and_roles(client, administrador, plan):
    elsewhere = entity_of("0101")
    stranger = make_user("otro", ROLE_REGISTRADOR, [make_office("LEJOS", entity=elsewhere)])
    boss = make_user("jefa", is_superuser=True, entity=plan.entity)  # a superuser never an entity's to change
    client.force_login(administrador)
    listed = {m.user.username for m in client.get(LIST).context["cl"].result_list}
    assert listed == {"ada"}
    assert client.get(reverse("admin:core_membership_change", args=[stranger.membership.pk])).status_code == 302
    assert client.get(reverse("admin:core_membership_change", args=[boss.membership.pk])).status_code == 302
    form = client.get(ADD).context["adminform"].form
    assert set(form.fields["offices"].queryset.values_list("entity", flat=True)) == {plan.entity.pk}
    assert "entity" not in form.fields
    assert [value for value, _ in form.fields["roles"].choices] == ["registrador", "revisor", "administrador"]
    foreign_office = Office.objects.get(code="LEJOS")
    refused = client.post(ADD, person("pepe", roles=["auditor"], offices=[foreign_office]))
    assert refused.status_code == 200 and set(refused.context["adminform"].form.errors) == {"roles", "offices"}
    taken = client.post(ADD, person("OTRO"))
    assert "Ya hay una persona con ese usuario" in taken.content.decode()
    assert not get_user_model().objects.filter(username="pepe").exists()


def test_only_an_administrador_or_a_superuser_opens_the_staff_page(client, plan):
    client.force_login(make_user("rosa", ROLE_REGISTRADOR, entity=plan.entity))
    assert client.get(LIST).status_code == 403 and client.get(ADD).status_code == 403


def test_a_superuser_adds_a_new_entitys_first_administrador(client, plan):
    client.force_login(make_user("jefa", is_superuser=True))
    new = entity_of("0101")
    response = client.post(ADD, {**person("primera", roles=[ROLE_ADMINISTRADOR]), "entity": new.pk}, follow=True)
    first = get_user_model().objects.get(username="primera")
    assert Membership.objects.get(user=first).entity == new and first.groups.get().name == ROLE_ADMINISTRADOR
    assert invitation(response).startswith("/admin/invitacion/")
