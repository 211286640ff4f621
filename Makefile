# The two commands that matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
# `make run PORT=8001` serves on another port.
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run test lint bench demo worker clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE set (as in many images and
# shells) every process, every gunicorn worker included, would otherwise compile Django
# and the app from source when it starts.
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $@

install: $(VENV)/.synced  ## install the app and its tools in .venv

run: install  ## embedded SQLite and broker, demo register, http://127.0.0.1:$(PORT) (PORT=8000)
	@PORT=$(PORT) bash bin/serve

demo: install
	$(PY) manage.py migrate --no-input && $(PY) manage.py load_demo

lint: install
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=ropa.settings.test $(PY) manage.py makemigrations --check --dry-run

test: install lint  ## the whole suite (PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set)
	$(VENV)/bin/pytest -n auto --dist worksteal $(PYTEST_ARGS)

bench: install  ## benchmarks of DESIGN.md section 6 on PostgreSQL (writes docs/benchmarks.md)
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) var
