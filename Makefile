# The command surface of the platform (README: "make run", "make test").
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BIN ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
MANAGE := $(PY) manage.py
# Tests run on PostgreSQL and Redis (installed on the project's machines); override as needed.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sas_platform
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=

.PHONY: help install venv system-deps axe migrate run test test-unit test-e2e lint fmt check-migrations bench clean

help:
	@echo "make run     installe tout et lance la démo (web + worker + beat) sur http://127.0.0.1:$(PORT)"
	@echo "make test    installe tout et lance toute la suite de tests (unitaires, intégration, navigateur)"
	@echo "make install environnement, dépendances, migrations, référentiel géographique"
	@echo "make lint    ruff + contrat d'imports (lint-imports) + tailles (bin/check-shape) + makemigrations --check"
	@echo "make bench   mesures de performance (résultats dans bench/results/)"

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

# Browser tests drive Debian's Chromium; the mutual TLS tests start Debian's nginx (issue 14). Install
# them only where they are missing (never a download by Playwright).
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installation de Chromium (Debian) pour les tests navigateur..."; \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; \
	fi
	@if [ ! -x /usr/sbin/nginx ]; then \
		echo "Installation de nginx (Debian) pour les tests TLS mutuel..."; \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq nginx; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq nginx; fi; \
	fi

# axe-core (accessibility check of the browser tests) from the npm registry, pinned by
# tests/e2e/axe/package-lock.json, installed into var/npm (git-ignored); needs npm (Debian's, like Chromium).
AXE_JS := var/npm/node_modules/axe-core/axe.min.js
$(AXE_JS): tests/e2e/axe/package.json tests/e2e/axe/package-lock.json
	@if ! command -v npm > /dev/null; then \
		echo "Installation de npm (Debian) pour axe-core..."; \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq npm; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq npm; fi; \
	fi
	mkdir -p var/npm
	cp tests/e2e/axe/package.json tests/e2e/axe/package-lock.json var/npm/
	npm ci --prefix var/npm --no-audit --no-fund --loglevel=error
	@touch $@

axe: $(AXE_JS)

migrate: venv
	$(MANAGE) migrate --noinput

install: venv system-deps migrate
	$(MANAGE) load_geography
	$(MANAGE) sync_periodic_tasks
	$(MANAGE) sync_roles
	$(MANAGE) db_app_role

run: install
	$(MANAGE) seed_demo
	@PORT=$(PORT) ./bin/run-demo

# `test` runs the suite on PostgreSQL, then the tests marked `sqlite_crawl` (the crawl of every route,
# the dashboard's figures, portable SQL) again on the embedded default, SQLite (`make run`), with an
# in-memory test database and the geography of départements 13 and 83 only, then the browser tests.
test: venv system-deps axe
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) -m pytest -n 2 --dist loadfile -m "not e2e" $(PYTEST_ARGS)
	env -u REDIS_URL DATABASE_URL=sqlite:///var/test-sqlite.sqlite3 TEST_GEOGRAPHY_DEPARTEMENTS=13,83 \
		$(PY) -m pytest -p no:xdist -m sqlite_crawl $(PYTEST_ARGS)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) -m pytest -m e2e $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports .importlinter
	$(PY) bin/check-shape
	$(MANAGE) makemigrations --check --dry-run

fmt: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: venv
	$(MANAGE) makemigrations --check --dry-run

# Benchmarks run on their own PostgreSQL database (created if missing), never in `make test`.
BENCH_DB ?= sas_platform_bench
bench: venv
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(BENCH_DB)'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE $(BENCH_DB)" > /dev/null
	export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) REDIS_URL=$(TEST_REDIS_URL) && \
		$(MANAGE) migrate --noinput -v0 && $(MANAGE) load_geography -v0 && $(PY) bench/__main__.py

clean:
	rm -rf $(VENV) var
