"""Where an uncached page's time goes: `python bench/pages.py [URL ...]`.

Runs in this process against DATABASE_URL (the bench database: BENCH_DB, default ilo_bench, with
its million readings), the public cache off, each URL requested REPEAT times through Django's
test client: the median wall time, the query count and time, and cProfile's costliest functions
by their own time, grouped by where they live (templates, ORM, plotly, DRF, the app's code).
`--cached` instead times cached answers with and without the remembered data version;
`--national` times the pages whose cost could grow with the number of plans (the directory, a
plan's home, the API's list of plans, the root search): uncached and cached p50 and the uncached
query count. `--json` prints the results as one line `JSON[...]` (what `bench/run.py` reads)."""

import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
os.environ.setdefault("DATABASE_URL", f"{PG}/{os.environ.get('BENCH_DB', 'ilo_bench')}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilo_plan.settings")
os.environ["PUBLIC_CACHE_SECONDS"] = "0"
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("API_THROTTLE_ANON", "100000000/min")
os.environ.setdefault("AXES_ENABLED", "0")
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))

URLS = [
    "/",
    "/ejes/2/",
    "/metas/S1.1-M/",
    "/planes/ilo-2019-2022/metas/S1.1-M/",
    "/indicadores/",
    "/indicadores/BENCH-001/",
    "/api/v1/readings/?indicator=BENCH-001&page_size=100",
    "/api/v1/readings/?page_size=100",
    "/api/v1/targets/",
    "/api/v1/indicators/",
]

# Pages that show or search every plan (the national scenario), and one plan's home at its address.
NATIONAL_URLS = [
    "/entidades/",
    "/planes/ilo-2019-2022/",
    "/api/v1/plans/",
    "/buscar/?q=agua",
]
CACHED_REPEAT = 50

GROUPS = [
    ("plotly", "plotly"),
    ("templates", "django/template"),
    ("ORM and driver", "django/db"),
    ("psycopg2", "psycopg2"),
    ("DRF", "rest_framework"),
    ("translations, formats", "django/utils"),
    ("app: goals", "/goals/"),
    ("app: indicators", "/indicators/"),
]


def group_of(filename: str) -> str:
    for label, needle in GROUPS:
        if needle in filename:
            return label
    return "other"


def profile(client, url):
    from django.db import connection

    client.get(url)  # warm: imports, template loading
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    queries = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - started, sql))

    with connection.execute_wrapper(timed):
        client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values()) or 1  # own time of every function
    by_group = defaultdict(float)
    for (filename, _, name), row in stats.stats.items():
        driver = filename == "~" and ("psycopg2" in name or "sqlite3" in name)
        by_group["database (driver)" if driver else group_of(filename)] += row[2]
    query_ms = sum(seconds for seconds, _ in queries) * 1000
    return {
        "url": url,
        "status": response.status_code,
        "bytes": len(response.content),
        "p50": statistics.median(times),
        "queries": len(queries),
        "slowest": max(queries, default=(0, ""), key=lambda q: q[0]),
        "query_ms": query_ms,
        "groups": {k: v / total for k, v in sorted(by_group.items(), key=lambda kv: -kv[1])},
    }


def cached_path(client, settings):
    """`--cached`: a cached answer's median with the data version read on every request
    (DATA_VERSION_SECONDS=0, one query) and remembered for a second (no query)."""
    settings.PUBLIC_CACHE_SECONDS = 600
    for seconds in (0, 1):
        settings.DATA_VERSION_SECONDS = seconds
        for url in ("/", "/api/v1/readings/?indicator=BENCH-001&page_size=100"):
            client.get(url)
            times = []
            for _ in range(300):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            print(f"DATA_VERSION_SECONDS={seconds} {url}: cached p50 {statistics.median(times):.2f} ms", flush=True)


def national(client, settings):
    """`--national`: for each page, the uncached p50 and query count (of a repeated request, as
    `profile` counts them), then the cached p50 (the public cache on, through this process's cache:
    Redis when REDIS_URL is set)."""
    found = []
    for url in NATIONAL_URLS:
        settings.PUBLIC_CACHE_SECONDS = 0
        result = profile(client, url)
        settings.PUBLIC_CACHE_SECONDS = 600
        client.get(url)  # stored
        times = []
        for _ in range(CACHED_REPEAT):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        found.append(
            {
                "url": url,
                "status": result["status"],
                "bytes": result["bytes"],
                "p50": result["p50"],
                "queries": result["queries"],
                "cached_p50": statistics.median(times),
                "cached_status": response.status_code,
                "x_cache": response.get("X-Cache", ""),
            }
        )
    settings.PUBLIC_CACHE_SECONDS = 0
    return found


def main():
    import django

    django.setup()
    from django_scopes import scopes_disabled  # noqa: E402

    scopes_disabled().__enter__()  # a tool above every entity, as manage.py's commands are (core.scoping)
    from django.conf import settings
    from django.test import Client

    # No collectstatic needed: plain static URLs (production hashes them; that costs nothing here).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    if "--cached" in sys.argv:
        return cached_path(client, settings)
    as_json = "--json" in sys.argv
    if "--national" in sys.argv:
        found = national(client, settings)
        if as_json:
            print("JSON" + json.dumps(found), flush=True)
        for row in found:
            print(
                f"{row['url']}: {row['status']}, {row['bytes'] / 1024:.0f} KiB, uncached p50 {row['p50']:.1f} ms, "
                f"{row['queries']} queries; cached p50 {row['cached_p50']:.2f} ms ({row['x_cache']})",
                file=sys.stderr if as_json else sys.stdout,
                flush=True,
            )
        return
    results = []
    for url in [a for a in sys.argv[1:] if not a.startswith("--")] or URLS:
        result = profile(client, url)
        results.append({k: result[k] for k in ("url", "status", "bytes", "p50", "queries", "query_ms")})
        if as_json:
            continue
        groups = ", ".join(f"{k} {v:.0%}" for k, v in list(result["groups"].items())[:5])
        print(
            f"{result['url']}: {result['status']}, {result['bytes'] / 1024:.0f} KiB, p50 {result['p50']:.1f} ms, "
            f"{result['queries']} queries ({result['query_ms']:.0f} ms); own time: {groups}",
            flush=True,
        )
        if os.environ.get("BENCH_SQL"):
            seconds, sql = result["slowest"]
            print(f"    slowest query {seconds * 1000:.0f} ms: {sql[:600]}")
    if as_json:
        print("JSON" + json.dumps(results), flush=True)


if __name__ == "__main__":
    main()
