"""`make serve`'s gunicorn settings keep a long streaming export whole, and a worker killed mid-stream
anyway shows the client an incomplete download, never a clean truncated 200."""

import csv
import http.client
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from indicators.models import Reading

pytestmark = [pytest.mark.slow, pytest.mark.django_db]  # slow: gunicorn servers in subprocesses
ROOT = Path(django_settings.BASE_DIR)
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
TIMEOUT = 2
SECONDS_PER_CHUNK = 0.1  # per CSV row (tests.slow_wsgi): the export below takes several timeouts


def subprocess_database_url(tmp_path) -> str:
    """The suite's own test database, reachable from another process: PostgreSQL's as is, SQLite's
    in-memory one copied to a file."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    path = tmp_path / "copy.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve(tmp_path, plan):
    """Starts gunicorn on tests.slow_wsgi with the production settings and `make serve`'s gunicorn
    configuration (plus any extra command-line options); yields its port."""
    processes = []

    def start(*options):
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "s9!k2#mQ7pL0vR4tZ8wY1bN6cF3hJ5sD-serve-test-key-0123456789abcdef",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "DATABASE_URL": subprocess_database_url(tmp_path),
            "DJANGO_CONN_MAX_AGE": "0",
            "PUBLIC_CACHE_SECONDS": "0",
            "API_THROTTLE_ANON": "100000/min",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "GUNICORN_TIMEOUT": str(TIMEOUT),
            "SLOW_CHUNK_SECONDS": str(SECONDS_PER_CHUNK),
        }
        command = [GUNICORN, "-c", "python:ilo_plan.gunicorn_conf", *options, "tests.slow_wsgi:application"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        processes.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(port, "/healthz")[0] == 200:
                    return port
            except OSError:
                time.sleep(0.2)
        process.kill()
        raise AssertionError("gunicorn no arrancó: " + process.stderr.read().decode()[-2000:])

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def get(port, path, https=False):
    """An HTTP/1.1 GET, as browsers and curl send it: the status and the whole body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"X-Forwarded-Proto": "https"} if https else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_a_long_streaming_export_is_served_whole(serve):
    expected = Reading.objects.approved().count()
    assert expected * SECONDS_PER_CHUNK > 2 * TIMEOUT  # the export outlives the worker timeout
    port = serve()

    started = time.monotonic()
    status, body = get(port, "/api/v1/readings/?format=csv", https=True)

    assert time.monotonic() - started > 2 * TIMEOUT
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert status == 200 and len(rows) == expected + 1


def test_load_balancers_probe_healthz_over_plain_http(serve):
    port = serve()
    status, body = get(port, "/healthz")
    assert status == 200 and json.loads(body)["database"] == "ok"
    # The production profile queues its tasks in the database, for `make worker`: the queue shows.
    assert json.loads(body)["tasks"] == {"backend": "database", "waiting": 0, "running": 0, "oldest_ready_seconds": 0.0}
    assert get(port, "/")[0] == 301  # everything else still goes to HTTPS


def test_a_worker_killed_mid_export_leaves_a_visibly_incomplete_download(serve):
    # A sync worker is silent while it streams, so the arbiter kills it after the timeout: the
    # chunked body then ends without its last chunk, and the client knows the file is cut.
    port = serve("--worker-class", "sync", "--threads", "1")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/api/v1/readings/?format=csv", headers={"X-Forwarded-Proto": "https"})
    response = conn.getresponse()
    assert response.status == 200 and response.getheader("Transfer-Encoding") == "chunked"
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        response.read()
    conn.close()
