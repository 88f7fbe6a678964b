# Two commands on a fresh machine: `make preview` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: preview test bench install clean renders docs browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

preview: $(STAMP)
	$(BIN)/estate preview --stack prod

test: $(STAMP) browser
	$(BIN)/python -m pytest

# The browser tests/test_pictures_browser.py opens the html preview in: the one ESTATE_CHROMIUM names,
# else Debian's chromium, else a Google Chrome already there (GitHub's runners have one); Debian's
# chromium is installed when there is none (root, or sudo). Playwright (test extra) drives it through
# its path: Playwright's own browser downloads are never used.
# Mermaid itself (its bundled dist/mermaid.min.js, from the npm registry) checks that the routing diagram
# of the pull-request comment parses and renders as GitHub would draw it.
ESTATE_CHROMIUM ?= /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
MERMAID_VERSION := 11.17.2
MERMAID_JS := $(VENV)/share/mermaid-$(MERMAID_VERSION).min.js
browser: $(MERMAID_JS)
	test -x $(ESTATE_CHROMIUM) || command -v google-chrome > /dev/null \
		|| { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends chromium; }

$(MERMAID_JS):
	mkdir -p $(VENV)/share
	cd $(VENV)/share && npm pack --silent mermaid@$(MERMAID_VERSION) > /dev/null \
		&& tar -xzf mermaid-$(MERMAID_VERSION).tgz package/dist/mermaid.min.js \
		&& mv package/dist/mermaid.min.js mermaid-$(MERMAID_VERSION).min.js && rm -r package mermaid-$(MERMAID_VERSION).tgz

bench: $(STAMP)
	$(BIN)/python -m tools.bench

# The reference tables of the docs (rules, stack-file keys, signals), rewritten from the code;
# tests/test_reference_docs.py fails while they differ.
docs: $(STAMP)
	$(BIN)/python -m tools.reference

# Every stack and example rendered as JSON into $(OUT): a refactoring commit leaves them byte-identical
# (make renders OUT=/tmp/before; <change>; make renders OUT=/tmp/after; diff -r /tmp/before /tmp/after).
OUT ?= renders
renders: $(STAMP)
	mkdir -p $(OUT)
	for stack in prod dr; do $(BIN)/estate preview --stack $$stack --format json --output $(OUT)/$$stack.json || exit 1; done
	for example in examples/*.yaml; do \
		$(BIN)/estate preview --stack-file $$example --format json --output $(OUT)/$$(basename $$example .yaml).json || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
