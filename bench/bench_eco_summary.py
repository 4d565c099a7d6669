"""Eco-benefit summary bench: GET /api/trees/ecobenefits?<filters> over N trees on PostGIS.

    make bench-eco                       # engine bench, then this one with 1,000,000 trees
    .venv/bin/python bench/bench_eco_summary.py --trees 200000 --rounds 10

Starts a throw-away PostGIS cluster, loads the demo, adds N synthetic trees with
`metropoli trees synth`, stores every tree's benefits with `metropoli benefits recompute`
(timed: the bulk path of the vectorised engine, which also counts the rollups), serves the app
with gunicorn on loopback and measures the filtered summary for a set of filters: sequentially
(latency of one request on an otherwise idle server) and with 4 concurrent clients. Each
filter is labelled with the way it is answered (docs/decisions/draft-benefits-summary-cube.md):
"rollup" (municipality, species, condition), "cube" (DBH classes or map cells from their
rollups, plus the rows of the classes or strips a bound cuts), "index" (a box with a
condition or DBH filter: rows of the cells inside from a covering index, or everything minus
the cells outside) and "rows" (filters only the tree rows know: dates, validation, person,
summed from the stored rows joined to the trees). Baseline in the same run: a bare
`SELECT count(*) FROM trees_tree` over psycopg (the floor of any query touching every tree).
Target: p95 < 300 ms for 1,000,000 trees.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import dj_database_url
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

FILTERS = (
    ("all trees", "rollup", ""),
    ("one municipality", "rollup", "municipality=14039"),
    ("two municipalities", "rollup", "municipality=14120,14098"),
    ("one species", "rollup", "species=JAMI"),
    ("muni + species", "rollup", "municipality=14039&species=JAMI,FRUH"),
    ("condition good", "rollup", "condition=good"),
    ("DBH 30-60 cm", "cube", "dbh_min=30&dbh_max=60"),
    ("DBH 33.5-47.25 cm (cut classes)", "cube", "dbh_min=33.5&dbh_max=47.25"),
    ("condition + DBH + muni", "cube", "condition=good,fair&dbh_min=20&municipality=14039"),
    ("bbox (centre)", "cube", "bbox=-103.40,20.64,-103.32,20.70"),
    ("bbox (whole area)", "cube", "bbox=-103.60,20.40,-103.10,20.90"),
    ("bbox (a few streets)", "cube", "bbox=-103.352,20.672,-103.345,20.678"),
    ("bbox (centre) + condition", "index", "bbox=-103.40,20.64,-103.32,20.70&condition=good"),
    ("bbox (centre) + DBH", "index", "bbox=-103.40,20.64,-103.32,20.70&dbh_min=30&dbh_max=60"),
    ("bbox (whole area) + condition", "index", "bbox=-103.60,20.40,-103.10,20.90&condition=good"),
    ("bbox (half the trees) + DBH", "index", "bbox=-103.50,20.55,-103.34,20.80&dbh_min=25.5"),
    ("recorded since 2020", "rows", "since=2020-01-01"),
    ("validation state", "rows", "validation_state=validated&municipality=14039"),
)
ROLLUPS = ("benefits_benefitrollup", "benefits_benefitdbhrollup", "benefits_benefitcellrollup")


def measure(url: str, env: dict[str, str], rounds: int) -> None:
    cfg = dj_database_url.parse(url)
    with psycopg.connect(
        host=cfg["HOST"], port=cfg["PORT"], user=cfg["USER"], dbname=cfg["NAME"], autocommit=True
    ) as conn:
        for table in ("benefits_treebenefit", "trees_tree", "trees_plantingsite", *ROLLUPS):
            conn.execute(f"VACUUM ANALYZE {table}")
        total = conn.execute("SELECT count(*) FROM trees_tree").fetchone()[0]
        rollup_rows = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ROLLUPS}
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size with {total:,} trees: {size.fetchone()[0]}", flush=True)
        count_times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            conn.execute("SELECT count(*) FROM trees_tree").fetchone()
            count_times.append(time.perf_counter() - t0)
    print(f"trees in the database: {total:,}")
    print(
        f"rollup rows: {sum(rollup_rows.values()):,} ("
        + ", ".join(f"{t.removeprefix('benefits_')} {n:,}" for t, n in rollup_rows.items())
        + ")"
    )

    with harness.gunicorn(env, workers=2, threads=2) as port:
        client = harness.http_get_client(port)
        rows = []
        for label, kind, query in FILTERS:
            path = f"/api/trees/ecobenefits?{query}"
            # Warm-up and a sanity check; four at once so that every worker thread has run it.
            harness.run_load(
                [path] * 4,
                harness.http_get,
                clients=4,
                make_client=client,
                close_client=lambda c: c.close(),
            )
            conn = client()
            body = json.loads(harness.http_get(conn, path))
            conn.close()
            # Filters summed from the tree rows are slow by nature: fewer rounds.
            n = max(3, rounds // 4) if kind == "rows" else rounds
            sequential = harness.run_load(
                [path] * n,
                harness.http_get,
                clients=1,
                make_client=client,
                close_client=lambda c: c.close(),
            )
            loaded = harness.run_load(
                [path] * n * 2,
                harness.http_get,
                clients=4,
                make_client=client,
                close_client=lambda c: c.close(),
            )
            rows.append((label, kind, body["totals"], sequential, loaded))
    print()
    print(f"GET /api/trees/ecobenefits over {total:,} trees (gunicorn 2 workers x 2 threads)")
    worst: dict[str, float] = {}
    for label, kind, totals, sequential, loaded in rows:
        print(f"  {label} [{kind}]: computed {totals['computed']:,} of {totals['total']:,}")
        print("    " + sequential.line("1 client"))
        print("    " + loaded.line("4 clients"))
        worst[kind] = max(worst.get(kind, 0.0), sequential.pct(0.95))
    floor = harness.median(count_times)
    print(f"baseline: SELECT count(*) FROM trees_tree over psycopg, median {floor * 1000:.1f} ms")
    for kind, value in worst.items():
        print(
            f"target p95 < 300 ms (1 client), {kind} filters: worst {value * 1000:.1f} ms "
            f"[{'met' if value < 0.3 else 'MISSED'}]"
        )
    print(f"load average while measuring: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20, help="requests per filter")
    parser.add_argument(
        "--tables", type=Path, default=harness.ROOT.parent / "shared" / "itree" / "tables"
    )
    parser.add_argument(
        "--database-url",
        help="Measure an already filled and recomputed database instead of building one.",
    )
    args = parser.parse_args(argv)

    if args.database_url:
        env = harness.app_env(args.database_url)
        env["METROPOLI_ITREE_DIR"] = str(args.tables)
        measure(args.database_url, env, args.rounds)
        return 0
    with harness.postgis_cluster("benefits") as url:
        env = harness.app_env(url)
        env["METROPOLI_ITREE_DIR"] = str(args.tables)
        harness.metropoli(env, "migrate", "--no-input", "-v", "0")
        harness.metropoli(env, "load_demo")
        started = time.perf_counter()
        harness.metropoli(env, "trees", "synth", "--count", str(args.trees))
        print(f"synthesised {args.trees:,} trees in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        harness.metropoli(env, "benefits", "recompute")
        print(f"benefits recompute (all trees): {time.perf_counter() - started:.1f} s")
        measure(url, env, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
