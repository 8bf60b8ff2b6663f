# Carnet: `make run` serves the demo on SQLite; `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Test workers: one per core, at most four (each runs its own database and browser).
JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: run install install-test lock test lint typecheck unit test-postgres schema messages bench \
	page-weights screenshots fuzz resilience clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The exact versions of requirements.lock, then Carnet itself; also fetches the French
# ICD-10 labels (a warning, not a failure, without network).
$(VENV)/.installed: pyproject.toml requirements.lock scripts/fetch-icd10-fr.sh | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	bash scripts/fetch-icd10-fr.sh $(VENV)
	touch $@

# The test tools at the exact versions of requirements-test.lock.
$(VENV)/.installed-test: requirements-test.lock $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-test.lock
	$(BIN)/python -m pip check
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test
	bash scripts/install-chromium.sh

# Resolve pyproject.toml's ranges again in clean environments and write the lock files
# (then run `make test` and commit them together).
lock:
	bash scripts/lock.sh $(PYTHON)

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

# New message ids go to api/locales/*/LC_MESSAGES/messages.po; it says which lack French.
messages: install
	$(BIN)/python scripts/messages.py

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

# The fault tests (docs/security.md, "Fault tests"). fuzz: schemathesis writes at least 2,000
# operations per role against a live demo server (about 4 minutes); the suite runs 100.
fuzz: install-test
	$(BIN)/python -m bench.fuzz --operations 2000

# resilience: a throwaway PostgreSQL cluster and the app each killed 10 times under 32
# writers, then a 10-minute soak at 70 % of the maximum rate (about 15 minutes); the suite
# runs 2 kills of each kind without the soak.
resilience: install-test
	$(BIN)/python -m bench.resilience --cycles 10 --soak-seconds 600

clean:
	rm -rf $(VENV) var
