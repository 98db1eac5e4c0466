# One command per chore, the same on a laptop and in CI (.ci/run calls `make test`).
PYTHON ?= python3
VENV   ?= .venv
# pytest-xdist workers for `make unit` (`make unit TEST_WORKERS=3`, or TEST_WORKERS in the environment)
TEST_WORKERS ?= 3
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
DATA   ?= .tfreview-data
E2E_CACHE   ?= $(HOME)/.cache/tfreview-e2e
AXE_VERSION := 4.14.1

RUNBOOK_BASE := https://github.com/tfreview/tfreview/blob/main/docs/runbooks

.PHONY: run demo test lint typecheck unit bench bytecode lock docs clean dist lambda-package tools shells run-extras e2e-tools chaos

# the extras the configured service needs: [postgres] for a PostgreSQL database, [bedrock] for Bedrock
comma := ,
EXTRAS := $(strip $(if $(filter postgresql%,$(TFREVIEW_DATABASE__URL)),postgres) \
                  $(if $(filter bedrock chain,$(TFREVIEW_ADVISOR__NAME)),bedrock))

$(VENV)/bin/uv:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check 'uv>=0.5,<1'

$(VENV)/.run-installed: $(VENV)/bin/uv pyproject.toml requirements/run.lock
	$(UV) pip install --quiet --python $(PY) --compile-bytecode -r requirements/run.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	$(BYTECODE)
	touch $@

$(VENV)/.dev-installed: $(VENV)/bin/uv pyproject.toml requirements/dev.lock
	$(UV) pip install --quiet --python $(PY) --compile-bytecode -r requirements/dev.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	$(BYTECODE)
	touch $@ $(VENV)/.run-installed

## bytecode: compile src/tfreview and write the rule library's index and the records' compiled dataclass methods
##           (ADRs 0390, 0468; the scan's and, apart, every service module's: ADR 0668), as a wheel install has them.
##           Where PYTHONDONTWRITEBYTECODE is set, an editable install would otherwise compile ~100 modules on
##           every `tfreview scan` (70–110 ms CPU). Stale files are safe: Python and the index check each source's
##           modification time, the records' cache holds each method's very source text. Fast when nothing changed; run, demo, bench and unit run it first. A tree
##           where they cannot be written (read-only) only says so: they are a cache.
BYTECODE = { $(PY) -m compileall -q -j 0 src/tfreview && $(PY) -m tfreview.rules >/dev/null; } || \
  echo "bytecode: src/tfreview's bytecode or rule index could not be written (read-only?): scans compile from source"
bytecode: $(VENV)/.run-installed
	$(BYTECODE)

# the extras, pinned by requirements/extras.lock (nothing to do on the embedded defaults)
# EXTRAS=postgres,bedrock on the command line overrides the guess
run-extras: $(VENV)/.run-installed
	@if [ -n "$(EXTRAS)" ]; then \
	  echo "installing tfreview[$(subst $() ,$(comma),$(EXTRAS))] for the configured service"; \
	  $(UV) pip install --quiet --python $(PY) -c requirements/extras.lock -e ".[$(subst $() ,$(comma),$(EXTRAS))]"; \
	fi

## run: install (with the extras TFREVIEW_DATABASE__URL / TFREVIEW_ADVISOR__NAME need), then start the service
##      (default: SQLite in $(DATA), builtin reviewer)
run: run-extras bytecode
	$(VENV)/bin/tfreview scan examples/demo/plan.json --source examples/demo --soft-fail
	$(VENV)/bin/tfreview serve --data-dir $(DATA)

## demo: review the bundled example plan once and exit
demo: $(VENV)/.run-installed bytecode
	$(VENV)/bin/tfreview scan examples/demo/plan.json --source examples/demo --soft-fail

## test: install, lint, type-check and run the whole suite
test: $(VENV)/.dev-installed tools lint typecheck unit

## tools: system tools the tests use: promtool (from Debian's prometheus package) into $(VENV)/bin, and the shells
tools: $(VENV)/bin/uv shells
	bash scripts/install_promtool.sh $(VENV)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/lint-imports --no-logo

typecheck: $(VENV)/.dev-installed
	$(VENV)/bin/mypy

unit: $(VENV)/.dev-installed tools e2e-tools bytecode
	TFREVIEW_E2E_CACHE=$(E2E_CACHE) $(PY) -m pytest -n $(TEST_WORKERS) -q -m "not chaos_long"

## e2e-tools: what tests/e2e drive: Debian's chromium (apt, as root) and axe-core (npm) in $(E2E_CACHE).
## Idempotent; where either cannot be installed the browser tests skip and say why. Never a browser download.
e2e-tools:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "e2e-tools: installing Debian's chromium"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; } || \
	    echo "e2e-tools: chromium could not be installed: the browser tests will skip"; \
	  else echo "e2e-tools: no /usr/bin/chromium and not root: the browser tests will skip"; fi; \
	fi
	@if [ ! -f $(E2E_CACHE)/node_modules/axe-core/axe.min.js ]; then \
	  if command -v npm >/dev/null; then \
	    echo "e2e-tools: installing axe-core $(AXE_VERSION) into $(E2E_CACHE)"; \
	    mkdir -p $(E2E_CACHE) && npm install --silent --no-audit --no-fund --prefix $(E2E_CACHE) axe-core@$(AXE_VERSION) \
	      >/dev/null 2>&1 || echo "e2e-tools: axe-core could not be installed: the accessibility checks will skip"; \
	  else echo "e2e-tools: npm is missing: the accessibility checks will skip"; fi; \
	fi

## shells: zsh and fish for the completion tests, from apt when missing and run as root (else those tests skip)
shells:
	@missing=""; for shell in zsh fish; do command -v $$shell >/dev/null 2>&1 || missing="$$missing $$shell"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing$$missing from apt (shell completion tests)"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; } \
	      >/dev/null 2>&1 || echo "could not install$$missing: their completion tests will be skipped"; \
	  else echo "$$missing not installed (needs root and apt): their completion tests will be skipped"; fi; \
	fi

## dist: build the wheel and the sdist into dist/ (install a release with: pipx install ./dist/tfreview-*.whl)
dist: $(VENV)/bin/uv
	$(UV) build --quiet --out-dir dist .

## lambda-package: the AWS Lambda zip (arm64, python3.12: deploy/aws) with the rule library's index built in
lambda-package: dist
	rm -rf build/lambda
	$(PY) -m pip install --quiet --target build/lambda --implementation cp --python-version 3.12 \
	    --platform manylinux2014_aarch64 --only-binary=:all: "$$(ls -t dist/tfreview-*-py3-none-any.whl | head -1)[bedrock]"
	$(PY) scripts/build_lambda_package.py build/lambda tfreview-lambda.zip --python-version 3.12

## bench: tfreview vs Checkov on scaled plans (installs Checkov into its own venv; slow)
bench: $(VENV)/.dev-installed bytecode
	$(PY) benchmarks/run.py
	$(PY) benchmarks/scan_scale.py --repeat 1
	$(PY) benchmarks/prompt_size.py
	$(UV) pip install --python $(PY) --quiet py-spy  # names the server's threads: intake CPU apart from the workers'
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; } || \
	  echo "bench: wrk is missing (apt-get install wrk, as root): the intake benchmark will say so"
	$(PY) benchmarks/intake.py
	$(PY) benchmarks/dashboard.py
	$(PY) benchmarks/metrics.py
	$(PY) benchmarks/watchdog.py
	$(PY) benchmarks/recall.py --checkov benchmarks/out/checkov-venv/bin/checkov
	$(PY) benchmarks/door.py

## chaos: the long chaos suite (tests/chaos with 1,000 deliveries through the API SIGKILL, every kill point of
## test_kill_mid_write); the CI variant runs 100 deliveries (ADR 0630) and 6 kill points per database path
chaos: $(VENV)/.dev-installed
	TFREVIEW_CHAOS_DELIVERIES=1000 TFREVIEW_KILL_POINTS=1000 $(PY) -m pytest -q -s -m chaos tests/chaos

## docs: regenerate the generated references (rules, CLI, settings, metrics, alerts, runbook index, deploy/aws alarms)
docs: $(VENV)/.dev-installed
	$(PY) scripts/generate_rule_docs.py
	$(PY) scripts/generate_cli_docs.py
	$(PY) scripts/generate_settings_docs.py
	$(PY) scripts/generate_ops_docs.py
	$(PY) scripts/generate_coverage_docs.py
	$(PY) -m tfreview alerts export --format cloudwatch deploy/aws --runbook-base $(RUNBOOK_BASE)

## lock: re-resolve the pinned dependency sets from pyproject.toml
lock: $(VENV)/bin/uv
	$(UV) pip compile pyproject.toml --extra dev -o requirements/dev.lock --python-version 3.11 -q
	$(UV) pip compile pyproject.toml -o requirements/run.lock --python-version 3.11 -q
	$(UV) pip compile pyproject.toml --extra postgres --extra bedrock -o requirements/extras.lock --python-version 3.11 -q

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache benchmarks/out dist build/lambda tfreview-lambda.zip
