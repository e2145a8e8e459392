# The two commands of the README: `make run` and `make test`. Both set up .venv first.
.DEFAULT_GOAL := help
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help bootstrap setup run stack test lint test-sqlite test-postgres

help:
	@echo "make run   - set up, load the hub's content and serve it on http://$(HOST):$(PORT)"
	@echo "make stack - Varnish in front of two gunicorn app servers, PostgreSQL and Redis (README)"
	@echo "make test  - set up, lint, check migrations and run the tests on SQLite and PostgreSQL"

bootstrap:
	@PYTHON="$(PYTHON)" scripts/bootstrap

# Migrate, load the hub's content and make sure an administrator exists.
setup: bootstrap
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_hub
	$(PY) manage.py ensure_admin

run: export DJANGO_DEBUG ?= true
run: setup
	@echo "Serving the hub on http://$(HOST):$(PORT)/ and the admin on http://$(HOST):$(PORT)/admin/"
	@# The background tasks' worker (image renditions) runs beside the server and stops with it.
	$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production layout on loopback: see "Deployment: Varnish in front" in the README.
stack: bootstrap
	scripts/stack

lint: bootstrap
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

test: lint
	scripts/run-tests
