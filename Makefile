# Every command a developer types, in one place. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
PROFILE ?= small
SEED ?= 20261122
DELIVERIES ?= 1
# The demo key pseudonymises synthetic data only; real agencies use the partnership key.
export NEGLECT_WAREHOUSE_KEY ?= synthetic-data-demo-key-not-a-secret
# This machine's pip configuration names local mirrors that may not exist; hide that noise.
PIP_NOISE := { grep -v "is ignored: it is neither a file nor a directory" || true; }

.PHONY: setup browser sshd run test lint bench bench-extract bench-generate bench-ingest bench-transform bench-disclosure calibration clean

# The virtual environment is rebuilt whenever the lock file or the project changes.
$(BIN)/.installed: requirements.lock pyproject.toml dev/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24" 2>&1 | $(PIP_NOISE)
	$(BIN)/python -m pip install --quiet -r requirements.lock 2>&1 | $(PIP_NOISE)
	$(BIN)/python -m pip install --quiet --no-deps -e . -e dev 2>&1 | $(PIP_NOISE)
	touch $@

setup: $(BIN)/.installed

# Headless Chromium (Debian's package) prints the board pack's report to PDF, and the tests
# open the report in it. Installed once, with apt-get (root, as on CI).
browser:
	command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

# A real OpenSSH server for the SFTP hand-over tests (tests/sshd.py starts its own instances).
sshd:
	test -x /usr/sbin/sshd || { apt-get update -qq && apt-get install -y -qq openssh-server; }

# The main job on the embedded default (README: "What `make run` does"): a synthetic
# partnership written into each agency's own system, extracted from there by each agency
# through its extract DAG (`agencies`: dags/extract_dags.py, folder delivery), then through the
# partnership's Airflow DAGs (arrival sensors, ingest, dbt transform, pack).
run: setup browser
	$(BIN)/neglect-warehouse generate --profile $(PROFILE) --seed $(SEED) \
	    --deliveries $(DELIVERIES) --out $(DATA)/synthetic --sources $(DATA)/sources \
	    --clean-output
	rm -rf $(DATA)/landing $(DATA)/agency-outbox $(DATA)/warehouse.duckdb $(DATA)/quarantine $(DATA)/run
	$(BIN)/neglect-warehouse agencies --sources $(DATA)/sources/sources.tsv \
	    --landing $(DATA)/landing --outbox $(DATA)/agency-outbox
	$(BIN)/neglect-warehouse arrive --generated $(DATA)/synthetic --landing $(DATA)/landing
	$(BIN)/neglect-warehouse run --landing $(DATA)/landing \
	    --warehouse $(DATA)/warehouse.duckdb --out $(DATA)/run
	$(BIN)/neglect-warehouse status --warehouse $(DATA)/warehouse.duckdb

# On both cores: one worker per test folder at a time (tests/conftest.py, docs/decisions.md).
test: setup browser sshd
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# The checks CI runs before the tests; .pre-commit-config.yaml runs the same (docs/architecture.md).
lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint --processes 2 dbt_project
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# Benchmarks (run by hand; results go into docs/benchmarks.md).
# The whole pipeline on la and region (generated once into data/bench/), each step's time and
# peak memory, one agency's next month; writes its table into docs/benchmarks.md.
bench: setup browser
	$(BIN)/python -m neglect_synthetic.bench.bench_pipeline --profile la --profile region --write

bench-generate: setup
	$(BIN)/python -m neglect_synthetic.bench.bench_generate --profile la
	$(BIN)/python -m neglect_synthetic.bench.bench_generate --profile region

# extraction from source systems: la from DuckDB and PostgreSQL, region's memory (docs/extract.md)
bench-extract: setup
	$(BIN)/python -m neglect_synthetic.bench.bench_extract --profile la
	$(BIN)/python -m neglect_synthetic.bench.bench_extract --profile la --target postgresql+psycopg2://postgres@127.0.0.1:5432/test
	$(BIN)/python -m neglect_synthetic.bench.bench_extract --profile region

bench-ingest: setup
	$(BIN)/python -m neglect_synthetic.bench.bench_ingest --profile la
	$(BIN)/python -m neglect_synthetic.bench.bench_ingest --profile region

bench-transform: setup
	$(BIN)/python -m neglect_synthetic.bench.bench_transform --profile la
	$(BIN)/python -m neglect_synthetic.bench.bench_transform --profile region

# disclosure control attacked on whole partnerships, three seeds each (docs/disclosure.md)
bench-disclosure: setup
	$(BIN)/python -m neglect_synthetic.bench.bench_disclosure --profile small
	$(BIN)/python -m neglect_synthetic.bench.bench_disclosure --profile la

calibration: setup
	$(BIN)/neglect-warehouse calibration --profile la

clean:
	rm -rf $(DATA)
