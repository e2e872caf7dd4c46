"""`make bench`: the product at a million readings, measured, written to docs/benchmarks.md.

1. a scratch PostgreSQL database with the plan, 200 indicators, 1,000,000 approved readings and
   their history rows;
2. the production profile (gunicorn, 2 workers) on a free local port;
3. load from a second process (locust, headless) on the home, axis and target pages, the
   readings API, and a static file as the yardstick, with the public cache on and off;
4. the CSV export of the million readings: time and the worker's peak memory;
5. the import of 100,000 readings through `import_readings`: time and the process's peak memory;
6. queries per page, and the EXPLAIN of the heaviest queries.
Everything stays on this machine (127.0.0.1)."""

import csv
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
ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
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
                is_outlier, created_at, updated_at)
            SELECT md5(i::text || '-' || d::text)::uuid, i, date '1990-01-01' + d,
                   round((random() * 100)::numeric, 2), 'Benchmark', '', 'approved', false,
                   false, now(), now(), now(), '', '', '', false, now(), now()
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
        cursor.execute("UPDATE indicators_dataversion SET counter = counter + 1")
    conn.autocommit = True
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
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn no arrancó")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def load(port, path):
    """Requests per second, p50 and p95 in ms, failures, from a locust process."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = os.path.join(folder, "stats")
        subprocess.run(
            [
                str(Path(PY).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                str(USERS),
                "-t",
                f"{SECONDS}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "ERROR",
            ],
            cwd=ROOT,
            env={**os.environ, "BENCH_PATH": path},
            check=False,
            capture_output=True,
        )
        with open(prefix + "_stats.csv", newline="") as stream:
            row = next(r for r in csv.DictReader(stream) if r["Name"] == path)
    return {
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
    }


def static_path(port):
    html = urllib.request.urlopen(f"http://127.0.0.1:{port}/").read().decode()
    return re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', html).group(1)


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


def measure_import(synthetic):
    conn = connect(DB)
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT id FROM indicators_office ORDER BY id LIMIT 1")
        office = cursor.fetchone()[0]
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
    conn.close()
    manage(
        "shell",
        "-c",
        (
            "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
            "from indicators.models import Office; from core.models import Membership; "
            f"u = get_user_model().objects.create_user('bench-registrador', is_staff=True); "
            "u.groups.add(Group.objects.get(name='registrador')); "
            f"o = Office.objects.get(pk={office}); Membership.objects.create(user=u, entity_id=o.entity_id); "
            "o.members.add(u)"
        ),
    )
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


PAGES = {
    "home": "/",
    "axis": "/ejes/2/",
    "target": "/metas/S1.1-M/",
    "indicator": "/indicadores/AGUA-HORAS/",
    "catalogue": "/indicadores/",
}
APIS = {
    "api": "/api/v1/readings/?indicator={indicator}&page_size=100",
    "api_targets": "/api/v1/targets/",
    "api_indicators": "/api/v1/indicators/",
}
# The goals of issue 14, as (measure, goal) rows of the table `make bench` prints and writes.
GOALS = [
    ("uncached p50 ÷ static p50: pages and API lists", "≤ 10×"),
    ("cached p50 ÷ static p50", "≤ 3×"),
    ("CSV export of every approved reading", "≤ 5 s, worker memory < 150 MB"),
    ("`export.zip` download", "prebuilt per data version, served as a file"),
    ("import of 100,000 rows", "≤ 10 s, memory flat"),
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
    import json

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
page = Reading.objects.approved().filter(indicator__code={indicator_code!r}).select_related(
    "indicator__office", "entered_by", "reviewed_by").order_by("indicator__code", "period", "id")[:100]
out["explain_list"] = page.explain(analyze=True)
export = Reading.objects.approved().values_list("id", "indicator__code", "period", "value").order_by(
    "indicator__code", "period", "id")
out["explain_export"] = export.explain()
print("JSON" + json.dumps(out))
"""
    result = manage("shell", "-c", script, env={**ENV, "DJANGO_DEBUG": "1"}, capture=True)
    import json

    return json.loads(result.stdout.split("JSON", 1)[1])


def main():
    require_postgres()
    say("base de datos de prueba")
    create_database()
    data = generate_data()
    say(f"{data['approved']:,} lecturas aprobadas, {data['history']:,} filas de historial en {data['seconds']:.0f} s")
    manage("collectstatic", "--noinput", "-v0")
    indicator = f"BENCH-{1:03d}"
    results = {}
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
    export = measure_export({**ENV, "PUBLIC_CACHE_SECONDS": "0"})
    say(f"  {export['seconds']:.1f} s, pico {export['peak_mb']:.0f} MB")
    say("importación de 100,000 lecturas")
    imported = measure_import(data["synthetic"])
    say(f"  {imported['seconds']:.1f} s, pico {imported['peak_mb']:.0f} MB")
    details = queries_and_explain(indicator)
    write_report(data, results, export, imported, details)
    admin = connect()
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    admin.close()
    if "BENCH_OPEN_DATA_ROOT" not in os.environ:
        shutil.rmtree(ENV["OPEN_DATA_ROOT"], ignore_errors=True)
    say("docs/benchmarks.md escrito")


NOTES = """## Reading the numbers

- **With the public cache** (the production default) a cached answer reads the data version from
  the process's memory (`DATA_VERSION_SECONDS`, 1 s) and costs no query and no rendering. The
  first visitor after any change pays the uncached cost once per URL and language.
- **Without the cache** the query count is small and fixed (the table's last column, asserted at
  two data sizes in the tests). The p50 here is under 8 users on 2 workers, so it is about four
  times one request's own time: in-process (`python bench/pages.py`, one request at a time) the
  home and a target page take about 20 ms, the readings list about 26 ms, the static file well
  under 1 ms. Where the time goes (cProfile, own time by package):
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


def write_report(data, results, export, imported, details):
    lines = [
        "# Benchmarks",
        "",
        f"Run by `make bench` on {date.today():%Y-%m-%d}: {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, {platform.platform()}, "
        f"PostgreSQL on 127.0.0.1, gunicorn with 2 sync workers (production settings, whitenoise), "
        f"locust with {USERS} users for {SECONDS} s per URL from a second process.",
        "",
        f"Data: the plan plus {INDICATORS} indicators, {data['approved']:,} approved readings and "
        f"{data['history']:,} history rows (generated in SQL in {data['seconds']:.0f} s). The plan's own target "
        "indicators keep realistic series (the demo data); the synthetic indicators carry the bulk.",
        "",
        "| URL | cache | req/s | p50 ms | p95 ms | p50 ÷ static p50 | failures | queries |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ratios = {}
    for label in ("con caché", "sin caché"):
        static = results[(label, "static")]["p50"] or 1
        for name in ("static", *PAGES, *APIS):
            row = results[(label, name)]
            queries = details.get(row["path"], "—") if name != "static" else 0
            ratios[(label, name)] = row["p50"] / static
            lines.append(
                f"| `{row['path']}` | {label} | {row['rps']:.0f} | {row['p50']:.0f} | {row['p95']:.0f} | "
                f"{row['p50'] / static:.1f}× | {row['failures']} | {queries} |"
            )
    names = [*PAGES, *APIS]
    uncached = [ratios[("sin caché", n)] for n in names]
    cached = [ratios[("con caché", n)] for n in names]
    now = [
        f"{min(uncached):.1f}-{max(uncached):.1f}×",
        f"{min(cached):.1f}-{max(cached):.1f}×",
        f"{export['table_seconds']:.1f} s prebuilt (`/api/v1/export/readings.csv`), {export['seconds']:.1f} s "
        f"streamed live (`?format=csv`); worker peak {max(export['peak_mb'], export['prebuilt_peak_mb']):.0f} MB",
        f"{export['zip_seconds']:.1f} s for {export['zip_bytes'] / 2**20:.0f} MB; built once per data version in "
        f"{export['build_seconds']:.0f} s (peak {export['build_peak_mb']:.0f} MB)",
        f"{imported['seconds']:.1f} s, peak {imported['peak_mb']:.0f} MB",
    ]
    goals_table = ["| measure at 1M readings, 2 workers | now | goal |", "|---|---|---|"] + [
        f"| {measure} | {value} | {goal} |" for (measure, goal), value in zip(GOALS, now, strict=True)
    ]
    print("\n".join(goals_table), flush=True)
    lines += ["", "## Goals (issue 14)", "", *goals_table, "", "## Page weights", ""]
    lines += ["| URL | sent (bytes) | uncompressed (bytes) | Lighthouse |", "|---|---|---|---|"]
    for name, weight in results.get("weights", {}).items():
        scores = results.get("lighthouse", {}).get(name)
        shown = ", ".join(f"{k} {v}" for k, v in scores.items()) if scores else "—"
        path = results[("sin caché", name)]["path"]
        lines.append(f"| `{path}` | {weight['sent']:,} | {weight['bytes']:,} | {shown} |")
    if not results.get("lighthouse"):
        lines += ["", "Lighthouse is not installed on this machine (`npm i -g lighthouse`): no scores."]
    lines += [
        "",
        "## CSV export of every reading",
        "",
        f"`GET /api/v1/readings/?format=csv` (streamed live by PostgreSQL's `COPY`, any filter): "
        f"{export['bytes'] / 2**20:.0f} MB in {export['seconds']:.1f} s; peak resident memory of the gunicorn "
        f"worker {export['peak_mb']:.0f} MB (idle {export['idle_mb']:.0f} MB). Goal: under 150 MB.",
        "",
        f"The open data package of the same data (`manage.py build_open_data`, once per data version): built in "
        f"{export['build_seconds']:.1f} s, peak {export['build_peak_mb']:.0f} MB; then "
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


KEPT_MARKER = "<!-- make bench rewrites everything above this line and keeps what follows -->"


if __name__ == "__main__":
    main()
