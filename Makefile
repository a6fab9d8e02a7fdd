# Two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install migrate content messages lint bench clean-db help

help:
	@echo "make run    - install, migrate, load the cheat sheet and serve on http://$(HOST):$(PORT)"
	@echo "make test   - install, then run pytest against PostgreSQL and ruff"
	@echo "make bench  - run the benchmarks and write docs/benchmarks.md"

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
	DJANGO_SECRET_KEY=test-only-secret-key $(BIN)/python manage.py collectstatic --no-input -v 0
	DJANGO_SECRET_KEY=test-only-secret-key $(BIN)/python -m pytest
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	DJANGO_SECRET_KEY=bench-only-secret-key $(BIN)/python -m tests.bench.run

# Stops nothing by itself: the embedded server stops when its last client exits.
clean-db:
	rm -rf var/postgres
