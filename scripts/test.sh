#!/usr/bin/env bash
# The whole test suite: quality gates, then pytest on PostgreSQL + PostGIS.
#   scripts/test.sh [--fast] [pytest args]   --fast: no browser tests, stop at the first failure
# A throw-away PostgreSQL cluster (fsync off) is started here and stopped on any exit, failures
# included; the demo's own cluster under var/postgres is never touched.
set -uo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
export DJANGO_SETTINGS_MODULE=metropoli.config.settings.test
unset METROPOLI_DATABASE_URL
mkdir -p var; rm -f var/junit-*.xml
status=0
fast=""
if [ "${1:-}" = "--fast" ]; then fast=yes; shift; fi
step() { echo; echo "== $*"; }
started=$(date +%s)

pg_dir=${METROPOLI_TEST_PG_DIR:-var/pgtest}
port=${METROPOLI_TEST_PG_PORT:-25433}
cleanup() { bash scripts/pg-cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

step "PostgreSQL + PostGIS (throw-away cluster on 127.0.0.1:$port)"
url=$(bash scripts/pg-cluster.sh start "$pg_dir" "$port") || { echo "could not start PostgreSQL" >&2; exit 1; }
export METROPOLI_DATABASE_URL=$url
# The database the URL names (pytest makes its own test_ copy; makemigrations --check reads this).
psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE metropoli" >/dev/null

if [ -z "$fast" ]; then
  step "ruff (lint and format)"
  .venv/bin/ruff check . && .venv/bin/ruff format --check . || status=1

  step "mypy (pure packages and common/; [tool.mypy] in pyproject.toml)"
  .venv/bin/mypy || status=1

  step "migrations are up to date"
  .venv/bin/metropoli makemigrations --check --dry-run || status=1
fi

pytest_status() {  # pytest exit 5 = no tests collected: a failure for us, said clearly.
  local rc=$1
  if [ "$rc" -eq 5 ]; then echo "pytest collected no tests" >&2; return 1; fi
  return "$rc"
}

step "pytest"
if [ -n "$fast" ]; then
  $py -m pytest -m "not browser" -x -q -p no:cacheprovider "$@"; pytest_status $? || status=1
else
  $py -m pytest -n "${METROPOLI_TEST_WORKERS:-2}" --dist loadfile "$@" -p no:cacheprovider --durations=15 --junitxml=var/junit.xml; pytest_status $? || status=1
  echo
  # One closing line in the plain "N passed, N failed, N skipped" form; skips fail the run.
  $py scripts/junit_summary.py --no-skips var/junit.xml || status=1
fi
echo "== $(( $(date +%s) - started )) s"
if [ $status -eq 0 ]; then echo "== all checks passed"; else echo "== some checks FAILED"; fi
exit $status
