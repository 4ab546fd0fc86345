# edudesk: one command per job. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000

.PHONY: run test lint bench install install-dev messages run-prod clean screenshots

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## run: edudesk on SQLite with jobs and demo data, at http://127.0.0.1:8000/
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py run_embedded $(ADDR)

## test: the whole suite on SQLite, then on PostgreSQL (mandatory with CI=true)
test: install-dev
	bash scripts/test.sh

lint: install-dev
	$(VENV)/bin/ruff check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

## bench: seed a realistic data set, serve it with gunicorn, measure over HTTP (BENCH_ARGS="--n 1000000")
bench: install-dev
	$(PY) bench/run.py $(BENCH_ARGS)

## screenshots: every customer and agent page at 1280 and 390 px into var/screenshots/ (index.html)
screenshots: install-dev
	$(PY) scripts/screenshots.py $(SCREENSHOTS_ARGS)

## run-prod: gunicorn (WEB_WORKERS) + Huey consumers (HUEY_CONSUMERS) on PostgreSQL and Redis
run-prod: install
	bash deploy/run-prod.sh

## messages: rebuild the ru/en catalogues from the code and the i18n_en.tsv files (needs gettext)
messages: install-dev
	$(PY) scripts/build_locale.py

clean:
	rm -rf $(VENV) var
