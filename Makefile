# telemetry-lab — every target installs what it needs; `make notebooks` and
# `make test` each work as the very first command on a fresh clone.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The repository's own tslab kernelspec (notebooks/jupyter/kernels/tslab).
export JUPYTER_PATH := $(CURDIR)/notebooks/jupyter
# Unit tests and notebooks under test run in a non-UTC zone: interval
# arithmetic must not depend on the machine's zone.
TEST_TZ ?= America/Los_Angeles

# A Python that has Jupyter's nbclient and nbconvert (Debian's python3 first:
# the python3 first on PATH may be a separate build without them). Recursive
# (=), so it is looked up again after `make jupyter` installed them.
PYTHON = $(shell for p in /usr/bin/python3 python3; do $$p -c 'import nbclient, nbconvert' >/dev/null 2>&1 && { command -v $$p; break; }; done)

NOTEBOOKS := $(shell find notebooks -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -not -path 'notebooks/jupyter/*' | LC_ALL=C sort)
SOURCES := $(shell find src bench -name '*.ts' 2>/dev/null)
CELL_TIMEOUT ?= 900

# Default data sets (git-ignored), made by the project's generators.
LANL_DIR ?= data/lanl
PEAKS_DIR ?= data/peaks

CLI := ./bin/telemetry-lab.js

.PHONY: help setup jupyter redis build data test typecheck unit notebooks run-notebook bench lab clean distclean

help:
	@echo "make notebooks   generate the default data sets if missing, execute every notebook in place, export HTML to build/html"
	@echo "make test        type-check, unit tests (TZ=$(TEST_TZ)), execute every notebook on a scratch copy"
	@echo "make bench       benchmarks: events/s, peak memory, ratio against a baseline measured in the same run"
	@echo "make lab         open the notebooks in Jupyter Notebook with the repository's tslab kernel"
	@echo "make setup       npm ci, build dist/, install Jupyter (nbconvert + nbclient) if missing"
	@echo "make run-notebook NB=notebooks/x.ipynb   execute one notebook in place"
	@echo "make clean       remove build outputs (build/, dist/); make distclean also data/ and node_modules/"

setup: node_modules/.telemetry-lab-stamp dist/.telemetry-lab-stamp jupyter

node_modules/.telemetry-lab-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: dist/.telemetry-lab-stamp

dist/.telemetry-lab-stamp: node_modules/.telemetry-lab-stamp $(SOURCES) tsconfig.json tsconfig.build.json
	npx tsc -p tsconfig.build.json
	@touch $@

jupyter:
	@if [ -n "$(PYTHON)" ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Jupyter (nbconvert, nbclient) from Debian's packages ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jupyter-nbconvert python3-nbclient jupyter-client >/dev/null \
	    || { echo "make: apt-get could not install jupyter-nbconvert python3-nbclient jupyter-client"; exit 1; }; \
	else \
	  echo "make: Jupyter is missing: install Debian's packages 'jupyter-nbconvert python3-nbclient jupyter-client' (as root: apt-get install ...), or 'pip install nbclient nbconvert jupyter_client'"; \
	  exit 1; \
	fi

data: $(LANL_DIR)/.complete $(PEAKS_DIR)/truth/waves.json

$(LANL_DIR)/.complete: | dist/.telemetry-lab-stamp
	$(CLI) lanl synth --out $(LANL_DIR)
	@touch $@

# The feed and its answer key (truth/waves.json, out of reach of a '$(PEAKS_DIR)/*.json' glob).
$(PEAKS_DIR)/truth/waves.json: | dist/.telemetry-lab-stamp
	rm -f $(PEAKS_DIR)/waves.json
	$(CLI) peaks synth --out $(PEAKS_DIR)

# redis-server for the BullMQ engine's tests and bench (each starts its own on a free
# loopback port and stops it; nothing is left running).
redis:
	@command -v redis-server >/dev/null 2>&1 && exit 0; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "Installing redis-server from Debian's packages ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null \
	    || { echo "make: apt-get could not install redis-server"; exit 1; }; \
	else \
	  echo "make: redis-server is missing (the BullMQ engine's tests skip without it): install Debian's 'redis-server'"; \
	fi

typecheck: node_modules/.telemetry-lab-stamp
	npx tsc -p tsconfig.json --noEmit

unit: setup redis
	TZ=$(TEST_TZ) npx vitest run

# Type-check, unit tests, notebooks; every stage runs, then the total.
test: setup redis data
	@mkdir -p build/test; rm -f build/test/vitest.json build/test/notebooks.json; \
	status=0; typecheck=0; \
	echo "== type-check"; npx tsc -p tsconfig.json --noEmit || { status=1; typecheck=1; }; \
	echo "== unit tests (TZ=$(TEST_TZ))"; \
	TZ=$(TEST_TZ) npx vitest run --reporter=default --reporter=json --outputFile.json=build/test/vitest.json || status=1; \
	echo "== notebooks (scratch copies in build/test/notebooks, TZ=$(TEST_TZ))"; \
	TZ=$(TEST_TZ) $(PYTHON) notebooks/jupyter/run.py --timeout $(CELL_TIMEOUT) --out-dir build/test/notebooks \
	  --summary build/test/notebooks.json --unit-results build/test/vitest.json --extra-failures $$typecheck \
	  $(NOTEBOOKS) || status=1; \
	exit $$status

notebooks: setup data
	$(PYTHON) notebooks/jupyter/run.py --inplace --timeout $(CELL_TIMEOUT) --html-dir build/html $(NOTEBOOKS)
	@echo "HTML: build/html/"

run-notebook: setup data
	@test -n "$(NB)" || { echo "usage: make run-notebook NB=notebooks/<path>.ipynb"; exit 2; }
	$(PYTHON) notebooks/jupyter/run.py --inplace --timeout $(CELL_TIMEOUT) --html-dir build/html $(NB)

bench: setup redis
	@for b in $$(ls dist/bench/*.js 2>/dev/null | LC_ALL=C sort); do \
	  echo "== $$b"; node --expose-gc $$b $(BENCH_ARGS) || exit 1; \
	done

lab: setup data
	@command -v jupyter-notebook >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jupyter-notebook >/dev/null; \
	  else echo "make: install Debian's 'jupyter-notebook' (or 'pip install notebook')"; exit 1; fi; }
	@# Classic Notebook runs the chart scripts of trusted notebooks only; the charts fetch
	@# plotly.js from the server's static files ({base url}static/plotly.min.js), served
	@# from node_modules: the notebooks do not carry it, and nothing comes from the network.
	/usr/bin/env python3 -c 'from nbformat.sign import TrustNotebookApp; TrustNotebookApp.launch_instance()' $(NOTEBOOKS) 2>/dev/null \
	  || /usr/bin/python3 -c 'from nbformat.sign import TrustNotebookApp; TrustNotebookApp.launch_instance()' $(NOTEBOOKS)
	jupyter notebook --notebook-dir=notebooks --ip=127.0.0.1 \
	  --NotebookApp.extra_static_paths=$(CURDIR)/node_modules/plotly.js-dist-min \
	  $(LAB_ARGS) $$([ "$$(id -u)" = 0 ] && echo --allow-root)

clean:
	rm -rf build dist

distclean: clean
	rm -rf data node_modules
