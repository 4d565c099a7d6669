# Metrópoli: `make run` (the demo on http://127.0.0.1:8000) and `make test` (everything).
PORT ?= 8000
PYTHON ?= /usr/bin/python3
VENV := .venv
PY := $(VENV)/bin/python
METROPOLI := $(VENV)/bin/metropoli
STATIC_VENDOR := src/metropoli/web/static/vendor
PO_FILES := $(shell find src -name '*.po' -path '*/locale/*' 2>/dev/null)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test test-fast clean-db deps system-deps lint format openapi messages vendor clean bench-tiles

run: deps
	@PORT=$(PORT) bash scripts/run.sh

test: deps
	bash scripts/test.sh

# The quick loop for developers: no browser tests, stops at the first failure.
test-fast: deps
	bash scripts/test.sh --fast

deps: system-deps $(VENV)/.installed vendor $(MO_FILES)

system-deps:
	@bash scripts/system-deps.sh

# Debian's Python 3.11 is the default interpreter (PYTHON=python3.12 for another one).
# Python packages come only from the lock files, with their hashes (requirements/*.txt; `make lock`
# after changing pyproject.toml's dependencies, decision 0038).
$(VENV)/.installed: requirements/dev.txt requirements/build.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/build.txt -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The app host's install: runtime dependencies only (no test tools, no browser, no Node, no
# PostgreSQL server), from the production lock file. VENV=/opt/metropoli/.venv to choose where.
.PHONY: install-prod lock lock-upgrade
install-prod:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/build.txt -r requirements/prod.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation .
	@echo "installed into $(VENV); next: metropoli migrate, metropoli collectstatic (see README)"

# Re-resolve the lock files from pyproject.toml, keeping the pinned versions where they still fit;
# lock-upgrade takes the newest versions allowed.
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet
lock: $(VENV)/.installed
	$(VENV)/bin/uv pip compile requirements/build.in --universal --python-version 3.11 --generate-hashes --quiet -o requirements/build.txt
	$(UV_COMPILE) -o requirements/prod.txt
	$(UV_COMPILE) --extra dev -o requirements/dev.txt
lock-upgrade: $(VENV)/.installed
	$(UV_COMPILE) --upgrade -o requirements/prod.txt
	$(UV_COMPILE) --upgrade --extra dev -o requirements/dev.txt

vendor: $(STATIC_VENDOR)/.stamp

$(STATIC_VENDOR)/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(STATIC_VENDOR)/maplibre-gl
	cp node_modules/maplibre-gl/dist/maplibre-gl.mjs node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs \
	   node_modules/maplibre-gl/dist/maplibre-gl-shared.mjs node_modules/maplibre-gl/dist/maplibre-gl.css \
	   node_modules/maplibre-gl/LICENSE.txt $(STATIC_VENDOR)/maplibre-gl/
	mkdir -p $(STATIC_VENDOR)/axe-core
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE $(STATIC_VENDOR)/axe-core/
	mkdir -p $(STATIC_VENDOR)/idb-keyval
	cp node_modules/idb-keyval/dist/index.js $(STATIC_VENDOR)/idb-keyval/idb-keyval.js
	cp node_modules/idb-keyval/LICENCE $(STATIC_VENDOR)/idb-keyval/
	# OpenLayers for the admin's map widget (django.contrib.gis), which Django loads from a CDN
	# (web/admin_site.py points it here; decision 0079).
	mkdir -p $(STATIC_VENDOR)/ol
	cp node_modules/ol/dist/ol.js node_modules/ol/dist/ol.js.map node_modules/ol/ol.css \
	   node_modules/ol/LICENSE.md $(STATIC_VENDOR)/ol/
	touch $@

%.mo: %.po
	msgfmt --check -o $@ $<

messages:
	for app in src/metropoli/*/; do \
	  if [ -d "$$app/locale" ]; then (cd $$app && ../../../$(METROPOLI) makemessages -l es_MX -l en --no-obsolete); fi; \
	done

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the committed OpenAPI document after changing the API.
openapi:
	DJANGO_SETTINGS_MODULE=metropoli.config.settings.test $(PY) -m metropoli.config.openapi > docs/api/openapi.json

clean:
	rm -rf $(VENV) node_modules $(STATIC_VENDOR) var/pgtest
	@echo "(the demo database in var/postgres is kept: 'make clean-db' deletes it)"

clean-db:
	bash scripts/pg-cluster.sh down var/postgres
	rm -rf var/postgres var/postgres.password

# Sensor ingestion over HTTP on PostGIS (own throw-away cluster), against a bare Django view.
.PHONY: bench-sensors
bench-sensors: deps
	$(PY) bench/bench_sensors.py

# The benches on PostGIS fill their own cluster with TREES synthetic trees (`metropoli trees
# synth`), 1,000,000 unless told: `make bench-tiles TREES=10000000`, `make bench-eco TREES=...`.
TREES ?= 1000000

# Eco-benefits: engine vs. per-tree loop on 1,000,000 trees, then the filtered summary API over
# TREES trees on PostGIS (p50/p95). Needs the i-Tree tables (ITREE_TABLES).
ITREE_TABLES ?= ../shared/itree/tables
bench-eco: deps
	$(PY) bench/bench_eco_engine.py --tables $(ITREE_TABLES)
	$(PY) bench/bench_eco_summary.py --tables $(ITREE_TABLES) --trees $(TREES)

# Mi Mercado checkout under contention on PostGIS (own throw-away cluster): 20 clients,
# orders/s and p95 against GET /healthz and raw SQL baselines, then the zero-oversell audit.
bench-orders: deps
	$(PY) bench/bench_orders.py

# Treender's queue on PostGIS (own throw-away cluster): next card and dashboard p50 at two
# table sizes, against the plain "oldest tree" query in the same run.
bench-validation: deps
	$(PY) bench/bench_validation.py

# Participa analysis (pure Python): hexagon bins and Spanish word counts over 100,000
# contributions, as ratios to projecting / splitting alone in the same run.
bench-participation: deps
	$(PY) bench/bench_participation_analysis.py

# Árbol tiles on PostGIS (own throw-away cluster, TREES synthetic trees): our endpoint over
# HTTP (as shipped and without its tile cache) vs. the raw ST_AsMVT query vs. TiPG, 8 clients;
# then the create-tree API. TiPG is installed in its own venv under var/bench on first use.
bench-tiles: deps
	$(PY) bench/bench_tiles.py --trees $(TREES)

# The same at 10,000,000 trees (issue 21): about 10 minutes of synthesis and ~6 GB of disk first.
.PHONY: bench-tiles-10m
bench-tiles-10m:
	$(MAKE) bench-tiles TREES=10000000

# The whole inventory from /api/trees/export (CSV, GeoJSON) over HTTP vs. PostgreSQL's COPY of
# the same statement, TREES synthetic trees on its own throw-away cluster: rows/s and the ratio.
.PHONY: bench-exports
bench-exports: deps
	$(PY) bench/bench_exports.py --trees $(TREES)

# OGC API items pages on PostGIS (own throw-away cluster, TREES synthetic trees): p95 of a
# bbox page of /ogc/collections/trees/items over HTTP vs. the raw SQL of that page, same run.
.PHONY: bench-ogc
bench-ogc: deps
	$(PY) bench/bench_ogc.py --trees $(TREES)

# QGIS (Debian's python3-qgis, headless) loads the trees of /ogc/ and counts them
# (src/metropoli/ogc/tests/check_qgis.py); METROPOLI_DOC_SCREENSHOTS=docs/guides/img also saves
# the GIS guide's pictures. Not in `make test`: python3-qgis is 167 Debian packages and 922 MB
# (3½ minutes to install), for one test; it is installed here when missing.
.PHONY: test-qgis
test-qgis: deps
	@dpkg-query -W -f='$${Status}' python3-qgis 2>/dev/null | grep -q "install ok installed" || { \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; $$sudo apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends python3-qgis; }
	bash scripts/test.sh --fast src/metropoli/ogc/tests/check_qgis.py

# PostgreSQL stops for 10 s under a light mixed load (gunicorn + worker): 0x 500, 503s during the
# outage, no acknowledged write lost, served again within 5 s, the worker alive.
.PHONY: fault-db
fault-db: deps
	$(PY) scripts/fault_db.py

# Schemathesis over the whole OpenAPI document on PostGIS (own throw-away cluster, gunicorn, the
# demo): anonymous and signed in, 100 examples per operation; 0 server errors, 0 schema
# violations (a small seeded budget runs in make test: tests/test_fuzz.py).
.PHONY: fuzz
fuzz: deps
	$(PY) scripts/fuzz.py

# The production topology on this machine, on loopback (scripts/stack.py): nginx on :8080 in
# front of two gunicorn app servers, Redis, the worker and the scheduler, the project's PostGIS
# cluster; supervised, returns once all of it is healthy. STACK_PORT, STACK_APP_PORTS,
# STACK_REDIS_PORT and METROPOLI_PG_PORT choose the ports; stack-down stops what stack-up started.
STACK_PORT ?= 8080
STACK_APP_PORTS ?= 8001,8002
STACK_REDIS_PORT ?= 6379
STACK = STACK_PORT=$(STACK_PORT) STACK_APP_PORTS=$(STACK_APP_PORTS) STACK_REDIS_PORT=$(STACK_REDIS_PORT) $(PY) scripts/stack.py
.PHONY: stack-up stack-down stack-status bench-stack
stack-up: deps
	@bash scripts/system-deps.sh stack
	@$(STACK) up
stack-down:
	@$(STACK) down
stack-status:
	@$(STACK) status

# Through nginx with 1 and 2 app servers: read mix and checkouts (req/s), the tile cache's hit
# ratio, a checkout race across both servers (oversell must be 0), requests lost when an app
# server is killed. Its own throw-away stack on free ports (bench/bench_stack.py).
bench-stack: deps
	@bash scripts/system-deps.sh stack
	$(PY) bench/bench_stack.py

# A cheap phone on Fast 3G with a 4× slower CPU, cold cache, through the production stack: LCP,
# map drawn and our own bytes of seven pages, PASS/MISS against issue 21's targets. Its own stack
# on free ports (bench/bench_phone.py); BENCH_PHONE_URL=http://127.0.0.1:8080/ measures a running one.
.PHONY: bench-phone
bench-phone: deps
	@bash scripts/system-deps.sh stack
	$(PY) bench/bench_phone.py $(if $(BENCH_PHONE_URL),--url $(BENCH_PHONE_URL))
