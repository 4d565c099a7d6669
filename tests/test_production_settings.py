"""Production settings: HTTPS redirect and HSTS on by default (configurable), /healthz exempt."""

import json
import os
import subprocess
import sys

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(raise_request_exception=False)
answers = {
    "page": client.get("/api/openapi.json", HTTP_X_FORWARDED_PROTO="http"),
    "healthz": client.get("/healthz", HTTP_X_FORWARDED_PROTO="http"),
    "https": client.get("/healthz", HTTP_X_FORWARDED_PROTO="https"),
}
print(json.dumps({
    "redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "page": [answers["page"].status_code, answers["page"].get("Location", "")],
    "healthz": answers["healthz"].status_code,
    "https_hsts": answers["https"].get("Strict-Transport-Security", ""),
}))
"""


def probe(**env) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "metropoli.config.settings.production",
        "METROPOLI_SECRET_KEY": "a-production-like-key-for-this-test-only",
        # An unreachable database: /healthz answers 503, which is enough here.
        "METROPOLI_DATABASE_URL": "postgis://nobody@127.0.0.1:1/none",
        "METROPOLI_ALLOWED_HOSTS": "testserver",
        **env,
    }
    for name in ("METROPOLI_SSL_REDIRECT", "METROPOLI_HSTS_SECONDS"):
        if name not in env:
            environment.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_https_redirect_and_hsts_are_on_by_default_and_healthz_is_exempt():
    answers = probe()
    assert (answers["redirect"], answers["hsts"]) == (True, 31536000)
    assert answers["page"] == [301, "https://testserver/api/openapi.json"]
    assert answers["healthz"] in (200, 503)  # answered over plain HTTP, not redirected
    assert answers["https_hsts"] == "max-age=31536000"


def test_both_can_be_switched_off():
    answers = probe(METROPOLI_SSL_REDIRECT="false", METROPOLI_HSTS_SECONDS="0")
    assert (answers["redirect"], answers["hsts"]) == (False, 0)
    assert answers["page"] == [200, ""]
    assert answers["https_hsts"] == ""


SENTRY_PROBE = """
import django
django.setup()
import sentry_sdk
options = sentry_sdk.get_client().options
sentry_sdk.capture_message("metropoli sentry probe")
sentry_sdk.flush(timeout=10)
print(json.dumps({"pii": options["send_default_pii"], "dsn": options["dsn"]}))
"""


def test_errors_go_to_the_sentry_dsn_when_one_is_given():
    import gzip
    import http.server
    import threading

    received: list[bytes] = []

    class Collector(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                import brotli

                body = brotli.decompress(body)
            received.append(body)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/7"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "metropoli.config.settings.production",
        "METROPOLI_SECRET_KEY": "a-production-like-key-for-this-test-only",
        "METROPOLI_DATABASE_URL": "postgis://nobody@127.0.0.1:1/none",
        "METROPOLI_SENTRY_DSN": dsn,
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import json\n" + SENTRY_PROBE],
            env=environment, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"pii": False, "dsn": dsn}
    assert any(b"metropoli sentry probe" in body for body in received)
