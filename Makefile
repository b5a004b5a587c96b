# The README's two commands: `make demo` and `make test`. Both start from nothing but python3.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install clean e2e-vscode

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[run,test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) scripts/demo.py

test: $(STAMP)
	$(PY) -m pytest -q tests

clean:
	rm -rf $(VENV) work

# VS Code extension end to end (client-vscode/README.md): code-server in headless Chromium; not part of `make test`.
e2e-vscode: $(STAMP)
	OLIVE_E2E_PYTHON=$(abspath $(PY)) client-vscode/e2e/run.sh
