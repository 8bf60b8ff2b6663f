# Carnet: `make run` serves the demo on SQLite; `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Test workers: one per core, at most four (each runs its own database and browser).
JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: run install install-test test lint typecheck unit test-postgres schema messages bench \
	page-weights screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Also fetches the French ICD-10 labels (a warning, not a failure, without network).
$(VENV)/.installed: pyproject.toml scripts/fetch-icd10-fr.sh | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	bash scripts/fetch-icd10-fr.sh $(VENV)
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test
	bash scripts/install-chromium.sh

run: install
	$(BIN)/carnet migrate
	$(BIN)/carnet demo
	@echo "Carnet is starting on http://127.0.0.1:$(PORT) (demo sign-ins: see README.md)"
	$(BIN)/carnet serve --port $(PORT)

lint: install-test
	$(BIN)/ruff check api web tests bench scripts examples

typecheck: install-test
	$(BIN)/mypy

unit: install-test
	$(BIN)/python -m pytest -rs -n $(JOBS)

# The database tests again on PostgreSQL (CARNET_TEST_POSTGRES_URL, default the local
# server); without a reachable server they are skipped and the reason is printed.
test-postgres: install-test
	$(BIN)/python -m pytest -m db --db=postgres -rs -n $(JOBS)

test: lint typecheck unit test-postgres

schema: install
	$(BIN)/carnet export-schema -o schema.graphql

messages: install-test
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ --no-location --omit-header --sort-output -o web/locales/messages.pot .
	$(BIN)/pybabel update -i web/locales/messages.pot -d web/locales --omit-header --no-fuzzy-matching

# Measure every page in Chromium and write docs/page-weights.md.
page-weights: install-test
	CARNET_PAGE_WEIGHTS_REPORT=1 $(BIN)/python -m pytest tests/browser/test_weight.py -q

# Take docs/screenshots/after/ again from a fresh demo (docs/screenshots/README.md).
screenshots: install-test
	$(BIN)/python scripts/screenshots.py

# The quick benchmark (SQLite, under 3 minutes; `python -m bench.run` for the full run on
# SQLite and PostgreSQL): writes docs/benchmarks/results/quick.json and docs/benchmarks.md.
bench: install-test
	bash scripts/install-bench-tools.sh
	$(BIN)/python -m bench.run --quick
	$(BIN)/python -m bench.terminology

clean:
	rm -rf $(VENV) var
