"""Settings for a production deployment: PostGIS, gunicorn behind a reverse proxy."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASE_URL, SECRET_KEY, env_bool, env_list

if not SECRET_KEY:
    raise ImproperlyConfigured("METROPOLI_SECRET_KEY must be set in production.")
if not DATABASE_URL:
    raise ImproperlyConfigured("METROPOLI_DATABASE_URL must name the PostGIS database.")

DEBUG = False
# `metropoli load_demo` (public demo passwords) refuses to run with these settings.
METROPOLI_PRODUCTION = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("METROPOLI_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Plain HTTP is redirected to HTTPS (the proxy says which one it received in X-Forwarded-Proto),
# except /healthz, so that a health check on the host itself needs no TLS.
SECURE_SSL_REDIRECT = env_bool("METROPOLI_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Browsers that saw the site over HTTPS refuse plain HTTP for this long (a year; 0 turns it off).
SECURE_HSTS_SECONDS = int(os.environ.get("METROPOLI_HSTS_SECONDS", "31536000"))
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES = {
    "default": {"BACKEND": "metropoli.common.storage.AtomicFileSystemStorage"},
    # WhiteNoise's, with Brotli beside gzip (web/staticfiles.py, decision 0087).
    "staticfiles": {"BACKEND": "metropoli.web.staticfiles.CompressedHashedStaticFiles"},
}

# --- several app servers (docs/decisions/0060-production-topology.md) ---
# What the app servers must share lives outside them: sessions, idempotency keys and tile
# versions in PostgreSQL, uploads in MEDIA_ROOT (one folder all servers mount, or object
# storage), and the cache (rate-limit buckets) in Redis when METROPOLI_REDIS_URL names one.
# Without it the cache stays in the database (base.py), which is shared too, only slower.
REDIS_URL = os.environ.get("METROPOLI_REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        # Redis first; the database's cache table while Redis does not answer (decision 0106).
        "default": {
            "BACKEND": "metropoli.common.cache.RedisWithFallback",
            "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database"},
        },
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "metropoli",
            # A Redis that does not answer is noticed quickly, and the database stands in.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "database": CACHES["default"],  # noqa: F405  (base.py's)
    }

# --- what operators see (common/observability.py) ---
# Every answer carries the request's ID (nginx's $request_id) and every log line too; the log
# is one JSON object per line unless METROPOLI_LOG_FORMAT=text.
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "metropoli.common.observability.RequestIdMiddleware",
    *MIDDLEWARE,  # noqa: F405
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
INSTALLED_APPS = [*INSTALLED_APPS, "django_prometheus"]  # noqa: F405
# /metrics answers only these addresses, and only requests that no proxy relayed.
METRICS_ALLOWED = env_list("METROPOLI_METRICS_ALLOWED", "127.0.0.1,::1")
if os.environ.get("METROPOLI_LOG_FORMAT", "json") == "json":
    LOGGING = {  # noqa: F405
        **LOGGING,  # noqa: F405
        "formatters": {"json": {"()": "metropoli.common.observability.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    }
# Errors reported to Sentry (or a compatible service such as GlitchTip) when a DSN is given;
# no personal data is sent (no cookies, no user, no request bodies).
SENTRY_DSN = os.environ.get("METROPOLI_SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
    )
