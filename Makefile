# Rabta — the two commands first: `make run`, `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
SHARED_DATA ?= ../shared/data
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run simulate test bench lint format check-migrations install install-dev translations demo clean help

help:
	@echo "make run    - install, migrate, load demo data and serve Rabta at http://$(HOST):$(PORT)"
	@echo "make simulate - (second terminal, beside make run) stream declarations through clearance"
	@echo "make test   - install test tools and run the whole suite"
	@echo "make bench  - run the benchmarks; figures go to bench/results/latest.json"
	@echo "make lint   - ruff, mypy and the migrations check"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Rabta needs Python 3.11 or newer"' \
		|| { echo "error: $(PYTHON) is older than 3.11; set PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Stamps: reinstall only when the lock files change, so a second `make run` starts at once.
$(VENV)/.runtime-installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

$(VENV)/.dev-installed: requirements-dev.lock requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps -e .
	@touch $(VENV)/.runtime-installed $@

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

translations: $(VENV)/.runtime-installed
	@$(BIN)/rabta compile_translations

run: install translations
	$(BIN)/rabta migrate --noinput -v 0
	$(BIN)/rabta collectstatic --noinput -v 0
	$(BIN)/rabta loaddemo $(if $(wildcard $(SHARED_DATA)),--shared-data $(SHARED_DATA),)
	$(BIN)/rabta intelligence train --if-absent
	@$(BIN)/rabta demo_logins --url http://$(HOST):$(PORT)/
	exec $(BIN)/gunicorn rabta.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) -c python:rabta.gunicorn_embedded \
		--access-logfile - --graceful-timeout 20 --timeout 60

# Beside `make run`, in a second terminal: declarations filed and cleared through the real
# services, so the declaration pages and the clearance dashboard move (README "Customs simulator").
simulate: install
	$(BIN)/rabta customs simulate $(SIMULATE_ARGS)

test: install-dev translations
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev translations
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy rabta
	$(BIN)/rabta makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var
