# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test test-fast setup setup-test system system-test db-up db-down clean

run: setup db-up
	$(BIN)/ntm-map migrate
	$(BIN)/ntm-map load demo --if-empty
	$(BIN)/ntm-map raster demo --if-missing
	@# Open data: 25–45 s the first time, a few s after. A failed publish says what failed and
	@# changes nothing (exit 3); the `-` goes on to serve, with the last good release.
	-$(BIN)/ntm-map publish --if-changed
	$(BIN)/ntm-map serve

test: setup-test db-up
	$(BIN)/pytest

# The unit tier (no database, browser or server): under a minute, for the edit-test loop.
test-fast: setup-test
	$(BIN)/pytest -m "unit and not slow"

setup: system $(VENV)/.installed node_modules/.installed
setup-test: system-test $(VENV)/.installed-test node_modules/.installed

system:
	@PYTHON=$(PYTHON) packaging/system-deps.sh

system-test:
	@PYTHON=$(PYTHON) NTM_TEST_DEPS=1 packaging/system-deps.sh

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

# The web map's browser libraries (MapLibre GL JS, Leaflet), served by the app itself: no CDN.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

db-up:
	$(BIN)/ntm-map db up

db-down:
	$(BIN)/ntm-map db down

clean:
	-$(BIN)/ntm-map db down
	rm -rf $(VENV) .ntm-map
