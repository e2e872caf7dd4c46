# Two commands set a fresh machine up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-deep lint serve worker bench audit install clean-db guide-images

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_plan
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/pytest

# The edit loop: the suite without the tests marked slow (browser, races, servers, state machines,
# schemathesis, anything over about 2 s); a few minutes. `make test` stays the whole truth.
test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow"

# The property-based tests with many more examples (hypothesis profile `deep`); minutes, not seconds.
test-deep: $(STAMP)
	HYPOTHESIS_PROFILE=deep $(BIN)/pytest -m hypothesis

# Production profile: hashed, compressed static files served by whitenoise; gunicorn with the
# threaded workers, timeouts and addresses of ilo_plan/gunicorn_conf.py (WEB_CONCURRENCY,
# GUNICORN_TIMEOUT, ...); the database from DATABASE_URL. DJANGO_SECRET_KEY and
# DJANGO_ALLOWED_HOSTS must be set (see docs/deployment.md).
serve: $(STAMP)
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput -v0
	DJANGO_DEBUG=0 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=0 $(BIN)/gunicorn -c python:ilo_plan.gunicorn_conf ilo_plan.wsgi:application

# The task worker beside `make serve` (ilo_plan/tasks.py): after each change it renders the changed
# plan's pages and builds its open data ahead of visitors. Run one or more, on any server, with the
# same settings as `make serve` (the queue is a table of the same database). `make run` needs none.
worker: $(STAMP)
	DJANGO_DEBUG=0 TASKS_BACKEND=database $(PY) manage.py db_worker --no-reload

# Benchmark at a million readings (PostgreSQL required); writes docs/benchmarks.md.
bench: $(STAMP)
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) bench/run.py

# Lighthouse (npm, fetched by npx; Debian Chromium, mobile, headless) on the home and a target page
# of the production profile with the demo data; writes the four scores into docs/public-site.md.
# Not part of the test suite.
audit: $(STAMP)
	CHROME_PATH=/usr/bin/chromium LIGHTHOUSE=lighthouse@12.8.2 $(PY) bench/audit.py

# The pictures of the staff guide (docs/guia-registro.md), taken by the browser tests of data entry.
guide-images: $(STAMP)
	UPDATE_GUIDE_IMAGES=1 $(BIN)/pytest -q tests/browser/test_admin_entry.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

clean-db:
	rm -f db.sqlite3
