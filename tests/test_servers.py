"""Several servers on one PostgreSQL and one Redis, as a national deployment runs: two gunicorn
servers in the production profile and one task worker. An approval made through one server shows
on the other within DATA_VERSION_SECONDS, both answer with the same ETag, the worker renders the
plan's pages and builds its package once (no server builds on a request), and the API's throttle
counts a client's requests across both."""

import http.client
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from indicators.access import ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Indicator, Reading
from tests.conftest import load_plan
from tests.factories import make_token, make_user
from tests.test_serve import free_port, subprocess_database_url

pytestmark = [
    pytest.mark.slow,  # two servers, Redis and a worker
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="Varios servidores: solo en PostgreSQL."),
]
ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
HOST = "seguimiento.test"  # the public address both servers answer for (SITE_URL)
SECONDS = 1  # DATA_VERSION_SECONDS
URL = "/planes/ilo-2019-2022/metas/S1.1-M/"


def request(port, path, method="GET", body=None, headers=None):
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection_.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        answer = connection_.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection_.close()


def wait_until(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what}: no llegó en {seconds} s")


@pytest.fixture
def deployment(tmp_path):
    """Redis, two servers and a worker on the suite's database; yields the two ports."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server no está instalado (apt-get install redis-server).")
    load_plan()
    processes = []
    redis_port = free_port()
    processes.append(
        subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "m3!q8#vT2wL9xR5zK0pB7nC4hF1jS6dG-servers-test-key-0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DATABASE_URL": subprocess_database_url(tmp_path),
        "DJANGO_CONN_MAX_AGE": "0",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "TASKS_BACKEND": "database",
        "SITE_URL": f"http://{HOST}",
        "DATA_VERSION_SECONDS": str(SECONDS),
        "PUBLIC_CACHE_SECONDS": "600",
        "REFRESH_DELAY_SECONDS": "0",
        "NATIONAL_PACKAGE_DELAY_SECONDS": "0",
        "API_THROTTLE_ANON": "6/min",
        "AXES_ENABLED": "0",
        "OPEN_DATA_ROOT": str(tmp_path / "datos-abiertos"),  # the storage every server shares
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "HOST": "127.0.0.1",
    }
    env.pop("DJANGO_RELEASE", None)  # each server computes the code's digest itself: they must agree
    ports = []
    for _ in range(2):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [GUNICORN, "-c", "python:ilo_plan.gunicorn_conf", "ilo_plan.wsgi:application"],
                cwd=ROOT,
                env={**env, "PORT": str(port)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        ports.append(port)
    processes.append(
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    try:
        for port in ports:
            wait_until(lambda port=port: _healthy(port), 60, f"el servidor {port}")
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _healthy(port):
    try:
        return request(port, "/healthz")[0] == 200
    except OSError:
        return False


def test_two_servers_one_database_one_redis_and_a_worker(deployment):
    first, second = deployment
    water = Indicator.objects.get(code="AGUA-HORAS")
    registrador = make_user("rosa", ROLE_REGISTRADOR, [water.office])
    revisor = make_user("raul", ROLE_REVISOR, [water.office])
    reading = Reading.objects.create_draft(
        user=registrador, indicator=water, period=date(2022, 11, 1), value=Decimal("17.3"), source="EPS"
    )
    reading.submit(registrador)

    # The same page, the same ETag, from either server.
    status, before, body = request(second, URL)
    assert status == 200 and "17.3" not in body.decode()
    assert request(first, URL)[1]["ETag"] == before["ETag"]

    # An approval through server 1 shows through server 2 within DATA_VERSION_SECONDS.
    token = make_token(revisor)
    status, _, _ = request(
        first,
        f"/api/v1/readings/{reading.pk}/approve/",
        "POST",
        "{}",
        {"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    assert status == 200
    approved = time.monotonic()
    _, after, body = wait_until(
        lambda: (answer := request(second, URL)) and "17.3" in answer[2].decode() and answer,
        SECONDS + 5,
        "la aprobación en el servidor 2",
    )
    assert time.monotonic() - approved <= SECONDS + 5
    assert after["ETag"] != before["ETag"] and request(first, URL)[1]["ETag"] == after["ETag"]

    # The worker renders the plan's pages and builds its package, once; no server builds one.
    from django_tasks_db.models import DBTaskResult

    refreshed = wait_until(
        lambda: DBTaskResult.objects.filter(task_path="ilo_plan.tasks.refresh_plan", status="SUCCESSFUL").count(),
        60,
        "la tarea del plan",
    )
    assert refreshed == 1
    status, headers, _ = request(second, URL)
    assert headers.get("X-Cache") == "hit"
    status, headers, zipped = request(first, "/planes/ilo-2019-2022/datos/export.zip")
    assert status == 200 and zipped[:2] == b"PK"
    assert request(second, "/planes/ilo-2019-2022/datos/export.zip")[1]["ETag"] == headers["ETag"]

    # The API's throttle counts an anonymous client's requests across both servers (6 a minute).
    answers = [request((first, second)[n % 2], f"/api/v1/targets/?page_size={n + 1}")[0] for n in range(8)]
    assert answers[:6] == [200] * 6 and answers[6:] == [429, 429]
