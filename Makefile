# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: run test test-postgres test-browser install install-test migrate seed bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11+ is needed (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(VENV)/.installed $@

# Test-only tools from npm (axe-core for the accessibility checks); skipped without npm.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility checks will fail"; fi

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo

## Serve the demo forum on http://127.0.0.1:5000 (SQLite under instance/), with the
## mail worker beside it: without FLASK_MAIL_HOST, mail becomes .eml files in instance/mail/.
run: seed
	@$(BIN)/flask mail run & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## The whole suite on SQLite, browser tests included when Chromium is there
## (set TEST_DATABASE_URL for PostgreSQL).
test: install-test node_modules/.installed
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-postgres: install-test
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1/test} \
		$(BIN)/python -m pytest -q -m "not browser" $(PYTEST_ARGS)

## Browser tests: headless Chromium (/usr/bin/chromium) through Playwright.
test-browser: install-test node_modules/.installed
	$(BIN)/python -m pytest -q -m browser $(PYTEST_ARGS)

## Page benchmark under gunicorn (see bench/RESULTS.md); BENCH_ARGS=--quick is CI's check.
bench: install
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
