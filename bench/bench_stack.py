"""The production stack under load: nginx in front of 1 and then 2 app servers (scripts/stack.py).

    make bench-stack
    .venv/bin/python bench/bench_stack.py --trees 20000 --requests 600 --orders 300

Builds a throw-away PostGIS cluster with synthetic trees and one market whose products run out
during the run, then starts the stack of `make stack-up` on free loopback ports twice: with one
app server, then with two (each `--workers` x `--threads`). Through nginx it measures:
- a read-heavy mix (pages, API reads, tiles with their version) and checkouts, req/s and p95;
- the tile cache: nginx's hit ratio over the mix, and repeated tiles served by nginx's cache
  against the same tiles rendered by an app server (which keeps none);
- the checkout race across both servers: stock + sold = initial for every product;
- an app server killed (its whole process group, SIGKILL) under reads and keyed checkouts that
  a client retries: GETs lost, checkouts lost, checkouts made twice.
Every figure comes with the machine's load average: two cores shared with other work limit what
a second app server can add, and the report says so rather than hiding it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

ROOT = harness.ROOT
STACK = ROOT / "scripts" / "stack.py"
PAGES = ["/", "/arbol/", "/mercado/", "/participa/"]
API = ["/api/trees/?page_size=20", "/api/sensors/", "/healthz"]

MARKET = """
import json
from decimal import Decimal
from django.contrib.gis.geos import Point
from django.utils import timezone
from metropoli.markets.models import Market, Product, ProductPrice, Stall
from metropoli.territory.models import Municipality
from metropoli.territory.services import ensure_amg_municipalities
ensure_amg_municipalities()
market = Market.objects.create(
    municipality=Municipality.objects.get(inegi_code="14039"), name="Mercado bench",
    slug="%(slug)s", address="Calzada Independencia", location=Point(-103.339, 20.674, srid=4326),
    delivery_fee_bands=[{"max_km": "5", "fee": "30"}], pickup_slots=["09:00-11:00"])
stall = Stall.objects.create(market=market, name="Puesto", giro="Frutas")
ids = []
for i in range(6):
    p = Product.objects.create(stall=stall, name=f"Producto {i}", category="produce", unit="kg",
                               step=Decimal("0.5"), stock=Decimal("%(stock)s"))
    ProductPrice.objects.create(product=p, price=Decimal("30.00"), valid_from=timezone.now())
    ids.append(p.pk)
print(json.dumps(ids))
"""

AUDIT = """
import json
from decimal import Decimal
from metropoli.markets.models import OrderLine, Product
ids = %(ids)s
stock = dict(Product.objects.filter(pk__in=ids).values_list("pk", "stock"))
sold = {pk: Decimal(0) for pk in ids}
lines = OrderLine.objects.filter(product_id__in=ids).values_list("product_id", "quantity")
for pk, quantity in lines:
    sold[pk] += quantity
print(json.dumps({str(pk): [str(stock[pk]), str(sold[pk])] for pk in ids}))
"""

KEYED_ORDERS = """
import json
from metropoli.common.models import IdempotencyRecord
from metropoli.markets.models import Order
keys = json.load(open("%(path)s"))
ids = list(IdempotencyRecord.objects.filter(key__in=keys).values_list("result_id", flat=True))
print(json.dumps({"records": len(ids), "orders": Order.objects.filter(pk__in=ids).count()}))
"""


def _close(conn) -> None:
    conn.close()


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [str(harness.VENV_BIN / "metropoli"), "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


class Stack:
    def __init__(self, base: Path, database_url: str, app_servers: int, args):
        self.dir = base / f"stack-{app_servers}"
        ports = set()
        while len(ports) < app_servers + 2:
            ports.add(harness.free_port())
        self.nginx, self.redis, *self.apps = sorted(ports)
        self.env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        self.env.update(
            METROPOLI_DATABASE_URL=database_url,
            METROPOLI_VAR_DIR=str(base / "var"),
            STACK_DIR=str(self.dir),
            STACK_PORT=str(self.nginx),
            STACK_APP_PORTS=",".join(map(str, self.apps)),
            STACK_REDIS_PORT=str(self.redis),
            STACK_WORKERS=str(args.workers),
            STACK_THREADS=str(args.threads),
            # Every bench client is 127.0.0.1: the per-address guest checkout limit is off.
            METROPOLI_MARKETS_ANONYMOUS_ORDERS_PER_HOUR="0",
            METROPOLI_LOG_LEVEL="WARNING",
        )

    def __enter__(self):
        done = subprocess.run(
            [sys.executable, str(STACK), "up", "--no-demo"],
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stdout[-2000:] + done.stderr[-2000:])
        plan = json.loads((self.dir / "plan.json").read_text())
        self.app_env = next(s["env"] for s in plan["services"] if s["name"] == "app-1")
        self.app_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        return self

    def __exit__(self, *exc):
        subprocess.run([sys.executable, str(STACK), "down"], env=self.env, capture_output=True)

    def pid(self, name: str) -> int:
        return int((self.dir / f"{name}.pid").read_text())


def request(conn: http.client.HTTPConnection, method: str, path: str, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    response.read()
    return response


def reads(stack: Stack, work: list[str], clients: int):
    cache = {"HIT": 0, "total": 0}
    lock = threading.Lock()

    def get(conn, path):
        response = request(conn, "GET", path)
        if response.status != 200:
            raise RuntimeError(f"GET {path} -> {response.status}")
        if path.startswith("/tiles/"):
            with lock:
                cache["total"] += 1
                cache["HIT"] += response.getheader("X-Cache-Status") == "HIT"

    result = harness.run_load(
        work,
        get,
        clients=clients,
        make_client=harness.http_get_client(stack.nginx),
        close_client=_close,
    )
    return result, cache


def order_body(rng: random.Random, slug: str, ids: list[int]) -> str:
    chosen = rng.sample(ids, rng.choice([1, 2, 3]))
    lines = [{"product_id": pk, "quantity": str(0.5 * rng.choice([1, 2, 3]))} for pk in chosen]
    return json.dumps(
        {
            "market": slug,
            "lines": lines,
            "method": "pickup",
            "pickup_slot": "09:00-11:00",
            "name": "Cliente",
            "phone": "3312345678",
        }
    )


def checkouts(stack: Stack, slug: str, count: int, clients: int, ids, rng: random.Random):
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    bodies = [order_body(rng, slug, ids) for _ in range(count)]

    def post(conn, body):
        headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
        response = request(conn, "POST", "/api/markets/orders", body, headers)
        with lock:
            statuses[response.status] = statuses.get(response.status, 0) + 1
        if response.status not in (201, 409):
            raise RuntimeError(f"checkout -> {response.status}")

    result = harness.run_load(
        bodies,
        post,
        clients=clients,
        make_client=harness.http_get_client(stack.nginx),
        close_client=_close,
    )
    return result, statuses


def kill_one(stack: Stack, mix: list[str], ids: list[int], rng: random.Random, base: Path):
    """Reads and keyed checkouts (retried by the client) while app-1 is killed."""
    lost_gets: list[str] = []
    gets = [0]
    keys: dict[str, list[int]] = {}
    stop = threading.Event()
    with_session: list[int] = []
    lock = threading.Lock()

    def reader(offset: int):
        conn = harness.http_get_client(stack.nginx)()
        n = offset
        while not stop.is_set():
            path = mix[n % len(mix)]
            n += 1
            try:
                status = request(conn, "GET", path).status
            except OSError as error:
                status = repr(error)
                conn.close()
                conn = harness.http_get_client(stack.nginx)()
            with lock:
                gets[0] += 1
                if status != 200:
                    lost_gets.append(f"{path}: {status}")
        conn.close()

    def buyer():
        # A guest's browser: the key is the caller's within its session (the cookie is kept),
        # and the session exists before the run, as it would from the cart.
        cookie = ""
        counted = False
        while not stop.is_set():
            key = str(uuid.uuid4())
            body = order_body(rng, "bench-kill", ids)
            answers = keys.setdefault(key, [])
            for _ in range(10):  # the client's retries, same key
                conn = harness.http_get_client(stack.nginx)()
                try:
                    headers = {"Content-Type": "application/json", "Idempotency-Key": key}
                    if cookie:
                        headers["Cookie"] = cookie
                    response = request(conn, "POST", "/api/markets/orders", body, headers)
                    answers.append(response.status)
                    given = response.getheader("Set-Cookie") or ""
                    if given.startswith("sessionid="):
                        cookie = given.split(";", 1)[0]
                except OSError:
                    answers.append(0)
                finally:
                    conn.close()
                if answers[-1] in (200, 201, 409):
                    break
                time.sleep(0.2)
            if cookie and not counted:
                counted = True
                with lock:
                    with_session.append(1)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(6)]
    threads += [threading.Thread(target=buyer) for _ in range(2)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(3)
    while len(with_session) < 2 and time.monotonic() < started + 60:
        time.sleep(0.1)
    victim = stack.pid("app-1")
    os.killpg(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    time.sleep(8)
    stop.set()
    for thread in threads:
        thread.join()
    restarted = stack.pid("app-1") != victim
    path = base / "keys.json"
    placed = [k for k, a in keys.items() if a and a[-1] in (200, 201)]
    path.write_text(json.dumps(placed))
    made = json.loads(shell(stack.app_env, KEYED_ORDERS % {"path": path}))
    return {
        "gets": gets[0],
        "lost_gets": lost_gets,
        "checkouts": len(keys),
        "lost_checkouts": sum(1 for a in keys.values() if not a or a[-1] not in (200, 201, 409)),
        "retried": sum(1 for a in keys.values() if len(a) > 1),
        # A key recorded under two callers (a retry that lost its session) is an order made twice.
        "made_twice": made["records"] - len(placed) + (made["records"] - made["orders"]),
        "restarted": restarted,
        "seconds": round(time.monotonic() - killed_at, 1),
    }


def tile_paths(version: int, per_zoom: int, rng: random.Random) -> list[str]:
    from metropoli.maps.tiles import tile_for_lonlat
    from metropoli.territory.amg import URBAN_BBOX

    west, south, east, north = URBAN_BBOX
    paths = set()
    for z in (12, 14, 16):
        while len([p for p in paths if p.startswith(f"/tiles/trees/{z}/")]) < per_zoom:
            t = tile_for_lonlat(rng.uniform(west, east), rng.uniform(south, north), z)
            paths.add(f"/tiles/trees/{z}/{t.x}/{t.y}.pbf?v={version}")
    return sorted(paths)


def market(stack: Stack, slug: str, stock: int) -> list[int]:
    return json.loads(shell(stack.app_env, MARKET % {"slug": slug, "stock": stock}))


def audit(stack: Stack, ids: list[int], initial: int) -> bool:
    balances = json.loads(shell(stack.app_env, AUDIT % {"ids": ids}))
    return all(
        float(stock) >= 0 and float(stock) + float(sold) == initial
        for stock, sold in balances.values()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=600, help="read-mix requests per run")
    parser.add_argument("--orders", type=int, default=300, help="checkouts per run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--tiles-per-zoom", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(20261205)
    print(f"bench-stack · {os.cpu_count()} cores · {load_average()} at start", flush=True)
    results: dict = {}
    with harness.postgis_cluster("stack") as url, tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        with Stack(base, url, 1, args) as stack:
            shell(stack.app_env, MUNICIPALITIES)
            started = time.perf_counter()
            subprocess.run(
                [str(harness.VENV_BIN / "metropoli"), "trees", "synth", "--count", str(args.trees)],
                env=stack.app_env,
                check=True,
                capture_output=True,
            )
            print(f"synthesised {args.trees:,} trees in {time.perf_counter() - started:.0f} s")
            version = int(shell(stack.app_env, VERSION))
        tiles = tile_paths(version, args.tiles_per_zoom, rng)
        pool = PAGES * 2 + API * 2 + tiles  # about two requests in three are tiles
        mix = [rng.choice(pool) for _ in range(args.requests)]
        # Demand averages 2 lines of 1 kg: the stock runs out about two thirds into the run,
        # so the last checkouts race for the last kilos.
        stock = max(1, round(args.orders * 2 / 6 * 0.66))
        for servers in (1, 2):
            with Stack(base, url, servers, args) as stack:
                print(f"stack with {servers} app server(s) up ({load_average()})", flush=True)
                ids = market(stack, f"bench{servers}", stock)
                reads(stack, PAGES + API, args.clients)  # warm workers and connections
                read, cache = reads(stack, mix, args.clients)
                checkout, statuses = checkouts(
                    stack, f"bench{servers}", args.orders, args.clients, ids, rng
                )
                results[servers] = {
                    "read": read,
                    "cache": cache,
                    "checkout": checkout,
                    "statuses": statuses,
                    "oversell_free": audit(stack, ids, stock),
                    "load": load_average(),
                }
                if servers == 2:
                    results["tiles"] = tile_repeats(stack, tiles, args.clients)
                    plenty = market(stack, "bench-kill", 1_000_000)
                    results["kill"] = kill_one(stack, PAGES + API + tiles, plenty, rng, base)
    return report(results, args)


MUNICIPALITIES = (
    "from metropoli.territory.services import ensure_amg_municipalities as e; print(e())"
)
VERSION = "from metropoli.maps.versions import current; print(current('trees'))"


def tile_repeats(stack: Stack, tiles: list[str], clients: int) -> dict:
    """The same tiles again and again: from nginx's cache, and straight from app-1 (rendered)."""
    out = {}
    for name, port in (("nginx proxy_cache", stack.nginx), ("app server", stack.apps[0])):
        client = harness.http_get_client(port)
        for work in (tiles, tiles * 10):  # a warm pass, then the measured one
            out[name] = harness.run_load(
                work, harness.http_get, clients=clients, make_client=client, close_client=_close
            )
    return out


def report(results: dict, args) -> int:
    one, two = results[1], results[2]
    print()
    print(
        f"Read mix through nginx (pages, API, versioned tiles): {args.requests} requests, "
        f"{args.clients} clients; app servers of {args.workers} workers x {args.threads} threads"
    )
    for n in (1, 2):
        print("  " + results[n]["read"].line(f"{n} app server(s)") + f"  [{results[n]['load']}]")
    print(f"  2 servers / 1 server: {two['read'].rate / one['read'].rate:.2f}x requests/s")
    for n in (1, 2):
        cache = results[n]["cache"]
        ratio = cache["HIT"] / cache["total"] if cache["total"] else float("nan")
        print(
            f"  tile cache hit ratio, {n} server(s): {cache['HIT']}/{cache['total']} = {ratio:.0%}"
        )
    print(f"Checkouts through nginx (POST /api/markets/orders, scarce stock): {args.orders}")
    ok = True
    for n in (1, 2):
        statuses = results[n]["statuses"]
        print("  " + results[n]["checkout"].line(f"{n} app server(s)"))
        print(
            f"    placed {statuses.get(201, 0)}, out of stock {statuses.get(409, 0)}, "
            f"other { ({k: v for k, v in statuses.items() if k not in (201, 409)}) }; "
            f"stock + sold = initial for every product: "
            f"{'yes' if results[n]['oversell_free'] else 'NO (oversold)'}"
        )
        ok &= results[n]["oversell_free"]
    print(f"  2 servers / 1 server: {two['checkout'].rate / one['checkout'].rate:.2f}x checkouts/s")
    print("Tiles requested again (the same URLs, 10 rounds):")
    tiles = results["tiles"]
    for name, result in tiles.items():
        print("  " + result.line(name))
    nginx, app = tiles["nginx proxy_cache"], tiles["app server"]
    print(
        f"  p50 nginx / app server: {nginx.pct(0.5) / app.pct(0.5):.2f}; "
        f"req/s nginx / app server: {nginx.rate / app.rate:.2f}x"
    )
    kill = results["kill"]
    print(
        "App server 1 killed (SIGKILL to its process group) under 6 readers and 2 buyers "
        "that retry with their Idempotency-Key:"
    )
    print(f"  GETs {kill['gets']}, lost {len(kill['lost_gets'])} {kill['lost_gets'][:5]}")
    print(
        f"  checkouts {kill['checkouts']}, lost {kill['lost_checkouts']}, retried "
        f"{kill['retried']}, made twice {kill['made_twice']}; app server 1 restarted: "
        f"{'yes' if kill['restarted'] else 'NO'}"
    )
    ok &= not kill["lost_gets"] and kill["lost_checkouts"] == 0 and kill["made_twice"] == 0
    ok &= kill["restarted"]
    print(f"{load_average()} at the end; checks {'hold' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
