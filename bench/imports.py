"""The import of 100,000 readings, measured alone: `python bench/imports.py [--profile]`.

A scratch PostgreSQL database (BENCH_DB, default ilo_import_bench) with the plan, 300 monthly
indicators of one office and a registrador of that office; a CSV of BENCH_IMPORT_ROWS rows
(default 100,000; `;` and decimal commas, as Excel in Spanish writes it); then
`manage.py import_readings`: wall time and the process's peak resident memory (the kernel's
ru_maxrss of that one child). `--profile` runs the same import in this process under cProfile
and prints the 25 costliest functions; `--phases` runs it again in this process and times
parsing, validation and writing apart. `--keep` leaves the database for another run."""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BENCH_DB", "ilo_import_bench")

import run  # noqa: E402  (bench/run.py: the same database helpers and the same CSV)


def prepare():
    run.require_postgres()
    admin = run.connect()
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {run.DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {run.DB}")
    admin.close()
    run.manage("migrate", "--noinput", "-v0")
    run.manage("load_plan")


def django_here():
    os.environ.update({k: v for k, v in run.ENV.items() if k not in os.environ or k == "DATABASE_URL"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilo_plan.settings")
    sys.path.insert(0, str(run.ROOT))
    import django

    django.setup()
    from django_scopes import scopes_disabled  # noqa: E402

    scopes_disabled().__enter__()  # a tool above every entity, as manage.py's commands are (core.scoping)


def phases(path):
    """Wall time of each step of the same import, in this process: parse, validate, write."""
    django_here()
    from django.contrib.auth import get_user_model

    from indicators import imports

    user = get_user_model().objects.get(username="bench-registrador")
    name = Path(path).name
    with open(path, "rb") as stream:
        started = time.monotonic()
        parsed = imports.parse_file(stream, name, imports.Limits.for_command())
        parsing = time.monotonic() - started
    started = time.monotonic()
    report = imports.validate(parsed, user)
    validating = time.monotonic() - started
    started = time.monotonic()
    imports.write(report, user, name)
    writing = time.monotonic() - started
    print(f"phases: parse {parsing:.1f} s, validate {validating:.1f} s, write {writing:.1f} s", flush=True)


def profile(path):
    django_here()
    from django.contrib.auth import get_user_model

    from indicators import imports

    user = get_user_model().objects.get(username="bench-registrador")
    profiler = cProfile.Profile()
    started = time.monotonic()
    with open(path, "rb") as stream:
        profiler.enable()
        report = imports.import_file(stream, Path(path).name, user, limits=imports.Limits.for_command())
        profiler.disable()
    print(f"profiled import: {len(report.readings):,} rows, ok={report.ok}, {time.monotonic() - started:.1f} s")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main():
    prepare()
    result = run.measure_import(None)
    print(
        f"import of {result['rows']:,} rows: {result['seconds']:.1f} s, {result['rate']:,.0f} rows/s, "
        f"peak {result['peak_mb']:.0f} MB"
    )
    if "--profile" in sys.argv or "--phases" in sys.argv:
        # Same file into fresh indicators: empty the drafts the timed run wrote first.
        conn = run.connect(run.DB)
        with conn, conn.cursor() as cursor:
            cursor.execute(
                "DELETE FROM indicators_historicalreading WHERE indicator_id IN "
                "(SELECT id FROM indicators_indicator WHERE code LIKE 'BENCH-IMP-%%')"
            )
            cursor.execute(
                "DELETE FROM indicators_reading WHERE indicator_id IN "
                "(SELECT id FROM indicators_indicator WHERE code LIKE 'BENCH-IMP-%%')"
            )
        conn.close()
        phases(result["path"]) if "--phases" in sys.argv else profile(result["path"])
    if "--keep" not in sys.argv:
        admin = run.connect()
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {run.DB} WITH (FORCE)")
        admin.close()


if __name__ == "__main__":
    main()
