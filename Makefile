# Meili: `make run` serves the platform with its demo; `make test` runs every test.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := chromium fonts-noto-cjk fonts-arphic-ukai gettext libreoffice-writer-nogui poppler-utils default-jre-headless

.PHONY: run test check lock lock-upgrade setup test-setup system-packages messages clean-demo help

help:
	@echo "make run   - install, migrate, load the demo on first start, serve on http://127.0.0.1:8000"
	@echo "make test  - install what the tests need and run them all"
	@echo "make check - the gate: ruff lint, ruff format --check, mypy (as .ci/run and pre-commit)"
	@echo "make lock  - regenerate requirements.lock and requirements-test.lock from pyproject.toml"

run: setup
	$(BIN)/meili run

test: test-setup
	$(BIN)/python -m pytest

# The gate (docs/development.md): lint, format and types, on the whole tree.
check: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

setup: $(VENV)/.installed node_modules/.installed src/meili/web/static/vendor/.installed messages

test-setup: setup $(VENV)/.installed-test system-packages

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Exact versions with hashes from the locks (docs/development.md), then the package itself without resolving again.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements-test.lock $(VENV)/.installed
	$(BIN)/pip install -q --require-hashes -r requirements-test.lock
	touch $@

# The locks, from pyproject.toml: `make lock` keeps every pin still allowed and resolves what changed;
# `make lock-upgrade` moves every pin to the newest allowed version. Commit them with pyproject.toml.
LOCK_OPTIONS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
	--no-emit-trusted-host
lock lock-upgrade: | $(BIN)/python
	$(BIN)/pip install -q 'pip-tools>=7.4,<8'
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile $(LOCK_OPTIONS) $(if $(filter lock-upgrade,$@),--upgrade) \
	  -o requirements.lock pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile $(LOCK_OPTIONS) $(if $(filter lock-upgrade,$@),--upgrade) \
	  --extra test --extra spark -o requirements-test.lock pyproject.toml

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
