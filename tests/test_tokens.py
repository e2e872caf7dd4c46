"""API tokens: hashed, shown once, expiring; each person sees and revokes only their own; no role
but a superuser ever sees another person's token."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from indicators.access import ROLE_AUDITOR, ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Reading
from tests.factories import make_token, make_user

pytestmark = pytest.mark.django_db

ROLES = [ROLE_REGISTRADOR, ROLE_REVISOR, ROLE_AUDITOR]
TOKENS_PAGE = "/admin/tokens/"
TOKEN_ADMIN_PAGES = [
    "/admin/knox/authtoken/",
    "/admin/knox/authtoken/add/",
    "/admin/authtoken/tokenproxy/",
    "/admin/authtoken/token/",
]
NEW_TOKEN = re.compile(r'<code class="token">([0-9a-f]{64})</code>')


def token_client(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def create_on_the_page(client, days=90):
    response = client.post(TOKENS_PAGE, {"days": days})
    assert response.status_code == 200, response.content[:500]
    return response, NEW_TOKEN.search(response.content.decode()).group(1)


@pytest.mark.parametrize("role", ROLES)
def test_no_role_holds_any_token_permission(role):
    permissions = Group.objects.get(name=role).permissions.all()
    assert not permissions.filter(content_type__app_label__in=["authtoken", "knox"]).exists()
    assert permissions.filter(content_type__app_label="indicators").exists()  # the rest of the role stays


def test_the_migration_takes_token_permissions_away_from_every_role():
    migration = importlib.import_module("ilo_plan.migrations.0001_roles_see_no_tokens")
    token_permissions = Permission.objects.filter(content_type__app_label__in=["authtoken", "knox"])
    assert token_permissions.filter(content_type__app_label="knox").exists()
    for role in ROLES:
        Group.objects.get(name=role).permissions.add(*token_permissions)

    migration.remove_token_permissions(django_apps, None)

    for role in ROLES:
        assert not Group.objects.get(name=role).permissions.filter(pk__in=token_permissions).exists()


@pytest.mark.parametrize("role", ROLES)
def test_admin_token_pages_are_forbidden_to_every_role_even_with_the_permission(client, role):
    user = make_user(role=role)
    # Even if someone ticks the permissions in the groups admin, the pages stay closed.
    user.groups.get().permissions.add(*Permission.objects.filter(content_type__app_label__in=["authtoken", "knox"]))
    someone_elses = AuthToken.objects.create(make_user(is_superuser=True))[0]
    client.force_login(user)
    for url in [*TOKEN_ADMIN_PAGES, f"/admin/knox/authtoken/{someone_elses.digest}/change/"]:
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert someone_elses.token_key not in response.content.decode()
    index = client.get("/admin/").content.decode()
    assert "/admin/knox/" not in index and "/admin/authtoken/" not in index


def test_a_superuser_lists_everyones_tokens_by_prefix_and_revokes_them(client):
    owner = make_user(role=ROLE_AUDITOR)
    token, key = AuthToken.objects.create(owner)
    client.force_login(make_user(is_superuser=True))
    page = client.get("/admin/knox/authtoken/").content.decode()
    assert token.token_key in page and key not in page
    assert client.get("/admin/knox/authtoken/add/").status_code == 403
    client.post(f"/admin/knox/authtoken/{token.digest}/delete/", {"post": "yes"})
    assert not AuthToken.objects.filter(user=owner).exists()


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reaches_its_token_page_from_the_admin(client, role):
    client.force_login(make_user(role=role))
    assert f'href="{TOKENS_PAGE}"' in client.get("/admin/").content.decode()
    page = client.get(TOKENS_PAGE)
    assert page.status_code == 200 and "Mis tokens de la API" in page.content.decode()


def test_the_page_needs_a_staff_login(client):
    assert client.get(TOKENS_PAGE).url.startswith(reverse("admin:login"))
    client.force_login(get_user_model().objects.create_user("vecino", password="secreto-de-prueba"))
    assert client.get(TOKENS_PAGE).url.startswith(reverse("admin:login"))
    client.post(TOKENS_PAGE, {"days": 90})
    assert not AuthToken.objects.exists()


def test_a_token_is_shown_once_and_stored_hashed(client, registrador):
    client.force_login(registrador)
    response, key = create_on_the_page(client)
    assert "no-store" in response["Cache-Control"]

    token = AuthToken.objects.get(user=registrador)
    assert token.digest == hash_token(key) and key not in (token.digest, token.token_key)
    assert key.startswith(token.token_key)
    assert timezone.now() + timedelta(days=89) < token.expiry <= timezone.now() + timedelta(days=90)

    again = client.get(TOKENS_PAGE).content.decode()
    assert key not in again and token.token_key in again
    assert timezone.localtime(token.expiry).strftime("%d/%m/%Y") in again


def test_the_chosen_validity_is_capped_by_the_setting(client, registrador, settings):
    settings.API_TOKEN_DAYS = 30
    client.force_login(registrador)
    create_on_the_page(client, days=7)
    assert AuthToken.objects.get().expiry <= timezone.now() + timedelta(days=7)
    refused = client.post(TOKENS_PAGE, {"days": 90})
    assert NEW_TOKEN.search(refused.content.decode()) is None and AuthToken.objects.count() == 1


def test_the_number_of_live_tokens_is_bounded(client, registrador):
    for _ in range(10):
        make_token(registrador)
    client.force_login(registrador)
    refused = client.post(TOKENS_PAGE, {"days": 90}).content.decode()
    assert "revoque los que no use" in refused and NEW_TOKEN.search(refused) is None
    assert AuthToken.objects.count() == 10


def test_each_person_lists_and_revokes_only_their_own(client, registrador, revisor):
    theirs = AuthToken.objects.create(revisor)[0]
    mine = AuthToken.objects.create(registrador)[0]
    client.force_login(registrador)
    page = client.get(TOKENS_PAGE).content.decode()
    assert mine.token_key in page and theirs.token_key not in page

    client.post(TOKENS_PAGE, {"revoke": theirs.token_key})
    assert AuthToken.objects.filter(pk=theirs.pk).exists()
    client.post(TOKENS_PAGE, {"revoke": mine.token_key})
    assert not AuthToken.objects.filter(pk=mine.pk).exists()


def test_a_registrador_cannot_see_or_use_a_revisors_token(client, registrador, revisor, indicator):
    revisor_token, revisor_key = AuthToken.objects.create(revisor)
    client.force_login(registrador)
    for url in [TOKENS_PAGE, "/admin/", *TOKEN_ADMIN_PAGES]:
        body = client.get(url).content.decode()
        assert revisor_token.token_key not in body and revisor_key not in body
    # Their own token speaks for them only: the four-eyes rule still holds.
    api = token_client(make_token(registrador))
    pk = api.post(
        "/api/v1/readings/",
        {"indicator": "AGUA-HORAS", "period": "2021-03-01", "value": "12", "source": "EPS"},
        format="json",
    ).json()["id"]
    assert api.post(f"/api/v1/readings/{pk}/submit/").status_code == 200
    assert api.post(f"/api/v1/readings/{pk}/approve/").status_code == 403
    assert Reading.objects.get(pk=pk).status == "submitted"


def test_a_token_works_on_the_write_endpoints(registrador, revisor, indicator):
    as_registrador, as_revisor = token_client(make_token(registrador)), token_client(make_token(revisor))
    created = as_registrador.post(
        "/api/v1/readings/",
        {"indicator": "AGUA-HORAS", "period": "2021-03-01", "value": "12", "source": "EPS"},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert as_registrador.patch(f"/api/v1/readings/{pk}/", {"value": "13"}, format="json").status_code == 200
    assert as_registrador.post(f"/api/v1/readings/{pk}/submit/").status_code == 200
    assert as_revisor.post(f"/api/v1/readings/{pk}/approve/").json()["status"] == "approved"
    reading = Reading.objects.get(pk=pk)
    assert (reading.entered_by, reading.reviewed_by) == (registrador, revisor)


def test_an_expired_token_gets_401(registrador, indicator):
    key = make_token(registrador, expiry=timedelta(seconds=-1))
    response = token_client(key).post("/api/v1/readings/", {}, format="json")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert token_client(key).get("/api/v1/readings/").status_code == 401


def test_a_revoked_token_gets_401(client, registrador, indicator):
    key = make_token(registrador)
    assert token_client(key).get("/api/v1/readings/", {"status": "draft"}).status_code == 200
    client.force_login(registrador)
    client.post(TOKENS_PAGE, {"revoke": key[:15]})
    assert token_client(key).get("/api/v1/readings/").status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Token nada", "Token " + "0" * 64, "Token ñandú", "Token \xff\xfe", "Token a b", "Token"],
    ids=["short", "unknown", "non-ascii", "latin-1", "spaces", "empty"],
)
def test_a_bad_token_gets_401_never_500(header, db):
    api = APIClient(raise_request_exception=False)
    response = api.get("/api/v1/offices/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401 and response["Content-Type"] == "application/json"


def test_old_drf_tokens_no_longer_authenticate(registrador):
    # DRF's plaintext tokens (40 hex characters) are gone with their app.
    assert not django_apps.is_installed("rest_framework.authtoken")
    assert token_client("0123456789abcdef0123456789abcdef01234567").get("/api/v1/offices/").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_a_database_that_had_drf_tokens_loses_their_table_permissions_and_records():
    """A database from when `rest_framework.authtoken` was installed migrates cleanly without it:
    the keys' table, its content types (and their permissions, out of every group) and its
    migrations' records go."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder

    MigrationExecutor(connection).migrate([("ilo_plan", "0004_entity_administrador")])
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer NOT NULL)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef0123456789abcdef01234567', 1)")
    token_type = ContentType.objects.create(app_label="authtoken", model="token")
    group = Group.objects.create(name="con permisos viejos")
    group.permissions.add(Permission.objects.create(content_type=token_type, codename="view_token", name="Ver"))
    recorder = MigrationRecorder(connection)
    recorder.record_applied("authtoken", "0004_alter_tokenproxy_options")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    assert "authtoken_token" not in connection.introspection.table_names()
    assert not ContentType.objects.filter(app_label="authtoken").exists()
    assert not group.permissions.exists()
    assert not recorder.migration_qs.filter(app="authtoken").exists()
    assert ("ilo_plan", "0005_drop_drf_tokens") in recorder.applied_migrations()


def test_no_migration_depends_on_drf_tokens():
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    assert not [key for key in graph.nodes if key[0] == "authtoken"]


def test_the_schema_declares_the_token_scheme(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert "Token <clave>" in scheme["description"] and "/admin/tokens/" in scheme["description"]
    create = schema["paths"]["/api/v1/readings/"]["post"]
    assert {"tokenAuth": []} in create["security"]


def test_creating_and_revoking_a_token_is_in_the_admin_log(client, registrador):
    from django.contrib.admin.models import ADDITION, DELETION, LogEntry

    client.force_login(registrador)
    _, key = create_on_the_page(client, days=30)
    token = AuthToken.objects.get(user=registrador)
    client.post(TOKENS_PAGE, {"revoke": token.token_key})
    client.post(TOKENS_PAGE, {"revoke": "no-existe"})  # nothing revoked, nothing logged
    entries = list(LogEntry.objects.filter(content_type__model="authtoken").order_by("action_time", "pk"))
    assert [(e.user, e.action_flag) for e in entries] == [(registrador, ADDITION), (registrador, DELETION)]
    assert all(e.object_repr == f"Token {token.token_key}… de {registrador.username}" for e in entries)
    assert "vence el" in entries[0].change_message and "revocado" in entries[1].change_message
    assert not any(key in e.object_repr + e.change_message or token.digest in e.object_repr for e in entries)
