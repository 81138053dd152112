# carrywatch: every target builds its own virtualenv from the lock file, so a
# fresh clone needs nothing but python3 (>= 3.11) and the package registry.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Locks, compiled from pyproject.toml by `make lock` (pip-tools, with hashes):
# LOCK for development (dev extras included), RUNTIME_LOCK for deploy/Dockerfile.
LOCK         := requirements.lock
RUNTIME_LOCK := requirements-runtime.lock
# Tools that read or write the locks live in their own venv, outside the lock.
TOOLS     ?= .venv-tools
PIP_TOOLS := pip-tools==7.6.2
PIP_AUDIT := pip-audit==2.10.1
COMPILE   := --quiet --generate-hashes --allow-unsafe --all-build-deps --strip-extras \
             --no-emit-index-url --no-emit-find-links
SHARED_DATA ?= $(abspath ../shared/data)
export CARRYWATCH_HISTORY_DIR ?= $(SHARED_DATA)

# PostgreSQL tests run against the real server when it answers on 127.0.0.1:5432.
PG_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
PG_UP := $(shell $(PYTHON) -c "import socket;s=socket.socket();s.settimeout(1);print(int(s.connect_ex(('127.0.0.1',5432))==0))" 2>/dev/null)
ifeq ($(PG_UP),1)
export CARRYWATCH_TEST_PG_URL ?= $(PG_URL)
endif

.PHONY: venv demo test lint bench audit lock clean catalogues

# Every package at the version and hash the lock names (pip refuses anything
# else), then the project itself, built with the lock's setuptools.
$(BIN)/carrywatch: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	@# an editable install leaves our own modules uncompiled (pip compiles the rest);
	@# with PYTHONDONTWRITEBYTECODE set, every command would compile them again
	$(BIN)/python -m compileall -q bot signals
	@touch $@

venv: $(BIN)/carrywatch

demo: venv
	$(BIN)/carrywatch demo --history-dir "$(CARRYWATCH_HISTORY_DIR)"

lint: venv
	$(BIN)/ruff check signals bot tests bench
	$(BIN)/ruff format --check signals bot tests bench
	$(BIN)/mypy
	$(BIN)/python -m bot.i18n.catalogues check

# After changing a user-facing string: refresh carrywatch.pot and each .po, then
# translate what is new (lint fails until every language has it).
catalogues: venv
	$(BIN)/python -m bot.i18n.catalogues update

test: lint
	$(BIN)/pytest -q -p no:cacheprovider

bench: venv
	@for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

$(TOOLS)/bin/pip-audit:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q $(PIP_TOOLS) $(PIP_AUDIT)

# Re-resolve after a change to pyproject.toml; existing pins are kept unless
# `make lock UPGRADE=--upgrade`. The runtime lock is held to the dev lock's versions.
lock: $(TOOLS)/bin/pip-audit
	$(TOOLS)/bin/pip-compile $(COMPILE) $(UPGRADE) --extra dev -o $(LOCK) pyproject.toml
	$(TOOLS)/bin/pip-compile $(COMPILE) -c $(LOCK) -o $(RUNTIME_LOCK) pyproject.toml

# Known vulnerabilities in the locked versions (advisories: AUDIT_SERVICE=pypi,
# the PyPI JSON API, or osv). Exit 0 clean, 1 vulnerable, 3 when the advisory
# source cannot be reached from this machine (one line says so; nothing checked).
AUDIT_SERVICE ?= pypi
audit: $(TOOLS)/bin/pip-audit
	$(TOOLS)/bin/python deploy/audit.py --service $(AUDIT_SERVICE) $(LOCK)

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache carrywatch.db demo-out
