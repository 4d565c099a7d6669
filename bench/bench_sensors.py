"""Benchmark: airRohr ingestion over HTTP on PostGIS, against a bare Django view.

Usage::

    python bench/bench_sensors.py [--sensors 2000] [--posts 12000] [--clients 16] [--workers 4]

Starts a throw-away PostGIS cluster (scripts/pg-cluster.sh, free loopback port), migrates,
registers N simulated sensors, serves the app with gunicorn (production settings, sync workers)
on loopback and replays realistic firmware posts (three sensor configurations, fresh values and
housekeeping counters per post, HTTP Basic auth, one new TCP connection per post as the ESP8266
does) from a bounded pool of client threads. About 2 % of posts are re-sent right after being
accepted, as the firmware does after a lost answer; they must come back as duplicates. As in
steady state, about 4 % of the sensors compute their hourly index during the run.

Prints accepted posts/s, p50/p99 latency, the same figures for a bare view that only answers 201
on the same server, their ratio, and checks that every accepted post is stored exactly once.
Status 0 in the printed statuses is a connection error or a 30 s timeout. The machine's load
average is printed too: the figures only mean something on an otherwise idle machine.
Target: >= 300 posts/s with p99 < 100 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import base64
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
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def body_for(chip: int, kind: int, cycle: int, rng: random.Random) -> bytes:
    values = []
    if kind in (0, 2):
        values += [("SDS_P1", rng.uniform(5, 80)), ("SDS_P2", rng.uniform(2, 40))]
    if kind == 1:
        values += [
            ("PMS_P0", rng.uniform(1, 20)),
            ("PMS_P1", rng.uniform(5, 80)),
            ("PMS_P2", rng.uniform(2, 40)),
            ("SHT3X_temperature", rng.uniform(12, 32)),
            ("SHT3X_humidity", rng.uniform(20, 90)),
        ]
    if kind == 0:
        values += [
            ("BME280_temperature", rng.uniform(12, 32)),
            ("BME280_pressure", rng.uniform(84000, 85000)),
            ("BME280_humidity", rng.uniform(20, 90)),
        ]
    entries = [{"value_type": t, "value": f"{v:.2f}"} for t, v in values]
    entries += [
        {"value_type": "samples", "value": str(1_800_000 + cycle * 7919 + rng.randint(0, 999))},
        {"value_type": "min_micro", "value": str(rng.randint(20, 40))},
        {"value_type": "max_micro", "value": str(rng.randint(15000, 25000))},
        {"value_type": "interval", "value": "145000"},
        {"value_type": "signal", "value": str(rng.randint(-90, -50))},
    ]
    return json.dumps(
        {"esp8266id": str(chip), "software_version": "NRZ-2024-135", "sensordatavalues": entries}
    ).encode()


class Load:
    def __init__(self, port: int, path: str, jobs: list, clients: int):
        self.port, self.path, self.jobs, self.clients = port, path, jobs, clients
        self.lock = threading.Lock()
        self.next = 0
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.accepted_ids: list[int] = []
        self.duplicate_ok = 0
        self.duplicate_bad = 0

    def send(self, headers: dict, body: bytes) -> tuple[int, bytes, float]:
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("POST", self.path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, data, time.perf_counter() - start

    def worker(self) -> None:
        while True:
            with self.lock:
                if self.next >= len(self.jobs):
                    return
                headers, body, resend = self.jobs[self.next]
                self.next += 1
            try:
                status, data, elapsed = self.send(headers, body)
                resent = self.send(headers, body) if resend and status == 201 else None
            except OSError:  # timeouts and refused connections count as failed posts
                with self.lock:
                    self.statuses[0] = self.statuses.get(0, 0) + 1
                continue
            with self.lock:
                self.latencies.append(elapsed)
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status == 201 and self.path.endswith("airrohr"):
                    self.accepted_ids.append(json.loads(data)["post_id"])
                if resent is not None:
                    ok = resent[0] == 200 and json.loads(resent[1])["duplicate"]
                    self.duplicate_ok += ok
                    self.duplicate_bad += not ok

    def run(self) -> float:
        threads = [threading.Thread(target=self.worker) for _ in range(self.clients)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sensors", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=12000)
    parser.add_argument("--baseline-posts", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=16)
    # 2 cores: sync workers overlap each other's database waits; more only adds contention.
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--cluster", default="var/pg-bench-sensors")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    db_port = free_port()
    url = subprocess.run(
        ["bash", "scripts/pg-cluster.sh", "start", args.cluster, str(db_port)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=db_port, user="postgres", dbname="postgres", autocommit=True
    ) as admin:
        admin.execute("CREATE DATABASE metropoli")
    env = {
        **os.environ,
        "METROPOLI_DATABASE_URL": url,
        "METROPOLI_SECRET_KEY": "bench-sensors-not-secret",
        "DJANGO_SETTINGS_MODULE": "bench_sensors_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src")]),
        "METROPOLI_LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    server = None
    try:
        subprocess.run(
            [str(VENV_BIN / "metropoli"), "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        import django

        django.setup()
        from django.contrib.gis.geos import Point
        from django.db import connection

        from metropoli.accounts.models import User
        from metropoli.sensors.models import Post, Reading, Sensor
        from metropoli.sensors.services import hash_password
        from metropoli.territory.models import Municipality
        from metropoli.territory.services import ensure_amg_municipalities

        ensure_amg_municipalities()
        municipality = Municipality.objects.get(inegi_code="14039")
        owner = User.objects.create(email="bench@example.mx", display_name="Bench")
        rng = random.Random(args.seed)
        chips = rng.sample(range(1_000_000, 16_000_000), args.sensors)
        passwords = {chip: f"bench-{chip}-{rng.getrandbits(64):x}" for chip in chips}
        # Steady state: a sensor posts ~25 times an hour and only its first post of an hour
        # recomputes the index, so about 1 sensor in 25 still has to compute it in this run.
        this_hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        Sensor.objects.bulk_create(
            Sensor(
                index_hour=None if rng.random() < 0.04 else this_hour,
                sensor_id=f"esp8266-{chip}",
                owner=owner,
                location=Point(rng.uniform(-103.45, -103.25), rng.uniform(20.6, 20.75), srid=4326),
                municipality=municipality,
                auth_username=f"esp8266-{chip}",
                password_hash=hash_password(passwords[chip]),
            )
            for chip in chips
        )
        connection.close()
        print(f"registered {args.sensors} sensors on PostGIS ({url})")

        jobs = []
        for i in range(args.posts):
            chip = chips[i % len(chips)]
            auth = base64.b64encode(f"esp8266-{chip}:{passwords[chip]}".encode()).decode()
            headers = {
                "Content-Type": "application/json",
                "X-Sensor": f"esp8266-{chip}",
                "X-MAC-ID": f"esp8266-{chip:012x}",
                "User-Agent": f"NRZ-2024-135/{chip}/{chip:012x}",
                "Authorization": f"Basic {auth}",
                "Connection": "close",
            }
            jobs.append((headers, body_for(chip, chip % 3, i, rng), rng.random() < 0.02))
        rng.shuffle(jobs)

        http_port = free_port()
        server = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "metropoli.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{http_port}",
                "--workers",
                str(args.workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        wait_for(http_port)
        # Warm-up: every worker imports the app and opens its database connection.
        Load(http_port, "/bench/baseline", jobs[:200], args.clients).run()

        baseline = Load(http_port, "/bench/baseline", jobs[: args.baseline_posts], args.clients)
        baseline_seconds = baseline.run()
        load = Load(http_port, "/api/sensors/airrohr", jobs, args.clients)
        seconds = load.run()

        accepted = load.statuses.get(201, 0)
        rate = accepted / seconds
        base_rate = baseline.statuses.get(201, 0) / baseline_seconds
        stored_posts = Post.objects.count()
        distinct_digests = Post.objects.values("sensor_id", "body_sha256").distinct().count()
        stored_ids = set(Post.objects.values_list("id", flat=True))
        expected_readings = sum(len(json.loads(body)["sensordatavalues"]) for _h, body, _r in jobs)
        readings = Reading.objects.count()
        once = (
            stored_posts == accepted == len(set(load.accepted_ids)) == distinct_digests
            and stored_ids == set(load.accepted_ids)
            and readings == expected_readings
            and load.duplicate_bad == 0
        )
        p50, p99 = percentile(load.latencies, 50), percentile(load.latencies, 99)
        b50, b99 = percentile(baseline.latencies, 50), percentile(baseline.latencies, 99)
        print(f"cores: {os.cpu_count()}, gunicorn sync workers: {args.workers}, ", end="")
        load_1, load_5, _load_15 = os.getloadavg()
        print(f"clients: {args.clients}, load average {load_1:.1f} (1 min) {load_5:.1f} (5 min)")
        print(
            f"baseline (bare view, 201): {base_rate:8.1f} req/s   p50 {b50 * 1000:6.1f} ms   "
            f"p99 {b99 * 1000:6.1f} ms   ({args.baseline_posts} requests)"
        )
        print(
            f"airRohr ingestion:         {rate:8.1f} posts/s p50 {p50 * 1000:6.1f} ms   "
            f"p99 {p99 * 1000:6.1f} ms   ({accepted} accepted, statuses {load.statuses})"
        )
        print(f"ratio ingestion / baseline throughput: {rate / base_rate:.2f}")
        print(
            f"re-sent posts answered as duplicates: {load.duplicate_ok} "
            f"(wrong answers: {load.duplicate_bad})"
        )
        print(
            f"stored exactly once: {'yes' if once else 'NO'} "
            f"(posts {stored_posts}, distinct bodies {distinct_digests}, accepted {accepted}, "
            f"readings {readings} of {expected_readings}); mean values per post "
            f"{statistics.mean(len(json.loads(b)['sensordatavalues']) for _h, b, _r in jobs):.1f}"
        )
        target = rate >= 300 and p99 < 0.100
        print(f"target (>= 300 posts/s, p99 < 100 ms): {'met' if target else 'NOT met'}")
        return 0 if once else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        subprocess.run(
            ["bash", "scripts/pg-cluster.sh", "stop", args.cluster], cwd=ROOT, check=False
        )


if __name__ == "__main__":
    sys.exit(main())
