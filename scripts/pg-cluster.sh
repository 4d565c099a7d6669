#!/usr/bin/env bash
# A throw-away PostgreSQL 15 + PostGIS cluster on loopback for the tests.
#   scripts/pg-cluster.sh start DIR PORT   -> prints the METROPOLI_DATABASE_URL to use
#   scripts/pg-cluster.sh stop DIR
# PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user.
set -euo pipefail
action=$1; dir=$(realpath -m "$2"); port=${3:-54329}
bin=/usr/lib/postgresql/15/bin
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$action" in
  start)
    rm -rf "$dir"; mkdir -p "$dir/data" "$dir/socket"
    if [ "$(id -u)" -eq 0 ]; then
      chown -R postgres:postgres "$dir"
      # The postgres user must be able to reach the folder; fall back to /tmp when it cannot.
      if ! runuser -u postgres -- test -w "$dir/data"; then
        dir=$(mktemp -d /tmp/metropoli-pg.XXXXXX); mkdir -p "$dir/data" "$dir/socket"
        chown -R postgres:postgres "$dir"; echo "$dir" > "$2.redirect"
      fi
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgis://postgres@127.0.0.1:$port/metropoli"
    ;;
  stop)
    [ -f "$2.redirect" ] && { dir=$(cat "$2.redirect"); rm -f "$2.redirect"; }
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
