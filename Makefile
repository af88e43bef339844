# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: run test install superuser migrate seed lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

seed: migrate
	DEBUG=1 $(BIN)/python manage.py import_registry seed --if-empty

## Install, migrate the SQLite database, load the seed data if empty, serve on :8000.
run: seed
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

## Install and run the whole test suite.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Create an administrator account (asks for a name and password).
superuser: migrate
	DEBUG=1 $(BIN)/python manage.py createsuperuser

## Static checks, including ruff's bandit-derived security rules (S).
lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
