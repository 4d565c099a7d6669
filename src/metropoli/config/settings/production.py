"""Settings for a production deployment: PostGIS, gunicorn behind a reverse proxy."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASE_URL, SECRET_KEY, env_bool

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
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
