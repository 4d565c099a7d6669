"""Settings for bench_sensors.py: production settings, plus the URLs with a baseline view."""

from metropoli.config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench_sensors_urls"
