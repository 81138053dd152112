# carrywatch: every target builds its own virtualenv from pyproject.toml, so a
# fresh clone needs nothing but python3 (>= 3.11).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SHARED_DATA ?= $(abspath ../shared/data)
export CARRYWATCH_HISTORY_DIR ?= $(SHARED_DATA)

# PostgreSQL tests run against the real server when it answers on 127.0.0.1:5432.
PG_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
PG_UP := $(shell $(PYTHON) -c "import socket;s=socket.socket();s.settimeout(1);print(int(s.connect_ex(('127.0.0.1',5432))==0))" 2>/dev/null)
ifeq ($(PG_UP),1)
export CARRYWATCH_TEST_PG_URL ?= $(PG_URL)
endif

.PHONY: venv demo test lint bench clean

$(BIN)/carrywatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

venv: $(BIN)/carrywatch

demo: venv
	$(BIN)/carrywatch demo --history-dir "$(CARRYWATCH_HISTORY_DIR)"

lint: venv
	$(BIN)/ruff check signals bot tests bench
	$(BIN)/ruff format --check signals bot tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q -p no:cacheprovider

bench: venv
	@for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache carrywatch.db demo-out
