# Meili: `make run` serves the platform with its demo; `make test` runs every test.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := chromium fonts-noto-cjk fonts-arphic-ukai gettext libreoffice-writer-nogui poppler-utils default-jre-headless

.PHONY: run test setup test-setup system-packages messages clean-demo help

help:
	@echo "make run   - install, migrate, load the demo on first start, serve on http://127.0.0.1:8000"
	@echo "make test  - install what the tests need and run them all"

run: setup
	$(BIN)/meili run

test: test-setup
	$(BIN)/python -m pytest

setup: $(VENV)/.installed node_modules/.installed src/meili/web/static/vendor/.installed messages

test-setup: setup $(VENV)/.installed-test system-packages

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,spark]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

src/meili/web/static/vendor/.installed: node_modules/.installed src/meili/web/vendor.py
	$(BIN)/python -m meili.web.vendor node_modules
	touch $@

# The Chinese-first catalogues: English translations compiled from src/meili/locale.
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || $(MAKE) system-packages
	cd src/meili && ../../$(BIN)/django-admin compilemessages --ignore=.venv -v 0

# Headless Chromium for the end-to-end tests, CJK fonts (Noto Serif/Sans CJK SC, AR PL UKai) and LibreOffice
# for the reports (.docx → PDF), poppler-utils to look at PDF pages, gettext for the catalogues, a Java runtime
# for the Spark engine's tests (docs/scale-out.md).
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

clean-demo: setup
	$(BIN)/meili demo remove
