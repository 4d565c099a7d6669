"""Export bench: GET /api/trees/export (CSV and GeoJSON) of every tree vs. PostgreSQL's COPY.

    .venv/bin/python bench/bench_exports.py                 # 1,000,000 synthetic trees
    .venv/bin/python bench/bench_exports.py --trees 200000 --rounds 1

Starts a throw-away PostGIS cluster, loads the demo, adds N synthetic trees with
`metropoli trees synth`, serves the app with gunicorn on loopback, and downloads the whole
inventory from the export endpoint, as a planner's browser does (one client, the body read to
the end). Baseline in the same run: the very statement the export runs
(trees/exports.export_values), sent as `COPY (…) TO STDOUT (FORMAT csv)` over psycopg and read
to the end: PostgreSQL writing the same columns as CSV itself, no Python per row. Prints rows/s,
MB/s, and ours/COPY for the median of --rounds downloads, with the load average before and after.
No target: the figure says what a planner waits for a municipality's inventory.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from bench_tiles import conninfo, load_average  # noqa: E402


def download(port: int, path: str) -> tuple[float, int]:
    """Seconds until the last byte of `path`, and its size."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Language": "es-MX"})
    response = conn.getresponse()
    if response.status != 200:
        raise RuntimeError(f"{path} -> {response.status}")
    size = 0
    while chunk := response.read(1 << 20):
        size += len(chunk)
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, size


def copy_csv(url: str, sql: str, params) -> tuple[float, int]:
    with psycopg.connect(conninfo(url), autocommit=True) as conn, conn.cursor() as cursor:
        bound = psycopg.ClientCursor(conn).mogrify(sql, params)
        started = time.perf_counter()
        size = 0
        with cursor.copy(f"COPY ({bound}) TO STDOUT (FORMAT csv, HEADER)") as copy:
            for block in copy:
                size += len(block)
        return time.perf_counter() - started, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"start: {load_average()}", flush=True)
    with harness.postgis_cluster("exports") as url:
        env = harness.app_env(url)
        os.environ.update(env)
        import django

        django.setup()
        from metropoli.trees import exports, selectors
        from metropoli.trees.selectors import TreeFilters

        harness.metropoli(env, "migrate", "--no-input", "-v", "0")
        harness.metropoli(env, "load_demo")
        harness.metropoli(env, "trees", "synth", "--count", str(args.trees))
        with psycopg.connect(conninfo(url), autocommit=True) as c:
            c.execute("VACUUM ANALYZE")
            rows = c.execute("SELECT count(*) FROM trees_tree").fetchone()[0]
        query = exports.export_values(selectors.trees_for_listing(TreeFilters())).query
        sql, params = query.get_compiler("default").as_sql()
        results: dict[str, list[tuple[float, int]]] = {}
        print(f"measuring: {load_average()}", flush=True)
        with harness.gunicorn(env, workers=1, threads=2) as port:
            for _ in range(args.rounds):
                results.setdefault("COPY, PostgreSQL's CSV", []).append(copy_csv(url, sql, params))
                for fmt in ("csv", "geojson"):
                    path = f"/api/trees/export?format={fmt}"
                    results.setdefault(f"ours, {fmt}", []).append(download(port, path))
    print(f"\nExport of {rows:,} trees, median of {args.rounds}, {os.cpu_count()} CPUs")
    medians = {}
    for name, runs in results.items():
        seconds = statistics.median(t for t, _ in runs)
        size = runs[0][1]
        medians[name] = seconds
        print(f"  {name:24} {seconds:7.1f} s  {rows / seconds:9,.0f} rows/s  "
              f"{size / seconds / 1e6:6.1f} MB/s  {size / 1e6:7.1f} MB")  # fmt: skip
    base = medians["COPY, PostgreSQL's CSV"]
    print(f"  ours/COPY: csv {medians['ours, csv'] / base:.1f}×, "
          f"geojson {medians['ours, geojson'] / base:.1f}×")  # fmt: skip
    print(f"end: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
