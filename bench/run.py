"""`make bench`: the product at a million readings and at hundreds of plans, measured, written to
docs/benchmarks.md (and what it means for a deployment, to docs/scaling.md).

1. a scratch PostgreSQL database (BENCH_DB, default ilo_bench, dropped at the end) with the plan,
   200 indicators, BENCH_READINGS (1,000,000) approved readings and their history rows; a Redis
   of its own (`redis-server` on a free port, nothing saved) as the cache every server shares;
2. the production profile (gunicorn, 2 workers) on a free local port, every request naming the
   site's public host (SITE_URL, which the worker renders pages ahead under);
3. load from a second process (locust, headless) on the home, axis, target, indicator and
   directory pages, the root search and the API lists, and a static file as the yardstick, with
   the public cache on and off;
4. the CSV export of the million readings and the national open-data package; the import of
   BENCH_IMPORT_ROWS (100,000) readings through `import_readings`, alone and two at once into
   two entities' offices;
5. queries per page, a revalidation's queries, the EXPLAIN of the heaviest queries, and in-process
   p50s (`bench/pages.py`): a target page's cold render, the national pages;
6. with the task worker (`db_worker`, as `make worker` runs it): a browser's revalidation (gzip,
   weak ETag) of the public pages; approvals of a reading of the seed plan through the API, timed
   until its pages and its open-data package are ready; the first request to each of its pages
   once its refresh is done, against the static file;
7. the national scenario: BENCH_PLANS (300) plans of distinct entities generated as plan files and
   loaded (`bench/national.py`); the national pages at that size; a sample of the other plans'
   pages (BENCH_SAMPLE, 30 plans) under load for BENCH_NATIONAL_SECONDS, with no change, with an
   approval elsewhere every 3 s (the share of cache hits), and through two servers at once.
Everything stays on this machine (127.0.0.1). BENCH_READINGS, BENCH_PLANS, BENCH_SECONDS and
BENCH_IMPORT_ROWS make a small run for trying the bench out: its numbers are marked as such."""

import csv
import http.client
import json
import math
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path
from statistics import median

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "ilo_bench")
DATABASE_URL = f"{PG}/{DB}"
READINGS = int(os.environ.get("BENCH_READINGS", "1000000"))
INDICATORS = 200
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
USERS = 8
PLANS = int(os.environ.get("BENCH_PLANS", "300"))
# The other plans whose pages the national load requests (all their pages, both languages).
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "30"))
NATIONAL_SECONDS = int(os.environ.get("BENCH_NATIONAL_SECONDS", str(4 * SECONDS)))
APPROVAL_EVERY = 3  # seconds between approvals elsewhere, as a national deployment gets them
TIMED_APPROVALS = int(os.environ.get("BENCH_APPROVALS", "3"))
FULL_SIZE = READINGS >= 1_000_000 and PLANS >= 300 and SECONDS >= 15 and IMPORT_ROWS >= 100_000
# The site's public address: the worker renders pages ahead under this host, so every request of
# the bench names it (whatever server's port it goes to), as visitors behind a proxy do.
SITE_HOST = "bench.test"
ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1",
    "DJANGO_ALLOWED_HOSTS": f"127.0.0.1,localhost,testserver,{SITE_HOST}",
    "SITE_URL": f"http://{SITE_HOST}",
    "TASKS_BACKEND": "database",
    # The national package of every plan is measured apart (`build_open_data`, below); deferred an
    # hour here so that its minute of CPU never lands inside a timed run.
    "NATIONAL_PACKAGE_DELAY_SECONDS": "3600",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "API_THROTTLE_ANON": "100000000/min",
    "API_THROTTLE_USER": "100000000/min",
    "AXES_ENABLED": "0",
    # The bench's data version numbers must never be served by a development site's folder.
    "OPEN_DATA_ROOT": os.environ.get("BENCH_OPEN_DATA_ROOT") or os.path.join(tempfile.gettempdir(), f"{DB}-open-data"),
}


def say(message):
    print(f"[bench] {message}", flush=True)


def connect(database="postgres"):
    return psycopg2.connect(f"{PG}/{database}", connect_timeout=5)


def require_postgres():
    try:
        connect().close()
    except psycopg2.Error as error:
        print(f"make bench necesita PostgreSQL en {PG} (BENCH_PG): {error}".strip(), file=sys.stderr)
        sys.exit(1)


def manage(*args, env=None, capture=False):
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env or ENV, check=True, text=True, capture_output=capture
    )


def create_database():
    admin = connect()
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DB}")
    admin.close()
    manage("migrate", "--noinput", "-v0")
    manage("load_plan")
    manage("load_demo", env={**ENV, "DJANGO_DEBUG": "1"}, capture=True)  # it refuses to run in production


def generate_data():
    """Synthetic indicators up to 200 and a million approved readings with history, in SQL."""
    started = time.monotonic()
    conn = connect(DB)
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM indicators_indicator")
        existing = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM indicators_unit WHERE code = 'porcentaje' AND entity_id IS NULL")
        unit = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM indicators_office ORDER BY id")
        offices = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            INSERT INTO indicators_indicator (code, name, description, unit_id, direction, frequency, office_id,
                source, method, baseline_source, reference_note, "order", entity_id)
            SELECT 'BENCH-' || lpad(n::text, 3, '0'), 'Indicador sintético ' || n, '', %s, 'up', 'monthly',
                   o.id, 'Benchmark', '', '', '', 1000 + n, o.entity_id
            FROM generate_series(1, %s) AS n
            JOIN indicators_office o ON o.id = (%s::bigint[])[1 + n %% %s]
            """,
            [unit, INDICATORS - existing, offices, len(offices)],
        )
        cursor.execute("SELECT count(*) FROM indicators_reading")
        current = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM indicators_indicator WHERE code LIKE 'BENCH-%%' ORDER BY id")
        synthetic = [row[0] for row in cursor.fetchall()]
        per_indicator = -(-(READINGS - current) // len(synthetic))
        say(f"{len(synthetic)} indicadores sintéticos, {per_indicator} lecturas cada uno")
        # One reading per indicator and day from 1990 on: distinct periods keep the
        # one-approved-per-period constraint true.
        cursor.execute(
            """
            INSERT INTO indicators_reading (uid, indicator_id, period, value, source, note, status, is_demo,
                is_cited, submitted_at, reviewed_at, approved_at, review_note, correction_reason, withdrawal_reason,
                is_outlier, is_undated, created_at, updated_at)
            SELECT md5(i::text || '-' || d::text)::uuid, i, date '1990-01-01' + d,
                   round((random() * 100)::numeric, 2), 'Benchmark', '', 'approved', false,
                   false, now(), now(), now(), '', '', '', false, false, now(), now()
            FROM unnest(%s::bigint[]) AS i, generate_series(0, %s - 1) AS d
            LIMIT %s
            """,
            [synthetic, per_indicator, READINGS - current],
        )
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'indicators_historicalreading' "
            "AND column_name NOT LIKE 'history%%'"
        )
        columns = ", ".join(row[0] for row in cursor.fetchall())
        cursor.execute(
            f"""
            INSERT INTO indicators_historicalreading ({columns}, history_date, history_change_reason, history_type)
            SELECT {columns}, now(), 'benchmark', '+' FROM indicators_reading
            WHERE id NOT IN (SELECT id FROM indicators_historicalreading)
            """
        )
        cursor.execute("SELECT count(*) FROM indicators_reading WHERE status = 'approved'")
        approved = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM indicators_historicalreading")
        history = cursor.fetchone()[0]
        # Written in SQL, so no signal counted it: the synthetic indicators are of no plan (their entity's
        # scope), and every other counter moves too, as after any load.
        cursor.execute(
            "INSERT INTO core_dataversion (scope, counter, changed_at) "
            "SELECT DISTINCT 'entity:' || entity_id, 1, now() FROM indicators_indicator WHERE id = ANY(%s) "
            "ON CONFLICT (scope) DO NOTHING",
            [synthetic],
        )
        cursor.execute("UPDATE core_dataversion SET counter = counter + 1, changed_at = now()")
    conn.autocommit = True
    manage("refresh_search", capture=True)  # the synthetic indicators were written in SQL: their search words
    with conn.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # hint bits set, as on long-committed data
    conn.close()
    return {"approved": approved, "history": history, "seconds": time.monotonic() - started, "synthetic": synthetic}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workers, env):
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "ilo_plan.wsgi:application",
            "--no-control-socket",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    RUNNING.append(process)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process, port
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn no arrancó")


# What the bench started and has not stopped yet: stopped at the end whatever happens.
RUNNING = []


def stop(process):
    if process in RUNNING:
        RUNNING.remove(process)
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Locust:
    """One locust process loading one server, started now; `result()` waits for it and reads its
    numbers: requests per second, p50 and p95 in ms, failures, and the X-Cache answers counted."""

    def __init__(self, port, path=None, paths=None, users=USERS, seconds=SECONDS):
        self.folder = tempfile.mkdtemp(prefix="bench-locust-")
        self.prefix = os.path.join(self.folder, "stats")
        self.counts = os.path.join(self.folder, "counts.json")
        self.name = path or "pages"
        env = {**os.environ, "BENCH_HOST_HEADER": SITE_HOST, "BENCH_COUNTS": self.counts}
        if paths is not None:
            listing = os.path.join(self.folder, "paths.txt")
            Path(listing).write_text("\n".join(paths), encoding="utf-8")
            env.update(BENCH_PATHS=listing, BENCH_NAME=self.name)
        else:
            env["BENCH_PATH"] = path
        self.process = subprocess.Popen(
            [
                str(Path(PY).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                self.prefix,
                "--only-summary",
                "--loglevel",
                "ERROR",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def result(self):
        _, errors = self.process.communicate()
        try:
            with open(self.prefix + "_stats.csv", newline="") as stream:
                row = next(r for r in csv.DictReader(stream) if r["Name"] == self.name)
            counts = json.loads(Path(self.counts).read_text()) if os.path.exists(self.counts) else {}
        except (OSError, StopIteration) as error:
            output = errors.decode(errors="replace")[-2000:]
            raise SystemExit(f"locust no dio resultados ({error}):\n{output}") from error
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
        return {
            "rps": float(row["Requests/s"]),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "hits": counts.get("hit", 0),
            "misses": counts.get("miss", 0),
        }


def load(port, path):
    """Requests per second, p50 and p95 in ms, failures, from a locust process on one URL."""
    return Locust(port, path).result()


def combined(results):
    """Several locust processes' numbers as one: requests and throughput add up; the p50 and p95
    are the request-weighted means of each process's (percentiles do not add; each is kept too)."""
    requests = sum(r["requests"] for r in results) or 1
    return {
        "rps": sum(r["rps"] for r in results),
        "p50": sum(r["p50"] * r["requests"] for r in results) / requests,
        "p95": sum(r["p95"] * r["requests"] for r in results) / requests,
        "requests": sum(r["requests"] for r in results),
        "failures": sum(r["failures"] for r in results),
        "hits": sum(r["hits"] for r in results),
        "misses": sum(r["misses"] for r in results),
        "each": results,
    }


def fetch(port, path, method="GET", body=None, headers=None):
    """One request as a visitor of the public host makes it, on a new connection: status,
    headers (lowercase names), body, milliseconds until the body was read."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        connection.request(method, path, body=body, headers={"Host": SITE_HOST, **(headers or {})})
        response = connection.getresponse()
        content = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content, elapsed
    finally:
        connection.close()


def approve(port, item):
    """Approve a submitted reading through the API with its revisor's token: (status, milliseconds)."""
    status, _, body, elapsed = fetch(
        port,
        f"/api/v1/readings/{item['reading']}/approve/",
        "POST",
        json.dumps({"confirm_outlier": True}),
        {"Authorization": f"Token {item['token']}", "Content-Type": "application/json"},
    )
    if status != 200:
        say(f"  la aprobación de la lectura {item['reading']} respondió {status}: {body[:300]!r}")
    return status, elapsed


def static_path(port):
    html = fetch(port, "/")[2].decode()
    return re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', html).group(1)


def start_redis():
    """A Redis of the bench's own on a free port, nothing written to disk."""
    if not shutil.which("redis-server"):
        raise SystemExit("make bench necesita redis-server (Debian: apt-get install redis-server).")
    import redis

    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    RUNNING.append(process)
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            return process, port, client
        except redis.RedisError:
            time.sleep(0.1)
    stop(process)
    raise SystemExit("redis-server no arrancó")


def start_worker(env):
    """The task worker, as `make worker` runs it; its output goes to a log file kept for failures."""
    log = tempfile.NamedTemporaryFile(prefix="bench-worker-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [PY, "manage.py", "db_worker", "--no-reload"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    process.log = log.name
    RUNNING.append(process)
    return process


def vm_hwm_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def children(pid):
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def download(port, path):
    """Seconds and bytes of one download, read in 1 MB pieces as a client saves it."""
    started = time.monotonic()
    size = 0
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3600) as response:
        while chunk := response.read(1 << 20):
            size += len(chunk)
    return time.monotonic() - started, size


def measure_export(env):
    """The live CSV of every reading (streamed by PostgreSQL's COPY), then the open data package:
    its build for this data version (`build_open_data`, as a deploy or a cron runs it) and the
    prebuilt files served to a client. One worker each time, its peak memory from the kernel."""
    found = {}
    process, port = start_server(1, env)
    try:
        worker = children(process.pid)[0]
        found["idle_mb"] = vm_hwm_kb(worker) / 1024
        found["seconds"], found["bytes"] = download(port, "/api/v1/readings/?format=csv")
        found["peak_mb"] = vm_hwm_kb(worker) / 1024
    finally:
        stop(process)
    started = time.monotonic()
    found["build_peak_mb"] = peak_memory_of("build_open_data", env=env)
    found["build_seconds"] = time.monotonic() - started
    process, port = start_server(1, env)
    try:
        worker = children(process.pid)[0]
        found["table_seconds"], found["table_bytes"] = download(port, "/api/v1/export/readings.csv")
        found["zip_seconds"], found["zip_bytes"] = download(port, "/api/v1/export.zip")
        found["prebuilt_peak_mb"] = vm_hwm_kb(worker) / 1024
    finally:
        stop(process)
    return found


def import_indicators(cursor, office):
    """300 monthly indicators BENCH-IMP-001… of `office`, which the import's CSV names."""
    cursor.execute(
        """
        INSERT INTO indicators_indicator (code, name, description, unit_id, direction, frequency, office_id,
            source, method, baseline_source, reference_note, "order", entity_id)
        SELECT 'BENCH-IMP-' || lpad(n::text, 3, '0'), 'Indicador de importación ' || n, '',
               (SELECT id FROM indicators_unit WHERE code = 'porcentaje' AND entity_id IS NULL),
               'up', 'monthly', %s,
               'Benchmark', '', '', '', 2000 + n, (SELECT entity_id FROM indicators_office WHERE id = %s)
        FROM generate_series(1, 300) AS n
        """,
        [office, office],
    )


def make_registrador(username, office):
    """A registrador of `office`: staff of its entity (a Membership) and a member of the office."""
    manage(
        "shell",
        "-c",
        (
            "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
            "from indicators.models import Office; from core.models import Membership; "
            f"u = get_user_model().objects.create_user({username!r}, is_staff=True); "
            "u.groups.add(Group.objects.get(name='registrador')); "
            f"o = Office.objects.get(pk={office}); Membership.objects.create(user=u, entity_id=o.entity_id); "
            "o.members.add(u)"
        ),
    )


def import_file():
    """IMPORT_ROWS readings of the 300 BENCH-IMP indicators, as Excel in Spanish writes a CSV."""
    path = Path(tempfile.mkdtemp()) / "lecturas-100k.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["codigo_indicador", "periodo", "valor", "fuente", "nota"])
        for n in range(IMPORT_ROWS):
            month = n // 300
            writer.writerow(
                [
                    f"BENCH-IMP-{n % 300 + 1:03d}",
                    f"{1990 + month // 12}-{month % 12 + 1:02d}",
                    f"{(n * 7) % 100},{n % 10}",
                    "Benchmark",
                    "",
                ]
            )
    return path


def measure_import(synthetic):
    conn = connect(DB)
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT id FROM indicators_office ORDER BY id LIMIT 1")
        office = cursor.fetchone()[0]
        import_indicators(cursor, office)
    conn.close()
    make_registrador("bench-registrador", office)
    path = import_file()
    started = time.monotonic()
    peak_mb = peak_memory_of("import_readings", str(path), "--user", "bench-registrador")
    seconds = time.monotonic() - started
    return {
        "rows": IMPORT_ROWS,
        "seconds": seconds,
        "rate": IMPORT_ROWS / seconds,
        "peak_mb": peak_mb,
        "path": str(path),
    }


def measure_parallel_imports(path):
    """The same file imported into two other entities at once (each its own office of 300
    indicators and its own registrador), both started together: each one's wall time."""
    conn = connect(DB)
    offices = []
    with conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT id, ubigeo FROM core_entity e "
            "WHERE NOT EXISTS (SELECT 1 FROM goals_plan p WHERE p.entity_id = e.id) ORDER BY ubigeo DESC LIMIT 2"
        )
        entities = cursor.fetchall()
        for entity, _ in entities:
            cursor.execute(
                "INSERT INTO indicators_office (code, name, description, entity_id, is_default) "
                "VALUES ('BENCH-IMP', 'Oficina de importación', '', %s, false) RETURNING id",
                [entity],
            )
            office = cursor.fetchone()[0]
            import_indicators(cursor, office)
            offices.append(office)
    conn.close()
    users = []
    for n, office in enumerate(offices, start=2):
        make_registrador(f"bench-registrador-{n}", office)
        users.append(f"bench-registrador-{n}")
    logs = [tempfile.TemporaryFile() for _ in users]
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [PY, "manage.py", "import_readings", str(path), "--user", user],
            cwd=ROOT,
            env=ENV,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for user, log in zip(users, logs, strict=True)
    ]
    ended = {}
    while len(ended) < len(processes):
        for n, process in enumerate(processes):
            if n not in ended and process.poll() is not None:
                ended[n] = time.monotonic() - started
        time.sleep(0.02)
    for process, log in zip(processes, logs, strict=True):
        if process.returncode:
            log.seek(0)
            raise SystemExit(f"import_readings falló:\n{log.read().decode(errors='replace')[-2000:]}")
        log.close()
    return {
        "entities": [ubigeo for _, ubigeo in entities],
        "seconds": [ended[n] for n in range(len(processes))],
        "together": max(ended.values()),
    }


def peak_memory_of(*args, env=None) -> float:
    """Run a manage.py command; its peak resident memory in MB, from the kernel's own account
    of that one process (wait4's rusage), not a sample."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [PY, "manage.py", *args], cwd=ROOT, env=env or ENV, stdout=log, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            log.seek(0)
            raise SystemExit(f"{args[0]} falló:\n{log.read().decode(errors='replace')[-2000:]}")
    return usage.ru_maxrss / 1024  # kilobytes on Linux


# --- work done before the visitor comes (issue 19) -------------------------------------------------

TASKS_TABLE = "django_tasks_database_dbtaskresult"
REFRESH_TASK = "ilo_plan.tasks.refresh_plan"


def national(*args, env=None):
    """`bench/national.py` in its own Django process; what it printed after `JSON`."""
    result = subprocess.run(
        [PY, str(ROOT / "bench" / "national.py"), *map(str, args)],
        cwd=ROOT,
        env=env or ENV,
        text=True,
        capture_output=True,
        check=False,
    )
    if result.returncode or "JSON" not in result.stdout:
        raise SystemExit(f"bench/national.py {args[0]} falló:\n{(result.stdout + result.stderr)[-3000:]}")
    return json.loads(result.stdout.split("JSON", 1)[1])


def query(sql, params=()):
    conn = connect(DB)
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        conn.close()


def clear_queue():
    """Forget the tasks the loading commands queued (no worker ran then): the bench times its own."""
    query(f"DELETE FROM {TASKS_TABLE}")


def refreshes_pending(plan_id=None) -> int:
    """Plan refreshes queued (to run now or soon) or running."""
    sql = f"SELECT count(*) FROM {TASKS_TABLE} WHERE task_path = %s AND status IN ('READY', 'RUNNING')"
    params = [REFRESH_TASK]
    if plan_id is not None:
        sql += " AND args_kwargs -> 'args' = %s::jsonb"
        params.append(json.dumps([plan_id]))
    return query(sql, params)[0][0]


def wait_idle(plan_id=None, timeout=1800) -> float:
    """Wait until no plan refresh waits or runs; the seconds it took."""
    started = time.monotonic()
    while refreshes_pending(plan_id):
        if time.monotonic() - started > timeout:
            raise SystemExit(f"la cola de tareas no se vació en {timeout} s")
        time.sleep(0.2)
    return time.monotonic() - started


def wait_refresh(plan_id, since, worker, timeout=1800):
    """The refresh of `plan_id` queued after `since` (epoch seconds), once finished: its status and
    its enqueued, started and finished times (epoch seconds), the pages it rendered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = query(
            f"""
            SELECT status, extract(epoch FROM enqueued_at), extract(epoch FROM started_at),
                   extract(epoch FROM finished_at), return_value, traceback
            FROM {TASKS_TABLE}
            WHERE task_path = %s AND args_kwargs -> 'args' = %s::jsonb AND enqueued_at >= to_timestamp(%s)
            ORDER BY enqueued_at DESC LIMIT 1
            """,
            [REFRESH_TASK, json.dumps([plan_id]), since],
        )
        if rows and rows[0][0] in ("SUCCESSFUL", "FAILED"):
            status, enqueued, started, finished, value, trace = rows[0]
            if status == "FAILED":
                log = Path(worker.log).read_text(errors="replace")[-2000:]
                raise SystemExit(f"refresh_plan({plan_id}) falló:\n{trace}\n{log}")
            return {
                "enqueued": float(enqueued),
                "started": float(started),
                "finished": float(finished),
                "pages": (value or {}).get("pages"),
            }
        if worker.poll() is not None:
            raise SystemExit(f"el worker terminó:\n{Path(worker.log).read_text(errors='replace')[-2000:]}")
        time.sleep(0.1)
    raise SystemExit(f"refresh_plan({plan_id}) no terminó en {timeout} s")


def plan_version(plan_id) -> int:
    """What a plan's pages and package key on: its counter and the shared one (core.versions.of_plan)."""
    return int(
        query(
            "SELECT coalesce(sum(counter), 0) FROM core_dataversion WHERE scope IN (%s, 'shared')",
            [f"plan:{plan_id}"],
        )[0][0]
    )


def package_marker(plan_id):
    """The newest ready version of a plan's package in the storage (OPEN_DATA_ROOT): its version
    number and when its `ready.json` was written (epoch seconds)."""
    folder = Path(ENV["OPEN_DATA_ROOT"]) / "plans" / str(plan_id)
    ready = [
        (int(path.parent.name[1:]), path.stat().st_mtime)
        for path in folder.glob("v*/ready.json")
        if path.parent.name[1:].isdigit()
    ]
    return max(ready) if ready else (None, None)


class KeyWatcher:
    """When each page entered the shared cache: Redis's own notice of every SET (keyspace
    events), read in a thread, so that nothing is requested (a request would render the page
    itself). Keeps (time, key) of the cached public answers."""

    def __init__(self, client):
        client.config_set("notify-keyspace-events", "E$")
        self.sets = []
        self.pubsub = client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(**{"__keyevent@0__:set": self.seen})
        self.thread = self.pubsub.run_in_thread(sleep_time=0.01, daemon=True)

    def seen(self, message):
        key = message["data"].decode(errors="replace")
        if "public:" in key:
            self.sets.append((time.time(), key))

    def stop(self):
        self.thread.stop()
        self.thread.join(timeout=5)
        self.pubsub.close()


def timed_approval(port, plan_id, item, redis_client, worker):
    """An approval through the API, then, in seconds after its answer: when the refresh task
    started and finished; when the last of the plan's pages entered the cache (Redis's notices;
    no page is requested meanwhile); when the package's `ready.json` of the new version was
    written."""
    wait_idle(plan_id)
    watcher = KeyWatcher(redis_client)
    try:
        since = time.time()
        status, approve_ms = approve(port, item)
        answered = time.time()
        task = wait_refresh(plan_id, since, worker)
    finally:
        watcher.stop()
    version, ready_at = package_marker(plan_id)
    current = plan_version(plan_id)
    # The pages are the cached answers whose key ends with the plan's new version.
    pages = [at for at, key in watcher.sets if key.endswith(f":{current}") and at <= task["finished"] + 1]
    return {
        "status": status,
        "approve_ms": approve_ms,
        "pages": (max(pages) - answered) if pages else None,
        "cached": len(pages),
        "queued_wait": task["started"] - answered,
        "task_done": task["finished"] - answered,
        "task_seconds": task["finished"] - task["started"],
        "package": (ready_at - answered) if version == current else None,
        "package_version": version,
        "version": current,
        "rendered": task["pages"],
    }


def first_requests(port, plan_id, item, static, worker):
    """An approval; once its refresh is done, each public page of the plan requested once, in
    order, one at a time; then the static file as many times, the same way."""
    wait_idle(plan_id)
    since = time.time()
    approve(port, item)
    wait_refresh(plan_id, since, worker)
    paths = national("pages", plan_id)[str(plan_id)]
    pages = []
    for path in paths:
        status, headers, _, elapsed = fetch(port, path)
        pages.append({"path": path, "status": status, "ms": elapsed, "x_cache": headers.get("x-cache", "")})
    statics = [fetch(port, static)[3] for _ in paths]
    # A page the plan lists that does not exist (a 404) is never cached: listed apart, not timed.
    answered = [page for page in pages if page["status"] == 200] or pages
    times = sorted(page["ms"] for page in answered)
    slowest = max(answered, key=lambda page: page["ms"])
    return {
        "count": len(answered),
        "p50": median(times),
        "p95": times[int(0.95 * (len(times) - 1))],
        "max": slowest["ms"],
        "slowest": slowest["path"],
        "hits": sum(page["x_cache"] == "hit" for page in answered),
        "misses": [page["path"] for page in answered if page["x_cache"] != "hit"],
        "not_200": [f"{page['path']} ({page['status']})" for page in pages if page["status"] != 200],
        "static_p50": median(statics),
    }


def revalidations(port, paths):
    """What a browser does with a page it has: GET with gzip, then the same GET with If-None-Match
    carrying the ETag it got (weak, from the gzip middleware). Each page asked twice first, so that
    it is in the cache as a visitor finds it."""
    found = []
    for path in paths:
        fetch(port, path, headers={"Accept-Encoding": "gzip"})
        status, headers, body, full_ms = fetch(port, path, headers={"Accept-Encoding": "gzip"})
        etag = headers.get("etag", "")
        again, again_headers, again_body, ms = fetch(
            port, path, headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
        )
        found.append(
            {
                "path": path,
                "etag": etag,
                "weak": etag.startswith("W/"),
                "gzip": headers.get("content-encoding") == "gzip",
                "status": again,
                "x_cache": again_headers.get("x-cache", ""),
                "ms": ms,
                "full_ms": full_ms,
                "full_x_cache": headers.get("x-cache", ""),
                "bytes": len(again_body),
            }
        )
    return found


def national_run(ports, paths, seconds, approvals=None):
    """Two locust processes of USERS / 2 users each on the plans' pages, the n-th on ports[n % len];
    with `approvals`, one of them approved through the first server every APPROVAL_EVERY seconds."""
    runs = [Locust(ports[n % len(ports)], paths=paths, users=USERS // 2, seconds=seconds) for n in range(2)]
    done = []
    started = time.monotonic()
    pending = list(approvals or [])
    while pending and time.monotonic() - started < seconds:
        at = started + 1 + APPROVAL_EVERY * len(done)  # after locust's first second
        if time.monotonic() < at:
            time.sleep(min(0.05, at - time.monotonic()))
            continue
        item = pending.pop(0)
        status, ms = approve(ports[0], item)
        done.append({"plan": item["plan"], "status": status, "ms": ms, "at": time.time()})
    result = combined([run.result() for run in runs])
    result["approvals"] = done
    return result


def refresh_durations(since):
    """The plan refreshes the worker ran after `since`: queued → finished, and its own run time."""
    rows = query(
        f"""
        SELECT extract(epoch FROM finished_at - enqueued_at), extract(epoch FROM finished_at - started_at),
               return_value
        FROM {TASKS_TABLE} WHERE task_path = %s AND status = 'SUCCESSFUL' AND enqueued_at >= to_timestamp(%s)
        """,
        [REFRESH_TASK, since],
    )
    return [{"latency": float(a), "run": float(b), "pages": (v or {}).get("pages") or 0} for a, b, v in rows]


def sizes(redis_client):
    rows = query(
        "SELECT pg_database_size(current_database()), pg_total_relation_size('indicators_reading'), "
        "pg_total_relation_size('indicators_historicalreading'), (SELECT count(*) FROM indicators_reading), "
        "(SELECT count(*) FROM goals_plan), (SELECT count(*) FROM goals_target), "
        "(SELECT count(*) FROM indicators_indicator)"
    )[0]
    memory = redis_client.info("memory")
    return {
        "database": rows[0],
        "readings_table": rows[1],
        "history_table": rows[2],
        "readings": rows[3],
        "plans": rows[4],
        "targets": rows[5],
        "indicators": rows[6],
        "redis_bytes": memory.get("used_memory", 0),
        "redis_keys": redis_client.dbsize(),
    }


def pages_in_process(*args):
    """`bench/pages.py --json …` against the bench's database: its list of results."""
    result = subprocess.run(
        [PY, str(ROOT / "bench" / "pages.py"), "--json", *args],
        cwd=ROOT,
        env=ENV,
        text=True,
        capture_output=True,
        check=False,
    )
    if result.returncode or "JSON" not in result.stdout:
        raise SystemExit(f"bench/pages.py falló:\n{(result.stdout + result.stderr)[-3000:]}")
    return json.loads(result.stdout.split("JSON", 1)[1])


PAGES = {
    "home": "/",
    "axis": "/ejes/2/",
    "target": "/metas/S1.1-M/",
    "indicator": "/indicadores/AGUA-HORAS/",
    "catalogue": "/indicadores/",
    "plan_home": "/planes/ilo-2019-2022/",
    "directory": "/entidades/",
    "search": "/buscar/?q=agua",
}
APIS = {
    "api": "/api/v1/readings/?indicator={indicator}&page_size=100",
    "api_targets": "/api/v1/targets/",
    "api_indicators": "/api/v1/indicators/",
    "api_plans": "/api/v1/plans/",
}
# What could grow with the number of plans: measured again at BENCH_PLANS plans.
NATIONAL_PAGES = ["home", "plan_home", "directory", "search", "api_plans"]
# The goals of issue 19, as (measure, goal) rows of the table `make bench` prints and writes.
GOALS = [
    (
        "first request to each public page of a plan after an approval, once its re-render task is done: "
        "p50 ÷ static p50",
        "≤ 3×",
    ),
    (
        "approval → that plan's pages and package ready (the featured plan's size, a million readings elsewhere)",
        "pages ≤ 10 s, package ≤ 30 s",
    ),
    ("cache hits on the other plans' pages while approvals arrive elsewhere (one every 3 s)", "≥ 99 %"),
    ("304 for a public page revalidated by a browser (gzip)", "always, ≤ 1 query, no rendering"),
    ("two imports into two plans at once (100,000 readings each)", "both in ≈ the time of one"),
    ("cold render of a target page, in-process (kept honest)", "≤ 10 ms"),
    (
        "national scenario: `/entidades/`, a plan's home, `/api/v1/plans/`, root search",
        "queries per page constant in the number of plans; p50 within the goals above",
    ),
]


def weights(port, paths):
    """Bytes of each answer as sent (gzip when the server compresses it) and uncompressed."""
    import gzip

    found = {}
    for name, path in paths.items():
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
            sent = len(body)
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
        found[name] = {"sent": sent, "bytes": len(body)}
    return found


def lighthouse(port, paths):
    """Lighthouse's performance and accessibility scores, where the `lighthouse` CLI is installed."""
    binary = shutil.which("lighthouse")
    if not binary:
        return {}
    scores = {}
    for name, path in paths.items():
        result = subprocess.run(
            [binary, f"http://127.0.0.1:{port}{path}", "--output=json", "--quiet", "--chrome-flags=--headless"],
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            categories = json.loads(result.stdout)["categories"]
            scores[name] = {k: round(100 * v["score"]) for k, v in categories.items() if v.get("score") is not None}
        except (ValueError, KeyError, TypeError):
            continue
    return scores


def queries_and_explain(indicator_code):
    script = f"""
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from indicators.models import Reading
out = {{}}
with override_settings(PUBLIC_CACHE_SECONDS=0):
    client = Client()
    for url in {list(PAGES.values()) + [p.format(indicator=indicator_code) for p in APIS.values()]!r}:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        out[url] = len(ctx.captured_queries)
# A browser's revalidation of a cached page (gzip, so a weak ETag), the version read on every
# request (DATA_VERSION_SECONDS=0: the most a revalidation can cost; with 1 s it is often none).
out["revalidate"] = {{}}
with override_settings(PUBLIC_CACHE_SECONDS=600, DATA_VERSION_SECONDS=0):
    client = Client()
    for url in {list(PAGES.values())!r}:
        first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        with CaptureQueriesContext(connection) as ctx:
            again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first.get("ETag", ""))
        out["revalidate"][url] = {{
            "etag": first.get("ETag", ""), "status": again.status_code, "queries": len(ctx.captured_queries),
            "x_cache": again.get("X-Cache", ""),
        }}
page = Reading.objects.approved().filter(indicator__code={indicator_code!r}).select_related(
    "indicator__office", "entered_by", "reviewed_by").order_by("indicator__code", "period", "id")[:100]
out["explain_list"] = page.explain(analyze=True)
export = Reading.objects.approved().values_list("id", "indicator__code", "period", "value").order_by(
    "indicator__code", "period", "id")
out["explain_export"] = export.explain()
print("JSON" + json.dumps(out))
"""
    result = manage("shell", "-c", script, env={**ENV, "DJANGO_DEBUG": "1"}, capture=True)
    return json.loads(result.stdout.split("JSON", 1)[1])


def main():
    require_postgres()
    if "BENCH_OPEN_DATA_ROOT" not in os.environ:
        shutil.rmtree(ENV["OPEN_DATA_ROOT"], ignore_errors=True)  # no package left by a run that died
    machine = {"load_before": os.getloadavg(), "started": time.monotonic()}
    if not FULL_SIZE:
        say(
            f"corrida pequeña (BENCH_READINGS={READINGS}, BENCH_PLANS={PLANS}, BENCH_SECONDS={SECONDS}, "
            f"BENCH_IMPORT_ROWS={IMPORT_ROWS}): sus números no son el benchmark"
        )
    redis_process, redis_port, redis_client = start_redis()
    ENV["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    try:
        found = run_all(redis_client)
    finally:
        for process in list(reversed(RUNNING)):
            stop(process)
    machine["load_after"] = os.getloadavg()
    machine["minutes"] = (time.monotonic() - machine["started"]) / 60
    write_report(found, machine)
    write_scaling(found, machine)
    admin = connect()
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    admin.close()
    if "BENCH_OPEN_DATA_ROOT" not in os.environ:
        shutil.rmtree(ENV["OPEN_DATA_ROOT"], ignore_errors=True)
    say(f"docs/benchmarks.md y docs/scaling.md escritos ({machine['minutes']:.0f} min)")


def run_all(redis_client):
    found = {}
    say("base de datos de prueba")
    create_database()
    data = found["data"] = generate_data()
    say(f"{data['approved']:,} lecturas aprobadas, {data['history']:,} filas de historial en {data['seconds']:.0f} s")
    manage("collectstatic", "--noinput", "-v0")
    indicator = f"BENCH-{1:03d}"

    # Each URL under load, with the public cache (in Redis) and without.
    results = found["results"] = {}
    for label, cache_seconds in (("con caché", "600"), ("sin caché", "0")):
        env = {**ENV, "PUBLIC_CACHE_SECONDS": cache_seconds}
        process, port = start_server(2, env)
        try:
            paths = {
                "static": static_path(port),
                **PAGES,
                **{name: path.format(indicator=indicator) for name, path in APIS.items()},
            }
            for name, path in paths.items():
                say(f"{label}: {path}")
                results[(label, name)] = {"path": path, **load(port, path)}
            if cache_seconds == "0":
                results["weights"] = weights(port, paths)
                results["lighthouse"] = lighthouse(port, PAGES)
        finally:
            stop(process)

    say("exportación CSV del millón de lecturas")
    export = found["export"] = measure_export({**ENV, "PUBLIC_CACHE_SECONDS": "0"})
    say(f"  {export['seconds']:.1f} s, pico {export['peak_mb']:.0f} MB")
    say(f"importación de {IMPORT_ROWS:,} lecturas")
    imported = found["imported"] = measure_import(data["synthetic"])
    say(f"  {imported['seconds']:.1f} s, pico {imported['peak_mb']:.0f} MB")
    say(f"dos importaciones de {IMPORT_ROWS:,} lecturas a la vez, en dos entidades")
    parallel = found["parallel"] = measure_parallel_imports(imported["path"])
    say(f"  {parallel['seconds'][0]:.1f} s y {parallel['seconds'][1]:.1f} s")
    found["details"] = queries_and_explain(indicator)
    say("en proceso: una página de meta sin caché, las páginas nacionales con un plan")
    found["cold"] = pages_in_process(PAGES["target"], "/planes/ilo-2019-2022/metas/S1.1-M/")
    found["national_one"] = pages_in_process("--national")

    # The worker: a plan's pages and package ready ahead of visitors.
    say("con el worker: revalidaciones, aprobaciones, primeras visitas")
    clear_queue()
    worker = start_worker(ENV)
    process, port = start_server(2, ENV)
    try:
        ilo = national("plans")["featured"]
        static = static_path(port)
        warmed = national("warm", ilo)
        say(f"  {warmed['pages']} páginas del plan renderizadas en {warmed['seconds']:.1f} s")
        found["revalidations"] = revalidations(port, list(PAGES.values()))
        staff = national("staff", json.dumps([{"plan": ilo, "readings": TIMED_APPROVALS + 1}]))
        found["approvals"] = []
        for item in staff[:TIMED_APPROVALS]:
            timed = timed_approval(port, ilo, item, redis_client, worker)
            found["approvals"].append(timed)
            say(f"  aprobación: páginas a los {timed['pages'] or 0:.1f} s, paquete a los {timed['package'] or 0:.1f} s")
        first = found["first"] = first_requests(port, ilo, staff[TIMED_APPROVALS], static, worker)
        say(
            f"  primeras visitas: p50 {first['p50']:.1f} ms, archivo estático {first['static_p50']:.1f} ms, "
            f"{first['hits']}/{first['count']} del caché"
        )
    finally:
        stop(process)

    # The national scenario.
    say(f"escenario nacional: {PLANS} planes generados como archivos de plan")
    loaded = found["loaded"] = national("load", PLANS, env={**ENV, "TASKS_BACKEND": "dummy", "REDIS_URL": ""})
    say(f"  cargados en {loaded['seconds']:.0f} s; {loaded['readings']:,} lecturas de sus indicadores")
    conn = connect(DB)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    conn.close()
    clear_queue()
    redis_client.flushall()
    found["national_many"] = pages_in_process("--national")
    for label, cache_seconds in (("con caché", "600"), ("sin caché", "0")):
        process, port = start_server(2, {**ENV, "PUBLIC_CACHE_SECONDS": cache_seconds})
        try:
            paths = {"static": static_path(port), **{name: {**PAGES, **APIS}[name] for name in NATIONAL_PAGES}}
            for name, path in paths.items():
                say(f"{PLANS} planes, {label}: {path}")
                results[("national", label, name)] = {"path": path, **load(port, path)}
        finally:
            stop(process)

    process, port = start_server(2, ENV)
    try:
        ids = national("plans")["ids"]
        others = [pk for pk in ids if pk != ilo]
        size = min(SAMPLE, len(others) // 2)
        sample, elsewhere = others[:size], others[size:]
        count = math.ceil(NATIONAL_SECONDS / APPROVAL_EVERY) + 1
        per_plan = {}
        for n in range(count):
            per_plan[elsewhere[n % len(elsewhere)]] = per_plan.get(elsewhere[n % len(elsewhere)], 0) + 1
        staff = national("staff", json.dumps([{"plan": pk, "readings": k} for pk, k in per_plan.items()]))
        by_plan = {}
        for item in staff:
            by_plan.setdefault(item["plan"], []).append(item)
        items = [by_plan[elsewhere[n % len(elsewhere)]].pop(0) for n in range(count)]  # one plan after another
        warmed = found["sample_warm"] = national("warm", *sample)
        pages = [path for paths in national("pages", *sample).values() for path in paths]
        say(f"  {len(sample)} planes de muestra: {len(pages)} páginas renderizadas en {warmed['seconds']:.0f} s")
        wait_idle()
        say(f"  sus páginas bajo carga, sin cambios ({NATIONAL_SECONDS} s)")
        found["steady"] = national_run([port], pages, NATIONAL_SECONDS)
        say(f"  sus páginas bajo carga, una aprobación cada {APPROVAL_EVERY} s en otros planes")
        since = time.time()
        changing = found["changing"] = national_run([port], pages, NATIONAL_SECONDS, approvals=items)
        changing["queue_at_end"] = json.loads(fetch(port, "/healthz")[2]).get("tasks", {})
        changing["drain_seconds"] = wait_idle()
        changing["refreshes"] = refresh_durations(since)
        say(
            f"  {changing['hits'] / max(1, changing['hits'] + changing['misses']):.1%} del caché; la cola se vació "
            f"{changing['drain_seconds']:.0f} s después"
        )
        second, port2 = start_server(2, ENV)
        try:
            found["etags"] = [fetch(p, pages[0])[1].get("etag") for p in (port, port2)]
            say("  dos servidores a la vez")
            found["two"] = national_run([port, port2], pages, NATIONAL_SECONDS)
        finally:
            stop(second)
    finally:
        stop(process)
    found["sample"] = {"plans": len(sample), "pages": len(pages), "elsewhere": len(elsewhere)}
    found["sizes"] = sizes(redis_client)
    stop(worker)
    return found


NOTES = """## Reading the numbers

- **With the public cache** (the production default, in the Redis every server shares) a cached
  answer reads its plan's data version from the process's memory (`DATA_VERSION_SECONDS`, 1 s) and
  costs no query and no rendering. A change bumps only the versions of the plans it touches, and
  the worker renders those plans' pages again ahead of visitors (`ilo_plan.tasks.refresh_plan`),
  so the first visitor after an approval gets a cached page: see *work done ahead of visitors*.
  A revalidation (`If-None-Match`, weak or strong) of a cached page is a 304 from the stored ETag.
- **Without the cache** the query count is small and fixed (the table's last column, asserted at
  two data sizes in the tests), and the national scenario shows it does not grow with the number
  of plans. The p50 here is under 8 users on 2 workers, so it is about four
  times one request's own time, which `python bench/pages.py` measures in-process, one request at
  a time (the goals table gives a target page's; the static file takes well under 1 ms). Where
  the time goes (cProfile, own time by package, as profiled for issue 14):
  - *home*: the plan's evaluation (`goals.public.target_statuses`: the ORM building 15 targets
    with their related rows, then the status rules), template rendering and number formatting;
    its "last update" query once scanned every approved reading (the plan's indicators as
    `IN (…) OR IN (…)`), now a UNION read by index.
  - *axis*: the ORM building target objects with six related ones each (`for_public`), then
    formatting.
  - *target* and *indicator* pages: the ORM, the readings query and number formatting; the chart
    is an inline SVG plus a plain figure dict (no `plotly.graph_objects`), and a long series is
    drawn by its shape, at most 400 points (`indicators.charts.thinned`); the table shows the
    latest rows.
  - *indicator catalogue*: one window query for each indicator's last 60 public figures (it
    used to load every approved reading of every plan indicator); templates.
  - *API lists*: DRF's serializer per row (a third of the readings list) and the page's query;
    the list's `count` is remembered per data version and query (it was 400 ms for the
    unfiltered million).
- **The live CSV export** is written by PostgreSQL (`COPY (SELECT …) TO STDOUT`, `indicators.pg_csv`)
  and streamed through a bounded queue, so the worker's memory stays flat; its time is
  PostgreSQL formatting each cell as the API writes it (ISO times with offset, neutralised and
  quoted text): the same query's plain `COPY` takes about 2.4 s, the formatted one about 7.5 s.
  The complete public set is also prebuilt once per data version (`/api/v1/export/readings.csv`
  and `export.zip`), sent from disk.
- **The import** (`python bench/imports.py --phases` times it apart): the file streamed and
  parsed, each row validated in memory (one query per batch for the approved periods it could
  collide with), then on PostgreSQL one statement per batch of 5,000 (the per-row values as six
  arrays through `unnest`, `INSERT … RETURNING` feeding the history rows), the unit-range check
  once per statement (migration `indicators/0009`); no model object per row. Its peak memory is
  the maximum resident set of the `import_readings` process as the kernel counts it (`ru_maxrss`
  from `wait4` on that one child), Python and Django included; the file itself is streamed and
  never held whole (`IMPORT_MAX_ROWS` bounds the rows, see [deployment](deployment.md#imports)).
- What one server holds, and a national deployment: [scaling](scaling.md).
"""


def pct(part, whole):
    return f"{100 * part / whole:.1f} %" if whole else "—"


def seconds_range(values):
    values = [v for v in values if v is not None]
    if not values:
        return "never"
    if len(values) == 1:
        return f"{values[0]:.1f} s"
    return f"{median(values):.1f} s (median of {len(values)}; {min(values):.1f}-{max(values):.1f})"


def hit_share(run):
    return pct(run["hits"], run["hits"] + run["misses"])


def by_url(rows):
    return {row["url"]: row for row in rows}


def banner():
    if FULL_SIZE:
        return []
    return [
        f"> **Not the benchmark: a small validation run** (BENCH_READINGS={READINGS:,}, BENCH_PLANS={PLANS}, "
        f"BENCH_SECONDS={SECONDS}, BENCH_IMPORT_ROWS={IMPORT_ROWS:,}), written while the bench itself was being "
        "changed, on a machine doing other work. Its numbers only show that every measure runs; "
        "`make bench` at full size on an idle machine replaces them.",
        "",
    ]


def goal_values(found):
    """The "now" column of the goals table, one string per row of GOALS."""
    first, approvals, changing, steady = found["first"], found["approvals"], found["changing"], found["steady"]
    revalidated = found["revalidations"]
    in_process = found["details"]["revalidate"]
    parallel, imported = found["parallel"], found["imported"]
    cold = found["cold"][0]
    one, many = by_url(found["national_one"]), by_url(found["national_many"])
    ratio = first["p50"] / (first["static_p50"] or 1)
    answered = sum(row["status"] == 304 for row in revalidated)
    unrendered = sum(row["status"] == 304 and row["x_cache"] == "hit" for row in revalidated)
    queries = max((row["queries"] for row in in_process.values()), default=0)
    national = "; ".join(
        f"`{url}` {one[url]['queries']} → {many[url]['queries']} queries, uncached {one[url]['p50']:.0f} → "
        f"{many[url]['p50']:.0f} ms, cached {one[url]['cached_p50']:.1f} → {many[url]['cached_p50']:.1f} ms"
        for url in one
        if url in many
    )
    return [
        f"{ratio:.1f}× (p50 {first['p50']:.1f} ms against the static file's {first['static_p50']:.1f} ms, "
        f"one request at a time; {first['hits']} of {first['count']} pages from the cache)",
        f"pages {seconds_range([a['pages'] for a in approvals])}, package "
        f"{seconds_range([a['package'] for a in approvals])} after the approval's answer (the refresh waits "
        "REFRESH_DELAY_SECONDS, 2 s, first)",
        f"{hit_share(changing)} of {changing['hits'] + changing['misses']:,} requests "
        f"({found['loaded']['plans'] + 1} plans, {len(changing['approvals'])} approvals; "
        f"{changing['rps']:.0f} req/s, p50 {changing['p50']:.0f} ms; with no approval {hit_share(steady)}, "
        f"{steady['rps']:.0f} req/s)",
        f"{answered} of {len(revalidated)} pages answered 304 ({unrendered} from the cache's stored ETag, "
        f"`X-Cache: hit`), in {median(r['ms'] for r in revalidated):.1f} ms against "
        f"{median(r['full_ms'] for r in revalidated):.1f} ms for the page; at most {queries} "
        f"{'query' if queries == 1 else 'queries'} in-process with the version read on every request",
        f"{parallel['seconds'][0]:.1f} s and {parallel['seconds'][1]:.1f} s started together, against "
        f"{imported['seconds']:.1f} s alone",
        f"{cold['p50']:.1f} ms (`{cold['url']}`, {cold['queries']} quer{'y' if cold['queries'] == 1 else 'ies'})",
        f"at 1 → {found['loaded']['plans'] + 1} plans, in-process: {national}",
    ]


def write_report(found, machine):
    data, results, export, imported = found["data"], found["results"], found["export"], found["imported"]
    details = found["details"]
    now = goal_values(found)
    goals_table = ["| measure | now | goal |", "|---|---|---|"] + [
        f"| {measure} | {value} | {goal} |" for (measure, goal), value in zip(GOALS, now, strict=True)
    ]
    print("\n".join(goals_table), flush=True)
    lines = ["# Benchmarks", "", *banner()]
    lines += [
        f"Run by `make bench` on {date.today():%Y-%m-%d} in {machine['minutes']:.0f} min: {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, {platform.platform()}; "
        f"load average {machine['load_before'][0]:.1f} when it started, {machine['load_after'][0]:.1f} when it "
        "ended. Everything on this one machine: PostgreSQL on 127.0.0.1, a Redis of the bench's own (the shared "
        "cache), gunicorn with 2 sync workers (production settings, whitenoise), the task worker "
        "(`manage.py db_worker`, as `make worker`) where a measure needs it, and the load from locust with "
        f"{USERS} users for {SECONDS} s per URL from a second process. Every request names the site's public "
        f"host (`SITE_URL=http://{SITE_HOST}`), under which the worker renders pages ahead.",
        "",
        f"Data: the plan plus {INDICATORS} indicators, {data['approved']:,} approved readings and "
        f"{data['history']:,} history rows (generated in SQL in {data['seconds']:.0f} s). The plan's own target "
        "indicators keep realistic series (the demo data); the synthetic indicators carry the bulk. For the "
        f"national scenario, {found['loaded']['plans']} more plans (below).",
        "",
        "## Goals (issue 19)",
        "",
        *goals_table,
        "",
        "## Pages and API lists under load (one plan)",
        "",
        "| URL | cache | req/s | p50 ms | p95 ms | p50 ÷ static p50 | failures | queries |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label in ("con caché", "sin caché"):
        static = results[(label, "static")]["p50"] or 1
        for name in ("static", *PAGES, *APIS):
            row = results[(label, name)]
            queries = details.get(row["path"], "—") if name != "static" else 0
            lines.append(
                f"| `{row['path']}` | {label} | {row['rps']:.0f} | {row['p50']:.0f} | {row['p95']:.0f} | "
                f"{row['p50'] / static:.1f}× | {row['failures']} | {queries} |"
            )
    lines += [
        "",
        "The cached rows come from Redis (the cache every server shares), keyed on the data version of the "
        "page's plan; the uncached ones are what a page costs when nothing is cached.",
        *ahead_section(found),
        *national_section(found),
        "",
        "## Page weights",
        "",
        "| URL | sent (bytes) | uncompressed (bytes) | Lighthouse |",
        "|---|---|---|---|",
    ]
    for name, weight in results.get("weights", {}).items():
        scores = results.get("lighthouse", {}).get(name)
        shown = ", ".join(f"{k} {v}" for k, v in scores.items()) if scores else "—"
        path = results[("sin caché", name)]["path"]
        lines.append(f"| `{path}` | {weight['sent']:,} | {weight['bytes']:,} | {shown} |")
    if not results.get("lighthouse"):
        lines += ["", "Lighthouse is not installed on this machine (`npm i -g lighthouse`): no scores."]
    parallel = found["parallel"]
    lines += [
        "",
        "## CSV export of every reading",
        "",
        f"`GET /api/v1/readings/?format=csv` (streamed live by PostgreSQL's `COPY`, any filter): "
        f"{export['bytes'] / 2**20:.0f} MB in {export['seconds']:.1f} s; peak resident memory of the gunicorn "
        f"worker {export['peak_mb']:.0f} MB (idle {export['idle_mb']:.0f} MB). Goal: under 150 MB.",
        "",
        f"The national open data package of the same data (`manage.py build_open_data`, as the worker builds it "
        f"after changes): built in {export['build_seconds']:.1f} s, peak {export['build_peak_mb']:.0f} MB; then "
        f"`GET /api/v1/export/readings.csv` ({export['table_bytes'] / 2**20:.0f} MB, every public reading of "
        f"every plan) in {export['table_seconds']:.1f} s and `GET /api/v1/export.zip` "
        f"({export['zip_bytes'] / 2**20:.0f} MB) in {export['zip_seconds']:.1f} s, sent from disk "
        f"(worker peak {export['prebuilt_peak_mb']:.0f} MB).",
        "",
        "## Import",
        "",
        f"`python manage.py import_readings` of {imported['rows']:,} rows (CSV with `;` and decimal commas): "
        f"{imported['seconds']:.1f} s, {imported['rate']:,.0f} rows/s; peak resident memory of the process "
        f"{imported['peak_mb']:.0f} MB. Goal: under 10 s (`python bench/imports.py` measures it alone).",
        "",
        f"The same file into two other entities at once (ubigeo {parallel['entities'][0]} and "
        f"{parallel['entities'][1]}: an office of 300 indicators and a registrador each), the two commands "
        f"started together: {parallel['seconds'][0]:.1f} s and {parallel['seconds'][1]:.1f} s. Drafts bump "
        "only their office's data version, so neither waits for the other's lock; they share the machine's "
        f"{os.cpu_count()} cores with PostgreSQL.",
        "",
        "## EXPLAIN of the heaviest queries",
        "",
        "Readings list filtered by indicator (the API's page of 100):",
        "",
        "```",
        details["explain_list"],
        "```",
        "",
        "The export's query (streamed with a server-side cursor):",
        "",
        "```",
        details["explain_export"],
        "```",
        "",
        NOTES,
    ]
    report = ROOT / "docs" / "benchmarks.md"
    # What people wrote below the marker (measurements of a single change, profiles) stays.
    kept = report.read_text(encoding="utf-8").partition(KEPT_MARKER)[2] if report.exists() else ""
    lines += [KEPT_MARKER + kept] if kept else []
    report.write_text("\n".join(lines), encoding="utf-8")


def ahead_section(found):
    """Work done before the visitor comes, on the seed plan: approvals, first visits, revalidations."""
    first, approvals = found["first"], found["approvals"]
    lines = [
        "",
        "## Work done ahead of visitors (the seed plan, with the worker)",
        "",
        "A reading of one of the plan's indicators approved through the API (`POST …/approve/` with a "
        "revisor's token); the worker's `refresh_plan` renders the plan's public pages, es and en, into Redis, "
        "then builds the plan's open-data package. *Pages ready*: the last of the plan's pages entered the "
        "cache under the new version (Redis's keyspace notices; nothing is requested meanwhile, since a "
        "visitor's request would render the page itself). *Package ready*: the new version's `ready.json` "
        "written. Seconds after the approval's answer.",
        "",
        "| approval | answered in | refresh started | pages ready | refresh done | package ready | pages rendered "
        "(cached) | refresh's own time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, row in enumerate(approvals, start=1):
        pages = f"{row['pages']:.1f} s" if row["pages"] is not None else "never"
        package = (
            f"{row['package']:.1f} s"
            if row["package"] is not None
            else f"not this version (v{row['package_version']}, current v{row['version']})"
        )
        lines.append(
            f"| {n} | {row['approve_ms']:.0f} ms | {row['queued_wait']:.1f} s | {pages} | {row['task_done']:.1f} s "
            f"| {package} | {row['rendered']} ({row['cached']}) | {row['task_seconds']:.1f} s |"
        )
    lines += [
        "",
        f"**First visits after an approval.** Once the refresh of another approval was done, each of the plan's "
        f"{first['count']} public pages (`ilo_plan.tasks.plan_pages`: its address, the root as the featured plan, "
        f"es and en) requested once, one at a time, then the static file as many times the same way: pages p50 "
        f"{first['p50']:.1f} ms, p95 {first['p95']:.1f} ms, slowest {first['max']:.0f} ms (`{first['slowest']}`); "
        f"static p50 {first['static_p50']:.1f} ms; {first['hits']} of {first['count']} pages answered "
        "`X-Cache: hit`"
        + (f" (the others: {', '.join(f'`{p}`' for p in first['misses'][:8])})" if first["misses"] else "")
        + (
            f". Listed by `plan_pages` but not a page (not timed): {', '.join(f'`{p}`' for p in first['not_200'][:8])}"
            if first["not_200"]
            else ""
        )
        + ".",
        "",
        "**A browser's revalidation.** Each page requested with `Accept-Encoding: gzip` (twice, so that it is "
        "cached), then again with `If-None-Match` carrying the ETag it got; the queries are counted in-process "
        "(Django's test client, the version read on every request: `DATA_VERSION_SECONDS=0`).",
        "",
        "| URL | ETag | gzip | revalidation | X-Cache | ms (page: ms) | queries in-process |",
        "|---|---|---|---|---|---|---|",
    ]
    in_process = found["details"]["revalidate"]
    for row in found["revalidations"]:
        inner = in_process.get(row["path"], {})
        lines.append(
            f"| `{row['path']}` | {'weak' if row['weak'] else 'strong'} | {'yes' if row['gzip'] else 'no'} | "
            f"{row['status']} | {row['x_cache'] or '—'} | {row['ms']:.1f} ({row['full_ms']:.1f}) | "
            f"{inner.get('queries', '—')} ({inner.get('status', '—')}) |"
        )
    return lines


def national_section(found):
    loaded, results = found["loaded"], found["results"]
    plans = loaded["plans"] + 1
    one, many = by_url(found["national_one"]), by_url(found["national_many"])
    lines = [
        "",
        f"## The national scenario: {plans} plans",
        "",
        f"{loaded['plans']} plans of as many entities, generated as plan files (10-20 targets over the four "
        "dimensions with their own indicators and offices, 0-6 axes, some with a project and an alignment "
        "sheet; `bench/national.py`) and loaded one after the other through `ilo_plan.plan_file.import_plan` "
        f"in one process: **{loaded['seconds']:.0f} s** ({loaded['seconds'] / max(1, loaded['plans']):.2f} s a "
        f"plan; {loaded['targets']:,} targets, {loaded['indicators']:,} indicators). Then, in SQL, "
        f"{loaded['readings']:,} approved monthly readings of their indicators (12-46 months each).",
        "",
        "The pages that show or search every plan, in-process (`python bench/pages.py --national`: one request "
        "at a time, Django's test client; cached through Redis) and under load (as the table above):",
        "",
        f"| URL | queries, 1 → {plans} plans | uncached p50 in-process | cached p50 in-process "
        f"| under load, cached: p50 ÷ static | under load, uncached: p50 ÷ static |",
        "|---|---|---|---|---|---|",
    ]
    for name in NATIONAL_PAGES:
        path = {**PAGES, **APIS}[name]
        a, b = one.get(path), many.get(path)

        def ratio(key, label, name=name):
            static = results[(*key, label, "static")]["p50"] or 1
            return results[(*key, label, name)]["p50"] / static

        in_process = (
            (
                f"{a['queries']} → {b['queries']}",
                f"{a['p50']:.1f} → {b['p50']:.1f} ms",
                f"{a['cached_p50']:.2f} → {b['cached_p50']:.2f} ms",
            )
            if a and b
            else ("—", "—", "—")
        )
        lines.append(
            f"| `{path}` | {in_process[0]} | {in_process[1]} | {in_process[2]} | "
            f"{ratio((), 'con caché'):.1f}× → {ratio(('national',), 'con caché'):.1f}× | "
            f"{ratio((), 'sin caché'):.1f}× → {ratio(('national',), 'sin caché'):.1f}× |"
        )
    sample, steady, changing, two = found["sample"], found["steady"], found["changing"], found["two"]
    refreshes = changing["refreshes"]
    approvals = changing["approvals"]
    lines += [
        "",
        f"**The other plans' pages under load.** A sample of {sample['plans']} plans, every public page of each "
        f"(es and en: {sample['pages']:,} URLs), rendered into the cache as the worker does "
        f"({found['sample_warm']['seconds']:.0f} s); then two locust processes of {USERS // 2} users each, every "
        f"request a URL of the sample at random, for {NATIONAL_SECONDS} s each run. Approvals: a reading of one "
        f"of {sample['elsewhere']} other plans every {APPROVAL_EVERY} s, one plan after another, through the "
        "API of the first server.",
        "",
        "| run | servers | approvals elsewhere | req/s | p50 ms | p95 ms | cache hits | failures |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, run, servers in (
        ("no change", steady, 1),
        (f"an approval every {APPROVAL_EVERY} s", changing, 1),
        ("no change, load split over two servers", two, 2),
    ):
        each = " / ".join(f"{r['p50']:.0f}" for r in run["each"])
        lines.append(
            f"| {label} | {servers} | {len(run.get('approvals', []))} | {run['rps']:.0f} | {run['p50']:.0f} "
            f"({each}) | {run['p95']:.0f} | {hit_share(run)} of {run['hits'] + run['misses']:,} | "
            f"{run['failures']} |"
        )
    approved = [a for a in approvals if a["status"] == 200]
    lines += [
        "",
        "p50 and p95 are the request-weighted means of the two locust processes' (each process's p50 in brackets).",
        "",
        f"The approvals answered in {median(a['ms'] for a in approvals):.0f} ms (median; slowest "
        f"{max(a['ms'] for a in approvals):.0f} ms; {len(approved)} of {len(approvals)} accepted)."
        if approvals
        else "No approval was made.",
        f"Each queued its plan's refresh: the worker ran {len(refreshes)}"
        + (
            f", each {median(r['run'] for r in refreshes):.1f} s of its own time (median; "
            f"{median(r['pages'] for r in refreshes):.0f} pages), {median(r['latency'] for r in refreshes):.1f} s "
            f"from the approval's commit to done (median; slowest {max(r['latency'] for r in refreshes):.1f} s)"
            if refreshes
            else ""
        )
        + f". When the load stopped the queue held {changing['queue_at_end'].get('waiting', '?')} waiting and "
        f"{changing['queue_at_end'].get('running', '?')} running (`/healthz`); it was empty "
        f"{changing['drain_seconds']:.0f} s later.",
        "",
        f"Two servers (2 workers each) on the same PostgreSQL and Redis, with the one worker: the same page "
        f"answered the same ETag from both ({'yes' if len(set(found['etags'])) == 1 else 'no: ' + str(found['etags'])}"
        f"); with the load split over them, {two['rps']:.0f} req/s against {steady['rps']:.0f} on one server, "
        f"{hit_share(two)} from the cache. Both servers, the worker, PostgreSQL, Redis and the two load "
        f"processes share this machine's {os.cpu_count()} cores, so this shows that servers share the work "
        "done ahead (the cache, the packages), not how far more machines go.",
    ]
    store = found["sizes"]
    lines += [
        "",
        f"At the end: {store['plans']} plans, {store['targets']:,} targets, {store['indicators']:,} indicators, "
        f"{store['readings']:,} readings; the database {store['database'] / 2**20:,.0f} MB (readings "
        f"{store['readings_table'] / 2**20:,.0f} MB and their history {store['history_table'] / 2**20:,.0f} MB, "
        f"indexes included); Redis {store['redis_bytes'] / 2**20:,.0f} MB for {store['redis_keys']:,} keys.",
    ]
    return lines


def write_scaling(found, machine):
    """docs/scaling.md from this run's numbers: what one server holds, what two hold, what limits
    first now. What people wrote below the marker stays."""
    results, first, approvals = found["results"], found["first"], found["approvals"]
    steady, changing, two, sample = found["steady"], found["changing"], found["two"], found["sample"]
    export, imported, parallel, store = found["export"], found["imported"], found["parallel"], found["sizes"]
    plans = found["loaded"]["plans"] + 1
    refreshes = changing["refreshes"]
    refresh_run = median(r["run"] for r in refreshes) if refreshes else None
    refresh_pages = median(r["pages"] for r in refreshes) if refreshes else None
    cached = [results[("con caché", n)]["rps"] for n in (*PAGES, *APIS)]
    uncached = [results[("sin caché", n)]["rps"] for n in (*PAGES, *APIS)]
    cold = found["cold"][0]
    per_page = sample["pages"] / max(1, sample["plans"])
    # Each cached page is two keys (its version's and `latest`); the rest of Redis is small.
    page_bytes = store["redis_bytes"] / max(1, store["redis_keys"] / 2)
    reading_bytes = (store["readings_table"] + store["history_table"]) / max(1, store["readings"])
    one_rps = steady["rps"]
    national_pages = 1915 * per_page
    keeps_up = refresh_run is not None and refresh_run < APPROVAL_EVERY
    worker_line = (
        f"one worker refreshes a generated plan ({refresh_pages:.0f} pages and its package) in "
        f"{refresh_run:.1f} s of its own time, so it takes {3600 / refresh_run:,.0f} refreshes an hour"
        if refresh_run
        else "no refresh ran during the approvals"
    )
    lines = [
        "# Scaling: one server, two servers, and every plan of the country",
        "",
        *banner(),
        f"From `make bench` on {date.today():%Y-%m-%d} ([benchmarks](benchmarks.md) has every number and how it "
        f"was taken): {os.cpu_count()} cores, everything on that one machine (PostgreSQL, a Redis, gunicorn with "
        f"2 workers, one task worker, and the load), {found['data']['approved']:,} readings, {plans} plans.",
        "",
        "## One server",
        "",
        "| resource | measured | what it means |",
        "|---|---|---|",
        f"| cached pages (Redis) | {one_rps:,.0f} requests/s across {sample['pages']:,} pages of {sample['plans']} "
        f"plans, p50 {steady['p50']:.0f} ms; one URL alone {min(cached):,.0f}-{max(cached):,.0f} requests/s | "
        "what one server answers while nothing changes, without a query or a render |",
        f"| an approval elsewhere every {APPROVAL_EVERY} s | {hit_share(changing)} of the other plans' pages from "
        f"the cache, {changing['rps']:,.0f} requests/s | a change of one plan leaves every other plan's pages, "
        "ETags and packages as they were |",
        f"| the first visitor after an approval | p50 {first['p50']:.1f} ms, "
        f"{first['p50'] / (first['static_p50'] or 1):.1f}× the static file's; {first['hits']} of "
        f"{first['count']} pages from the cache | the worker rendered them before anyone asked |",
        f"| an approval → its plan ready | the seed plan ({approvals[0]['rendered']} pages): pages "
        f"{seconds_range([a['pages'] for a in approvals])}, package {seconds_range([a['package'] for a in approvals])} "
        f"| {worker_line} |",
        f"| an uncached page | {min(uncached):,.0f}-{max(uncached):,.0f} requests/s with 2 workers; a target "
        f"page's cold render {cold['p50']:.1f} ms in-process | what a page nobody rendered ahead costs: a "
        "server's first minutes after a deploy, and the pages of every plan (directory, search, lists of "
        "plans) after any approval |",
        f"| the national package | {export['build_seconds']:.0f} s at {found['data']['approved']:,} readings "
        f"(peak {export['build_peak_mb']:.0f} MB), then sent from storage | built by the worker once per "
        "`NATIONAL_PACKAGE_DELAY_SECONDS` after changes, never on a request |",
        f"| imports | {imported['rows']:,} readings in {imported['seconds']:.1f} s; two at once in two entities "
        f"{parallel['seconds'][0]:.1f} s and {parallel['seconds'][1]:.1f} s | imports of different entities "
        "do not wait for each other; they share the cores |",
        f"| storage | {reading_bytes:,.0f} bytes a reading with its history rows, indexes included; "
        f"{page_bytes / 1024:,.0f} KiB a cached page in Redis | a plan has about {per_page:.0f} public pages (es "
        "and en) |",
        "",
        "## Two servers",
        "",
        f"Two gunicorn servers (2 workers each) on the same PostgreSQL and Redis, one task worker, the same load "
        f"({USERS} users in two locust processes, one per server) on the sample's pages:",
        "",
        "| | req/s | p50 ms | p95 ms | cache hits |",
        "|---|---|---|---|---|",
        f"| one server | {steady['rps']:,.0f} | {steady['p50']:.0f} | {steady['p95']:.0f} | {hit_share(steady)} |",
        f"| two servers | {two['rps']:,.0f} | {two['p50']:.0f} | {two['p95']:.0f} | {hit_share(two)} |",
        "",
        f"Both answered the same ETag for the same page "
        f"({'yes' if len(set(found['etags'])) == 1 else 'no'}), and the second server served from the cache the "
        f"pages the worker had rendered. On this machine both servers, the worker, PostgreSQL, Redis and the "
        f"load share {os.cpu_count()} cores, so two servers cannot go faster than one here: the run shows that "
        "they share the work done ahead, not how far more machines go. On separate machines a cached page "
        "costs a server no query, so servers add up until Redis or the network is the limit.",
        "",
        "## What limits first now",
        "",
    ]
    limits = []
    worker_limit = f"**The task worker.** Each approval re-renders its plan's pages and package; {worker_line}. " + (
        f"At one approval every {APPROVAL_EVERY} s across the country (about what every plan of Peru "
        f"gives in office hours) one worker keeps up, busy about {refresh_run / APPROVAL_EVERY:.0%} of the "
        "time; a plan's refresh waits 2 s for a burst of its own changes to join it."
        if keeps_up
        else f"At one approval every {APPROVAL_EVERY} s in different plans one worker does not keep up: "
        f"the queue held {changing['queue_at_end'].get('waiting', '?')} refreshes when the load stopped and "
        f"emptied {changing['drain_seconds']:.0f} s later, and a plan's pages meanwhile are its previous "
        "version's (never a cold render). Run more workers (`make worker` on each server: they share the "
        "queue in PostgreSQL)."
    )
    render_limit = (
        f"**Rendering.** A page costs {cold['p50']:.0f}-{max(r['p50'] for r in found['national_many']):.0f} ms of "
        "one core in-process: the worker pays it for every page of a changed plan, and visitors pay it for the "
        "pages of every plan (the directory, the root search, the lists of plans), which any approval anywhere "
        "changes: once per URL and language per approval, then cached for everyone."
    )
    limits = [worker_limit, render_limit] if not keeps_up else [render_limit, worker_limit]
    limits += [
        f"**The national package** is built again after changes ({export['build_seconds']:.0f} s of one core at "
        f"{found['data']['approved']:,} readings, growing with the readings): at a national size, schedule it "
        "(`NATIONAL_PACKAGE_DELAY_SECONDS`) rather than per change; plans' own packages are the downloads "
        "people use.",
        "**PostgreSQL** is not the limit at this size: a cached page reads nothing, a plan's page reads a fixed "
        "number of queries whatever the data and the number of plans (the national table in "
        "[benchmarks](benchmarks.md)), and writes of different plans and offices take different version rows. "
        "Anonymous reads may go to a replica (`DATABASE_REPLICA_URL`).",
    ]
    lines += [f"{n}. {text}" for n, text in enumerate(limits, start=1)]
    lines += [
        "",
        "## A national deployment: 1,890 municipal and 25 regional plans",
        "",
        f"Sizing, per four-year term: 1,915 plans × ~100 indicators × 12 monthly readings × 4 years ≈ 9 million "
        f"readings, with three history rows each: at {reading_bytes:,.0f} bytes a reading (one history row each, "
        f"as measured) about {9e6 * reading_bytes * 2 / 2**30:,.0f} GB with the extra history rows. Every public "
        f"page of every plan cached: 1,915 × ~{per_page:.0f} pages ≈ {national_pages:,.0f} pages, about "
        f"{national_pages * page_bytes * 2 / 2**30:,.1f} GB of Redis (two keys a page). Approvals: ~2.3 million "
        "a year, about one every 3-4 seconds in office hours.",
        "",
        "- **PostgreSQL**: one primary (a managed service or a Patroni pair) takes every write and the task "
        "queue; read replicas for anonymous reads (`DATABASE_REPLICA_URL`), staff read their own writes on the "
        "primary.",
        "- **App servers**: several gunicorn hosts behind a proxy, stateless, `SITE_URL` the public address "
        "they all answer for (the worker renders pages under it).",
        "- **Redis** (`REDIS_URL`): the pages and API answers every server shares, and the throttles.",
        "- **Task workers** (`make worker`), as many as the approvals need (above); the packages go to the "
        "storage every server reads (`OPEN_DATA_STORAGE`: S3 or compatible).",
    ]
    report = ROOT / "docs" / "scaling.md"
    kept = report.read_text(encoding="utf-8").partition(KEPT_MARKER)[2] if report.exists() else ""
    lines += ["", KEPT_MARKER + kept] if kept else []
    report.write_text("\n".join(lines) + ("" if kept else "\n"), encoding="utf-8")


KEPT_MARKER = "<!-- make bench rewrites everything above this line and keeps what follows -->"


if __name__ == "__main__":
    main()
