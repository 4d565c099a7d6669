"""Shared pieces of the benchmarks: a throw-away PostGIS cluster, the app under gunicorn,
and a bounded load generator. Every bench prints its figures next to a baseline measured in
the same run; nothing here asserts a time."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgis_cluster(name: str) -> Iterator[str]:
    """Start scripts/pg-cluster.sh on a free loopback port; yield the database URL."""
    folder = ROOT / "var" / f"bench-{name}"
    port = free_port()
    url = subprocess.run(
        ["bash", str(ROOT / "scripts" / "pg-cluster.sh"), "start", str(folder), str(port)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    try:
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "-q",
                "-c",
                "CREATE DATABASE metropoli",
            ],
            check=True,
            capture_output=True,
        )
        yield url
    finally:
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "pg-cluster.sh"), "stop", str(folder)],
            check=False,
            capture_output=True,
        )


def app_env(database_url: str) -> dict[str, str]:
    (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise's folder
    env = dict(os.environ)
    env.update(
        METROPOLI_DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="metropoli.config.settings.local",
        METROPOLI_DEBUG="0",
        METROPOLI_LOG_LEVEL="WARNING",
        METROPOLI_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    return env


def metropoli(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(VENV_BIN / "metropoli"), *args], env=env, check=True)


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    workers: int = 3,
    threads: int = 2,
    app: str = "metropoli.config.wsgi",
    ready: str = "/healthz",
) -> Iterator[int]:
    """Serve `app` (the site unless told) on a free loopback port; yield the port once `ready`
    answers 200. Modules of bench/ can be served too."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            app,
            "--pythonpath",
            str(ROOT / "bench"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": env["DJANGO_SETTINGS_MODULE"]},
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", ready)
                if conn.getresponse().status == 200:
                    break
            time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class LoadResult:
    latencies: list[float]
    elapsed: float
    errors: int

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def line(self, label: str) -> str:
        return (
            f"{label:<28} n={self.count:<6} p50={self.pct(0.5) * 1000:7.1f} ms  "
            f"p95={self.pct(0.95) * 1000:7.1f} ms  p99={self.pct(0.99) * 1000:7.1f} ms  "
            f"{self.rate:8.1f} req/s  errors={self.errors}"
        )


def run_load(
    work: Sequence,
    action: Callable[[object, object], None],
    *,
    clients: int,
    make_client: Callable[[], object],
    close_client: Callable[[object], None] = lambda c: None,
) -> LoadResult:
    """Run `action(client, item)` over `work` with `clients` threads; bounded by len(work)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    index = iter(range(len(work)))

    def worker():
        nonlocal errors
        client = make_client()
        try:
            while True:
                with lock:
                    i = next(index, None)
                if i is None:
                    return
                start = time.perf_counter()
                try:
                    action(client, work[i])
                except Exception as error:  # noqa: BLE001 - counted and reported
                    with lock:
                        errors += 1
                    print(f"  error: {error!r}", file=sys.stderr)
                    continue
                took = time.perf_counter() - start
                with lock:
                    latencies.append(took)
        finally:
            close_client(client)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(latencies, time.perf_counter() - started, errors)


def http_get_client(port: int) -> Callable[[], http.client.HTTPConnection]:
    return lambda: http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def http_get(conn: http.client.HTTPConnection, path: str) -> bytes:
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path} -> {response.status}")
    return body


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")
