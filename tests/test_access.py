"""One door for who may do what (`indicators.access`): visibility follows roles, never office
membership alone, wherever it is asked (the API's lists, details, history and ETags, the admin's
querysets, the dashboard); and the per-reading answer agrees with the queryset one."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from core.models import Membership
from indicators import access
from indicators.access import ROLE_ADMINISTRADOR, ROLE_AUDITOR, ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Indicator, Office, Reading
from tests.factories import entity_of, make_indicator, make_office, make_reading, make_token, make_user

pytestmark = pytest.mark.django_db


def token_client(user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    return api


def rows(response):
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


@pytest.fixture
def draft(indicator, registrador):
    return Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("12"), source="EPS"
    )


def test_a_person_removed_from_every_role_lists_no_drafts_of_their_office_through_their_token(
    registrador, office, draft
):
    """Tried as an attacker would: the registrador keeps their token and their place in the
    office's list of people, and loses the role. Their token must stop showing the office's drafts,
    and a revalidation of the list they fetched as registrador must not be a 304 (which would tell
    them their copy, drafts included, is still what they may see)."""
    api = token_client(registrador)
    url = "/api/v1/readings/?status=draft"
    before = api.get(url)
    assert [row["id"] for row in rows(before)] == [draft.pk]

    registrador.groups.clear()
    assert registrador in office.members.all()  # still listed in the office: membership alone

    again = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert again.status_code == 200 and rows(again) == []
    assert api.get(f"/api/v1/readings/{draft.pk}/").status_code == 404
    assert api.get(f"/api/v1/readings/{draft.pk}/history/").status_code == 404
    csv = b"".join(api.get(url, HTTP_ACCEPT="text/csv").streaming_content).decode("utf-8-sig")
    assert csv.count("\n") == 1  # the header alone


def test_a_change_of_entity_changes_the_staff_etag_too(registrador, draft):
    api = token_client(registrador)
    url = "/api/v1/readings/"
    before = api.get(url)
    Membership.objects.filter(user=registrador).delete()
    assert api.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_a_change_of_superuser_status_or_of_a_roles_permissions_changes_the_staff_etag(registrador, draft):
    """Being a superuser, or what a role may do, changes what a person's answers show: their
    token must not get a 304 for a list fetched before."""
    api = token_client(registrador)
    url = "/api/v1/readings/"
    before = api.get(url)
    registrador.is_superuser = True
    registrador.save()
    promoted = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert promoted.status_code == 200
    role = registrador.groups.get()
    permission = role.permissions.first()
    assert permission is not None
    role.permissions.remove(permission)
    assert api.get(url, HTTP_IF_NONE_MATCH=promoted["ETag"]).status_code == 200


def test_a_login_alone_keeps_the_staff_etag(registrador, draft):
    api = token_client(registrador)
    url = "/api/v1/readings/"
    before = api.get(url)
    assert api.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    registrador.save(update_fields=["last_login"])
    assert api.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304


def test_membership_alone_gives_nothing(office, indicator, draft):
    """An office's member without a working role (an administrador listed there, say) sees no
    draft of it, enters and reviews nothing, and has no queue."""
    member = make_user("ana", ROLE_ADMINISTRADOR, [office])
    assert not rows(token_client(member).get("/api/v1/readings/?status=draft"))
    assert not access.may_see(member, draft)
    assert not access.may_enter(member, indicator) and not access.may_enter(member, office)
    assert not access.may_review(member, indicator)
    assert access.office_ids(member) == set()
    for queryset in (Office.objects.all(), Indicator.objects.all(), Reading.objects.filter(status="draft")):
        assert not access.scope(member, queryset).exists()
    assert not Reading.objects.entry_queue(member).exists()


def test_a_token_without_a_working_role_writes_nothing_and_is_told_why(office, indicator):
    member = make_user("ana", ROLE_ADMINISTRADOR, [office])
    response = token_client(member).post(
        "/api/v1/readings/",
        {"indicator": indicator.code, "period": "2021-03-01", "value": "12", "source": "EPS"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == str(access.NO_WORKING_ROLE)
    assert not Reading.objects.exists()


def test_an_entitys_auditor_reads_the_whole_history_of_their_entitys_readings(registrador, revisor, draft):
    """The history follows the same rule as the list: an entity's auditor, who lists the drafts of
    their entity, also reads the versions that were never public."""
    draft.submit(registrador)
    draft.approve(revisor)
    auditor = make_user("aud", ROLE_AUDITOR, entity=draft.indicator.entity)
    response = token_client(auditor).get(f"/api/v1/readings/{draft.pk}/history/")
    assert response.status_code == 200
    assert [row["status"] for row in response.json()] == ["approved", "submitted", "draft"]
    # An auditor of another entity sees the public version only.
    outsider = make_user("otro", ROLE_AUDITOR, entity=entity_of("0101"))
    response = token_client(outsider).get(f"/api/v1/readings/{draft.pk}/history/")
    assert [row["status"] for row in response.json()] == ["approved"]


def test_may_see_and_scope_give_the_same_answer_for_everyone(office, indicator, registrador, revisor):
    """The per-reading question and the queryset one are one rule: for every kind of person and
    every kind of reading, `may_see` says yes exactly when `scope` lists it."""
    other_office = make_office("OTRA")
    foreign = entity_of("0101")
    foreign_indicator = make_indicator(office=make_office("AJENA", entity=foreign))
    for number, status in enumerate(["draft", "submitted", "rejected", "approved", "withdrawn"]):
        make_reading(indicator, period=date(2020, number + 1, 1), status=status)
        make_reading(make_indicator(office=other_office), period=date(2020, number + 1, 1), status=status)
        make_reading(foreign_indicator, period=date(2020, number + 1, 1), status=status)
    people = {
        "anonymous": AnonymousUser(),
        "registrador": registrador,
        "revisor": revisor,
        "member without role": make_user("sinrol", offices=[office]),
        "registrador elsewhere": make_user("lejos", ROLE_REGISTRADOR, [other_office]),
        "entity auditor": make_user("aud", ROLE_AUDITOR, entity=office.entity),
        "national auditor": make_user("nac", ROLE_AUDITOR),
        "superuser": get_user_model().objects.create_superuser("root", password="secreto-de-prueba"),
    }
    readings = list(Reading.objects.select_related("indicator"))
    seen = {}
    for name, person in people.items():
        listed = set(access.scope(person, Reading.objects.all()).values_list("pk", flat=True))
        assert listed == {r.pk for r in readings if access.may_see(person, r)}, name
        history = access.scope(person, Reading.history.all()).values_list("id", flat=True)
        assert set(history) == listed, name
        seen[name] = {(r.indicator.office.code, r.status) for r in readings if r.pk in listed}
    drafts = {("AGUA", "draft"), ("OTRA", "draft"), ("AJENA", "draft")}
    assert seen["anonymous"] == seen["member without role"]
    assert not drafts & seen["anonymous"]
    assert drafts & seen["registrador"] == drafts & seen["revisor"] == {("AGUA", "draft")}
    assert drafts & seen["registrador elsewhere"] == {("OTRA", "draft")}
    assert drafts & seen["entity auditor"] == {("AGUA", "draft"), ("OTRA", "draft")}
    assert drafts <= seen["national auditor"] and drafts <= seen["superuser"]


def test_scope_by_role_follows_the_role_held(office, indicator, registrador, revisor):
    """Offices and indicators a person works on as a role: their offices' while they hold it,
    every one for a superuser, none without it."""
    other = make_indicator(office=make_office("OTRA"))
    both = make_user("ambos", [ROLE_REGISTRADOR, ROLE_REVISOR], [office])
    root = get_user_model().objects.create_superuser("root", password="secreto-de-prueba")
    indicators = Indicator.objects.filter(pk__in=[indicator.pk, other.pk])
    assert list(access.scope(registrador, indicators, ROLE_REGISTRADOR)) == [indicator]
    assert not access.scope(registrador, indicators, ROLE_REVISOR).exists()
    assert list(access.scope(revisor, Office.objects.all(), ROLE_REVISOR)) == [office]
    assert list(access.scope(both, Office.objects.all())) == [office]
    assert set(access.scope(root, indicators, ROLE_REVISOR)) == {indicator, other}
    assert access.may_enter(registrador, office) and access.may_enter(registrador, indicator)
    assert not access.may_review(registrador, indicator) and access.may_review(revisor, office)
    assert not access.may_enter(registrador, other) and access.may_enter(root, other)
    assert access.acts_as(root, ROLE_REVISOR) and not access.acts_as(registrador, ROLE_REVISOR)
    registrador.is_active = False
    assert not access.may_enter(registrador, indicator)
