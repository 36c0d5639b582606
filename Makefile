# One obvious place for every command a developer types. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
PROFILE ?= small
SEED ?= 20261122

.PHONY: setup run test lint bench-generate clean

# The virtual environment is rebuilt whenever the lock file changes.
$(BIN)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

setup: $(BIN)/.installed

# The main job on the embedded default (see README "What `make run` does").
run: setup
	$(BIN)/neglect-warehouse generate --profile $(PROFILE) --seed $(SEED) \
	    --out $(DATA)/synthetic --landing $(DATA)/landing --clean-output

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench-generate: setup
	$(BIN)/python -m neglect_warehouse.bench.generate --profile la
	$(BIN)/python -m neglect_warehouse.bench.generate --profile region

clean:
	rm -rf $(DATA)
