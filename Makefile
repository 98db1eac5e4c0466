# One command per chore, the same on a laptop and in CI (.ci/run calls `make test`).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
DATA   ?= .tfreview-data

.PHONY: run demo test lint typecheck unit bench lock docs clean tools

$(VENV)/bin/uv:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check 'uv>=0.5,<1'

$(VENV)/.run-installed: $(VENV)/bin/uv pyproject.toml requirements/run.lock
	$(UV) pip install --quiet --python $(PY) -r requirements/run.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/bin/uv pyproject.toml requirements/dev.lock
	$(UV) pip install --quiet --python $(PY) -r requirements/dev.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	touch $@ $(VENV)/.run-installed

## run: install, then start the service on the embedded defaults (SQLite in $(DATA), builtin reviewer)
run: $(VENV)/.run-installed
	$(VENV)/bin/tfreview scan examples/demo/plan.json --source examples/demo --soft-fail
	$(VENV)/bin/tfreview serve --data-dir $(DATA)

## demo: review the bundled example plan once and exit
demo: $(VENV)/.run-installed
	$(VENV)/bin/tfreview scan examples/demo/plan.json --source examples/demo --soft-fail

## test: install, lint, type-check and run the whole suite
test: $(VENV)/.dev-installed tools lint typecheck unit

## tools: system tools the tests use: promtool (from Debian's prometheus package) into $(VENV)/bin
tools: $(VENV)/bin/uv
	bash scripts/install_promtool.sh $(VENV)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/lint-imports --no-logo

typecheck: $(VENV)/.dev-installed
	$(VENV)/bin/mypy

unit: $(VENV)/.dev-installed
	$(PY) -m pytest -n 2 -q

## bench: tfreview vs Checkov on scaled plans (installs Checkov into its own venv; slow)
bench: $(VENV)/.dev-installed
	$(PY) benchmarks/run.py
	$(PY) benchmarks/prompt_size.py
	$(PY) benchmarks/intake.py
	$(PY) benchmarks/metrics.py

## docs: regenerate the generated references (rules, CLI, settings, metrics, alerts, runbook index)
docs: $(VENV)/.dev-installed
	$(PY) scripts/generate_rule_docs.py
	$(PY) scripts/generate_cli_docs.py
	$(PY) scripts/generate_settings_docs.py
	$(PY) scripts/generate_ops_docs.py

## lock: re-resolve the pinned dependency sets from pyproject.toml
lock: $(VENV)/bin/uv
	$(UV) pip compile pyproject.toml --extra dev -o requirements/dev.lock --python-version 3.11 -q
	$(UV) pip compile pyproject.toml -o requirements/run.lock --python-version 3.11 -q

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache benchmarks/out
