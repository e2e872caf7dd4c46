"""`make audit`: Lighthouse (mobile, headless Debian Chromium) on the home and a target page of
the production profile with the seed plan and the demo; writes the four scores into
docs/public-site.md. Not part of the test suite: it needs npm's `lighthouse`, fetched by npx.

1. a scratch SQLite database with the seed plan and the demo data;
2. `collectstatic` (hashed, compressed) and gunicorn with DEBUG off on a free local port;
3. `npx --yes lighthouse@<LIGHTHOUSE>` on each page, CHROME_PATH=/usr/bin/chromium;
4. the scores, between the audit markers of docs/public-site.md."""

import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")
LIGHTHOUSE = os.environ.get("LIGHTHOUSE", "lighthouse@12.8.2")
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PAGES = [("Inicio", "/"), ("Meta", "/metas/S3.1-M/")]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
DOC = ROOT / "docs" / "public-site.md"
START, END = "<!-- audit:start -->", "<!-- audit:end -->"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args, env):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def main():
    scratch = Path(tempfile.mkdtemp(prefix="audit-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{scratch / 'audit.sqlite3'}",
        "DJANGO_SECRET_KEY": "audit-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_CONN_MAX_AGE": "0",
    }
    env.pop("DJANGO_STATICFILES_STORAGE", None)
    print("Base de datos de prueba con el plan y la demostración…", flush=True)
    manage("migrate", "--noinput", "-v0", env={**env, "DJANGO_DEBUG": "1"})
    manage("load_plan", env={**env, "DJANGO_DEBUG": "1"})
    manage("load_demo", env={**env, "DJANGO_DEBUG": "1"})
    prod = {**env, "DJANGO_DEBUG": "0"}
    manage("collectstatic", "--noinput", "-v0", env=prod)
    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, "-c", "python:ilo_plan.gunicorn_conf", "ilo_plan.wsgi:application"],
        cwd=ROOT,
        env={**prod, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "2"},
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        # Warm the workers (imports, template loading) so the audit measures the site, not a cold start.
        for _ in range(3):
            for _name, path in PAGES:
                urllib.request.urlopen(base + path, timeout=30).read()
        rows = []
        for name, path in PAGES:
            report = scratch / f"{name}.json"
            print(f"Lighthouse {LIGHTHOUSE} en {path}…", flush=True)
            subprocess.run(
                [
                    "npx",
                    "--yes",
                    LIGHTHOUSE,
                    base + path,
                    "--quiet",
                    "--output=json",
                    f"--output-path={report}",
                    "--only-categories=" + ",".join(CATEGORIES),
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                ],
                env={**os.environ, "CHROME_PATH": CHROME},
                check=True,
            )
            result = json.loads(report.read_text())
            scores = [round(result["categories"][c]["score"] * 100) for c in CATEGORIES]
            weight = result["audits"]["total-byte-weight"]["numericValue"]
            rows.append((name, path, scores, weight, result["lighthouseVersion"]))
            print(name, scores, f"{weight / 1024:.0f} KB", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    write(rows)


def write(rows):
    version = rows[0][4]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        START,
        f"Measured {when} by `make audit`: Lighthouse {version}, mobile emulation (Moto G Power, slow 4G",
        f"throttling), headless Debian Chromium, {platform.machine()}; the production profile (gunicorn,",
        "whitenoise's compressed static files, DEBUG off) with the seed plan and the demo data;",
        f"{os.cpu_count()} CPUs, load average {load} when written (performance drops on a busy machine).",
        "",
        "| page | performance | accessibility | best practices | SEO | bytes (Lighthouse total) |",
        "|---|---|---|---|---|---|",
    ]
    for name, path, scores, weight, _ in rows:
        lines.append(f"| {name} `{path}` | " + " | ".join(str(s) for s in scores) + f" | {weight / 1024:.0f} KB |")
    lines.append(END)
    text = DOC.read_text(encoding="utf-8")
    block = "\n".join(lines)
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n## Lighthouse\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
