# The two commands of the README: `make demo` and `make test`. Everything they need they install.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint bench vendor messages clean install install-dev

$(VENV)/bin/activate:
	@bash scripts/bootstrap_venv.sh "$(PYTHON)" "$(VENV)"

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

## demo: install, migrate, load demo data, then serve on http://127.0.0.1:8000 with worker and beat
demo: install
	@bash scripts/demo.sh

## test: install dev tools, ensure PostgreSQL, Redis and Chromium, run ruff and the whole suite
test: install-dev
	@bash scripts/test.sh

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## bench: benchmarks against PostgreSQL and Redis; JSON results under var/bench/
bench: install-dev
	@bash scripts/bench.sh

## vendor: refresh the vendored KERN UX and htmx files (needs npm)
vendor:
	@bash scripts/vendor_assets.sh

## messages: update the German catalogue from the sources (needs GNU gettext)
messages: install
	NOTLAGEN_MODE=development $(PY) manage.py makemessages -l de --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	NOTLAGEN_MODE=development $(PY) manage.py compile_translations

clean:
	rm -rf var/static var/broker var/broker-control var/test-* var/pg-test
