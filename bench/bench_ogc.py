"""OGC API – Features bench: a bbox items page of /ogc/collections/trees/items over HTTP vs.
the raw SQL of the same page, at 1,000,000 trees.

    make bench-ogc                                  # 1,000,000 synthetic trees (default)
    .venv/bin/python bench/bench_ogc.py --trees 20000 --requests 100

Starts a throw-away PostGIS cluster, fills it with `metropoli trees synth`, serves the app with
gunicorn on loopback and, for random boxes inside the AMG urban area, measures p50/p95 of

  (1) ours: GET /ogc/collections/trees/items?bbox=…&limit=100 over HTTP (Django, the
      selectors, GeoJSON, numberMatched and the links);
  (2) raw: the statements such a page needs, over psycopg: no HTTP, no Django. As the view
      (ogc/paging.py, decision 0085): the sites in the box, counted up to a cap; under it, the
      ids of the trees in the box (their number is numberMatched), then the page's rows by id;
      over it (a dense box), the page's ids from the map points' (geom, id) index nearest the
      cursor (decision 0096), checked against the exact box, then the page's rows by id; with
      the view's planner settings.
      Each statement is planned with its values, as Django's are (psycopg would otherwise
      prepare a statement run five times, and PostgreSQL may then reuse a generic plan that
      ignores the box: before decision 0085 that made this baseline read the box through the
      spatial index while the view, planned with the box, walked the id index through 100,000
      sites: 24 ms against 253 ms at p95).

Boxes: a neighbourhood (about 1 km², a few hundred to a few thousand trees at a million) and a
whole district (about 10 × 10 km, mostly past the cap, where numberMatched is left out); then
the 20th page of the district box reached through a next link (the keyset cursor). The target
is p95 < 100 ms for every box; each prints both p95s and their ratio. Every
box and cursor is requested once before the measured runs (no cold page falls to one side
only). The load average is printed before and after: the figures only mean something on a
quiet machine. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import urllib.parse
from pathlib import Path

import dj_database_url
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

LIMIT = 100
COUNT_LIMIT = 10_000  # as ogc/paging.py (a page of 100 reads at most this many keys)
# Box sizes in degrees (longitude, latitude) around a random centre in the urban area.
SIZES = {"neighbourhood ~1 km²": (0.0095, 0.009), "district ~10×10 km": (0.095, 0.09)}

ENVELOPE = "ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)"
COLUMNS = """
SELECT t.id, t.dbh_cm, t.height_m, t.crown_width_m, t.condition, t.phenology, t.notes,
       t.validation_state, t.source, t.external_id, t.recorded_at,
       ST_X(s.location), ST_Y(s.location), s.site_type, s.address, s.colonia, m.inegi_code,
       m.name, sp.code, sp.scientific_name, sp.common_name_es
FROM trees_tree t
JOIN trees_plantingsite s ON s.id = t.site_id
JOIN territory_municipality m ON m.id = s.municipality_id
LEFT JOIN trees_species sp ON sp.id = t.species_id
"""
RAW_SITES = f"""
SELECT count(*) FROM (
    SELECT 1 FROM trees_plantingsite WHERE location && {ENVELOPE} LIMIT %(cap)s
) AS sites
"""
RAW_KEYS = f"""
SELECT t.id FROM trees_tree t JOIN trees_plantingsite s ON s.id = t.site_id
WHERE s.location && {ENVELOPE} AND t.id > %(after)s LIMIT %(cap)s
"""
RAW_ROWS = COLUMNS + "WHERE t.id = ANY(%(ids)s) ORDER BY t.id"
RAW_INDEX = f"""
SELECT tree_id FROM (
    SELECT p.tree_id FROM trees_treemappoint p
    WHERE p.geom && ST_Expand(ST_Transform({ENVELOPE}, 3857), 0.01)
      AND p.tree_id > %(after)s::bigint
    ORDER BY p.tree_id <-> %(after)s::bigint LIMIT %(batch)s
) AS inside ORDER BY 1 LIMIT %(batch)s
"""
RAW_KEEP = f"""
SELECT t.id FROM trees_tree t JOIN trees_plantingsite s ON s.id = t.site_id
WHERE s.location && {ENVELOPE} AND t.id = ANY(%(ids)s)
"""


def conninfo(url: str) -> str:
    cfg = dj_database_url.parse(url)
    return f"host={cfg['HOST']} port={cfg['PORT']} user={cfg['USER']} dbname={cfg['NAME']}"


def boxes(size: tuple[float, float], count: int, rng: random.Random):
    from metropoli.territory.amg import URBAN_BBOX

    west, south, east, north = URBAN_BBOX
    half_x, half_y = size[0] / 2, size[1] / 2
    found = []
    for _ in range(count):
        x = rng.uniform(west + half_x, east - half_x)
        y = rng.uniform(south + half_y, north - half_y)
        found.append(
            (round(x - half_x, 6), round(y - half_y, 6), round(x + half_x, 6), round(y + half_y, 6))
        )
    return found


def items_path(box, after: int | None = None) -> str:
    query = {"bbox": ",".join(str(v) for v in box), "limit": str(LIMIT)}
    if after is not None:
        query["after"] = str(after)
    return "/ogc/collections/trees/items?" + urllib.parse.urlencode(query, safe=",")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300, help="requests per box size")
    parser.add_argument("--clients", type=int, default=2, help="concurrent clients")
    parser.add_argument(
        "--database-url", help="Measure an already filled database instead of building one."
    )
    args = parser.parse_args()
    print(load_average(), flush=True)
    if args.database_url:
        return measure(args.database_url, args, built=False)
    with harness.postgis_cluster("ogc") as url:
        return measure(url, args, built=True)


def measure(url: str, args, *, built: bool) -> int:
    rng = random.Random(20261205)
    env = harness.app_env(url)
    os.environ.update(env)
    import django

    django.setup()
    print(f"database: {url}", flush=True)
    if built:
        harness.metropoli(env, "migrate", "--no-input", "-v", "0")
        harness.metropoli(env, "load_demo")
        started = time.perf_counter()
        harness.metropoli(env, "trees", "synth", "--count", str(args.trees))
        print(f"synthesised {args.trees:,} trees in {time.perf_counter() - started:.1f} s")
    with psycopg.connect(conninfo(url), autocommit=True) as c:
        name = c.execute("SELECT current_database()").fetchone()[0]
        c.execute(f'ALTER DATABASE "{name}" SET jit = off')  # as the app's own connections
        c.execute("DELETE FROM metropoli_cache")
        c.execute("VACUUM ANALYZE")
        args.trees = c.execute("SELECT count(*) FROM trees_tree").fetchone()[0]

    def connect():
        return psycopg.connect(
            conninfo(url),
            autocommit=True,
            prepare_threshold=None,
            # Planned as ogc/paging.py plans the view's statements.
            options="-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1",
        )

    def raw(conn, work):
        box, after = work
        values = dict(zip(("west", "south", "east", "north"), box, strict=True))
        values.update(
            after=after or 0, cap=COUNT_LIMIT + 1, batch=LIMIT + 1 + (LIMIT + 1) // 16 + 1
        )
        if conn.execute(RAW_SITES, values).fetchone()[0] > COUNT_LIMIT:
            ids = [row[0] for row in conn.execute(RAW_INDEX, values)]
            kept = {row[0] for row in conn.execute(RAW_KEEP, {**values, "ids": ids})}
            ids = [i for i in ids if i in kept]
        else:
            ids = sorted(row[0] for row in conn.execute(RAW_KEYS, values))
        conn.execute(RAW_ROWS, {"ids": ids[:LIMIT]}).fetchall()

    plans = {label: boxes(size, max(args.requests // 4, 20), rng) for label, size in SIZES.items()}
    results: dict[str, dict[str, harness.LoadResult]] = {}
    sizes: dict[str, tuple[float, float]] = {}
    with harness.gunicorn(env, workers=args.clients, threads=1) as port:
        get = harness.http_get_client(port)
        # Features per page and numberMatched of each box, and the 20th page's cursor.
        cursors = {}
        for label, plan in plans.items():
            conn = get()
            returned, matched = [], []
            for box in plan:
                page = json.loads(harness.http_get(conn, items_path(box)))
                returned.append(page["numberReturned"])
                matched.append(page.get("numberMatched", COUNT_LIMIT + 1))
            sizes[label] = (sum(returned) / len(returned), sum(matched) / len(matched))
            conn.close()
        district = plans["district ~10×10 km"]
        conn = get()
        for box in district[:10]:
            path, after = items_path(box), None
            for _ in range(19):
                page = json.loads(harness.http_get(conn, path))
                following = [link for link in page["links"] if link["rel"] == "next"]
                if not following:
                    break
                parts = urllib.parse.urlsplit(following[0]["href"])
                path = parts.path + "?" + parts.query
                after = int(urllib.parse.parse_qs(parts.query)["after"][0])
            cursors[box] = after
        conn.close()
        deep = [(box, after) for box, after in cursors.items() if after is not None]

        works = {
            label: [(rng.choice(plan), None) for _ in range(args.requests)]
            for label, plan in plans.items()
        }
        works["district, page 20 (next link)"] = [rng.choice(deep) for _ in range(args.requests)]
        for label, work in works.items():
            paths = [items_path(box, after) for box, after in work]
            # Warm pass (plans, caches) for both, then the measured runs.
            for action, items, make_client, close in (
                (harness.http_get, paths, get, lambda c: c.close()),
                (raw, work, connect, lambda c: c.close()),
            ):
                harness.run_load(
                    sorted(set(items), key=str),
                    action,
                    clients=args.clients,
                    make_client=make_client,
                    close_client=close,
                )
            results[label] = {
                "ours": harness.run_load(
                    paths,
                    harness.http_get,
                    clients=args.clients,
                    make_client=get,
                    close_client=lambda c: c.close(),
                ),
                "raw": harness.run_load(
                    work,
                    raw,
                    clients=args.clients,
                    make_client=connect,
                    close_client=lambda c: c.close(),
                ),
            }
    report(results, sizes, args)
    print(load_average())
    return 0


def report(results, sizes, args) -> None:
    print()
    print(f"OGC items pages (limit={LIMIT}) over {args.trees:,} trees, {args.clients} clients")
    for label, measured in results.items():
        line = f"-- {label}"
        if label in sizes:
            returned, matched = sizes[label]
            shown = f"{matched:,.0f}" if matched <= COUNT_LIMIT else f"> {COUNT_LIMIT:,}"
            line += f"  (on average {returned:.0f} features per page, numberMatched {shown})"
        print(line)
        for name in ("ours", "raw"):
            print("  " + measured[name].line(name))
        ours, raw = measured["ours"].pct(0.95), measured["raw"].pct(0.95)
        print(
            f"  p95 ours = {ours * 1000:.1f} ms, p95 raw = {raw * 1000:.1f} ms, "
            f"ratio ours/raw = {ours / raw:.2f}",
            end="",
        )
        print(f"  (target p95 < 100 ms: {'met' if ours < 0.1 else 'MISSED'})", end="")
        print()


if __name__ == "__main__":
    sys.exit(main())
