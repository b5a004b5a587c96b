# The README's two commands: `make demo` and `make test`. Both start from nothing but python3.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install clean e2e-vscode catalogs bench

# pip compiles what it installs; an editable install's own sources it does not. Where PYTHONDONTWRITEBYTECODE is
# set (these machines), every start would compile olive_ls from source again: compileall does it once here.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[run,test]'
	$(PY) -m compileall -q server/olive_ls
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) scripts/demo.py

test: $(STAMP)
	$(PY) -m pytest -q tests

# Every benchmark in one run, olive-ls beside VS Code's JSON server, yaml-language-server (npm, into
# ~/.cache/olive-ls-bench) and Olive's own validation: one markdown table (README "Speed"). BENCH_ARGS=--quick etc.
bench: $(STAMP)
	$(PY) benchmarks/bench.py --make $(BENCH_ARGS)

clean:
	rm -rf $(VENV) work

# Every shipped Olive catalog (schemas/), each generated in its own environment under /tmp/olive-venvs/<version>/
# (OLIVE_LS_CATALOG_VENVS), created on demand with torch==2.13.0 CPU: scripts/make_catalogs.py. Needs only a
# Python 3.11 (the torch wheel's), not .venv.
catalogs:
	$(PYTHON) scripts/make_catalogs.py

# VS Code extension end to end (client-vscode/README.md): code-server in headless Chromium; not part of `make test`.
e2e-vscode: $(STAMP)
	OLIVE_E2E_PYTHON=$(abspath $(PY)) client-vscode/e2e/run.sh
