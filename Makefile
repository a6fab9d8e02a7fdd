# Two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
# Tests and benchmarks run with DEBUG off, as production does, so they need the
# two variables production requires.
TEST_ENV := DJANGO_SECRET_KEY=test-only-secret-key DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1

.PHONY: run test install migrate content messages lint bench load backup restore clean-db help

help:
	@echo "make run    - install, migrate, load the cheat sheet and serve on http://$(HOST):$(PORT)"
	@echo "make test   - install, then run pytest against PostgreSQL and ruff"
	@echo "make bench  - run the benchmarks and write docs/benchmarks.md"
	@echo "make load   - load-test gunicorn with locust and write its section of docs/benchmarks.md"
	@echo "make backup - dump the database into var/backups/ (FILE=path to choose)"
	@echo "make restore FILE=path - replace the database's content with a backup"

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP) messages

# Compiles the gettext catalogues with Babel, so GNU gettext is not needed.
messages: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -D django -d kb/locale --statistics 2>&1 | tail -n 2
	$(BIN)/pybabel compile --use-fuzzy -D django -d ops/locale --statistics 2>&1 | tail -n 2

migrate: install
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --no-input

content: migrate
	DJANGO_DEBUG=true $(BIN)/python manage.py load_content

run: content
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)/  (Chinese: /zh-hans/, English: /en/, admin: /admin/)"
	@echo "Create an admin user with: DJANGO_DEBUG=true $(BIN)/python manage.py createsuperuser"
	@echo ""
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Tests run with DEBUG off, as production does, so static files are collected first.
test: install
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --no-input -v 0
	$(TEST_ENV) $(BIN)/python -m pytest
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The benchmarks' in-process client speaks plain HTTP, so the HTTPS redirect is off.
bench: install
	$(TEST_ENV) DJANGO_HTTPS=false $(BIN)/python -m tests.bench.run

# KB_LOAD_SECONDS (default 60) and KB_LOAD_USERS (default 20) size the run.
load: install
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --no-input -v 0
	$(TEST_ENV) $(BIN)/python -m tests.load.run

# Backups: pg_dump's custom format into var/backups/ (or FILE=path). Restore
# takes FILE=path, else the newest backup, and asks for the database name.
# Both use DATABASE_URL when set, else the embedded server; they keep an
# already exported DJANGO_DEBUG (production env files set it to false).
backup: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py backup_database $(if $(FILE),--output $(FILE))

restore: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py restore_database $(FILE)

# Stops nothing by itself: the embedded server stops when its last client exits.
clean-db:
	rm -rf var/postgres
