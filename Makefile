# Entraide: `make run` serves the app, `make test` checks it. Both set up
# everything they need first (system packages, virtual environment, ...).
# CI runs `make test` and nothing else (.ci/run).

SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PO_FILES := $(wildcard */locale/*/LC_MESSAGES/django.po locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run serve scaled test setup setup-base system-packages-base system-packages lint check lock messages clean

run: setup-base
	DJANGO_DEBUG=1 $(MANAGE) migrate --no-input
	DJANGO_DEBUG=1 $(MANAGE) seed_demo
	@# A development VAPID key pair for Web Push, made once (var/vapid.pem).
	DJANGO_DEBUG=1 $(MANAGE) vapid_keys --write
	@echo "Entraide on http://$(HOST):$(PORT)/ (Ctrl-C stops it). Development mode, for trying"
	@echo "only: on a server, use 'make serve' (production mode, behind nginx; docs/deploy.md)."
	DJANGO_DEBUG=1 HOST=$(HOST) PORT=$(PORT) VENV=$(VENV) scripts/serve

# The embedded default in production mode, for a small server (docs/deploy.md).
serve: setup-base
	HOST=$(HOST) PORT=$(PORT) VENV=$(VENV) scripts/serve-production

# The scaled setup on this machine: PostgreSQL, Redis, nginx, several workers.
scaled: setup-base
	@scripts/system-packages.sh scaled
	HOST=$(HOST) PORT=$(PORT) VENV=$(VENV) scripts/scaled

test: setup
	scripts/test.sh

# `make run` and `make serve` install only what the embedded default uses;
# `make test` adds PostgreSQL, Redis, nginx, Chromium and the development
# tools (pytest, Playwright, ruff, the benchmarks' libraries).
setup-base: system-packages-base $(VENV)/.installed-base $(MO_FILES) var/static/.collected

setup: system-packages $(VENV)/.installed $(MO_FILES) var/static/.collected

system-packages-base:
	@scripts/system-packages.sh

system-packages:
	@scripts/system-packages.sh test

# Debian's python3: its sqlite3 can load the SpatiaLite extension (pyenv's cannot).
$(VENV)/.installed-base: requirements/base.txt
	test -x $(PY) || /usr/bin/python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/base.txt
	touch $@

$(VENV)/.installed: requirements/dev.txt $(VENV)/.installed-base
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $@

%.mo: %.po
	$(VENV)/bin/django-admin compilemessages --ignore=.venv >/dev/null
	touch $(MO_FILES)

var/static/.collected: $(VENV)/.installed-base $(shell find static -type f 2>/dev/null)
	mkdir -p var
	DJANGO_DEBUG=1 $(MANAGE) collectstatic --no-input --verbosity 0
	touch $@

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Refresh the French catalogue after changing user-facing strings.
messages: $(VENV)/.installed
	DJANGO_DEBUG=1 $(MANAGE) makemessages -l fr --ignore=.venv --ignore=var --no-obsolete
	DJANGO_DEBUG=1 $(MANAGE) makemessages -d djangojs -l fr --ignore=.venv --ignore=var --no-obsolete

# Re-pin the whole dependency tree from requirements/*.in.
lock:
	rm -rf var/lock-venv && /usr/bin/python3 -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet -r requirements/base.in
	(echo "# Pinned from base.in; regenerate with: make lock"; var/lock-venv/bin/pip freeze) > requirements/base.txt
	var/lock-venv/bin/pip install --quiet -r requirements/dev.in
	(echo "# Pinned from dev.in; regenerate with: make lock"; var/lock-venv/bin/pip freeze) > requirements/dev.txt
	rm -rf var/lock-venv

clean:
	rm -rf $(VENV) var
