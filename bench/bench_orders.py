"""Checkout under contention: 20 concurrent clients ordering from a few products on PostGIS.

Starts its own throw-away PostgreSQL + PostGIS cluster (scripts/pg-cluster.sh) on a free
loopback port, migrates, creates one market with a handful of contended products, serves the app
with gunicorn on loopback and fires POST /api/markets/orders from 20 client threads. Prints
orders/s, p50/p95 latency, how many checkouts were refused for lack of stock, and a final audit
that stock + sold = initial for every product (zero oversell). Baselines in the same run: the
same number of trivial GET /healthz requests through the same server and clients, and raw SQL
conditional decrements from 20 threads straight to the database.

    .venv/bin/python bench/bench_orders.py [--orders 2000] [--clients 20] [--workers 4]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PRODUCTS = 6
STEP = Decimal("0.5")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def cluster(tcp: bool):
    """Yield the database URL: over the cluster's Unix socket (as a web server next to its
    database would connect) or, with ``tcp``, over loopback TCP."""
    folder = ROOT / "var" / "bench-orders-pg"
    port = free_port()
    script = str(ROOT / "scripts" / "pg-cluster.sh")
    url = subprocess.run(
        ["bash", script, "start", str(folder), str(port)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    try:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-q", "-c",
             "CREATE DATABASE metropoli"],
            check=True,
            capture_output=True,
        )  # fmt: skip
        redirect = Path(f"{folder}.redirect")
        socket_dir = Path(redirect.read_text().strip()) if redirect.exists() else folder
        socket_path = quote(str(socket_dir / "socket"), safe="")
        yield url if tcp else f"postgis://postgres@{socket_path}:{port}/metropoli"
    finally:
        subprocess.run(["bash", script, "stop", str(folder)], check=False, capture_output=True)


@contextlib.contextmanager
def gunicorn(env: dict, workers: int, threads: int):
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "metropoli.config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def load(port: int, clients: int, total: int, make_request, *, cookies: bool = True) -> dict:
    """`total` requests spread over `clients` keep-alive connections; returns timings.

    Each client keeps the cookies it is given, as a browser does (a guest's first keyed order
    starts its session; later ones reuse it); without ``cookies`` every request comes from a
    new guest."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(total))
    barrier = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        mine, codes = [], {}
        jar: SimpleCookie = SimpleCookie()
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            method, path, body, headers = make_request(index, n)
            if jar:
                headers = {**headers, "Cookie": "; ".join(f"{k}={m.value}" for k, m in jar.items())}
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if cookies:
                for header in response.msg.get_all("Set-Cookie") or ():
                    jar.load(header)
            mine.append(time.perf_counter() - started)
            codes[response.status] = codes.get(response.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "elapsed": elapsed,
        "statuses": statuses,
        "rate": total / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
    }


def raw_sql_baseline(url: str, clients: int, total: int, product_ids: list[int]) -> float:
    """Conditional decrements straight to PostgreSQL, one connection per thread."""
    import psycopg

    parts = urlsplit(url)
    # Not parts.hostname: it lower-cases, and a socket folder is a case-sensitive path.
    host, port = parts.netloc.split("@", 1)[1].rsplit(":", 1)
    dsn = f"host={unquote(host)} port={port} user=postgres dbname={parts.path.lstrip('/')}"
    counter = iter(range(total))
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def worker() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            barrier.wait()
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                conn.execute(
                    "UPDATE markets_product SET stock = stock - 0 WHERE id = %s AND stock >= 0",
                    (product_ids[n % len(product_ids)],),
                )

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return total / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--no-cookies",
        action="store_true",
        help="clients drop cookies: every checkout comes from a new guest (a new session)",
    )
    parser.add_argument(
        "--tcp", action="store_true", help="reach PostgreSQL over loopback TCP, not its socket"
    )
    args = parser.parse_args()

    with cluster(args.tcp) as url:
        env = dict(os.environ)
        env.update(
            METROPOLI_DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE="metropoli.config.settings.local",
            METROPOLI_DEBUG="0",
            # ERROR: the expected "out of stock" answers (409) would each log a warning line.
            METROPOLI_LOG_LEVEL="ERROR",
            METROPOLI_ALLOWED_HOSTS="127.0.0.1,localhost",
            # Every bench client comes from 127.0.0.1, so the per-address guest limit is off:
            # the bench measures checkout, not 20 clients fighting over one counter row.
            METROPOLI_MARKETS_ANONYMOUS_ORDERS_PER_HOUR="0",
        )
        for command in (["migrate", "--no-input", "-v", "0"], ["createcachetable"]):
            subprocess.run([str(BIN / "metropoli"), *command], env=env, check=True)
        os.environ.update(env)
        import django

        django.setup()
        from django.contrib.gis.geos import Point
        from django.db import connection
        from django.utils import timezone

        from metropoli.markets.models import Market, OrderLine, Product, ProductPrice, Stall
        from metropoli.territory.services import ensure_amg_municipalities

        ensure_amg_municipalities()
        from metropoli.territory.models import Municipality

        market = Market.objects.create(
            municipality=Municipality.objects.get(inegi_code="14039"),
            name="Mercado de prueba",
            slug="bench",
            address="Calzada Independencia",
            location=Point(-103.339, 20.674, srid=4326),
            delivery_fee_bands=[{"max_km": "5", "fee": "30"}],
            pickup_slots=["09:00-11:00"],
        )
        stall = Stall.objects.create(market=market, name="Puesto", giro="Frutas")
        # Average demand is 1.25 kg per product per order over 2.5 products per order; this
        # stock runs out shortly before the end, so the last checkouts race for the last kilos.
        initial = Decimal(int(args.orders * 0.5))
        ids = []
        for i in range(PRODUCTS):
            product = Product.objects.create(
                stall=stall, name=f"Producto {i}", category="produce", unit="kg", step=STEP,
                stock=initial,
            )  # fmt: skip
            ProductPrice.objects.create(
                product=product, price=Decimal("30.00"), valid_from=timezone.now()
            )
            ids.append(product.pk)
        connection.close()

        rng = random.Random(6)

        def order_request(index: int, n: int):
            chosen = rng.sample(ids, rng.choice([1, 2, 3, 4]))
            body = {
                "market": "bench",
                "lines": [
                    {"product_id": pk, "quantity": str(STEP * rng.choice([1, 2, 3, 4]))}
                    for pk in chosen
                ],
                "method": "pickup",
                "pickup_slot": "09:00-11:00",
                "name": f"Cliente {index}",
                "phone": "3312345678",
            }
            key = f"bench-order-{n:06d}"  # 8 to 80 characters
            headers = {"Content-Type": "application/json", "Idempotency-Key": key}
            return "POST", "/api/markets/orders", json.dumps(body), headers

        def trivial_request(index: int, n: int):
            return "GET", "/healthz", None, {}

        with gunicorn(env, args.workers, args.threads) as port:
            load(port, args.clients, 200, trivial_request)  # warm up workers and connections
            baseline = load(port, args.clients, args.orders, trivial_request)
            orders = load(
                port, args.clients, args.orders, order_request, cookies=not args.no_cookies
            )

        raw = raw_sql_baseline(url, args.clients, args.orders, ids)

        stocks = dict(Product.objects.filter(pk__in=ids).values_list("pk", "stock"))
        sold: dict[int, Decimal] = {pk: Decimal(0) for pk in ids}
        for pk, quantity in OrderLine.objects.filter(product_id__in=ids).values_list(
            "product_id", "quantity"
        ):
            sold[pk] += quantity
        created = orders["statuses"].get(201, 0)
        refused = orders["statuses"].get(409, 0)
        print(f"bench-orders · PostGIS · {os.cpu_count()} cores · gunicorn {args.workers} "
              f"workers x {args.threads} threads · {args.clients} clients · database over "
              f"{'loopback TCP' if args.tcp else 'Unix socket'}")  # fmt: skip
        print("  clients " + ("drop cookies (a new guest each time)" if args.no_cookies
              else "keep cookies, as browsers do") + " · load average "
              + " ".join(f"{v:.2f}" for v in os.getloadavg()))  # fmt: skip
        print(f"  checkouts: {args.orders} in {orders['elapsed']:.2f} s -> "
              f"{args.orders / orders['elapsed']:.0f} checkouts/s, "
              f"{created / orders['elapsed']:.0f} orders/s placed; "
              f"p50 {orders['p50']:.1f} ms, p95 {orders['p95']:.1f} ms")  # fmt: skip
        other = {k: v for k, v in orders["statuses"].items() if k not in (201, 409)}
        print(f"  outcomes: {created} placed (201), {refused} refused out of stock (409), "
              f"other {other}")  # fmt: skip
        print(f"  baseline GET /healthz: {baseline['rate']:.0f} req/s, p95 "
              f"{baseline['p95']:.1f} ms -> checkout/GET ratio "
              f"{orders['rate'] / baseline['rate']:.2f}")  # fmt: skip
        print(f"  baseline raw SQL conditional UPDATE: {raw:.0f} statements/s -> "
              f"checkout/raw ratio {orders['rate'] / raw:.3f}")  # fmt: skip
        ok = True
        for pk in ids:
            balance = stocks[pk] + sold[pk]
            line_ok = balance == initial and stocks[pk] >= 0
            ok &= line_ok
            print(f"  audit product {pk}: stock {stocks[pk]} + sold {sold[pk]} = {balance} "
                  f"(initial {initial}) {'OK' if line_ok else 'MISMATCH'}")  # fmt: skip
        print(f"  zero oversell: {'yes' if ok else 'NO'}; target >= 100 orders/s: "
              f"{'met' if created / orders['elapsed'] >= 100 else 'not met'}")  # fmt: skip
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
