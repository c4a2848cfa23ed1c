# 星烛客户管理系统 — the two commands a fresh clone needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
# Use the active virtualenv when there is one, else a project-local .venv.
VENV := $(if $(VIRTUAL_ENV),$(VIRTUAL_ENV),$(CURDIR)/.venv)
BIN := $(VENV)/bin
export FLASK_APP := wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
TEST_PG_DB ?= xingzhu_test
# Test processes (pytest-xdist): one per core, at most 4. Each has its own PostgreSQL database
# ($(TEST_PG_DB)_gw0, ...) and Redis database (12, 13, ...; tests/parallel.py). TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n > 4 ? 4 : n )))
TEST_REDIS_URL ?= redis://127.0.0.1:6379/12
# What to test (make test TEST_PATHS="tests/unit tests/jobs"); PYTEST_ARGS adds options (-k, -x, --durations=20).
TEST_PATHS ?= tests

.PHONY: run dev test install install-dev assets system-deps services lint worker cron bench loadtest demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed assets
install-dev: $(VENV)/.installed-dev assets

# Browser libraries served from app/static/vendor (not committed): the Quill rich-text editor, from its npm package.
QUILL_VERSION := 2.0.3
VENDOR := app/static/vendor
$(VENDOR)/quill/.version-$(QUILL_VERSION):
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq -o DPkg::Lock::Timeout=300 npm >/dev/null; }
	@tmp=$$(mktemp -d) && npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix $$tmp \
	  quill@$(QUILL_VERSION) && rm -rf $(VENDOR)/quill && mkdir -p $(VENDOR)/quill && \
	  cp $$tmp/node_modules/quill/dist/quill.js $$tmp/node_modules/quill/dist/quill.snow.css \
	     $$tmp/node_modules/quill/LICENSE $(VENDOR)/quill/ && rm -rf $$tmp && touch $@

assets: $(VENDOR)/quill/.version-$(QUILL_VERSION)

# Production serving: gunicorn with the settings in app/gunicorn_config.py (workers from the core count).
run: install
	$(BIN)/flask crm init
	@echo "星烛客户管理系统：http://$(HOST):$(PORT)/  用上面的管理员账号登录（按 Ctrl+C 停止）"
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c app/gunicorn_config.py wsgi:app

# Development: Flask's server with the reloader and the debugger.
dev: install
	$(BIN)/flask crm init
	@echo "星烛客户管理系统（开发模式）：http://$(HOST):$(PORT)/"
	FLASK_DEBUG=1 $(BIN)/flask run --debug --host $(HOST) --port $(PORT)

# Debian packages for the browser tests: Chromium and a font with Chinese glyphs.
system-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "wenquanyi micro hei"; then \
	  echo "installing chromium and fonts-wqy-microhei"; \
	  apt-get -o DPkg::Lock::Timeout=300 update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

# Start PostgreSQL and Redis when this machine has them but they are not running.
services:
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || { command -v redis-server >/dev/null && \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null; sleep 1; } || true
	@pg_isready -q -h 127.0.0.1 2>/dev/null || { command -v pg_ctlcluster >/dev/null && \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start; sleep 2; } || true

lint: install-dev
	$(BIN)/ruff check .

test: install-dev system-deps services lint
	@export REDIS_TEST_URL=$$(redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && echo $(TEST_REDIS_URL)); \
	if pg_isready -q -h 127.0.0.1 2>/dev/null; then \
	  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $(TEST_PG_DB)" >/dev/null && \
	  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $(TEST_PG_DB)" >/dev/null && \
	  export TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/$(TEST_PG_DB); \
	fi; \
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup \
	  --cov=app --cov=models --cov=admin_views --cov=jobs --cov-report=term $(PYTEST_ARGS) $(TEST_PATHS) --ignore=tests/perf

worker: install
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(BIN)/rq worker --with-scheduler -w jobs.worker.CrmWorker --path . --url $${REDIS_URL:-redis://127.0.0.1:6379/0}

cron: install
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(BIN)/rq cron jobs/cron.py --path . --url $${REDIS_URL:-redis://127.0.0.1:6379/0}

bench: install-dev
	$(BIN)/python -m tests.perf.run

# Load test (tests/load): two gunicorn nodes, two rq workers and rq cron on PostgreSQL + Redis, 50 simulated staff
# for 60 s, then the invariants. LOADTEST_USERS, LOADTEST_SECONDS, LOADTEST_DATABASE_URL, LOADTEST_REDIS_URL ...
loadtest: install-dev services
	$(BIN)/python -m tests.load

demo: install
	$(BIN)/flask crm init
	$(BIN)/flask crm demo $(DEMO_ARGS)

clean:
	rm -rf .pytest_cache .coverage htmlcov
