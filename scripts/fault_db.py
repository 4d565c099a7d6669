"""`make fault-db`: PostgreSQL stops for 10 s under a light mixed load; nothing may break.

Starts a PostgreSQL + PostGIS cluster of its own (fsync on: this is about durability), the app
under gunicorn (2 workers x 2 threads) and `metropoli worker`, then runs readers (home page, the
tree map page, tree and sensor API reads, /healthz) and writers (airRohr posts, each with a new
body) from 6 client threads for 30 s. After 8 s the cluster is stopped (`pg_ctl stop -m fast`)
and started again 10 s later. Then it checks and prints:
- 5xx other than 503: must be 0 (never a 500 traceback);
- 503 answers during the outage (with Retry-After), and that they came;
- acknowledged writes lost: every post answered 201 must be in the database;
- recovery: seconds from PostgreSQL accepting connections again to the first page served (<= 5);
- the worker: still alive, and a task queued after the outage is run.
Exit status 0 only when every check holds.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT / "bench"))
from harness import free_port  # noqa: E402

CLUSTER = ROOT / "var" / "fault-db"
OUTAGE_AT, OUTAGE_SECONDS, RUN_SECONDS = 8.0, 10.0, 30.0
READS = ["/", "/arbol/", "/api/trees/?page_size=5", "/api/sensors/", "/healthz"]


def pg(action: str, port: int | None = None) -> None:
    args = ["bash", str(ROOT / "scripts" / "pg-cluster.sh"), action, str(CLUSTER)]
    subprocess.run(args + ([str(port)] if port else []), check=True)


def pg_ctl(action: str) -> None:
    data = CLUSTER / "data"
    command = ["/usr/lib/postgresql/15/bin/pg_ctl", "-D", str(data), "-w", "-m", "fast", action]
    if action == "start":
        command = [
            "/usr/lib/postgresql/15/bin/pg_ctl", "-D", str(data), "-w",
            "-l", str(CLUSTER / "server.log"),
            "-o", f"-p {PG_PORT} -k {CLUSTER / 'socket'} -c listen_addresses=127.0.0.1",
            "start",
        ]  # fmt: skip
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True)


def shell(env: dict, code: str) -> str:
    return subprocess.run(
        [str(BIN / "metropoli"), "shell", "-v", "0", "-c", code],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


class Log:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows: list[tuple[float, str, str, int, str]] = []  # t, kind, path, status, detail

    def add(self, *row) -> None:
        with self.lock:
            self.rows.append(row)


def request(port: int, method: str, path: str, body: bytes | None = None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


def client(port: int, log: Log, started: float, login: tuple[str, str], seed: int) -> None:
    rng = random.Random(seed)
    auth = "Basic " + base64.b64encode(f"{login[0]}:{login[1]}".encode()).decode()
    sequence = 0
    while (now := time.monotonic() - started) < RUN_SECONDS:
        if rng.random() < 0.4:
            sequence += 1
            body = json.dumps({
                "esp8266id": "777", "software_version": "NRZ-2024-135",
                "sensordatavalues": [
                    {"value_type": "SDS_P1", "value": f"{rng.uniform(5, 80):.2f}"},
                    {"value_type": "SDS_P2", "value": f"{rng.uniform(2, 40):.2f}"},
                    {"value_type": "samples", "value": f"{seed * 1_000_000 + sequence}"},
                ],
            }).encode()  # fmt: skip
            headers = {"X-Sensor": "esp8266-777", "Authorization": auth,
                       "Content-Type": "application/json"}  # fmt: skip
            kind, path = "write", "/api/sensors/airrohr"
            try:
                status, answer, got = request(port, "POST", path, body, headers)
            except OSError as error:
                log.add(now, kind, path, 0, repr(error))
                continue
            detail = ""
            if status in (200, 201):
                detail = str(json.loads(answer)["post_id"])
            elif status == 503:
                detail = got.get("Retry-After", "")
            log.add(now, kind, path, status, detail)
        else:
            path = rng.choice(READS)
            try:
                status, _, got = request(port, "GET", path)
            except OSError as error:
                log.add(now, "read", path, 0, repr(error))
                continue
            log.add(now, "read", path, status, got.get("Retry-After", ""))
        time.sleep(0.05)


def main() -> int:
    global PG_PORT
    print(f"load average: {os.getloadavg()}")
    PG_PORT = free_port()
    subprocess.run(["bash", str(ROOT / "scripts" / "pg-cluster.sh"), "down", str(CLUSTER)],
                   capture_output=True)  # fmt: skip
    subprocess.run(["rm", "-rf", str(CLUSTER), f"{CLUSTER}.password"], check=True)
    pg("up", PG_PORT)
    password = Path(f"{CLUSTER}.password").read_text().strip()
    url = f"postgis://postgres:{password}@127.0.0.1:{PG_PORT}/metropoli"
    env = {
        **os.environ, "METROPOLI_DATABASE_URL": url, "METROPOLI_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "metropoli.config.settings.local",
        "METROPOLI_LOG_LEVEL": "ERROR", "METROPOLI_TASKS_LEASE_SECONDS": "20",
    }  # fmt: skip
    (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)
    subprocess.run([str(BIN / "metropoli"), "migrate", "-v0"], env=env, check=True)
    setup = (
        "from metropoli.territory.services import ensure_amg_municipalities as e; e()\n"
        "from metropoli.accounts.models import User\n"
        "User.objects.create_user(email='owner@fault.test', password='x-fault-9')"
    )
    shell(env, setup)
    out = subprocess.run(
        [str(BIN / "metropoli"), "sensors", "register", "--sensor-id", "esp8266-777",
         "--lat", "20.67", "--lon", "-103.35", "--owner", "owner@fault.test"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    fields = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    login = (fields["user"], fields["password"])

    port = free_port()
    app = subprocess.Popen(
        [str(BIN / "gunicorn"), "metropoli.config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "2", "--log-level", "warning", "--timeout", "60"],
        env=env, stderr=(ROOT / "var" / "fault-db-app.log").open("w"),
    )  # fmt: skip
    worker_log = (ROOT / "var" / "fault-db-worker.log").open("w")
    worker = subprocess.Popen([str(BIN / "metropoli"), "worker"], env=env,
                              stdout=worker_log, stderr=subprocess.STDOUT)  # fmt: skip
    failures: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            time.sleep(0.3)
        log = Log()
        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(port, log, started, login, i + 1))
                   for i in range(6)]  # fmt: skip
        for thread in threads:
            thread.start()
        time.sleep(OUTAGE_AT)
        stopped_at = time.monotonic() - started
        pg_ctl("stop")
        print(f"PostgreSQL stopped at t={stopped_at:.1f} s")
        time.sleep(OUTAGE_SECONDS)
        pg_ctl("start")
        back_at = time.monotonic() - started
        print(f"PostgreSQL accepting connections again at t={back_at:.1f} s")
        for thread in threads:
            thread.join()

        rows = sorted(log.rows)
        by_status: dict[int, int] = {}
        for row in rows:
            by_status[row[3]] = by_status.get(row[3], 0) + 1
        print(f"requests: {len(rows)}, by status: {dict(sorted(by_status.items()))}")
        errors = [r for r in rows if r[3] >= 500 and r[3] != 503]
        refused = [r for r in rows if r[3] == 0]
        unavailable = [r for r in rows if r[3] == 503]
        without_retry_after = [r for r in unavailable if not r[4]]
        print(f"5xx other than 503: {len(errors)}")
        for r in errors[:10]:
            print(f"  t={r[0]:.1f} {r[1]} {r[2]} -> {r[3]}")
        print(f"connection errors: {len(refused)}")
        print(f"503 answers: {len(unavailable)} (without Retry-After: {len(without_retry_after)})")
        for r in without_retry_after[:5]:
            print(f"  t={r[0]:.1f} {r[1]} {r[2]} -> 503 without Retry-After")
        served = [r for r in rows if r[0] > back_at and r[1] == "read" and r[3] == 200]
        recovery = (served[0][0] - back_at) if served else float("inf")
        print(f"recovery: first page served {recovery:.2f} s after PostgreSQL was back")

        acknowledged = [int(r[4]) for r in rows if r[1] == "write" and r[3] in (200, 201)]
        stored = set(map(int, shell(env, "from metropoli.sensors.models import Post\n"
                                         "print(*Post.objects.values_list('id', flat=True))"
                                    ).split()))  # fmt: skip
        lost = [pid for pid in acknowledged if pid not in stored]
        print(f"acknowledged writes: {len(acknowledged)}, lost: {len(lost)}")

        queued = subprocess.run(
            [str(BIN / "metropoli"), "sensors", "downsample", "--enqueue"],
            env=env, check=True, capture_output=True, text=True,
        ).stdout.split(": ")[-1].strip()  # fmt: skip
        status = ""
        for _ in range(60):
            status = shell(env, "from django_tasks_db.models import DBTaskResult as R\n"
                                f"print(R.objects.get(id='{queued}').status)").strip()  # fmt: skip
            if status in ("SUCCESSFUL", "FAILED"):
                break
            time.sleep(0.5)
        alive = worker.poll() is None
        print(f"worker alive: {alive}; task queued after the outage: {status}")

        if errors:
            failures.append(f"{len(errors)} answers were 5xx other than 503")
        if refused:
            failures.append(f"{len(refused)} requests got no HTTP answer")
        if not unavailable:
            failures.append("no 503 during the outage")
        if without_retry_after:
            failures.append("503 without Retry-After")
        if recovery > 5:
            failures.append(f"recovery took {recovery:.1f} s (> 5 s)")
        if lost:
            failures.append(f"{len(lost)} acknowledged writes lost")
        if not alive or status != "SUCCESSFUL":
            failures.append("the worker did not survive the outage")
    finally:
        app.terminate()
        worker.terminate()
        app.wait(timeout=30)
        worker.wait(timeout=30)
        subprocess.run(["bash", str(ROOT / "scripts" / "pg-cluster.sh"), "down", str(CLUSTER)],
                       capture_output=True)  # fmt: skip
        subprocess.run(["rm", "-rf", str(CLUSTER), f"{CLUSTER}.password"], check=False)
    print("fault-db: " + ("PASSED" if not failures else "FAILED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
