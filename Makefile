# Two set-up commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed

.PHONY: run test quick install lint typecheck pytest frontend clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

frontend: $(NPM_STAMP)
	$(BIN)/python -m agentiq.web.assets

install: $(STAMP) frontend

run: install
	$(BIN)/agentiq migrate
	$(BIN)/agentiq demo-owner
	@# `serve` prints the address it really binds (AGENTIQ_HOST / AGENTIQ_PORT).
	$(BIN)/agentiq serve

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench migrations
	$(BIN)/ruff check src tests bench migrations

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

# `make test` runs everything, the `slow` (randomized/crash) and browser tests included.
test: lint typecheck pytest

# While developing: the same checks without the slow and browser tests.
quick: lint typecheck install
	$(BIN)/pytest -m "not slow and not browser" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules var test-artifacts
