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

.PHONY: run install install-dev migrate demo serve test lint test-sqlite test-postgres format bench bench-load audit clean

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

serve: install
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make run: install, migrate SQLite under var/, load the demo plans and serve on PORT (8000).
run: demo serve

## make test: lint, then the whole suite on SQLite and then on PostgreSQL.
test: lint test-sqlite test-postgres

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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
