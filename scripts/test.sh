#!/usr/bin/env bash
# The whole test suite: quality gates, then pytest on SpatiaLite and on PostGIS.
# The PostgreSQL cluster is started here and stopped on any exit, failures included.
set -uo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
export DJANGO_SETTINGS_MODULE=metropoli.config.settings.test
unset METROPOLI_DATABASE_URL
mkdir -p var; rm -f var/junit-*.xml
status=0
step() { echo; echo "== $*"; }

step "ruff (lint and format)"
.venv/bin/ruff check . && .venv/bin/ruff format --check . || status=1

step "migrations are up to date"
.venv/bin/metropoli makemigrations --check --dry-run || status=1

pg_dir=${METROPOLI_TEST_PG_DIR:-var/pgtest}
port=${METROPOLI_TEST_PG_PORT:-54329}
cleanup() { bash scripts/pg-cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

pytest_status() {  # pytest exit 5 = no tests collected: a failure for us, said clearly.
  local rc=$1
  if [ "$rc" -eq 5 ]; then echo "pytest collected no tests" >&2; return 1; fi
  return "$rc"
}

step "pytest on SpatiaLite"
$py -m pytest "$@" -p no:cacheprovider --junitxml=var/junit-spatialite.xml; pytest_status $? || status=1

step "pytest on PostgreSQL + PostGIS (throw-away cluster on 127.0.0.1:$port)"
if url=$(bash scripts/pg-cluster.sh start "$pg_dir" "$port"); then
  METROPOLI_DATABASE_URL="$url" $py -m pytest "$@" -p no:cacheprovider \
    --junitxml=var/junit-postgis.xml; pytest_status $? || status=1
else
  echo "could not start PostgreSQL" >&2; status=1
fi

echo
# One closing line for both databases together, in the plain "N passed, N failed" form.
$py scripts/junit_summary.py var/junit-spatialite.xml var/junit-postgis.xml || status=1
if [ $status -eq 0 ]; then echo "== all checks passed"; else echo "== some checks FAILED"; fi
exit $status
