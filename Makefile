# dieuhanh — the two commands: `make demo` and `make test`. Both work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium
DEMO_ADDR ?= 127.0.0.1:8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dieuhanh
# the Redis the shared-cache tests use (tests/dossiers/test_shared_cache.py), each test under its own key prefix
TEST_REDIS_URL ?= redis://127.0.0.1:6379/13
# both cores: pytest-xdist workers, each with its own test database (test_dieuhanh_gw0, …)
TEST_WORKERS ?= 2
PYTEST_ARGS ?=
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-clock lint install install-test assets chromium java libreoffice postgres redis faketime serve serve-gunicorn clean

## demo: install, migrate an embedded SQLite database, load the HCMC demo, serve it beside a background-jobs worker
## (Ctrl-C stops both)
demo: install libreoffice
	env -u DATABASE_URL $(BIN)/dieuhanh demo
	env -u DATABASE_URL $(BIN)/dieuhanh worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
		env -u DATABASE_URL $(BIN)/dieuhanh serve $(DEMO_ADDR)

## test: install what tests need (Python deps, npm assets, Chromium), make sure PostgreSQL and Redis are up, lint,
## run the suite
test: install-test chromium java libreoffice postgres redis
	$(MAKE) --no-print-directory lint
	DATABASE_URL=$(TEST_DATABASE_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true DIEUHANH_CHROMIUM=$(CHROMIUM) DIEUHANH_TEST_REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## lint: ruff, and the layer contracts of docs/ARCHITECTURE.md (import-linter, [tool.importlinter] in pyproject.toml)
lint: $(VENV)/.installed-test
	$(BIN)/ruff check dieuhanh tests bench
	$(BIN)/lint-imports

## test-clock: the suite with the test process's wall clock moved to WALL_CLOCK (tests/wall_clock.py; Chromium through
## libfaketime): no test may depend on the machine's date. E.g. make test-clock WALL_CLOCK=2031-01-01T00:00:00+07:00
WALL_CLOCK ?= 2028-06-01T09:00:00+07:00
test-clock: install-test chromium java postgres redis faketime
	DATABASE_URL=$(TEST_DATABASE_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true DIEUHANH_CHROMIUM=$(CHROMIUM) DIEUHANH_TEST_WALL_CLOCK=$(WALL_CLOCK) DIEUHANH_TEST_REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/python -m pytest -p tests.wall_clock -n $(TEST_WORKERS) $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/constraints.txt
	$(BIN)/pip install -q -c requirements/constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -c requirements/constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed assets
	$(BIN)/dieuhanh compile_catalogues

install-test: $(VENV)/.installed-test assets
	$(BIN)/dieuhanh compile_catalogues

## assets: HTMX and ECharts from the npm registry, served as static files (never a CDN); axe-core for the accessibility tests
assets: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## chromium: Debian's Chromium for the Playwright tests (Playwright cannot download browsers here)
chromium:
	@command -v $(CHROMIUM) >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-core; }

## java: a Java 17 runtime for PySpark in local mode (the Decision 766 DuckDB/Spark parity test); slim Debian
## images lack the man directory the JRE's post-install links into
java:
	@command -v java >/dev/null || { $(SUDO) mkdir -p /usr/share/man/man1 && $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless; }

## libreoffice: LibreOffice headless (no GUI) for the reports' PDF, Liberation Serif (metric-compatible with Times New
## Roman) and poppler-utils (pdftoppm/pdftotext, used by the PDF test)
libreoffice:
	@{ command -v soffice >/dev/null && command -v pdftoppm >/dev/null; } || { $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libreoffice-writer-nogui fonts-liberation poppler-utils; }

## faketime: Debian's libfaketime, which starts Chromium with the moved clock under test-clock
faketime:
	@dpkg -s libfaketime >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q faketime; }

## postgres: start the local cluster if it is down, and wait until it answers
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1

## redis: the cache production shares between workers (DIEUHANH_CACHE_URL); the shared-cache tests use it. Debian's
## redis-server, started on 127.0.0.1:6379 without persistence if nothing answers there
redis:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
		command -v redis-server >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server; }; \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >/dev/null || true; }
	@for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0; sleep 1; done; echo "Redis did not start on 127.0.0.1:6379" >&2; exit 1

serve: install
	$(BIN)/dieuhanh serve $(DEMO_ADDR)

## serve-gunicorn: serve with gunicorn, the production server (GUNICORN_WORKERS processes) on DATABASE_URL
GUNICORN_WORKERS ?= 2
serve-gunicorn: install
	$(BIN)/dieuhanh serve --gunicorn --workers $(GUNICORN_WORKERS) $(DEMO_ADDR)

clean:
	rm -rf $(VENV) node_modules var/static
