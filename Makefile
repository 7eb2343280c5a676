# modlab: `make lab` opens the lessons, `make test` runs the test suite.
# `make install` only installs. All create .venv with the current python and install modlab with its [dev] extra on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.modlab-installed
LESSON ?= lessons/00_start_here.ipynb
# JupyterLab refuses to start as root unless told; CI and containers run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=
PRESENT_ARGS ?=
# The browser tests drive Debian's Chromium (never a downloaded browser build).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo -n)

.PHONY: install lab present data test chromium release check-release bench clean help

help:
	@echo "make install   create .venv and install modlab with its [dev] extra (grading tools included); starts nothing"
	@echo "make lab       open JupyterLab on the lessons (installs on first use)"
	@echo "make present   show a lesson for a projector: text, figures, explorers, no code (LESSON=03)"
	@echo "make data      download the real corpora the lessons use into the cache (modlab data fetch --all)"
	@echo "make test      run the test suite (installs Debian's chromium for the browser tests if missing)"
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

install: $(STAMP)
	@echo "Installed in $(VENV): run $(BIN)/modlab (e.g. $(BIN)/modlab grade upload.zip --lesson 03)"

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_ARGS) $(LESSON)

present: $(STAMP)
	$(BIN)/modlab present $(LESSON) $(PRESENT_ARGS)

data: $(STAMP)
	$(BIN)/modlab data fetch --all

# Installs chromium with apt when missing (as root, or with password-less sudo). Elsewhere it says
# what to do; the browser tests then fail with the same advice unless MODLAB_SKIP_BROWSER=1.
chromium:
	@test -x $(CHROMIUM) || command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  { $(SUDO) apt-get install -y -qq chromium >/dev/null 2>&1 || \
	    { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }; } || \
	  echo "Could not install chromium (needs apt and root or sudo): install it yourself, or set MODLAB_SKIP_BROWSER=1."; }

test: $(STAMP) chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

release: $(STAMP)
	$(BIN)/modlab release

check-release: $(STAMP)
	$(BIN)/modlab release --check

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .test-corpora build src/*.egg-info
