# packagegrid developer loop. `make run` and `make test` set everything up on a fresh machine.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/packagegrid
# Extra pytest arguments, e.g. make test PYTEST_ARGS='-k grid -x'
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core by default; PYTEST_WORKERS=0 runs in this one.
PYTEST_WORKERS ?= auto
# Extra `packagegrid bench` arguments, e.g. make bench BENCH_ARGS='--duration 3'
BENCH_ARGS ?=
# The load test's database (built with `benchdata` when empty) and extra arguments,
# e.g. make loadtest LOADTEST_ARGS='--duration 10 --soak-duration 30'
LOADTEST_URL ?= postgres://postgres@127.0.0.1:5432/packagegrid_bench
LOADTEST_ARGS ?=

# DEBUG is off unless set (production safety); the developer loop runs the local profile.
# `make bench` serves with DEBUG=0 itself; DEBUG=0 make ... still wins.
export DEBUG ?= 1

.DEFAULT_GOAL := help
.PHONY: help install lock run test test-postgres lint migrations-check api-check bench bench-scale bench-fetch loadtest wrk clean

help:
	@echo "make run               install, migrate, load the demo data, serve http://127.0.0.1:8000"
	@echo "make test              run the test suite on SQLite, one process per core (PYTEST_ARGS=..., PYTEST_WORKERS=N)"
	@echo "make test-postgres     the same on PostgreSQL ($(POSTGRES_URL))"
	@echo "make lint              ruff check, ruff format --check, mypy"
	@echo "make migrations-check  fail when a model change has no migration"
	@echo "make api-check         schemathesis over every API operation, against a live server with the demo data"
	@echo "make bench             benchmarks on PostgreSQL and SQLite (BENCH_ARGS=...)"
	@echo "make bench-scale       latency rows at 5,000 packages and at PyPI scale (30,000) on PostgreSQL"
	@echo "make bench-fetch       a full refresh of 5,000 packages against local fake APIs"
	@echo "make loadtest          200 connections for 60 s, then a 10-minute soak at 32 (LOADTEST_ARGS=...)"
	@echo "make install           create $(VENV) from the lock file (PYTHON=/path/to/python3.12+ to choose)"
	@echo "make lock              re-resolve pyproject.toml into requirements.txt and requirements-dev.txt"
	@echo "make clean             remove $(VENV), caches, collected static files, bench.sqlite3"

install: $(STAMP)

# Installs the exact versions of the lock file, then the project itself without
# resolving anything. Re-installs when the lock or pyproject.toml changes; recreates the
# venv when it is missing or broken.
$(STAMP): requirements-dev.txt pyproject.toml
	@if ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		python=$$(scripts/find-python) || exit 1; \
		echo "Creating $(VENV) with $$python"; \
		rm -rf $(VENV) && "$$python" -m venv $(VENV) || exit 1; \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# Re-resolves the pins of pyproject.toml into the lock files: requirements.txt (what the
# site runs) and requirements-dev.txt (that plus the development and CI tools).
lock: install
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.txt pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra dev --output-file requirements-dev.txt pyproject.toml

run: install
	$(BIN)/packagegrid migrate --noinput
	$(BIN)/packagegrid demo
	$(BIN)/packagegrid runserver 127.0.0.1:8000

test: install
	env -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Runs all three checks, then fails if any did.
lint: install
	@rc=0; \
	echo "ruff check ."; $(BIN)/ruff check . || rc=1; \
	echo "ruff format --check ."; $(BIN)/ruff format --check . || rc=1; \
	echo "mypy packagegrid"; $(BIN)/mypy packagegrid || rc=1; \
	exit $$rc

migrations-check: install
	env -u DATABASE_URL $(BIN)/packagegrid makemigrations --check --dry-run

wrk:
	@command -v wrk >/dev/null || { \
		echo "Installing wrk (apt-get)"; \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; \
		else sudo apt-get install -y wrk || { sudo apt-get update && sudo apt-get install -y wrk; }; fi; \
	}

bench: install wrk
	$(BIN)/packagegrid bench $(BENCH_ARGS)

# In-process latency (p50/p95/p99, queries) on the 5,000-package set and the PyPI-scale set
# (`benchdata --scale`, built once into its own database), e.g.
# make bench-scale BENCH_SCALE_ARGS='--only scale --iterations 500'
BENCH_SCALE_5000_URL ?= postgres://postgres@127.0.0.1:5432/packagegrid_bench_scale_5000
BENCH_SCALE_URL ?= postgres://postgres@127.0.0.1:5432/packagegrid_bench_scale
BENCH_SCALE_ARGS ?=
bench-scale: install
	$(BIN)/packagegrid bench_scale --database-url $(BENCH_SCALE_5000_URL) \
		--scale-database-url $(BENCH_SCALE_URL) $(BENCH_SCALE_ARGS)

# gunicorn (4 workers, DEBUG=0) on PostgreSQL with the benchmark data set.
loadtest: install wrk
	$(BIN)/packagegrid shell -v0 --no-imports -c \
		'from packagegrid.benchmarks.runner import postgres_database_ensure as e; e("$(LOADTEST_URL)")'
	DATABASE_URL=$(LOADTEST_URL) $(BIN)/packagegrid migrate --noinput -v0
	DATABASE_URL=$(LOADTEST_URL) $(BIN)/packagegrid shell -v0 --no-imports -c \
		'from packagegrid.benchmarks.data import bench_data_is_present as p, bench_data_build as b; p() or print(b(flush=True))'
	DATABASE_URL=$(LOADTEST_URL) $(BIN)/packagegrid loadtest $(LOADTEST_ARGS)

# Fuzzes every operation of /api/schema/ against a live server on a throw-away database
# with the demo data; extra schemathesis arguments in API_CHECK_ARGS.
api-check: install
	scripts/api-check $(API_CHECK_ARGS)

# The fetch benchmark uses a database of its own, made anew each time.
bench-fetch: install
	rm -f bench-fetch.sqlite3*
	DATABASE_URL=sqlite:///$(CURDIR)/bench-fetch.sqlite3 $(BIN)/packagegrid migrate --noinput -v0
	DATABASE_URL=sqlite:///$(CURDIR)/bench-fetch.sqlite3 $(BIN)/packagegrid bench_fetch $(BENCH_FETCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache staticfiles build *.egg-info bench.sqlite3* bench-fetch.sqlite3*
	find packagegrid -name __pycache__ -type d -prune -exec rm -rf {} +
