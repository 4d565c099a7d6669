"""The production stack of `make stack-up` (scripts/stack.py), for real.

nginx, two gunicorn app servers, Redis, the worker and the scheduler start on free loopback
ports over a throw-away PostGIS cluster, the way `make stack-up` starts them (production
settings, the supervisor, pid files). Requests then alternate between the two app servers,
talking to each one's own port, to show that nothing a person does depends on which server
answers: the session, the CSRF token, rate limits, idempotency keys, uploads and tile versions.
Through nginx: the health check, gzip, static and media files from disk, the tile cache, and no
GET lost when an app server is killed. nginx and Redis are Debian's packages (stack.py installs
them when they are missing).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[1]
STACK = ROOT / "scripts" / "stack.py"
BIN = ROOT / ".venv" / "bin"
PASSWORD = "stack-test-password-1"

SETUP = f"""
from metropoli.accounts.models import User
from metropoli.territory.services import ensure_amg_municipalities
ensure_amg_municipalities()
for email in ("persona@example.mx", "victima@example.mx", "otra@example.mx"):
    User.objects.create_user(email, "{PASSWORD}", display_name=email.split("@")[0])
"""


def running(pid: int) -> bool:
    """Alive and not a zombie (an exited process nobody has reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    folder: Path
    var: Path
    nginx: int
    apps: list[int]
    redis: int
    env: dict[str, str]  # the app servers' environment (production settings)
    plan: dict
    person: Browser | None = None

    def pid(self, name: str) -> int:
        return int((self.folder / f"{name}.pid").read_text())

    def shell(self, code: str) -> str:
        """Run Python in the app servers' environment (production settings); what it printed."""
        return self.manage("shell", "--no-imports", "-c", code)

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "metropoli"), *args], env=self.env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout


COUNT_TREES = """
import json
from metropoli.common.models import IdempotencyRecord
from metropoli.trees.models import Tree
keys = json.loads('%s')
ids = list(IdempotencyRecord.objects.filter(key__in=keys).values_list("result_id", flat=True))
print(json.dumps({"keys": len(ids), "trees": Tree.objects.filter(pk__in=ids, dbh_cm=22).count()}))
"""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def json(self):
        return json.loads(self.body)


@dataclass
class Browser:
    """Cookies kept across requests, whichever port they go to (all of them are 127.0.0.1)."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, port, method, path, body=None, headers=None) -> Answer:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()

    def get(self, port, path, headers=None) -> Answer:
        return self.request(port, "GET", path, headers=headers)

    def csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.cookies["csrftoken"]}

    def post_form(self, port, path, fields: dict) -> Answer:
        body = urlencode({**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request(port, "POST", path, body=body, headers=headers)

    def post_json(self, port, path, data, headers=None) -> Answer:
        sent = {"Content-Type": "application/json", **self.csrf(), **(headers or {})}
        return self.request(port, "POST", path, body=json.dumps(data), headers=sent)

    def sign_in(self, get_port: int, post_port: int, email: str, password: str) -> Answer:
        page = self.get(get_port, "/cuentas/entrar")
        assert page.status == 200 and "csrftoken" in self.cookies
        return self.post_form(
            post_port, "/cuentas/entrar", {"username": email, "password": password}
        )


def jpeg() -> bytes:
    from metropoli.trees.tests.factories import image_bytes

    return image_bytes()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    base = tmp_path_factory.mktemp("stack")
    pg_port = free_port()
    cluster = ["bash", str(ROOT / "scripts" / "pg-cluster.sh")]
    url = subprocess.run(
        [*cluster, "start", str(base / "pg"), str(pg_port)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres", "-qc",
         "CREATE DATABASE metropoli"],
        check=True,
    )  # fmt: skip
    ports = set()
    while len(ports) < 4:
        ports.add(free_port())
    nginx, app_1, app_2, redis_port = sorted(ports)
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        METROPOLI_DATABASE_URL=url,
        METROPOLI_VAR_DIR=str(base / "var"),
        STACK_DIR=str(base / "stack"),
        STACK_PORT=str(nginx),
        STACK_APP_PORTS=f"{app_1},{app_2}",
        STACK_REDIS_PORT=str(redis_port),
        STACK_WORKERS="1",
        STACK_THREADS="4",
    )
    up = subprocess.run(
        [sys.executable, str(STACK), "up", "--no-demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    try:
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        assert f"http://127.0.0.1:{nginx}/" in up.stdout
        plan = json.loads((base / "stack" / "plan.json").read_text())
        app_env = next(s["env"] for s in plan["services"] if s["name"] == "app-1")
        running = Stack(base / "stack", base / "var", nginx, [app_1, app_2], redis_port,
                        {k: v for k, v in app_env.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
                        plan)  # fmt: skip
        running.shell(SETUP)
        yield running
    finally:
        subprocess.run([sys.executable, str(STACK), "down"], env=env, capture_output=True)
        subprocess.run([*cluster, "stop", str(base / "pg")], capture_output=True)


@pytest.fixture(scope="module")
def person(stack) -> Browser:
    """Signed in: the log-in page from app server 1, the form sent to app server 2."""
    browser = Browser()
    answer = browser.sign_in(stack.apps[0], stack.apps[1], "persona@example.mx", PASSWORD)
    assert answer.status == 302, answer.text[:500]
    assert "sessionid" in browser.cookies
    return browser


def test_nginx_answers_health_static_media_and_keeps_metrics_private(stack):
    anyone = Browser()
    health = anyone.get(stack.nginx, "/healthz")
    assert health.status == 200 and health.json()["status"] == "ok"
    # The request's ID is made by nginx, logged by nginx and by the app server that answered.
    request_id = health.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    # nginx writes its access line after it has sent the answer: wait for it to appear.
    access_log = stack.folder / "logs" / "nginx-access.log"
    for _ in range(100):
        access = [json.loads(line) for line in access_log.read_text().splitlines()]
        if any(entry["request_id"] == request_id for entry in access):
            break
        time.sleep(0.05)
    assert [(e["uri"], e["status"]) for e in access if e["request_id"] == request_id] == [
        ("/healthz", 200)
    ]
    app_lines = "".join(
        (stack.folder / "logs" / f"app-{n}.log").read_text() for n in (1, 2)
    ).splitlines()
    logged = [json.loads(line) for line in app_lines if request_id in line]
    assert [(e["path"], e["status"]) for e in logged] == [("/healthz", 200)]

    home = anyone.get(stack.nginx, "/")
    assert home.status == 200
    css = re.search(r'href="(/static/[^"]+\.css)"', home.text).group(1)
    styles = anyone.get(stack.nginx, css, headers={"Accept-Encoding": "gzip"})
    assert styles.status == 200 and styles.headers["content-encoding"] == "gzip"
    assert styles.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert gzip.decompress(styles.body) == (stack.var / css.lstrip("/")).read_bytes()
    assert "x-frame-options" not in styles.headers  # nginx's own answer: Django never saw it

    media = stack.var / "media" / "check" / "hello.txt"
    media.parent.mkdir(parents=True, exist_ok=True)
    media.write_text("served by nginx")
    served = anyone.get(stack.nginx, "/media/check/hello.txt")
    assert served.status == 200 and served.body == b"served by nginx"
    assert "sandbox" in served.headers["content-security-policy"]

    assert anyone.get(stack.nginx, "/metrics").status == 404
    for port in stack.apps:
        metrics = anyone.get(port, "/metrics")  # the scraper, on the host, straight to a server
        assert metrics.status == 200 and b"django_http_requests_total_by_method" in metrics.body


def test_a_signed_in_person_stays_signed_in_whichever_server_answers(stack, person):
    ports = [stack.apps[0], stack.apps[1], stack.nginx] * 4
    for port in ports[:10]:
        profile = person.get(port, "/cuentas/perfil")
        assert profile.status == 200, (port, profile.status)
        assert "persona@example.mx" in profile.text
    assert Browser().get(stack.apps[0], "/cuentas/perfil").status == 302  # signed out: log in


def test_wrong_passwords_count_on_both_servers(stack):
    import redis

    attacker = Browser()
    attacker.get(stack.apps[0], "/cuentas/entrar")
    statuses = []
    for attempt in range(12):
        port = stack.apps[attempt % 2]
        answer = attacker.post_form(
            port, "/cuentas/entrar", {"username": "victima@example.mx", "password": "wrong"}
        )
        statuses.append(answer.status)
    # Ten wrong passwords per account in 15 minutes, counted in Redis, whichever server saw them.
    assert statuses == [200] * 10 + [429, 429]
    keys = redis.Redis(port=stack.redis).keys("metropoli:*")
    assert keys, "the rate-limit buckets live in Redis"


def test_with_redis_down_log_in_works_and_its_limits_hold(stack):
    """Decision 0106: Redis stopped is the database's cache table standing in, not a 503."""
    import redis

    supervisor = int((stack.folder / "supervisor.pid").read_text())
    os.kill(supervisor, signal.SIGSTOP)  # it would start Redis again at once
    try:
        killed = stack.pid("redis")
        os.killpg(killed, signal.SIGKILL)
        while running(killed):
            time.sleep(0.05)
        health = Browser().get(stack.apps[0], "/healthz")
        assert health.status == 200, health.text
        assert health.json()["status"] == "degraded"
        assert health.json()["cache"] == {"status": "unreachable", "backend": "database"}
        attacker = Browser()
        attacker.get(stack.apps[0], "/cuentas/entrar")
        statuses = [
            attacker.post_form(
                stack.apps[attempt % 2],
                "/cuentas/entrar",
                {"username": "otra@example.mx", "password": "wrong"},
            ).status
            for attempt in range(12)
        ]
        assert statuses == [200] * 10 + [429, 429]  # counted in the database, on both servers
        owner = Browser()
        signed_in = owner.sign_in(stack.apps[1], stack.apps[0], "persona@example.mx", PASSWORD)
        assert signed_in.status == 302, signed_in.text[:500]
        profile = owner.get(stack.nginx, "/cuentas/perfil")
        assert profile.status == 200 and "persona@example.mx" in profile.text
    finally:
        os.kill(supervisor, signal.SIGCONT)
    # Redis is started again, and the app servers go back to it within their pause (15 s).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            redis.Redis(port=stack.redis).flushdb()
            break
        except redis.ConnectionError:
            time.sleep(0.2)
    else:
        pytest.fail("Redis was not started again")
    assert Browser().get(stack.apps[0], "/healthz").json()["cache"]["backend"] == "redis"
    stranger = Browser()
    stranger.get(stack.apps[0], "/cuentas/entrar")
    deadline = time.monotonic() + 60
    while not redis.Redis(port=stack.redis).keys("metropoli:*"):
        assert time.monotonic() < deadline, "the app servers did not go back to Redis"
        for port in stack.apps:
            stranger.post_form(
                port, "/cuentas/entrar", {"username": "nadie@example.mx", "password": "x"}
            )
        time.sleep(1)


def test_an_idempotent_post_replayed_on_the_other_server_creates_nothing(stack, person):
    key = str(uuid.uuid4())
    tree = {"lon": -103.3496, "lat": 20.6767, "dbh_cm": 31, "condition": "good"}
    first = person.post_json(stack.apps[0], "/api/trees/", tree, {"Idempotency-Key": key})
    assert first.status == 201, first.text[:500]
    again = person.post_json(stack.apps[1], "/api/trees/", tree, {"Idempotency-Key": key})
    assert again.status == 200 and again.json()["id"] == first.json()["id"]
    other = person.post_json(
        stack.apps[1], "/api/trees/", {**tree, "dbh_cm": 32}, {"Idempotency-Key": key}
    )
    assert other.status == 422 and other.json()["code"] == "idempotency_key_reused"
    count = stack.shell("from metropoli.trees.models import Tree; print(Tree.objects.count())")
    assert count.strip() == "1"


def test_a_photo_uploaded_to_one_server_is_served_by_nginx_and_known_to_the_other(stack, person):
    tree = person.post_json(
        stack.apps[0],
        "/api/trees/",
        {"lon": -103.35, "lat": 20.68, "dbh_cm": 20, "condition": "good"},
    ).json()
    boundary = uuid.uuid4().hex
    photo = jpeg()
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + photo
        + f"\r\n--{boundary}--\r\n".encode()
    )
    uploaded = person.request(
        stack.apps[1],
        "POST",
        f"/api/trees/{tree['id']}/photos",
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", **person.csrf()},
    )
    assert uploaded.status == 201, uploaded.text[:500]
    url = uploaded.json()["url"]
    image = Browser().get(stack.nginx, url)
    assert image.status == 200 and image.body[:3] == b"\xff\xd8\xff"  # a JPEG, from disk
    assert (stack.var / "media" / url.removeprefix("/media/")).read_bytes() == image.body
    seen = person.get(stack.apps[0], f"/api/trees/{tree['id']}").json()
    assert url in json.dumps(seen)


def test_tiles_show_a_new_tree_at_once_and_nginx_serves_the_repeats(stack, person):
    from metropoli.maps.tiles import tile_for_lonlat

    at = (-103.3312, 20.6598)
    created = person.post_json(
        stack.apps[0],
        "/api/trees/",
        {"lon": at[0], "lat": at[1], "dbh_cm": 25, "condition": "good"},
    )
    assert created.status == 201
    # The map page, from the other server, pins the version that includes the new tree.
    page = person.get(stack.apps[1], "/arbol/")
    version = re.search(r'data-tiles-version="(\d+)"', page.text).group(1)
    tile = tile_for_lonlat(*at, 16)
    path = f"/tiles/trees/16/{tile.x}/{tile.y}.pbf?v={version}"
    first = Browser().get(stack.nginx, path)
    second = Browser().get(stack.nginx, path)
    assert (first.status, second.status) == (200, 200)
    assert (first.headers["x-cache-status"], second.headers["x-cache-status"]) == ("MISS", "HIT")
    assert second.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert second.body == first.body and len(first.body) > 0  # the new tree is in it
    # Kept once for everyone (no Vary on language or cookie); each answer names its own request.
    assert "cookie" not in second.headers.get("vary", "").lower()
    assert second.headers["x-request-id"] != first.headers["x-request-id"]


def test_killing_an_app_server_loses_no_get_and_it_is_restarted(stack, person):
    killed = stack.pid("app-1")
    reads = ["/healthz", "/", "/api/trees/?page_size=5", "/arbol/", "/cuentas/perfil"]
    failures: list[str] = []
    served = []
    writes: dict[str, list[int]] = {}
    done = threading.Event()

    def reader():
        browser = Browser(cookies=dict(person.cookies))
        n = 0
        while not done.is_set():
            path = reads[n % len(reads)]
            n += 1
            try:
                status = browser.get(stack.nginx, path).status
            except OSError as error:
                failures.append(f"GET {path}: {error!r}")
                continue
            (served if status == 200 else failures).append(f"GET {path}: {status}")

    def writer():
        # A client that retries a failed POST with the same Idempotency-Key.
        browser = Browser(cookies=dict(person.cookies))
        while not done.is_set():
            key = str(uuid.uuid4())
            tree = {"lon": -103.34, "lat": 20.67, "dbh_cm": 22, "condition": "good"}
            statuses = writes.setdefault(key, [])
            for _ in range(10):
                try:
                    answer = browser.post_json(
                        stack.nginx, "/api/trees/", tree, {"Idempotency-Key": key}
                    )
                    statuses.append(answer.status)
                    if answer.status in (200, 201):
                        break
                except OSError:
                    statuses.append(0)
                time.sleep(0.2)

    threads = [threading.Thread(target=reader) for _ in range(4)] + [
        threading.Thread(target=writer)
    ]
    for thread in threads:
        thread.start()
    while len(served) < 40:
        time.sleep(0.05)
    os.killpg(killed, signal.SIGKILL)  # the whole server, workers and all, mid-request
    at_kill = len(served)
    while len(served) < at_kill + 80:
        time.sleep(0.05)
    done.set()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    # Every key was answered 201 once (or 200: a retry of a POST that had gone through).
    assert writes and all(s[-1] in (200, 201) and s.count(201) <= 1 for s in writes.values())
    # ... and made exactly one tree.
    trees = stack.shell(COUNT_TREES % json.dumps(sorted(writes)))
    assert json.loads(trees) == {"keys": len(writes), "trees": len(writes)}

    # The supervisor started a new app server 1.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            pid = stack.pid("app-1")
            if pid != killed and Browser().get(stack.apps[0], "/healthz").status == 200:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    else:
        pytest.fail("app server 1 was not restarted")
    state = json.loads((stack.folder / "state.json").read_text())
    assert state["services"]["app-1"]["restarts"] == 1


def test_errors_nginx_makes_itself_are_ours_in_the_persons_language(stack):
    anyone = Browser()
    too_large = b"x" * (14 * 1024 * 1024)  # over client_max_body_size (13 MB)
    # A phone's photo over the limit, sent to the API from a Spanish phone: JSON, in Spanish.
    answer = anyone.request(
        stack.nginx, "POST", "/api/trees/1/photos", body=too_large,
        headers={"Content-Type": "image/jpeg", "Accept-Language": "es-MX,es;q=0.9"},
    )  # fmt: skip
    assert answer.status == 413
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    assert answer.headers["content-language"] == "es-mx"
    assert answer.json() == {
        "code": "payload_too_large",
        "message": "Lo que enviaste es demasiado grande (una foto puede pesar hasta 12 MB). "
        "Envía un archivo más pequeño.",
    }
    # The same to a page, from an English browser: the site's error page, in English.
    page = anyone.request(
        stack.nginx, "POST", "/arbol/capturar", body=too_large,
        headers={"Content-Type": "multipart/form-data; boundary=x",
                 "Accept-Language": "en-US,en;q=0.8"},
    )  # fmt: skip
    assert page.status == 413 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert "(a photo may weigh up to 12 MB)" in page.text and "nginx" not in page.text
    assert re.search(
        r'<link rel="stylesheet" href="/static/web/site\.[0-9a-f]{12}\.css">', page.text
    )
    # The language chosen on the site (its cookie) wins over the browser's.
    chosen = Browser(cookies={"django_language": "es-mx"})
    missing = chosen.get(stack.nginx, "/static/no-such-file.js", {"Accept-Language": "en"})
    assert missing.status == 404 and "No encontrado." in missing.text
    assert missing.headers["cache-control"] == "no-store"
    # Without the cookie, the browser's first language the site has, as Django picks it.
    for header, words in (
        ("fr-FR,fr;q=0.9,en;q=0.8", "Not found."),
        ("fr-FR,es-MX;q=0.9,en;q=0.8", "No encontrado."),
        ("de", "No encontrado."),
    ):
        missing = anyone.get(stack.nginx, "/static/no-such-file.js", {"Accept-Language": header})
        assert missing.status == 404 and words in missing.text, header
    too_long = anyone.get(stack.nginx, "/arbol/?q=" + "a" * 9000)
    assert too_long.status == 414 and "La dirección es demasiado larga." in too_long.text
    crumbs = anyone.get(stack.nginx, "/arbol/", {"Cookie": "crumbs=" + "c" * 9000})
    assert crumbs.status == 431 and "Borra las cookies de este sitio" in crumbs.text
    many = {f"X-Extra-{n}": "1" for n in range(150)}  # past gunicorn's default of 100
    assert anyone.get(stack.nginx, "/arbol/", many).status == 200
    # Between gunicorn's old limit (4094) and nginx's (8190), the app answers as usual.
    assert anyone.get(stack.nginx, "/arbol/?q=" + "a" * 6000).status == 200
    # The app servers' own errors pass as they are.
    unknown = anyone.get(stack.nginx, "/api/no-such-endpoint", {"Accept-Language": "en"})
    assert unknown.status == 404 and unknown.json() == {
        "code": "not_found",
        "message": "Not found.",
    }
    assert "retry-after" not in unknown.headers


def test_with_every_app_server_down_nginx_says_to_try_again(stack):
    supervisor = int((stack.folder / "supervisor.pid").read_text())
    os.kill(supervisor, signal.SIGSTOP)  # it would start them again at once
    try:
        killed = {name: stack.pid(name) for name in ("app-1", "app-2")}
        for pid in killed.values():
            os.killpg(pid, signal.SIGKILL)
        for pid in killed.values():
            while running(pid):
                time.sleep(0.05)
        anyone = Browser()
        api = anyone.get(stack.nginx, "/api/trees/?page_size=5")
        assert api.status == 502 and api.headers["retry-after"] == "10"
        assert api.json()["code"] == "service_unavailable"
        assert api.json()["message"].startswith("El servicio no está disponible")
        page = anyone.get(stack.nginx, "/arbol/", {"Accept-Language": "en"})
        assert page.status == 502 and page.headers["content-type"].startswith("text/html")
        assert "Please try again in a minute." in page.text and "nginx" not in page.text
    finally:
        os.kill(supervisor, signal.SIGCONT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if all(Browser().get(port, "/healthz").status == 200 for port in stack.apps):
                break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        pytest.fail("the app servers were not started again")


def test_the_deploy_nginx_site_is_the_stacks(stack):
    committed = (ROOT / "deploy" / "nginx" / "metropoli.conf").read_text()
    generated = subprocess.run(
        [sys.executable, str(STACK), "nginx-site"], capture_output=True, text=True, check=True
    ).stdout
    assert committed == generated, (
        "run: .venv/bin/python scripts/stack.py nginx-site > deploy/nginx/metropoli.conf"
    )
    # The stack's nginx runs the same locations (paths and ports aside).
    running = (stack.folder / "nginx" / "nginx.conf").read_text()
    for location in re.findall(r"location [^{]+\{", committed):
        assert location in running


def test_stack_down_stops_everything_it_started(stack):
    pids = {s["name"]: stack.pid(s["name"]) for s in stack.plan["services"]}
    supervisor = int((stack.folder / "supervisor.pid").read_text())
    env = {**os.environ, "STACK_DIR": str(stack.folder)}
    done = subprocess.run(
        [sys.executable, str(STACK), "down"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert [name for name, pid in [("supervisor", supervisor), *pids.items()] if running(pid)] == []
    assert not list(stack.folder.glob("*.pid"))
    for port in [stack.nginx, stack.redis, *stack.apps]:
        with pytest.raises(OSError):
            HTTPConnection("127.0.0.1", port, timeout=2).connect()
