"""A cheap phone on a mobile network: seven pages in Chromium, Fast 3G and a 4× slower CPU.

    make bench-phone
    .venv/bin/python bench/bench_phone.py --runs 3
    .venv/bin/python bench/bench_phone.py --url http://127.0.0.1:8080/   # a running stack

Without --url it starts the production stack of `make stack-up` (scripts/stack.py: nginx with
the compressed static files, two gunicorn servers, Redis, the worker) on free loopback ports, on
a throw-away PostGIS cluster with the demo loaded, and stops it at the end. Its map background
is a stand-in tile server on another loopback port (a fixed 16 KB PNG per tile): another origin,
so its bytes are not ours, but they share the emulated network as OpenStreetMap's tiles would.
With --url the basemap's host (data-basemap of the home page) is blocked instead: no request
leaves the machine, and the map is drawn without its background.

Each page is loaded --runs times, each time in a new browser context (a cold cache, no service
worker yet) with DevTools' network emulation (1.6 Mbit/s down, 750 kbit/s up, 150 ms round
trip) and CPU throttling (4×). Per page it prints the medians of
  LCP     the last largest-contentful-paint entry (PerformanceObserver),
  map     when the first map got its `map-ready` class (maps/map.js), from navigation start,
  own     encoded body bytes of every response from the page's origin (documents, static files,
          tiles, API), third-party tiles not counted; the service worker's precache, which
          starts after the map is drawn, is shown apart (sw),
and PASS/MISS against the targets of issue 21: LCP < 2.5 s, map < 3 s, own < 500 KB. The load
average is printed at the start and the end: the figures are only comparable on an idle machine.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

ROOT = harness.ROOT
STACK = ROOT / "scripts" / "stack.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
# DevTools' "Fast 3G" figures as issue 21 gives them (bytes per second, milliseconds).
FAST_3G = {
    "offline": False,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
    "latency": 150,
}
CPU_SLOWDOWN = 4
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "es-MX",
}
TARGETS = {"lcp": 2500.0, "map": 3000.0, "own": 500 * 1024}
# Recorded from the first script on: the map's ready event (bubbles from the map element) and
# the LCP entries. DevTools injects it, so the pages' Content-Security-Policy does not apply.
PROBE = """
window.__bench = { map: null, lcp: null };
document.addEventListener("metropoli:map-ready", () => {
  window.__bench.map ??= performance.now();
}, true);
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__bench.lcp = entry.startTime;
}).observe({ type: "largest-contentful-paint", buffered: true });
"""


def load_average() -> str:
    return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the stand-in basemap ---


def _png(size: int = 256, seed: int = 21) -> bytes:
    """A 256×256 PNG of about the weight of a city tile (OpenStreetMap's: 10–25 KB)."""
    state = seed
    rows = bytearray()
    for y in range(size):
        rows.append(0)
        for x in range(size):
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            shade = 235 if (x // 16 + y // 16) % 2 else 225
            noise = (state >> 16) % 6 if (x * y) % 5 == 0 else 0
            rows += bytes((shade - noise, shade - noise, shade - 10 - noise))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))  # fmt: skip


@contextlib.contextmanager
def stand_in_basemap():
    tile = _png()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Cache-Control", "public, max-age=86400")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", harness.free_port()), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png", len(tile)
    finally:
        server.shutdown()


# --- the stack ---


@contextlib.contextmanager
def own_stack(basemap: str):
    """`make stack-up` on free ports, a throw-away database with the demo; yields its URL."""
    with harness.postgis_cluster("phone") as database_url, tempfile.TemporaryDirectory() as tmp:
        ports = set()
        while len(ports) < 4:
            ports.add(harness.free_port())
        nginx, redis, *apps = sorted(ports)
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            METROPOLI_DATABASE_URL=database_url,
            METROPOLI_VAR_DIR=str(Path(tmp) / "var"),
            METROPOLI_BASEMAP_TILES=basemap,
            METROPOLI_LOG_LEVEL="WARNING",
            STACK_DIR=str(Path(tmp) / "stack"),
            STACK_PORT=str(nginx),
            STACK_APP_PORTS=",".join(map(str, apps)),
            STACK_REDIS_PORT=str(redis),
        )
        print("starting the production stack with the demo …", flush=True)
        done = subprocess.run(
            [sys.executable, str(STACK), "up"], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(
                "the stack did not start:\n" + done.stdout[-3000:] + done.stderr[-3000:]
            )
        try:
            yield f"http://127.0.0.1:{nginx}/"
        finally:
            subprocess.run([sys.executable, str(STACK), "down"], env=env, capture_output=True)


# --- the pages ---


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - http(s) given
        return response.read().decode()


def pages(base: str, market: str | None, consultation: str | None) -> list[tuple[str, str]]:
    """The seven pages; the shop front and the consultation are the first ones listed."""
    if not market:
        listed = re.findall(r'href="/mercado/([a-z0-9-]+)/"', fetch(urljoin(base, "/mercado/")))
        reserved = {"puesto", "repartidor", "gestion", "pedido", "carrito"}
        market = next((slug for slug in listed if slug not in reserved), None)
    if not consultation:
        listed = re.findall(r'href="/participa/([a-z0-9-]+)/"', fetch(urljoin(base, "/participa/")))
        reserved = {"mis-aportaciones", "privacidad", "mesa", "gestion"}
        consultation = next((slug for slug in listed if slug not in reserved), None)
    found = [
        ("home", "/"),
        ("trees map", "/arbol/"),
        ("tree capture", "/arbol/capturar"),
        ("markets", "/mercado/"),
        ("shop front", f"/mercado/{market}/" if market else None),
        ("consultation", f"/participa/{consultation}/" if consultation else None),
        ("cooperation", "/cooperacion/"),
    ]
    missing = [name for name, path in found if path is None]
    if missing:
        raise SystemExit(f"not found in the data: {', '.join(missing)} (--market, --consultation)")
    return found  # type: ignore[return-value]


def basemap_host(base: str) -> str | None:
    match = re.search(r'data-basemap="([^"]+)"', fetch(base))
    return urlsplit(match.group(1).replace("&amp;", "&")).netloc if match else None


def measure(browser, base: str, path: str, blocked: list[str]) -> dict:
    """One cold load of one page."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    context = browser.new_context(**PHONE)
    try:
        context.add_init_script(PROBE)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", FAST_3G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        if blocked:
            cdp.send("Network.setBlockedURLs", {"urls": blocked})
        finished: list = []
        sw: list = []
        inflight = {"n": 0, "last": time.monotonic()}

        def started(request):
            inflight["n"] += 1
            inflight["last"] = time.monotonic()

        def ended(request):
            inflight["n"] -= 1
            inflight["last"] = time.monotonic()

        page.on("request", started)
        page.on("requestfinished", lambda r: (ended(r), finished.append(r)))
        page.on("requestfailed", ended)
        context.on("requestfinished", lambda r: r.service_worker and sw.append(r))
        page.goto(urljoin(base, path), wait_until="load", timeout=120_000)
        has_map = page.evaluate("!!document.querySelector('[data-map]')")
        deadline = time.monotonic() + 60
        while has_map and time.monotonic() < deadline:
            if page.evaluate("window.__bench.map !== null || !!document.querySelector("
                             "'.map-ready, .map-unavailable')"):  # fmt: skip
                break
            page.wait_for_timeout(100)
        # Then until the network is quiet: the map's tiles, late modules.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if inflight["n"] <= 0 and time.monotonic() - inflight["last"] > 1.5:
                break
            page.wait_for_timeout(200)
        probe = page.evaluate("window.__bench")
        # A response from the HTTP cache (MapLibre's worker, fetched ahead) transferred nothing.
        body = lambda r: max(0, r.sizes()["responseBodySize"])  # noqa: E731
        own = sum(body(r) for r in finished if r.url.startswith(origin))
        third = sum(1 for r in finished if not r.url.startswith(origin))
        sw_bytes = sum(body(r) for r in sw if r.url.startswith(origin))
        if has_map and probe["map"] is None:
            probe["map"] = float("nan")  # not drawn (no WebGL, or over a minute)
        return {
            "lcp": probe["lcp"],
            "map": probe["map"] if has_map else None,
            "own": own,
            "requests": sum(1 for r in finished if r.url.startswith(origin)),
            "third": third,
            "sw": sw_bytes,
        }
    finally:
        context.close()


def median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def verdict(value: float | None, target: float) -> str:
    if value is None:
        return "—"
    return "PASS" if value == value and value < target else "MISS"


def report(results: dict[str, list[dict]], paths: dict[str, str]) -> int:
    print(f"\n{'page':<14}{'path':<30}{'LCP ms':>8}{'':>6}{'map ms':>8}{'':>6}"
          f"{'own KB':>8}{'':>6}{'req':>5}{'sw KB':>8}")  # fmt: skip
    misses = 0
    for name, runs in results.items():
        lcp = median([r["lcp"] for r in runs])
        drawn = median([r["map"] for r in runs])
        own = median([r["own"] for r in runs])
        marks = (verdict(lcp, TARGETS["lcp"]), verdict(drawn, TARGETS["map"]),
                 verdict(own, TARGETS["own"]))  # fmt: skip
        misses += marks.count("MISS")
        fmt = lambda v: "—" if v is None else f"{v:.0f}"  # noqa: E731
        print(f"{name:<14}{paths[name]:<30}{fmt(lcp):>8}  {marks[0]:<4}{fmt(drawn):>8}  "
              f"{marks[1]:<4}{own / 1024:>8.0f}  {marks[2]:<4}"
              f"{median([r['requests'] for r in runs]):>5.0f}"
              f"{median([r['sw'] for r in runs]) / 1024:>8.0f}")  # fmt: skip
    print(f"\ntargets: LCP < {TARGETS['lcp']:.0f} ms, map drawn < {TARGETS['map']:.0f} ms, "
          f"own bytes < {TARGETS['own'] // 1024} KB; medians of {len(next(iter(results.values())))}"
          f" cold loads; {misses} miss(es)")  # fmt: skip
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running stack (e.g. http://127.0.0.1:8080/)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--market", help="the shop front's slug (default: the first listed)")
    parser.add_argument("--consultation", help="the consultation's slug (default: the first)")
    parser.add_argument("--only", help="comma-separated page names or paths")
    parser.add_argument("--json", help="also write every run's figures to this file")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    print(f"bench-phone · {os.cpu_count()} cores · {load_average()} at start", flush=True)
    with contextlib.ExitStack() as stack:
        if args.url:
            base = args.url if args.url.endswith("/") else args.url + "/"
            host = basemap_host(base)
            blocked = [f"*://{host}/*"] if host else []
            print(f"stack: {base} (given); basemap {host or 'none'}: blocked", flush=True)
        else:
            basemap, tile_bytes = stack.enter_context(stand_in_basemap())
            base = stack.enter_context(own_stack(basemap))
            blocked = []
            print(f"stack: {base} (own); stand-in basemap {tile_bytes // 1024} KB a tile")
        chosen = pages(base, args.market, args.consultation)
        if args.only:
            wanted = {w.strip() for w in args.only.split(",")}
            chosen = [(n, p) for n, p in chosen if n in wanted or p in wanted]
        print(f"Chromium, {PHONE['viewport']['width']}×{PHONE['viewport']['height']} phone, "
              f"Fast 3G (1.6 Mbit/s, 750 kbit/s, 150 ms), CPU ÷{CPU_SLOWDOWN}, cold cache, "
              f"{args.runs} runs a page", flush=True)  # fmt: skip
        results: dict[str, list[dict]] = {name: [] for name, _ in chosen}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for run in range(args.runs):
                    for name, path in chosen:
                        figures = measure(browser, base, path, blocked)
                        results[name].append(figures)
                        print(f"  run {run + 1} {name:<14} " + json.dumps(figures), flush=True)
            finally:
                browser.close()
        report(results, dict(chosen))
        print(f"{load_average()} at the end", flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))
    return 0  # a bench reports; the times depend on the machine's load


if __name__ == "__main__":
    sys.exit(main())
