"""Settings for bench_sensors.py: production settings, plus the URLs with a baseline view."""

from metropoli.config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench_sensors_urls"
# The bench talks plain HTTP to gunicorn directly, where the TLS proxy would.
SECURE_SSL_REDIRECT = False
