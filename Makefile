# modlab: `make lab` opens the lessons, `make test` runs the test suite.
# Both create .venv with the current python and install modlab with its [dev] extra on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.modlab-installed
LESSON ?= lessons/00_start_here.ipynb
# JupyterLab refuses to start as root unless told; CI and containers run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=

.PHONY: lab test release check-release bench clean help

help:
	@echo "make lab       open JupyterLab on the lessons (installs on first use)"
	@echo "make test      run the test suite"
	@echo "make release   regenerate lessons/ from solutions/"
	@echo "make bench     time notebooks, widgets and import (prints a table)"
	@echo "make clean     remove .venv and caches"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package metadata changes (editable install picks up code changes).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_ARGS) $(LESSON)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

release: $(STAMP)
	$(BIN)/modlab release

check-release: $(STAMP)
	$(BIN)/modlab release --check

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
