"""A pg_dump of a database restores into an empty one with every reading and every history row."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
ROOT = Path(settings.BASE_DIR)

pytestmark = [
    pytest.mark.slow,  # a real pg_dump and restore
    pytest.mark.skipif(
        not shutil.which("pg_dump")
        or subprocess.run(["pg_isready", "-h", PG["host"], "-p", PG["port"], "-q"]).returncode != 0,
        reason="PostgreSQL no está disponible en 127.0.0.1:5432: prueba de respaldo omitida.",
    ),
]


def psql(sql, database="postgres"):
    subprocess.run(
        ["psql", "-h", PG["host"], "-U", PG["user"], "-d", database, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        check=True,
        capture_output=True,
        text=True,
    )


def scalar(sql, database):
    return subprocess.run(
        ["psql", "-h", PG["host"], "-U", PG["user"], "-d", database, "-qAtc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def manage(database, *args):
    env = {**os.environ, "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database}"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


CHECKSUM = {
    "readings": "SELECT count(*) || ':' || md5(string_agg(uid::text || value::text || status, ',' ORDER BY uid)) "
    "FROM indicators_reading",
    "history": "SELECT count(*) || ':' || md5(string_agg(history_id::text || value::text || status || "
    "coalesce(history_change_reason, ''), ',' ORDER BY history_id)) FROM indicators_historicalreading",
}


@pytest.fixture
def databases():
    suffix = uuid.uuid4().hex[:8]
    source, target = f"ilo_backup_src_{suffix}", f"ilo_backup_dst_{suffix}"
    psql(f"CREATE DATABASE {source}")
    psql(f"CREATE DATABASE {target}")
    yield source, target
    for name in (source, target):
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_dump_restores_every_reading_and_history_row(databases, tmp_path):
    source, target = databases
    manage(source, "migrate", "--noinput")
    manage(source, "load_plan")
    manage(source, "load_demo")
    manage(
        source,
        "shell",
        "-c",
        "from indicators.models import Reading; r = Reading.objects.filter(status='submitted').first(); "
        "r.reject(r.reviewed_by or __import__('django.contrib.auth', fromlist=['get_user_model'])"
        ".get_user_model().objects.get(username='demo-revisor'), 'Sin sustento')",
    )
    before = {name: scalar(sql, source) for name, sql in CHECKSUM.items()}
    assert int(before["readings"].split(":")[0]) > 100 and int(before["history"].split(":")[0]) > 80

    dump = tmp_path / "plan.dump"
    subprocess.run(["pg_dump", "-h", PG["host"], "-U", PG["user"], "-Fc", "-f", str(dump), source], check=True)
    subprocess.run(
        ["pg_restore", "-h", PG["host"], "-U", PG["user"], "--no-owner", "-d", target, str(dump)], check=True
    )

    assert {name: scalar(sql, target) for name, sql in CHECKSUM.items()} == before
