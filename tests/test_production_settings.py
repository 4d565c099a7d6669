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
