#!/usr/bin/env bash
# PostgreSQL 15 + PostGIS clusters of the project's own, on loopback only.
#
#   scripts/pg-cluster.sh start DIR PORT  throw-away cluster for the tests (fsync off), printed URL
#   scripts/pg-cluster.sh stop DIR        stop it and delete its folder
#   scripts/pg-cluster.sh up DIR PORT     the demo's kept cluster: created on first use (password
#                                         in DIR.password, fsync on), started if not running
#   scripts/pg-cluster.sh down DIR        stop the kept cluster, keep its data
#   scripts/pg-cluster.sh status DIR      exit 0 when it runs
#
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user. When that
# user cannot reach DIR (a checkout under /root), the data lives under postgres's home folder and
# DIR is a symbolic link to it.
set -euo pipefail
action=$1; dir=$(realpath -m "$2"); port=${3:-25433}
bin=/usr/lib/postgresql/15/bin
root() { [ "$(id -u)" -eq 0 ]; }
as_owner() {
  if root; then runuser -u postgres -- "$@"; else "$@"; fi
}
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
require_binaries() {
  [ -x "$bin/initdb" ] || {
    echo "PostgreSQL 15 is not installed: run 'make deps' (installs postgresql-15 and postgis)." >&2
    exit 1
  }
}
running() { [ -f "$1/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$1/data" status >/dev/null 2>&1; }

case "$action" in
  start)
    require_binaries
    rm -rf "$dir"; mkdir -p "$dir/data" "$dir/socket"
    if root; then
      chown -R postgres:postgres "$dir"
      # The postgres user must be able to reach the folder; fall back to /tmp when it cannot.
      if ! runuser -u postgres -- test -w "$dir/data"; then
        dir=$(mktemp -d /tmp/metropoli-pg.XXXXXX); mkdir -p "$dir/data" "$dir/socket"
        chown -R postgres:postgres "$dir"; echo "$dir" > "$2.redirect"
      fi
    fi
    if port_in_use "$port"; then
      echo "Port $port is already in use; choose another with METROPOLI_TEST_PG_PORT." >&2; exit 1
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
  up)
    require_binaries
    password_file="$dir.password"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      echo "Creating the PostgreSQL cluster in $2 (kept between runs)"
      mkdir -p "$(dirname "$dir")"
      if [ ! -s "$password_file" ]; then
        (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$password_file")
      fi
      if root; then
        target=$dir
        mkdir -p "$dir" && chown postgres:postgres "$dir"
        if ! runuser -u postgres -- test -w "$dir"; then
          rmdir "$dir"
          home=$(getent passwd postgres | cut -d: -f6)
          target="$home/metropoli-$(printf '%s' "$dir" | sha1sum | cut -c1-12)"
          mkdir -p "$target" && chown postgres:postgres "$target"
          ln -sfn "$target" "$dir"
        fi
        mkdir -p "$target/data" "$target/socket"; chown -R postgres:postgres "$target"
        chmod 700 "$target"
        pwcopy=$(mktemp); cp "$password_file" "$pwcopy"; chown postgres "$pwcopy"
      else
        mkdir -p "$dir/data" "$dir/socket"; chmod 700 "$dir"
        pwcopy=$(mktemp); cp "$password_file" "$pwcopy"
      fi
      as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 --pwfile="$pwcopy" \
        -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || { rm -f "$pwcopy"; cat "$dir/initdb.log" >&2; exit 1; }
      rm -f "$pwcopy"
    fi
    if running "$dir"; then exit 0; fi
    if port_in_use "$port"; then
      echo "Port $port is already in use by another program: set METROPOLI_PG_PORT to a free port" \
           "(e.g. make run METROPOLI_PG_PORT=25440)." >&2
      exit 1
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c max_connections=100" \
      start >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
    pw=$(cat "$password_file")
    if ! PGPASSWORD=$pw psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'metropoli'" | grep -q 1; then
      PGPASSWORD=$pw psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE metropoli"
    fi
    ;;
  down)
    if running "$dir"; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; fi
    ;;
  status)
    running "$dir"
    ;;
  *) echo "usage: $0 start|stop|up|down|status DIR [PORT]" >&2; exit 2 ;;
esac
