# The two commands: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# PostgreSQL for the second test run; override with PG_URL=postgres://user@host:port/db
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
# Scratch database the load benchmark drops and creates
LOAD_DB ?= postgres://postgres@127.0.0.1:5432/loadbench

.PHONY: run install install-dev migrate demo serve worker test system-packages lint test-sqlite test-postgres format bench bench-load bench-hosts audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

$(VENV)/.bench: requirements-bench.txt $(VENV)/.dev
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# The server and one background worker beside it (board-pack PDFs, reminders, large imports); Ctrl-C stops both.
# Email goes to the console: reminders are printed here, not sent.
serve: install
	@echo "Serving on http://127.0.0.1:$(PORT)/ with a background worker  (Ctrl-C stops both)"
	@export EMAIL_URL=console://; \
	$(BIN)/python manage.py run_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make worker: only the background worker (for a second terminal, or another host's DATABASE_URL).
worker: install
	$(BIN)/python manage.py run_worker

## make run: install, migrate SQLite under var/, load the demo plans and serve on PORT (8000).
run: demo serve

## make test: the system packages the tests need, lint, then the whole suite on SQLite and then on PostgreSQL.
test: system-packages lint test-sqlite test-postgres

## Chromium, poppler-utils, Pango, Node, Redis, PostgreSQL: installed when missing (as root; otherwise
## it stops with the one command to run), and PostgreSQL and Redis started when down.
system-packages:
	bin/system-packages

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-sqlite: install-dev
	@echo "== tests on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install-dev
	@echo "== tests on PostgreSQL ($(PG_URL)) =="
	@if $(BIN)/python -c "import sys, psycopg; psycopg.connect('$(PG_URL)', connect_timeout=5).close()" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS); \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL at $(PG_URL) is unreachable, and CI requires it." >&2; exit 1; \
	else \
		echo "PostgreSQL at $(PG_URL) is unreachable: skipped (CI=true makes this fail)."; \
	fi

## make bench: the rollup and page benchmarks (BENCH_ARGS=--full for 10 plans × 1,000 measures × 36 periods).
BENCH_ARGS ?=
bench: $(VENV)/.bench
	$(BIN)/python bench/rollup.py
	$(BIN)/python bench/pages.py $(BENCH_ARGS)
	$(BIN)/python bench/spreadsheets.py

## make bench-load: 50 managers rating and 10 board members reading against gunicorn + PostgreSQL (LOAD_ARGS=--seconds 120).
LOAD_ARGS ?=
bench-load: install-dev
	$(BIN)/python bench/load.py --database $(LOAD_DB) $(LOAD_ARGS)

## make bench-hosts: the same load spread over two gunicorn hosts sharing PostgreSQL, one Redis and database-backed files.
HOSTS_DB ?= postgres://postgres@127.0.0.1:5432/loadbench_hosts
REDIS_URL_BENCH ?= redis://127.0.0.1:6379/0
bench-hosts: install-dev
	$(BIN)/python bench/load.py --database $(HOSTS_DB) --hosts 2 --redis $(REDIS_URL_BENCH) $(LOAD_ARGS)

## make audit: every package installed in .venv checked against PyPI's vulnerability database (needs the
## internet; not part of make test). Fails when a package has a known vulnerability, or could not be checked.
AUDIT_VENV := .venv-audit
AUDIT_ARGS ?=
$(AUDIT_VENV)/.installed: requirements-audit.txt
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet -r requirements-audit.txt
	touch $@

audit: install-dev $(AUDIT_VENV)/.installed
	$(AUDIT_VENV)/bin/pip-audit --strict --progress-spinner off --desc on \
		--path "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) $(AUDIT_VENV) var
