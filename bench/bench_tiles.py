"""Tile bench: our /tiles/trees view over HTTP vs. the raw ST_AsMVT query vs. TiPG.

    make bench-tiles            # 1,000,000 synthetic trees (default)
    .venv/bin/python bench/bench_tiles.py --trees 200000 --requests 400 --tipg-requests 40

Starts a throw-away PostGIS cluster, fills it with `metropoli trees synth`, serves the app with
gunicorn on loopback, and for tiles at z10, z12, z14 and z16 inside the AMG urban area measures
p50/p95 and requests/s with 8 concurrent clients for (1) our tile endpoint over HTTP, (2) the
same SQL our layer runs, executed directly over psycopg (the floor: no HTTP, no Django), and
(3) TiPG (installed by this script in its own venv) serving the same table, and (4) the HTTP
floor: the same statement from a bare WSGI app (bench/tile_floor.py) under the same gunicorn, what
HTTP and gunicorn cost without Django. Prints ratios and
whether each target holds; also the create-tree API throughput with 8 clients.

Our endpoint renders every tile it is asked for; tiles are kept by nginx in front of it
(docs/decisions/0061-tiles-cached-by-nginx.md), keyed by the inventory's version in the URL.
Ours is measured as shipped, behind the nginx of `make stack-up` (scripts/stack.py) with versioned
URLs ("ours"), and straight from gunicorn ("ours, rendered": every request renders), so the cost
of a miss is visible too. Before each measured run a warm pass requests every tile of the plan,
the distinct set repeated to WARM_REQUESTS requests (4 × gunicorn's workers × threads) sent by
WARM_CLIENTS clients (2 ×), so that every server thread has opened its database connection
before the clock runs (at z10 the plan has only a handful of distinct tiles: one pass over them
warmed half the threads, and z10 came out slower than z12). The raw query and TiPG get the very
same warm pass (same requests, same number of clients), so none starts warmer. Behind nginx the
distinct tiles are the misses, printed as "ours, first request of each tile". JIT is turned off
for the whole benchmark database (`ALTER DATABASE ... SET jit = off`), as the app does for its
own connections, so the raw query and TiPG run under the same setting.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import dj_database_url
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from bench_stack import Stack  # noqa: E402

ZOOMS = (10, 12, 14, 16)
CLIENTS = 8
# gunicorn serving ours straight (every request renders). A gthread worker hands a request to
# an idle thread if it has one, so a thread serves (and connects) only when its worker has
# several requests at once: the warm pass runs twice as many clients as there are threads, each
# sending two requests.
WORKERS, THREADS = 4, 2
WARM_CLIENTS = 2 * WORKERS * THREADS
WARM_REQUESTS = 2 * WARM_CLIENTS
FLOOR = "HTTP floor, no Django"


def warm_pass(work: list) -> list:
    """Every distinct item of `work`, repeated in order until there are WARM_REQUESTS of them
    (run with WARM_CLIENTS clients): every server thread serves and connects at least once."""
    distinct = sorted(set(work))
    rounds = -(-WARM_REQUESTS // len(distinct))  # ceiling
    return distinct * max(rounds, 1)


def tiles_for(zoom: int, count: int, rng: random.Random):
    from metropoli.maps.tiles import tile_for_lonlat
    from metropoli.territory.amg import URBAN_BBOX

    west, south, east, north = URBAN_BBOX
    chosen = {
        tile_for_lonlat(rng.uniform(west, east), rng.uniform(south, north), zoom)
        for _ in range(count * 4)
    }
    return sorted(chosen)[:count] if len(chosen) >= count else sorted(chosen)


def conninfo(url: str) -> str:
    cfg = dj_database_url.parse(url)
    return f"host={cfg['HOST']} port={cfg['PORT']} user={cfg['USER']} dbname={cfg['NAME']}"


def wait_until_idle(url: str, timeout: float = 120) -> None:
    """Wait until no other client's statement runs in the database; cancel what still runs
    after `timeout` seconds, and say so."""
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        busy = (
            "SELECT pid FROM pg_stat_activity WHERE state = 'active' "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        deadline = time.monotonic() + timeout
        while (pids := [row[0] for row in conn.execute(busy)]) and time.monotonic() < deadline:
            time.sleep(0.5)
        if pids:
            print(f"  cancelling {len(pids)} statements still running", flush=True)
            for pid in pids:
                conn.execute("SELECT pg_cancel_backend(%s)", [pid])


def tipg_venv() -> Path:
    venv = harness.ROOT / "var" / "bench" / "tipg-venv"
    if not (venv / "bin" / "uvicorn").exists():
        print("installing TiPG in its own venv (var/bench/tipg-venv) ...", flush=True)
        subprocess.run(["/usr/bin/python3", "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "tipg", "uvicorn"], check=True)
    return venv


def start_tipg(url: str):
    venv = tipg_venv()
    port = harness.free_port()
    cfg = dj_database_url.parse(url)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgresql://{cfg['USER']}@{cfg['HOST']}:{cfg['PORT']}/{cfg['NAME']}",
        TIPG_DB_SCHEMAS='["public"]',
        TIPG_DB_TABLES='["public.trees_plantingsite"]',
        TIPG_MAX_FEATURES_PER_TILE="1000000",
    )
    process = subprocess.Popen(
        [
            str(venv / "bin" / "uvicorn"),
            "tipg.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    deadline = time.monotonic() + 90
    conn = None
    while time.monotonic() < deadline:
        try:
            conn = harness.http_get_client(port)()
            harness.http_get(conn, "/collections")
            break
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.5)
    else:
        process.terminate()
        raise RuntimeError("TiPG did not start")
    return process, port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", type=int, default=1_000_000)
    parser.add_argument("--tiles-per-zoom", type=int, default=25)
    parser.add_argument(
        "--requests",
        type=int,
        default=2000,
        help="requests per zoom for ours, the raw query and the HTTP floor (the same tiles, in "
        "the same order, for all three)",
    )
    parser.add_argument(
        "--tipg-requests", type=int, default=100, help="requests per zoom for TiPG (slow at z10)"
    )
    parser.add_argument("--creates", type=int, default=400, help="create-tree API calls")
    parser.add_argument("--no-tipg", action="store_true")
    parser.add_argument(
        "--database-url", help="Measure an already filled database instead of building one."
    )
    args = parser.parse_args()
    if args.database_url:
        return measure(args.database_url, args, built=False)
    with harness.postgis_cluster("tiles") as url:
        return measure(url, args, built=True)


def measure(url: str, args, *, built: bool) -> int:
    rng = random.Random(20261124)
    env = harness.app_env(url)
    os.environ.update(env)
    import django

    django.setup()
    from metropoli.maps import versions
    from metropoli.trees.selectors import TreeFilters
    from metropoli.trees.tiles import TreesLayer

    print(f"database: {url}", flush=True)
    if built:
        harness.metropoli(env, "migrate", "--no-input", "-v", "0")
        harness.metropoli(env, "load_demo")
        started = time.perf_counter()
        harness.metropoli(env, "trees", "synth", "--count", str(args.trees))
        print(
            f"synthesised {args.trees:,} trees in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    with psycopg.connect(conninfo(url), autocommit=True) as c:
        name = c.execute("SELECT current_database()").fetchone()[0]
        c.execute(f'ALTER DATABASE "{name}" SET jit = off')
        # A reused database remembers earlier runs' logins in the rate-limit counters.
        c.execute("DELETE FROM metropoli_cache")
        c.execute("VACUUM ANALYZE")
        args.trees = c.execute("SELECT count(*) FROM trees_tree").fetchone()[0]
        size = c.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()
        print(f"database size with {args.trees:,} trees: {size[0]}", flush=True)

    layer = TreesLayer()
    plans = {z: tiles_for(z, args.tiles_per_zoom, rng) for z in ZOOMS}
    results: dict[int, dict[str, harness.LoadResult]] = {z: {} for z in ZOOMS}
    # One sequence of tiles per zoom, requested by every target but TiPG: at z10 the plan has a
    # handful of distinct tiles of very different cost, and separate draws gave the raw query
    # and ours different mixes of them.
    sequences = {z: [rng.choice(tiles) for _ in range(args.requests)] for z, tiles in plans.items()}

    print(f"raw query: {load_average()}", flush=True)
    # (2) The floor: the same SQL over psycopg, 8 connections.
    for z, work in sequences.items():

        def raw(conn, tile):
            sql, params = layer.postgis_query(tile, TreeFilters())
            conn.execute(sql, params).fetchone()

        def connect():
            return psycopg.connect(conninfo(url), autocommit=True)

        # Warm pass first (plans, caches), as for our endpoint below.
        harness.run_load(
            warm_pass(work),
            raw,
            clients=WARM_CLIENTS,
            make_client=connect,
            close_client=lambda c: c.close(),
        )
        results[z]["raw"] = harness.run_load(
            work, raw, clients=CLIENTS, make_client=connect, close_client=lambda c: c.close()
        )

    print(f"ours: {load_average()}", flush=True)
    # (1) Ours over HTTP: straight from gunicorn (every request renders), then as shipped,
    # behind nginx with the inventory's version in the URL (the repeats are nginx's).
    works = {
        z: [f"/tiles/trees/{t.z}/{t.x}/{t.y}.pbf" for t in tiles] for z, tiles in sequences.items()
    }

    def http_load(port: int, work: list[str], clients: int = CLIENTS) -> harness.LoadResult:
        return harness.run_load(
            work,
            harness.http_get,
            clients=clients,
            make_client=harness.http_get_client(port),
            close_client=lambda c: c.close(),
        )

    with harness.gunicorn(env, workers=WORKERS, threads=THREADS) as port:
        for z, work in works.items():
            http_load(port, warm_pass(work), WARM_CLIENTS)  # the raw query's warm pass
            results[z]["ours, rendered"] = http_load(port, work)
        create = create_tree_throughput(env, port, args.creates, rng)
    # (1b) The HTTP floor: the same statement from a bare WSGI app under the same gunicorn.
    floor_env = {**env, "BENCH_FLOOR_CONNINFO": conninfo(url)}
    first = works[ZOOMS[0]][0]
    with harness.gunicorn(
        floor_env, workers=WORKERS, threads=THREADS, app="tile_floor", ready=first
    ) as port:
        for z, work in works.items():
            http_load(port, warm_pass(work), WARM_CLIENTS)
            results[z][FLOOR] = http_load(port, work)
    version = versions.current("trees")
    with (
        tempfile.TemporaryDirectory() as folder,
        Stack(Path(folder), url, 2, SimpleNamespace(workers=2, threads=2)) as stack,
    ):
        for z, work in works.items():
            pinned = [f"{path}?v={version}" for path in work]
            results[z]["ours, first request of each tile"] = http_load(
                stack.nginx, sorted(set(pinned))
            )
            results[z]["ours"] = http_load(stack.nginx, pinned)

    print(f"TiPG: {load_average()}", flush=True)
    # (3) TiPG, the peer, on the same table.
    if not args.no_tipg:
        process, port = start_tipg(url)
        try:
            # Highest zoom first, and each zoom on an idle database: a low-zoom TiPG tile takes
            # seconds, and the statements of requests its clients gave up on (30 s) would still
            # run in PostgreSQL during the next zoom's measurement.
            for z in sorted(plans, reverse=True):
                tiles = plans[z]
                wait_until_idle(url)
                work = [
                    f"/collections/public.trees_plantingsite/tiles/WebMercatorQuad/"
                    f"{t.z}/{t.x}/{t.y}"
                    for t in (rng.choice(tiles) for _ in range(args.tipg_requests))
                ]
                harness.run_load(
                    warm_pass(work),
                    harness.http_get,
                    clients=WARM_CLIENTS,
                    make_client=harness.http_get_client(port),
                    close_client=lambda c: c.close(),
                )  # the same warm pass
                results[z]["tipg"] = harness.run_load(
                    work,
                    harness.http_get,
                    clients=CLIENTS,
                    make_client=harness.http_get_client(port),
                    close_client=lambda c: c.close(),
                )
        finally:
            process.terminate()
            process.wait(timeout=30)

    report(results, create, args)
    return 0


def create_tree_throughput(env, port: int, count: int, rng: random.Random):
    """POST /api/trees with 8 clients, each logged in as its own citizen."""
    from django.test import Client  # noqa: F401 - ensures settings are loaded

    from metropoli.accounts.models import User

    sessions = []
    for n in range(CLIENTS):
        email = f"bench{n}-{uuid.uuid4().hex[:6]}@example.mx"
        User.objects.create_user(email, "bench-password-123", display_name=f"Bench {n}")
        sessions.append(login(port, email, "bench-password-123"))
    from metropoli.territory.amg import URBAN_BBOX

    west, south, east, north = URBAN_BBOX
    work = [(rng.uniform(west, east), rng.uniform(south, north)) for _ in range(count)]
    pool = iter(sessions)

    def make_client():
        cookie, token = next(pool)
        conn = harness.http_get_client(port)()
        conn.metropoli_auth = (cookie, token)
        return conn

    def post(conn, point):
        cookie, token = conn.metropoli_auth
        body = json.dumps({"lon": point[0], "lat": point[1], "dbh_cm": 25, "condition": "good"})
        conn.request(
            "POST",
            "/api/trees/",
            body=body,
            headers={
                "Content-Type": "application/json",
                "Cookie": cookie,
                "X-CSRFToken": token,
                "Idempotency-Key": str(uuid.uuid4()),
                "Referer": f"http://127.0.0.1:{port}/",
            },
        )
        response = conn.getresponse()
        response.read()
        if response.status not in (200, 201):
            raise RuntimeError(f"create -> {response.status}")

    return harness.run_load(
        work, post, clients=CLIENTS, make_client=make_client, close_client=lambda c: c.close()
    )


def login(port: int, email: str, password: str) -> tuple[str, str]:
    import http.client
    import re
    import urllib.parse

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/cuentas/entrar")
    response = conn.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"username": email, "password": password, "csrfmiddlewaretoken": token}
    )
    conn.request(
        "POST",
        "/cuentas/entrar",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"http://127.0.0.1:{port}/cuentas/entrar",
        },
    )
    response = conn.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 302 or not session:
        raise RuntimeError("bench login failed")
    conn.close()
    return f"csrftoken={csrf_cookie}; sessionid={session.group(1)}", csrf_cookie


def load_average() -> str:
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def report(results, create, args) -> None:
    print()
    # At the end of the run: TiPG's low-zoom tiles (seconds each, 8 at a time) weigh on it.
    print(f"Tiles over {args.trees:,} synthetic trees, {CLIENTS} concurrent clients, "
          f"{os.cpu_count()} CPUs, {load_average()}")  # fmt: skip
    names = ("ours", "ours, first request of each tile", "ours, rendered", FLOOR, "raw", "tipg")
    for z in ZOOMS:
        print(f"-- z{z}")
        for name in names:
            if name in results[z]:
                print("  " + results[z][name].line(name))
        ours, raw = results[z]["ours"], results[z]["raw"]
        rendered, tipg = results[z]["ours, rendered"], results[z].get("tipg")
        # As shipped, behind nginx's tile cache (the first round's targets).
        print(f"  as shipped: p95 ours/raw = {ours.pct(0.95) / raw.pct(0.95):.2f}", end="")
        if tipg:
            print(f", throughput ours/TiPG = {_per(ours, tipg):.1f}×", end="")
        print()
        # Without the tile cache: every request renders (issue 21's targets).
        ratio = rendered.pct(0.95) / raw.pct(0.95)
        print(f"  without the cache: p95 rendered/raw = {ratio:.2f} ({_held(ratio <= 1.5)} ≤ 1.5)",
              end="")  # fmt: skip
        if z <= 12:
            p95 = rendered.pct(0.95) * 1000
            print(f", p95 = {p95:.1f} ms ({_held(p95 < 50)} < 50 ms)", end="")
        if tipg and z in (14, 16):
            per = _per(rendered, tipg)
            print(f", throughput/TiPG = {per:.2f}× ({_held(per >= 2)} ≥ 2)", end="")
        if FLOOR in results[z]:
            print(f"; HTTP floor p95/raw = {results[z][FLOOR].pct(0.95) / raw.pct(0.95):.2f}",
                  end="")  # fmt: skip
        print()
    print("-- create-tree API")
    print("  " + create.line("POST /api/trees/"))


def _per(ours: harness.LoadResult, peer: harness.LoadResult) -> float:
    return ours.rate / peer.rate if peer.rate else float("inf")


def _held(held: bool) -> str:
    return "target met:" if held else "target MISSED:"


if __name__ == "__main__":
    sys.exit(main())
