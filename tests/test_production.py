"""The production profile: deploy checks, security headers, login throttling, health, database down."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from tests.factories import make_user

pytestmark = pytest.mark.django_db
ROOT = Path(django_settings.BASE_DIR)
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x9!k2#mQ7pL0vR4tZ8wY1bN6cF3hJ5sD-production-test-key-0123456789",
    "DJANGO_ALLOWED_HOSTS": "plan.example.org",
}


def run_manage(*args, env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_security_headers(client, plan, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    response = client.get("/", secure=True)
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "'self'" in script_src
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp  # pages without charts allow no inline style either
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_chart_pages_allow_inline_styles_but_never_inline_scripts(client, plan):
    csp = client.get("/metas/S1.1-M/")["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src


def test_session_cookies_are_secure_and_http_only_in_production():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE)",
        env=PRODUCTION_ENV,
    )
    assert result.stdout.split()[-3:] == ["True", "True", "True"]


def test_admin_login_is_locked_after_repeated_failures_and_released_by_axes_reset(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("jefa", is_superuser=True)
    for _ in range(3):
        client.post("/admin/login/", {"username": "jefa", "password": "mal"})
    locked = client.post("/admin/login/", {"username": "jefa", "password": "secreto-de-prueba"})
    assert locked.status_code == 429
    call_command("axes_reset", verbosity=0)
    released = client.post("/admin/login/", {"username": "jefa", "password": "secreto-de-prueba"})
    assert released.status_code == 302


def test_healthz_answers_200_when_the_database_answers(client):
    answer = client.get("/healthz").json()
    assert (answer["status"], answer["database"], answer["tasks"]["backend"]) == ("ok", "ok", "dummy")


UNREACHABLE = {"DATABASE_URL": "postgres://nadie@127.0.0.1:1/ninguna", "PUBLIC_CACHE_SECONDS": "600"}
PROBE = """
from django.test import Client
c = Client()
for url in ["/healthz", "/ejes/2/", "/api/v1/targets/", "/metas/S1.1-M/"]:
    r = c.get(url)
    print(url, r.status_code, r.get("Retry-After"), r.content.decode()[:400].replace(chr(10), " "))
"""


def test_when_the_database_is_unreachable():
    # A separate process whose DATABASE_URL points at a closed port: a real unreachable server.
    result = run_manage("shell", "-c", PROBE, env=UNREACHABLE)
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("/")}
    assert lines["/healthz"].split()[1] == "503", result.stdout + result.stderr
    for url in ["/ejes/2/", "/metas/S1.1-M/"]:
        assert lines[url].split()[1:3] == ["503", "60"] and "no está disponible" in lines[url]
    assert lines["/api/v1/targets/"].split()[1] == "503" and '"detail"' in lines["/api/v1/targets/"]
