# Two commands: `make demo` and `make test`. Everything else is what they call.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/residanat
# Debian packages the project needs at run time and for its tests: gettext compiles the
# translations, Pango renders PDFs (WeasyPrint), Amiri and DejaVu are the Arabic and Latin fonts,
# poppler-utils gives pdftotext/pdftoppm to check the PDFs, chromium runs the browser journeys
# (tests/e2e, driven by Playwright with this browser: no browser download).
SYSTEM_PACKAGES := gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-hosny-amiri fonts-dejavu-core poppler-utils chromium
export RESIDANAT_HOME := $(CURDIR)

.PHONY: demo test install system-deps messages test-sqlite test-postgres clean

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(BIN)/residanat: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

messages: $(BIN)/residanat
	cd src/residanat && DEBUG=1 ../../$(BIN)/residanat compilemessages --ignore='.venv' -v 0

install: system-deps $(BIN)/residanat messages

demo: install
	DEBUG=1 HTTPS=0 $(BIN)/residanat migrate --no-input -v 0
	DEBUG=1 HTTPS=0 $(BIN)/residanat load_demo
	DEBUG=1 HTTPS=0 PUBLIC_URL=http://127.0.0.1:$(PORT) $(BIN)/residanat runserver 127.0.0.1:$(PORT)

PG_UP = $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null

# The suite on SQLite and, whenever one answers on 5432, on PostgreSQL (the production database).
# The two runs are one process each and share nothing (own database, temp folders, free ports), so
# they run side by side on the machine's two cores: SQLite in the foreground, PostgreSQL's output
# printed when it ends (var/test-postgres.log).
test: install
	@mkdir -p var; pg=; \
	if $(PG_UP); then \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest --create-db > var/test-postgres.log 2>&1 & pg=$$!; \
		trap 'kill $$pg 2>/dev/null' INT TERM; \
	fi; \
	echo "== SQLite"; $(BIN)/pytest; sqlite=$$?; postgres=0; \
	if [ -n "$$pg" ]; then \
		echo "== PostgreSQL ($(PG_URL))"; wait $$pg; postgres=$$?; cat var/test-postgres.log; \
	else echo "== PostgreSQL not reachable on 127.0.0.1:5432: suite ran on SQLite only"; fi; \
	[ $$sqlite = 0 ] && [ $$postgres = 0 ]

test-sqlite:
	$(BIN)/pytest

test-postgres:
	DATABASE_URL=$(PG_URL) $(BIN)/pytest --create-db

clean:
	rm -rf $(VENV) var build src/*.egg-info
