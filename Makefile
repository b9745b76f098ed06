# Two commands matter: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
export DJANGO_DEBUG ?= 1

# The first Python 3.12+ found: on PATH, then under pyenv.
PYTHON ?= $(shell for candidate in python3.13 python3.12 python3 \
	$$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3; do \
	  command -v $$candidate >/dev/null 2>&1 || continue; \
	  $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	    && { command -v $$candidate; break; }; \
	done)

BACKUP ?= backups/library-$(shell date +%Y%m%d-%H%M%S).json

.PHONY: run worker test lint format migrate seed browser redis check-python clean backup restore bench loadtest lock audit

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: Python 3.12 or newer is needed (Django 6.1) and none was found." >&2; \
	  echo "Install one (e.g. 'pyenv install 3.13') or run 'make PYTHON=/path/to/python3.12'." >&2; \
	  exit 1; \
	fi

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the hashed lock files; `make lock` regenerates them from pyproject.toml.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes -q -o requirements.txt
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.12 --generate-hashes -q -o requirements-dev.txt

# Known vulnerabilities in the locked versions, from PyPI's advisory service. When that
# service cannot be reached, pip-audit skips every package; say so plainly and fail.
audit: $(VENV)/.installed-test
	@out=$$($(BIN)/pip-audit --disable-pip --progress-spinner off -r requirements-dev.txt 2>&1); \
	status=$$?; echo "$$out"; \
	if echo "$$out" | grep -q "could not be audited"; then \
	  echo "AUDIT INCOMPLETE: PyPI's advisory service could not be reached from this machine, so no package was checked." >&2; \
	  exit 2; \
	fi; \
	exit $$status

# Browser tests drive Debian's Chromium: Playwright's own browser download cannot work here.
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Installing Chromium from Debian for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# Redis 8 for the tests of redis-py's client-side caching (RESP3), which needs Redis 7.4 or
# later; Debian bookworm's is 7.0. Built once from Debian's source tarball into the ignored
# .venv (2¼ minutes of CPU: 5 minutes on a busy 2-core machine), only redis-server,
# without TLS or modules;
# tests/test_client_side_cache.py and the benchmark use it as .venv/redis-server, a link
# to the version built, so that the version is named here alone.
REDIS_VERSION := 8.0.2
REDIS_SHA256 := caf3c0069f06fc84c5153bd2a348b204c578de80490c73857bee01d9b5d7401f
REDIS_SERVER := $(VENV)/redis-$(REDIS_VERSION)/redis-server

$(REDIS_SERVER):
	@echo "Building redis-server $(REDIS_VERSION) from Debian's source, once"
	@set -euo pipefail; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	curl -fsSL --retry 5 --retry-delay 2 --retry-all-errors -o "$$tmp/redis.tar.gz" \
	  http://deb.debian.org/debian/pool/main/r/redis/redis_$(REDIS_VERSION).orig.tar.gz; \
	echo "$(REDIS_SHA256)  $$tmp/redis.tar.gz" | sha256sum --check --quiet; \
	tar xzf "$$tmp/redis.tar.gz" -C "$$tmp"; \
	if ! $(MAKE) -C "$$tmp/redis-$(REDIS_VERSION)/src" -j2 BUILD_TLS=no redis-server \
	    >"$$tmp/build.log" 2>&1; then tail -n 40 "$$tmp/build.log" >&2; exit 1; fi; \
	mkdir -p "$(@D)"; install -m 755 "$$tmp/redis-$(REDIS_VERSION)/src/redis-server" "$@"

redis: $(REDIS_SERVER)
	@ln -sfn redis-$(REDIS_VERSION)/redis-server $(VENV)/redis-server

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py build_data_package

# The background worker: rebuilds the data package after a publication and sends alert
# e-mails. Run it beside `make run`, in a second terminal.
worker: migrate
	$(BIN)/python manage.py db_worker

run: seed
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production shape on this machine: gunicorn, debug off, static files collected, and a
# secret key generated once into .secret_key (kept out of git). Plain HTTP on 127.0.0.1, so
# no redirect to HTTPS; everything else (secure cookies, HSTS, the CSP, TOTP for the admin)
# as deployed.
SECRET_KEY_FILE := .secret_key
$(SECRET_KEY_FILE): | $(BIN)/python
	umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

serve: export DJANGO_DEBUG = 0
serve: export DJANGO_SECRET_KEY = $(shell cat $(SECRET_KEY_FILE) 2>/dev/null)
serve: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export DJANGO_SECURE_SSL_REDIRECT ?= 0
serve: $(SECRET_KEY_FILE) seed
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/gunicorn library.wsgi:application \
	  --bind 127.0.0.1:$(PORT) --workers $${WORKERS:-2} --access-logfile -

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint browser redis
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Not part of `make test`: builds 1,000- and 100,000-study synthetic libraries and drives
# them with wrk (SQLite, or PostgreSQL when DATABASE_URL names it). BENCH_ARGS, e.g.
# "--sizes 1000 --duration 3 --reuse" or --only "API studies", narrows a run;
# "--baseline 14f9e98" adds the side-by-side cold comparison with that commit.
# Results: tests/benchmarks/results.json.
bench: $(VENV)/.installed-test
	@if ! command -v wrk >/dev/null 2>&1; then \
	  echo "Installing wrk from Debian for the benchmark"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	fi
	$(BIN)/python tests/benchmarks/bench.py $(BENCH_ARGS)

# Not part of `make test`: 64 connections for 60 s through gunicorn (production settings,
# 4 workers); fails on any non-2xx answer or socket error. Figures: tests/benchmarks/loadtest.json.
loadtest: $(VENV)/.installed-test
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python tests/benchmarks/loadtest.py $(LOADTEST_ARGS)

# Portable JSON with natural keys, on SQLite and PostgreSQL alike, readable by its owner
# only and without secrets (BACKUP_ARGS=--include-secrets for a full copy). Restore into an
# empty, migrated database: `make restore BACKUP=backups/library-....json`
# (RESTORE_ARGS=--force replaces whatever the database holds).
backup: $(VENV)/.installed
	$(BIN)/python manage.py backup $(BACKUP) $(BACKUP_ARGS)

restore: migrate
	$(BIN)/python manage.py restore $(BACKUP) $(RESTORE_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles .pytest_cache .ruff_cache
