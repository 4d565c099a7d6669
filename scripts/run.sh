#!/usr/bin/env bash
# `make run`: the demo on http://127.0.0.1:$PORT with its task worker, on the project's own
# PostgreSQL + PostGIS cluster (var/postgres, kept between runs). Ctrl-C stops all of it.
# METROPOLI_DATABASE_URL points everything at another PostGIS instead (then no cluster is started).
set -uo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8000}
pg_port=${METROPOLI_PG_PORT:-25432}
metropoli=.venv/bin/metropoli
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-metropoli.config.settings.local}
export PYTHONUNBUFFERED=1

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "Port $port is already in use: stop the program that uses it, or choose another port" \
       "with PORT (e.g. make run PORT=8080)." >&2
  exit 1
fi

started_cluster=""
children=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${children[@]}"; do wait "$pid" 2>/dev/null; done
  if [ -n "$started_cluster" ]; then
    echo "Stopping PostgreSQL"
    bash scripts/pg-cluster.sh down var/postgres
  fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

if [ -z "${METROPOLI_DATABASE_URL:-}" ]; then
  bash scripts/pg-cluster.sh status var/postgres || started_cluster=yes
  export METROPOLI_PG_PORT=$pg_port
  bash scripts/pg-cluster.sh up var/postgres "$pg_port" || exit 1
  echo "PostgreSQL + PostGIS: 127.0.0.1:$pg_port, data in var/postgres"
fi

$metropoli migrate --no-input || exit 1
$metropoli load_demo || exit 1

# The worker runs the queued tasks (eco-benefits, e-mails, which it prints here) and queues the
# periodic jobs at their slots (metropoli jobs list).
$metropoli worker --scheduler > >(sed -u 's/^/[worker] /') 2>&1 &
children+=($!)
$metropoli runserver "127.0.0.1:$port" &
children+=($!)
wait -n "${children[@]}"
