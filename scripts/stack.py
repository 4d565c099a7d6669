"""`make stack-up` / `make stack-down`: the production topology on this machine, on loopback.

    scripts/stack.py up       start (or find running) and return once every part is healthy
    scripts/stack.py down     stop everything `up` started
    scripts/stack.py status   each part, its pid and whether it answers
    scripts/stack.py nginx-site    print deploy/nginx/metropoli.conf (a test keeps it in step)

The parts, each its own process group, watched by a small supervisor of ours (this script,
`supervise`, detached) that restarts whichever exits:

    nginx :8080 ─┬─ app-1  gunicorn 127.0.0.1:8001 ─┐
      gzip       └─ app-2  gunicorn 127.0.0.1:8002 ─┼─ PostGIS (scripts/pg-cluster.sh, var/postgres)
      /static/ /media/ from disk                    ├─ Redis (Django's cache: rate limits)
      /tiles/ proxy_cache (X-Cache-Status)          └─ worker, scheduler (metropoli worker)

State under --dir (var/stack): pid files (app-1.pid, app-2.pid, …), logs/, the nginx
configuration and its tile cache, Redis' folder, the secret key. The app servers run the
production settings; only what plain HTTP on loopback needs is switched off in their
environment (HTTPS redirect, secure cookies, HSTS).
Decision: docs/decisions/0060-production-topology.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
READY_TIMEOUT = 180
STOP_TIMEOUT = {"app": 30, "worker": 90, "nginx": 10, "redis": 10}
# Debian's libnginx-mod-http-brotli-static: nginx sends the .br files collectstatic wrote (about
# a fifth smaller than .gz for MapLibre) to browsers that accept them (decision 0087).
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
BROTLI = "brotli_static on;"
NO_BROTLI = "# brotli_static on; (without libnginx-mod-http-brotli-static)"


# --- configuration ---


@dataclass
class Service:
    name: str  # app-1, app-2, worker, scheduler, redis, nginx
    kind: str  # app, worker, redis, nginx
    argv: list[str]
    env: dict[str, str]
    port: int = 0
    metrics_dir: str = ""


@dataclass
class Plan:
    dir: str
    url: str
    database_url: str
    started_cluster: bool
    pg_dir: str
    services: list[Service] = field(default_factory=list)


def options() -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down", "status", "supervise", "nginx-site"])
    parser.add_argument("--dir", default=env("STACK_DIR", "var/stack"))
    parser.add_argument("--port", type=int, default=int(env("STACK_PORT", "8080")))
    parser.add_argument("--app-ports", default=env("STACK_APP_PORTS", "8001,8002"))
    parser.add_argument("--redis-port", type=int, default=int(env("STACK_REDIS_PORT", "6379")))
    parser.add_argument("--pg-dir", default="var/postgres")
    parser.add_argument("--pg-port", type=int, default=int(env("METROPOLI_PG_PORT", "25432")))
    parser.add_argument("--workers", type=int, default=int(env("STACK_WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(env("STACK_THREADS", "4")))
    parser.add_argument(
        "--no-demo", action="store_true", help="Do not load the demo (its accounts are public)."
    )
    args = parser.parse_args()
    args.dir = Path(args.dir).resolve()
    args.app_ports = [int(p) for p in str(args.app_ports).split(",") if p.strip()]
    return args


def var_dir() -> Path:
    return Path(os.environ.get("METROPOLI_VAR_DIR", ROOT / "var")).resolve()


def media_root() -> Path:
    return Path(os.environ.get("METROPOLI_MEDIA_ROOT", var_dir() / "media")).resolve()


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def secret_key(folder: Path) -> str:
    path = folder / "secret-key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def app_environment(args, database_url: str) -> dict[str, str]:
    """The app servers' and workers' environment: this one (SMTP and the like pass through),
    with what the stack decides."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="metropoli.config.settings.production",
        PYTHONUNBUFFERED="1",
        METROPOLI_SECRET_KEY=secret_key(args.dir),
        METROPOLI_DATABASE_URL=database_url,
        METROPOLI_ALLOWED_HOSTS="127.0.0.1,localhost",
        METROPOLI_SITE_URL=f"http://127.0.0.1:{args.port}",
        METROPOLI_REDIS_URL=f"redis://127.0.0.1:{args.redis_port}/0",
        # nginx is the proxy: the client is the address it saw (docs/decisions/0041).
        METROPOLI_TRUSTED_PROXIES="127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without Secure, no HSTS. A real
        # deployment terminates TLS at nginx and keeps the production defaults.
        METROPOLI_SSL_REDIRECT="false",
        METROPOLI_SECURE_COOKIES="false",
        METROPOLI_HSTS_SECONDS="0",
    )
    return env


def plan_services(args, env: dict[str, str]) -> list[Service]:
    redis_dir = args.dir / "redis"
    services = [
        Service(
            "redis",
            "redis",
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--bind", "127.0.0.1", "--port", str(args.redis_port), "--dir", str(redis_dir),
                "--save", "", "--appendonly", "no", "--daemonize", "no",
                # A cache: when full, the least recently used keys go.
                "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru",
            ],
            {},
            port=args.redis_port,
        )
    ]  # fmt: skip
    for number, port in enumerate(args.app_ports, start=1):
        metrics = args.dir / "metrics" / f"app-{number}"
        services.append(
            Service(
                f"app-{number}",
                "app",
                [
                    str(BIN / "gunicorn"), "-c", "python:metropoli.config.gunicorn",
                    "metropoli.config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                    "--workers", str(args.workers), "--threads", str(args.threads),
                    "--timeout", "60", "--graceful-timeout", "20",
                ],
                {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)},
                port=port,
                metrics_dir=str(metrics),
            )
        )  # fmt: skip
    for name in ("worker", "scheduler"):
        argv = [str(BIN / "metropoli"), "worker", "--worker-id", f"stack-{name}"]
        if name == "scheduler":
            argv.append("--scheduler")
        services.append(Service(name, "worker", argv, env))
    services.append(
        Service(
            "nginx",
            "nginx",
            [
                shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(args.dir / "nginx"),
                "-e", str(args.dir / "logs" / "nginx-error.log"),
                "-c", str(args.dir / "nginx" / "nginx.conf"),
            ],
            {},
            port=args.port,
        )
    )  # fmt: skip
    return services


# --- nginx ---

LOCATIONS = """\
    access_log {access_log} metropoli_json;
    server_tokens off;
    sendfile on;
    # No TCP_CORK: with it a large cached tile (z14 at a million trees) waited for the
    # client's delayed ACK, 40 ms, on one request in ten (decision 0095).
    tcp_nopush off;

    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_comp_level 5;
    gzip_min_length 512;
    gzip_types text/css text/plain text/javascript application/javascript application/json
               application/geo+json application/manifest+json application/xml image/svg+xml
               application/vnd.mapbox-vector-tile;

    client_max_body_size 13m;  # photos: 12 MB and the form around them

    # To the app servers: the address nginx saw (never what the client claimed), the scheme,
    # and the request's ID, which the app logs and answers in X-Request-ID.
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Request-ID $request_id;
    proxy_connect_timeout 2s;
    proxy_read_timeout 60s;
    # Failover: a request that met a dead or refusing server goes to the other one. nginx does
    # this for GET, HEAD and the like; a POST only when it never reached the first server (a
    # client retries the others with their Idempotency-Key).
    proxy_next_upstream error timeout http_502 http_504;
    proxy_next_upstream_tries 2;
    proxy_next_upstream_timeout 15s;

    # Errors nginx makes itself (a body over the limit, an address too long, a missing file,
    # no app server answering) get our page in the person's language, JSON for the API, written
    # by collectstatic (web/edge_errors.py, decision 0104). The app servers' errors pass as
    # they are.
    error_page 400 /_edge/400;
    error_page 403 /_edge/403;
    error_page 404 /_edge/404;
    error_page 413 /_edge/413;
    error_page 414 /_edge/414;
    error_page 494 =431 /_edge/431;
    error_page 500 /_edge/500;
    error_page 502 /_edge/502;
    error_page 503 /_edge/503;
    error_page 504 /_edge/504;
    location ^~ /_edge/ {{
        internal;
        root {var_dir}/static/errors;
        rewrite "^/_edge/(?<edge_status>[0-9]+)$"
                /$metropoli_language/$edge_status.$metropoli_error_kind break;
        charset utf-8;
        charset_types application/json;  # and text/html, always
        add_header Content-Language $metropoli_language always;
        add_header Cache-Control no-store always;
        add_header Retry-After $metropoli_retry_after always;
        add_header X-Request-ID $request_id always;
    }}

    location /static/ {{
        root {var_dir};
        gzip_static on;  # the .gz files collectstatic wrote
        {brotli}  # and the .br ones (Brotli), to browsers that accept them
        add_header X-Content-Type-Options nosniff;
        add_header X-Request-ID $request_id;
        add_header Cache-Control "public, max-age=3600";
        # Names with a content hash (ManifestStaticFilesStorage) never change.
        location ~ "\\.[0-9a-f]{{12}}\\.[A-Za-z0-9]+$" {{
            gzip_static on;
            {brotli}
            add_header X-Content-Type-Options nosniff;
            add_header X-Request-ID $request_id;
            add_header Cache-Control "public, max-age=31536000, immutable";
        }}
    }}

    location /media/ {{
        alias {media_root}/;
        add_header X-Content-Type-Options nosniff;
        add_header X-Request-ID $request_id;
        add_header Content-Security-Policy "default-src 'none'; img-src 'self'; sandbox";
        add_header Cache-Control "public, max-age=3600";
    }}

    # Tiles: a URL with the layer's data version (v=) answers "immutable" and is kept here;
    # repeats never reach the app servers (docs/decisions/0061-tiles-cached-by-nginx.md).
    location /tiles/ {{
        proxy_pass http://metropoli_app;
        proxy_cache tiles;
        proxy_cache_lock on;
        proxy_cache_lock_timeout 5s;
        proxy_cache_revalidate on;
        proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
        proxy_cache_background_update on;
        # A tile is the same in every language and for everyone: kept once, by URL, here and
        # in a CDN or browser (Django's middleware would add Vary: Accept-Language, Cookie).
        proxy_ignore_headers Vary;
        proxy_hide_header Vary;
        # A kept answer carries the ID of the request that filled the cache: say this one's.
        proxy_hide_header X-Request-ID;
        add_header X-Request-ID $request_id always;
        add_header X-Cache-Status $upstream_cache_status always;
    }}

    # Prometheus scrapes each app server directly on its port (common/observability.py).
    location = /metrics {{
        return 404;
    }}

    # Tree inventories uploaded on the import page: up to METROPOLI_TREES_IMPORT_MAX_BYTES
    # (200 MB) and the form around them (decision 0065).
    location /arbol/importar/ {{
        client_max_body_size 201m;
        proxy_pass http://metropoli_app;
    }}

    location / {{
        proxy_pass http://metropoli_app;
    }}
"""

HTTP_COMMON = """\
    log_format metropoli_json escape=json
        '{{"time":"$time_iso8601","request_id":"$request_id","client":"$remote_addr",'
        '"method":"$request_method","uri":"$request_uri","status":$status,'
        '"bytes":$body_bytes_sent,"duration_s":$request_time,"upstream":"$upstream_addr",'
        '"upstream_status":"$upstream_status","upstream_duration_s":"$upstream_response_time",'
        '"cache":"$upstream_cache_status","user_agent":"$http_user_agent"}}';

    # The language and kind of nginx's own error pages (decision 0104): the language cookie,
    # else the browser's first language we have (others skipped, as Django does); JSON for the
    # API's paths and for clients that send or ask for JSON, as the app decides
    # (common/middleware.wants_json).
    map $cookie_django_language $metropoli_cookie_language {{
        default "";
        "~*^en" en;
        "~*^es" es-mx;
    }}
    map $http_accept_language $metropoli_header_language {{
        default es-mx;
        "~*^(?:\\s*(?!e[ns](?:[-;,\\s]|$))[^,]*,)*\\s*en(?:[-;,\\s]|$)" en;
    }}
    map $metropoli_cookie_language $metropoli_language {{
        "" $metropoli_header_language;
        default $metropoli_cookie_language;
    }}
    map "$request_uri|$http_accept|$content_type" $metropoli_error_kind {{
        default html;
        "~^/(?:api|tiles|ogc)/" json;
        "~^[^|]*[|]application/json" json;
        "~[|]application/json[^|]*$" json;
    }}
    map $status $metropoli_retry_after {{
        default "";
        502 10;
        503 10;
        504 10;
    }}

    # ES modules (MapLibre's .mjs): Debian's mime.types (nginx 1.22) lacks the extension, and a
    # module served as application/octet-stream is refused by the browser: no map at all.
    types {{
        application/javascript mjs;
    }}

    proxy_cache_path {tile_cache} levels=1:2 keys_zone=tiles:16m max_size={cache_size}
                     inactive=7d use_temp_path=off;

    upstream metropoli_app {{
{servers}
    }}
"""


def render_nginx(args) -> str:
    folder = args.dir / "nginx"
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=3s;" for port in args.app_ports
    )
    temp = "\n".join(
        f"    {kind}_temp_path {folder / 'temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    brotli = BROTLI_MODULE.exists()
    if brotli:
        user = f"load_module {BROTLI_MODULE};\n{user}"
    return (
        f"# Written by scripts/stack.py: the stack's nginx (loopback, plain HTTP).\n{user}"
        f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {args.dir / 'logs' / 'nginx-error.log'} warn;\n"
        "events {\n    worker_connections 1024;\n}\n"
        "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"{temp}\n"
        + HTTP_COMMON.format(
            tile_cache=folder / "tiles",
            cache_size="1g",
            servers=servers,
        )
        + f"\n    server {{\n        listen 127.0.0.1:{args.port};\n        server_name _;\n"
        + _indent(
            LOCATIONS.format(
                access_log=args.dir / "logs" / "nginx-access.log",
                var_dir=var_dir(),
                media_root=media_root(),
                brotli=BROTLI if brotli else NO_BROTLI,
            )
        )
        + "    }\n}\n"
    )


def render_nginx_site() -> str:
    """The production site (TLS at nginx, the code in /opt/metropoli, data in /srv/metropoli):
    the same locations as the stack's."""
    return (
        "# nginx site of a Metrópoli deployment: /etc/nginx/sites-available/metropoli.\n"
        "# Generated by `scripts/stack.py nginx-site` from the locations `make stack-up` runs\n"
        "# (a test keeps the two in step). Add one `server` line per app server (web@PORT).\n"
        + HTTP_COMMON.format(
            tile_cache="/var/cache/nginx/metropoli-tiles",
            cache_size="4g",
            servers="        server 127.0.0.1:8001 max_fails=1 fail_timeout=3s;\n"
            "        server 127.0.0.1:8002 max_fails=1 fail_timeout=3s;",
        )
        .replace("\n    ", "\n")
        .removeprefix("    ")
        + "\nserver {\n    listen 80;\n    server_name metropoli.example.org;\n"
        "    return 301 https://$host$request_uri;\n}\n"
        "\nserver {\n    listen 443 ssl http2;\n    server_name metropoli.example.org;\n"
        "    ssl_certificate /etc/letsencrypt/live/metropoli.example.org/fullchain.pem;\n"
        "    ssl_certificate_key /etc/letsencrypt/live/metropoli.example.org/privkey.pem;\n"
        + LOCATIONS.format(
            access_log="/var/log/nginx/metropoli.access.log",
            var_dir="/srv/metropoli/var",
            media_root="/srv/metropoli/var/media",
            brotli=BROTLI,
        )
        + "}\n"
    )


def _indent(text: str) -> str:
    return "".join(f"    {line}" if line.strip() else line for line in text.splitlines(True))


# --- health ---


def http_status(port: int, path: str = "/healthz", timeout: float = 3) -> int:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return 0


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def worker_beats(database_url: str, worker_id: str, pid: int) -> bool:
    import psycopg

    parts = urlsplit(database_url)
    try:
        with psycopg.connect(
            parts._replace(scheme="postgresql").geturl(), connect_timeout=3
        ) as conn:
            row = conn.execute(
                "SELECT pid FROM jobs_workerheartbeat WHERE worker_id = %s "
                "AND seen_at > now() - interval '30 seconds'",
                [worker_id],
            ).fetchone()
    except psycopg.Error:
        return False
    return row is not None and row[0] == pid


def healthy(service: Service, pid: int, plan: Plan) -> bool:
    if service.kind == "redis":
        return redis_answers(service.port)
    if service.kind in ("app", "nginx"):
        return http_status(service.port) == 200
    return worker_beats(plan.database_url, f"stack-{service.name}", pid)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return True


# --- the supervisor ---


class Supervisor:
    """Starts every service in its own process group and restarts whichever exits."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.dir = Path(plan.dir)
        self.processes: dict[str, subprocess.Popen] = {}
        self.started_at: dict[str, float] = {}
        self.restarts: dict[str, int] = {}
        self.backoff: dict[str, float] = {}
        self.due: dict[str, float] = {}
        self.stopping = False

    def log(self, message: str) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        print(f"{stamp} supervisor: {message}", flush=True)

    def pid_file(self, service: Service) -> Path:
        return self.dir / f"{service.name}.pid"

    def start(self, service: Service) -> None:
        if service.metrics_dir:
            shutil.rmtree(service.metrics_dir, ignore_errors=True)
            Path(service.metrics_dir).mkdir(parents=True, exist_ok=True)
        log = (self.dir / "logs" / f"{service.name}.log").open("ab")
        process = subprocess.Popen(
            service.argv,
            env=service.env or None,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killing it spares the others
        )
        log.close()
        self.processes[service.name] = process
        self.started_at[service.name] = time.monotonic()
        self.pid_file(service).write_text(f"{process.pid}\n")
        self.log(f"started {service.name} (pid {process.pid})")

    def write_state(self, ready: bool) -> None:
        state = {
            "ready": ready,
            "url": self.plan.url,
            "supervisor": os.getpid(),
            "services": {
                name: {"pid": process.pid, "restarts": self.restarts.get(name, 0)}
                for name, process in self.processes.items()
            },
        }
        temporary = self.dir / "state.json.tmp"
        temporary.write_text(json.dumps(state, indent=2))
        temporary.replace(self.dir / "state.json")

    def wait_healthy(self, services: list[Service]) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        waiting = list(services)
        while waiting and not self.stopping:
            for service in list(waiting):
                process = self.processes[service.name]
                if process.poll() is not None:
                    raise RuntimeError(f"{service.name} exited ({process.returncode}) on start")
                if healthy(service, process.pid, self.plan):
                    self.log(f"{service.name} is healthy")
                    waiting.remove(service)
            if time.monotonic() > deadline:
                raise RuntimeError("not healthy in time: " + ", ".join(s.name for s in waiting))
            time.sleep(0.3)

    def run(self) -> int:
        (self.dir / "supervisor.pid").write_text(f"{os.getpid()}\n")
        signal.signal(signal.SIGTERM, self._stop_signal)
        signal.signal(signal.SIGINT, self._stop_signal)
        by_kind = {kind: [s for s in self.plan.services if s.kind == kind] for kind in
                   ("redis", "app", "worker", "nginx")}  # fmt: skip
        try:
            for kind in ("redis", "app", "worker", "nginx"):
                for service in by_kind[kind]:
                    self.start(service)
                if kind != "worker":  # workers prove themselves below, in parallel with nginx
                    self.wait_healthy(by_kind[kind])
            self.wait_healthy(by_kind["worker"])
            if not self.stopping:
                self.write_state(True)
                self.log(f"ready: {self.plan.url}")
            while not self.stopping:
                self.watch()
                time.sleep(0.2)
        except Exception as error:  # noqa: BLE001 - said in the log, then everything stops
            self.log(f"FAILED: {error}")
            self.stop_all()
            return 1
        self.stop_all()
        return 0

    def watch(self) -> None:
        now = time.monotonic()
        for service in self.plan.services:
            process = self.processes.get(service.name)
            if process is None:
                if now >= self.due.get(service.name, 0):
                    self.start(service)
                continue
            if process.poll() is None:
                if now - self.started_at[service.name] > 30:
                    self.backoff[service.name] = 1.0  # ran long enough: next crash, quick restart
                continue
            self.log(f"{service.name} (pid {process.pid}) exited with {process.returncode}")
            self.end_group(process.pid)
            del self.processes[service.name]
            pause = self.backoff.get(service.name, 1.0) if self.restarts.get(service.name) else 0
            self.backoff[service.name] = min(max(pause, 0.5) * 2, 30.0)
            self.restarts[service.name] = self.restarts.get(service.name, 0) + 1
            self.due[service.name] = now + pause
            self.log(f"restarting {service.name} in {pause:.1f} s")
            if pause == 0:
                self.start(service)
            self.write_state(True)

    def end_group(self, group: int) -> None:
        """What is left of a process group whose leader exited (gunicorn workers whose master
        was killed) finish their requests and go, before a new server binds the port."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                os.killpg(group, 0)  # ProcessLookupError once the group is empty
                time.sleep(0.1)
            os.killpg(group, signal.SIGKILL)

    def _stop_signal(self, signum, frame) -> None:
        self.stopping = True

    def stop_all(self) -> None:
        order = ("nginx", "app", "worker", "redis")
        for kind in order:
            services = [s for s in self.plan.services if s.kind == kind]
            for service in services:
                process = self.processes.get(service.name)
                if process and process.poll() is None:
                    sig = signal.SIGQUIT if kind == "nginx" else signal.SIGTERM
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(process.pid, sig)
            for service in services:
                process = self.processes.get(service.name)
                if process is None:
                    continue
                try:
                    process.wait(timeout=STOP_TIMEOUT[kind])
                except subprocess.TimeoutExpired:
                    self.log(f"{service.name} did not stop in time: killed")
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                self.pid_file(service).unlink(missing_ok=True)
                self.log(f"stopped {service.name}")
        (self.dir / "state.json").unlink(missing_ok=True)
        (self.dir / "supervisor.pid").unlink(missing_ok=True)


# --- commands ---


def run(argv: list[str], env: dict[str, str], *, quiet: bool = False) -> None:
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=quiet, text=True, check=False)
    if done.returncode != 0:
        if quiet:
            sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(argv[:3])} …")


def read_state(folder: Path) -> dict | None:
    try:
        state = json.loads((folder / "state.json").read_text())
    except (OSError, ValueError):
        return None
    return state if alive(int(state.get("supervisor", 0))) else None


def ensure_packages() -> None:
    if shutil.which("nginx") and shutil.which("redis-server"):
        return
    subprocess.run(["bash", str(ROOT / "scripts" / "system-deps.sh"), "stack"], check=True)


def database(args) -> tuple[str, bool]:
    """The database URL, and whether this call started the project's own cluster."""
    given = os.environ.get("METROPOLI_DATABASE_URL")
    if given:
        return given, False
    cluster = ["bash", str(ROOT / "scripts" / "pg-cluster.sh")]
    was_running = subprocess.run([*cluster, "status", args.pg_dir], check=False).returncode == 0
    subprocess.run([*cluster, "up", args.pg_dir, str(args.pg_port)], check=True)
    # Already running (`make run`): on the port it was started with, which postmaster.pid says.
    lines = (Path(args.pg_dir) / "data" / "postmaster.pid").read_text().splitlines()
    port = int(lines[3]) if len(lines) > 3 and lines[3].isdigit() else args.pg_port
    password = Path(f"{Path(args.pg_dir).resolve()}.password").read_text().strip()
    return f"postgis://postgres:{password}@127.0.0.1:{port}/metropoli", not was_running


def up(args) -> int:
    url = f"http://127.0.0.1:{args.port}/"
    state = read_state(args.dir)
    if state and state.get("ready"):
        print(f"The stack already runs: {state['url']}")
        return 0
    if state:
        print("The stack is starting or stopping; try again with `make stack-down` first.")
        return 1
    ensure_packages()
    named = [("STACK_PORT", args.port), ("STACK_REDIS_PORT", args.redis_port)]
    named += [("STACK_APP_PORTS", port) for port in args.app_ports]
    for variable, port in named:
        if port_in_use(port):
            print(
                f"Port {port} is already in use: stop the program that uses it, or choose "
                f"another port with {variable} (e.g. make stack-up {variable}=…).",
                file=sys.stderr,
            )
            return 1
    for sub in ("logs", "redis", "nginx/temp", "metrics"):
        (args.dir / sub).mkdir(parents=True, exist_ok=True)
    database_url, started_cluster = database(args)
    env = app_environment(args, database_url)
    print("Migrating, collecting static files …", flush=True)
    run([str(BIN / "metropoli"), "migrate", "--no-input", "-v", "0"], env)
    if not args.no_demo:
        # The demo (public passwords) is loaded with the demo's settings; the production ones
        # refuse it. The servers below run the production settings on the same database.
        demo_env = {**env, "DJANGO_SETTINGS_MODULE": "metropoli.config.settings.local"}
        # The demo's settings keep their cache in a table, which the migration made only when
        # it ran with those settings: a database first migrated here lacks it.
        run([str(BIN / "metropoli"), "createcachetable"], demo_env)
        run([str(BIN / "metropoli"), "load_demo"], demo_env)
    run([str(BIN / "metropoli"), "collectstatic", "--no-input", "-v", "0"], env, quiet=True)
    (args.dir / "nginx" / "nginx.conf").write_text(render_nginx(args))
    check = subprocess.run(
        [shutil.which("nginx") or "nginx", "-t", "-q", "-p", str(args.dir / "nginx"),
         "-e", str(args.dir / "logs" / "nginx-error.log"),
         "-c", str(args.dir / "nginx" / "nginx.conf")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if check.returncode != 0:
        print(check.stderr, file=sys.stderr)
        return 1
    plan = Plan(
        dir=str(args.dir),
        url=url,
        database_url=database_url,
        started_cluster=started_cluster,
        pg_dir=str(Path(args.pg_dir).resolve()),
        services=plan_services(args, env),
    )
    (args.dir / "plan.json").touch(mode=0o600)
    (args.dir / "plan.json").write_text(json.dumps(asdict(plan)))
    log = (args.dir / "logs" / "supervisor.log").open("ab")
    supervisor = subprocess.Popen(
        [sys.executable, __file__, "supervise", "--dir", str(args.dir)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + READY_TIMEOUT + 30
    while time.monotonic() < deadline:
        state = read_state(args.dir)
        if state and state.get("ready"):
            break
        if supervisor.poll() is not None:
            tail = (args.dir / "logs" / "supervisor.log").read_text().splitlines()[-15:]
            print("The stack did not start:\n  " + "\n  ".join(tail), file=sys.stderr)
            if started_cluster:
                subprocess.run(["bash", str(ROOT / "scripts" / "pg-cluster.sh"), "down",
                                args.pg_dir], check=False)  # fmt: skip
            return 1
        time.sleep(0.5)
    else:
        print("The stack did not become healthy in time (see var/stack/logs).", file=sys.stderr)
        return 1
    print(f"\nMetrópoli's production stack is up: {url}")
    print(f"  nginx :{args.port} → app servers " + ", ".join(f":{p}" for p in args.app_ports))
    print(
        f"  Redis :{args.redis_port}, worker and scheduler, PostGIS ({database_url.split('@')[-1]})"
    )
    print(f"  pid files and logs in {args.dir}; `make stack-down` stops it")
    return 0


def down(args) -> int:
    folder = args.dir
    try:
        plan = json.loads((folder / "plan.json").read_text())
    except (OSError, ValueError):
        print("The stack is not running.")
        return 0
    pid_file = folder / "supervisor.pid"
    supervisor = int(pid_file.read_text()) if pid_file.exists() else 0
    if supervisor and alive(supervisor):
        os.kill(supervisor, signal.SIGTERM)
        deadline = time.monotonic() + max(STOP_TIMEOUT.values()) + 30
        while alive(supervisor) and time.monotonic() < deadline:
            time.sleep(0.2)
    # Whatever the supervisor left (it was killed itself): each service's process group.
    for service in plan["services"]:
        path = folder / f"{service['name']}.pid"
        if path.exists():
            with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
                os.killpg(int(path.read_text()), signal.SIGKILL)
            path.unlink(missing_ok=True)
    if plan["started_cluster"]:
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "pg-cluster.sh"), "down", plan["pg_dir"]], check=False
        )
    (folder / "plan.json").unlink(missing_ok=True)
    (folder / "state.json").unlink(missing_ok=True)
    print("The stack is stopped.")
    return 0


def status(args) -> int:
    try:
        plan = json.loads((args.dir / "plan.json").read_text())
    except (OSError, ValueError):
        print("The stack is not running.")
        return 1
    state = read_state(args.dir) or {}
    plan_obj = Plan(**{**plan, "services": [Service(**s) for s in plan["services"]]})
    print(f"{plan['url']}  (supervisor {'alive' if state else 'NOT running'})")
    ok = bool(state)
    for service in plan_obj.services:
        path = args.dir / f"{service.name}.pid"
        pid = int(path.read_text()) if path.exists() else 0
        good = bool(pid) and alive(pid) and healthy(service, pid, plan_obj)
        ok &= good
        restarts = state.get("services", {}).get(service.name, {}).get("restarts", 0)
        print(f"  {service.name:<10} pid {pid:<8} {'healthy' if good else 'NOT healthy'}"
              f"  restarts {restarts}")  # fmt: skip
    return 0 if ok else 1


def main() -> int:
    args = options()
    if args.action == "nginx-site":
        sys.stdout.write(render_nginx_site())
        return 0
    if args.action == "supervise":
        raw = json.loads((args.dir / "plan.json").read_text())
        plan = Plan(**{**raw, "services": [Service(**s) for s in raw["services"]]})
        return Supervisor(plan).run()
    return {"up": up, "down": down, "status": status}[args.action](args)


if __name__ == "__main__":
    sys.exit(main())
