"""`make fuzz`: schemathesis over the whole OpenAPI document, anonymous and signed in, on PostGIS.

Starts a throw-away PostgreSQL + PostGIS cluster on a free loopback port, migrates it, loads the
demo (`metropoli load_demo`), serves the real WSGI app under gunicorn on a free loopback port
(local settings, DEBUG off) and runs `schemathesis run` against the served
/api/openapi.json twice:
- anonymous: no cookie (schemathesis makes up its own `sessionid` values: a signed-out caller);
- signed in: the demo platform administrator logs in through the site's log-in form, and every
  request carries the session cookie, the CSRF cookie and the X-CSRFToken header.
Checks: no server error (5xx), the status code is documented, the content type is the documented
one, the body matches the documented schema. The rate limits of the fuzz server are raised (the
METROPOLI_* variables in RATE_LIMITS below): the fuzz sends hundreds of writes from one address
and one account within minutes. Prints one summary line per run and a total, and exits 0 only
when both runs had 0 server errors and 0 schema violations (docs/decisions/0047-fuzz.md).

    scripts/fuzz.py                         the full budget (make fuzz)
    scripts/fuzz.py --examples 3 --phases fuzzing   the small budget (tests/test_fuzz.py)
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"

SERVER_ERROR = "not_a_server_error"
SCHEMA_CHECKS = (
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# Raised so that the fuzz measures the endpoints, not the limits (1,000,000 is "never" here).
RATE_LIMITS = (
    "METROPOLI_PHOTO_UPLOADS_PER_DAY",
    "METROPOLI_TREES_CREATES_PER_HOUR",
    "METROPOLI_VALIDATION_VOTES_PER_MINUTE",
    "METROPOLI_MARKETS_ANONYMOUS_ORDERS_PER_HOUR",
    "METROPOLI_MARKETS_ANONYMOUS_CART_CHANGES_PER_HOUR",
    "METROPOLI_MARKETS_ANONYMOUS_CANCELS_PER_HOUR",
    "METROPOLI_MARKETS_HANDOVER_FAILURES_PER_ORDER",
    "METROPOLI_MARKETS_HANDOVER_FAILURES_PER_ADDRESS",
    "METROPOLI_PARTICIPATION_PIN_FAILURES_PER_TABLE",
    "METROPOLI_PARTICIPATION_PIN_FAILURES_PER_ADDRESS",
    "METROPOLI_LOGIN_FAILURES_PER_ACCOUNT",
    "METROPOLI_LOGIN_FAILURES_PER_ADDRESS",
)
DEMO_ADMIN = "admin@demo.metropoli.mx"
DEMO_PASSWORD = "metropoli-demo"  # noqa: S105 - the demo database's public password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def cluster(folder: Path):
    """A throw-away PostGIS cluster (scripts/pg-cluster.sh) with an empty `metropoli` database."""
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
            check=True, capture_output=True,
        )  # fmt: skip
        yield url
    finally:
        subprocess.run(["bash", script, "stop", str(folder)], check=False, capture_output=True)


def request(port: int, method: str, path: str, body: str | None = None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log: Path):
    """The app under gunicorn on a free loopback port; yields the port once /healthz answers."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "metropoli.config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--threads", "2", "--timeout", "60", "--log-level", "warning"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"gunicorn did not start: see {log}")
            time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def cookies_of(headers) -> dict[str, str]:
    jar = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]
    return jar


def sign_in(port: int, email: str, password: str) -> dict[str, str]:
    """Log in through the site's form; the session and CSRF cookies."""
    status, headers, body = request(port, "GET", "/cuentas/entrar")
    jar = cookies_of(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": email, "password": password}
    )
    status, headers, _ = request(
        port,
        "POST",
        "/cuentas/entrar",
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "Referer": f"http://127.0.0.1:{port}/cuentas/entrar",
        },
    )
    jar.update(cookies_of(headers))
    if status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"could not sign in as {email} (HTTP {status})")
    return jar


# The demo's real identifiers, drawn for these path parameters half of the time (otherwise
# schemathesis' own values, nearly always a 404), so the fuzz reaches past the lookups.
REAL_VALUES = """
import json
from metropoli.cooperation.models import Project
from metropoli.markets.models import Courier, Market, Order, OrderPart, Product, Stall
from metropoli.participation.models import Contribution, Proceeding
from metropoli.sensors.models import Sensor
from metropoli.territory.models import Municipality
from metropoli.trees.models import Tree
from metropoli.validation.models import WorkItem
def ids(model, field="pk", n=40):
    found = model.objects.order_by("pk").values_list(field, flat=True)[:n]
    return [v if isinstance(v, int) else str(v) for v in found]
print(json.dumps({
    "": {"tree_id": ids(Tree), "sensor_id": ids(Sensor, "sensor_id"), "item_id": ids(WorkItem),
         "code": ids(Municipality, "inegi_code") + ids(Project, "code")},
    "^/api/markets/": {
        "slug": ids(Market, "slug"), "courier_id": ids(Courier), "stall_id": ids(Stall),
        "product_id": ids(Product), "part_id": ids(OrderPart),
        "public_id": ids(Order, "public_id"), "access_key": ids(Order, "access_key")},
    "^/api/participation/": {"slug": ids(Proceeding, "slug"), "pk": ids(Contribution)},
}))
"""


def place_orders(port: int, count: int = 6) -> None:
    """A few guest pickup orders through the API, so the order endpoints meet real orders."""
    markets = json.loads(request(port, "GET", "/api/markets/markets")[2])
    for market in markets:
        slug = market["slug"]
        products = json.loads(request(port, "GET", f"/api/markets/markets/{slug}/products")[2])
        slots = json.loads(request(port, "GET", f"/api/markets/markets/{slug}/pickup-slots")[2])
        if products and slots:
            break
    else:
        raise RuntimeError("no demo market has products and pickup slots")
    for i in range(count):
        slot = slots[i % len(slots)]
        body = {
            "market": slug, "method": "pickup", "pickup_slot": slot["slot"],
            "pickup_date": slot["date"], "name": "Fuzz", "phone": "3312345678",
            "lines": [{"product_id": products[i % len(products)]["id"], "quantity": "1"}],
        }  # fmt: skip
        status, _, answer = request(
            port, "POST", "/api/markets/orders", json.dumps(body),
            {"Content-Type": "application/json"},
        )  # fmt: skip
        if status != 201:
            raise RuntimeError(f"could not place a demo order: {status} {answer[:300]!r}")


def write_config(env: dict[str, str], report_dir: Path) -> None:
    """schemathesis.toml in the reports folder: the demo's identifiers as dictionaries, bound
    to the path parameters of that name (per module where two modules share a name)."""
    out = subprocess.run(
        [str(BIN / "metropoli"), "shell", "-v", "0", "-c", REAL_VALUES],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    dictionaries, scopes = ["[dictionaries]"], []
    for n, (scope, names) in enumerate(json.loads(out).items()):
        bindings = []
        for name, found in names.items():
            if found:
                dictionaries.append(f"d{n}_{name} = {{ values = {json.dumps(found)} }}")
                bindings.append(
                    f'"path.{name}" = {{ dictionary = "d{n}_{name}", probability = 0.5 }}'
                )
        if scope:
            scopes += ["", "[[operations]]", f'include-path-regex = "{scope}"']
            scopes += ["[operations.parameters]", *bindings]
        else:
            scopes = ["", "[parameters]", *bindings, *scopes]
    (report_dir / "schemathesis.toml").write_text("\n".join(dictionaries + scopes) + "\n")


def schemathesis(port: int, label: str, args, report_dir: Path, headers: list[str]) -> dict:
    """One `schemathesis run`; the figures of its JSON report."""
    report = report_dir / f"{label}.json"
    junit = report_dir / f"{label}.xml"
    command = [
        str(BIN / "schemathesis"), "run", f"http://127.0.0.1:{port}/api/openapi.json",
        "--checks", ",".join((SERVER_ERROR, *SCHEMA_CHECKS)),
        "--phases", args.phases,
        "--max-examples", str(args.examples),
        "--seed", str(args.seed),
        "--workers", str(args.workers),
        "--request-timeout", "30",
        "--generation-database", "none",
        "--suppress-health-check", "all",
        "--continue-on-failure",
        "--no-color",
        "--report", "json,junit",
        "--report-json-path", str(report),
        "--report-junit-path", str(junit),
    ]  # fmt: skip
    for header in headers:
        command += ["--header", header]
    if headers:  # the session comes from our headers, not from made-up security parameters
        command += ["--generation-with-security-parameters", "false"]
    with (report_dir / f"{label}.log").open("w") as out:
        # Run inside the reports folder: schemathesis keeps a crash cache in .schemathesis/ of the
        # working folder and replays it first; a fresh folder keeps a seeded run reproducible.
        completed = subprocess.run(
            command, stdout=out, stderr=subprocess.STDOUT, check=False, cwd=report_dir
        )
    return summarise(label, report, completed.returncode)


def summarise(label: str, report_path: Path, returncode: int) -> dict:
    """Cases, server errors and schema violations of one run (schemathesis' JSON report)."""
    report = json.loads(report_path.read_text())
    figures = {"label": label, "server_errors": 0, "violations": 0, "details": []}
    figures["cases"] = report["test_cases"]["generated"]
    for failure in report["failures"]:
        # One entry per kind of failure, counting unique failures (operation, check, answer).
        key = "server_errors" if failure["type"] == "ServerError" else "violations"
        figures[key] += failure["count"]
        for operation in failure["operations"]:
            figures["details"].append(f"  {label}: {failure['title']}: {operation}")
    figures["errors"] = report["test_cases"]["errored"] + len(report["errors"])
    for error in report["errors"]:
        figures["details"].append(f"  {label}: error: {json.dumps(error)[:300]}")
    if returncode != 0 and not figures["details"]:
        figures["errors"] += 1
        figures["details"].append(f"  {label}: schemathesis exited {returncode}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per operation")
    parser.add_argument("--seed", type=int, default=1, help="hypothesis seed")
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--workers", type=int, default=1, help="schemathesis' client threads")
    parser.add_argument(
        "--as", dest="who", default="anonymous,signed-in", help="anonymous, signed-in or both"
    )
    parser.add_argument(
        "--reports", type=Path, default=ROOT / "var" / "fuzz", help="folder for the reports"
    )
    parser.add_argument(
        "--port", type=int, help="fuzz the server already running on 127.0.0.1:PORT instead"
    )
    args = parser.parse_args()

    started = time.monotonic()
    report_dir = args.reports.resolve()
    report_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(report_dir / ".schemathesis", ignore_errors=True)  # its crash cache: see below
    callers = args.who.split(",")
    if set(callers) - {"anonymous", "signed-in"}:
        parser.error(f"--as: anonymous and/or signed-in, not {args.who!r}")
    if args.port:  # its database: METROPOLI_DATABASE_URL and DJANGO_SETTINGS_MODULE of ours
        write_config(dict(os.environ), report_dir)
        runs = fuzz(args.port, callers, args, report_dir)
    else:
        with served(report_dir) as port:
            print(f"database and server ready in {time.monotonic() - started:.0f} s", flush=True)
            runs = fuzz(port, callers, args, report_dir)

    for figures in runs:
        for detail in figures["details"]:
            print(detail)
    total = {
        key: sum(r[key] for r in runs) for key in ("cases", "server_errors", "violations", "errors")
    }
    print(
        line({"label": "total", **total})
        + f"  ({args.examples} examples per operation, seed {args.seed}, phases {args.phases}, "
        f"{time.monotonic() - started:.0f} s; reports in {report_dir})"
    )
    ok = all(r["server_errors"] == r["violations"] == r["errors"] == 0 for r in runs)
    return 0 if ok else 1


@contextlib.contextmanager
def served(report_dir: Path):
    """A throw-away cluster, migrated, with the demo loaded; the app under gunicorn on it."""
    work = Path(tempfile.mkdtemp(prefix="metropoli-fuzz-"))
    try:
        with cluster(ROOT / "var" / f"fuzz-pg-{os.getpid()}") as url:
            env = {
                **os.environ,
                "METROPOLI_DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "metropoli.config.settings.local",
                "METROPOLI_DEBUG": "0",
                "METROPOLI_LOG_LEVEL": "ERROR",
                "METROPOLI_VAR_DIR": str(work),  # uploads, tiles, static: thrown away too
                "METROPOLI_ALLOWED_HOSTS": "127.0.0.1,localhost",
                **{name: "1000000" for name in RATE_LIMITS},
            }
            (work / "static").mkdir()
            quiet = {"env": env, "check": True, "stdout": subprocess.DEVNULL}
            subprocess.run([str(BIN / "metropoli"), "migrate", "-v0", "--no-input"], **quiet)
            subprocess.run([str(BIN / "metropoli"), "load_demo"], **quiet)
            with gunicorn(env, report_dir / "gunicorn.log") as port:
                place_orders(port)
                write_config(env, report_dir)
                yield port
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fuzz(port: int, callers: list[str], args, report_dir: Path) -> list[dict]:
    runs = []
    for who in callers:
        headers = []
        if who == "signed-in":
            jar = sign_in(port, DEMO_ADMIN, DEMO_PASSWORD)
            cookie = "; ".join(f"{k}={jar[k]}" for k in ("sessionid", "csrftoken"))
            headers = [f"Cookie: {cookie}", f"X-CSRFToken: {jar['csrftoken']}"]
        figures = schemathesis(port, who, args, report_dir, headers)
        runs.append(figures)
        print(line(figures), flush=True)
    return runs


def line(figures: dict) -> str:
    return (
        f"fuzz {figures['label']:<10} cases={figures['cases']:<6} "
        f"5xx={figures['server_errors']:<4} schema violations={figures['violations']:<4} "
        f"errors={figures['errors']}"
    )


if __name__ == "__main__":
    sys.exit(main())
