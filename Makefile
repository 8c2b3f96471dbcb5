# Two commands for a fresh clone (see README.md):
#   make run    set up .venv/, index corpus/ and serve the chat UI on 127.0.0.1
#   make test   set up .venv/ (and Chromium for the browser tests), run the test suite
PYTHON ?= python3
VENV := .venv
# torch==2.13.0 (CPU) lives in the machine's local wheel folder, which pip's config names
# but uv does not read: hand it over explicitly.
FIND_LINKS := $(shell pip config get global.find-links 2>/dev/null || echo /opt/wheels)
UV_FLAGS := --python $(VENV)/bin/python --link-mode=copy -c constraints.txt \
	$(foreach d,$(FIND_LINKS),$(if $(wildcard $(d)),--find-links $(d)))

.PHONY: run test setup browser
run: setup
	$(VENV)/bin/qa serve

test: setup browser
	$(VENV)/bin/python -m pytest

setup: $(VENV)/.installed

# --link-mode=copy: NLTK refuses hard-linked data files, and uv hard-links by default.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check uv
	$(VENV)/bin/uv pip install $(UV_FLAGS) -e '.[test]'
	touch $@

# Debian's Chromium for the browser tests (root on these machines; skipped tests say so otherwise).
browser:
	@command -v chromium >/dev/null || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
