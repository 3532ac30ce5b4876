# civichub: `make demo` runs the platform with its demo; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN := $(UV) run --frozen
# Compile bytecode at install: these machines set PYTHONDONTWRITEBYTECODE, so without it every process
# (each gunicorn worker, dispatcher and test subprocess) recompiles Django from source, 1-2 s each.
export UV_COMPILE_BYTECODE := 1
PORT ?= 8000

.PHONY: help demo test test-sqlite test-postgres lint check bench setup assets system-deps serve sbom

help:
	@echo "make demo   - install everything, load the demo councils and serve http://127.0.0.1:$(PORT)"
	@echo "make test   - lint, type-check and run the whole suite on SQLite and PostgreSQL"
	@echo "make bench  - run the benchmarks in benchmarks/"
	@echo "make sbom   - write CycloneDX SBOMs of the Python and npm dependencies to build/sbom/"

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

setup: $(UV) node_modules/.package-lock.json assets
	$(UV) sync --frozen --quiet

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json
	npm run --silent build

system-deps:
	scripts/system-deps

demo: setup
	$(RUN) civichub migrate --verbosity 0
	$(RUN) civichub demo
	$(RUN) civichub collectstatic --noinput --verbosity 0
	@echo "civichub is running at http://127.0.0.1:$(PORT) with its worker and webhook dispatcher (Ctrl-C to stop)"
	PORT=$(PORT) RUN="$(RUN)" scripts/serve

lint: setup
	$(RUN) ruff check civichub tests benchmarks conftest.py
	$(RUN) ruff format --check civichub tests benchmarks conftest.py
	$(RUN) mypy civichub
	$(RUN) lint-imports
	$(RUN) civichub makemigrations --check --dry-run --verbosity 0
	CIVICHUB_SECRET_KEY="$$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	  CIVICHUB_SECRETS_KEYS="$$(python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')" \
	  DJANGO_SETTINGS_MODULE=civichub.settings.production $(RUN) civichub check --deploy --fail-level WARNING
	UV="$(UV)" scripts/audit-dependencies

# CycloneDX SBOMs of what ships: the Python packages locked for run time (uv.lock without the dev tools,
# with their hashes) and the npm packages the assets are built from (package-lock.json).
sbom: setup
	mkdir -p build/sbom
	$(UV) export --frozen --quiet --no-dev --no-emit-project --format requirements-txt -o build/sbom/python-requirements.txt
	PYTHONWARNINGS=ignore $(RUN) cyclonedx-py requirements --pyproject pyproject.toml --mc-type application \
	  --output-reproducible -o build/sbom/python.cdx.json build/sbom/python-requirements.txt
	npm sbom --sbom-format cyclonedx --package-lock-only --loglevel=error > build/sbom/npm.cdx.json
	@echo "SBOMs written: build/sbom/python.cdx.json, build/sbom/npm.cdx.json"

# One pytest-xdist worker per core (the suite is CPU-bound; a 2-core machine halves its time). The browser
# and fuzz tests each keep to one worker (their xdist_group), so each builds its demo server once.
# `make test PARALLEL=` runs in one process, e.g. to debug.
PARALLEL ?= -n auto --dist loadgroup

test-sqlite: setup
	$(RUN) pytest $(PARALLEL)

# The browser and fuzz tests serve the demo from their own SQLite file, so the SQLite run covers them.
test-postgres: setup system-deps
	scripts/with-postgres $(RUN) pytest $(PARALLEL) -m "not browser and not fuzz"

test: system-deps lint test-sqlite test-postgres

bench: setup
	$(RUN) python benchmarks/run.py
	$(RUN) python benchmarks/webhooks.py --events 10000
	$(RUN) python benchmarks/webhooks.py --events 10000 --kills
	$(RUN) python benchmarks/directory.py --services 100000
	$(RUN) python benchmarks/throttle.py
	$(RUN) python benchmarks/backup.py --services 100000
	$(RUN) python benchmarks/retention.py --events 100000
	$(RUN) python benchmarks/ocds_publish.py --contracts 10000
	$(RUN) python benchmarks/people_linkage.py --records 100000 --spark --scale 1000000
	$(RUN) python benchmarks/market.py --providers 5000 --offers 100000
	$(RUN) python benchmarks/funding_matching.py --opportunities 100000
	$(RUN) python benchmarks/commissioning_dashboard.py --contracts 10000
	$(RUN) python benchmarks/records.py
	scripts/with-postgres $(RUN) python benchmarks/records.py
	$(RUN) python benchmarks/needs_profile.py
	scripts/with-postgres $(RUN) python benchmarks/needs_profile.py
	$(RUN) python benchmarks/failure_demand.py --contacts 1000000
	scripts/with-postgres $(RUN) python benchmarks/failure_demand.py --contacts 1000000
	$(RUN) python benchmarks/funding_search.py
	scripts/with-postgres $(RUN) python benchmarks/funding_search.py
	$(RUN) python benchmarks/people_incremental.py --stored 1000000
	scripts/with-postgres $(RUN) python benchmarks/people_incremental.py --stored 1000000
