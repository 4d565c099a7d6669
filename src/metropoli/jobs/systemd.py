"""systemd units for a deployment on one host: the app servers, the worker, the job timers
(the scheduler: one timer per job) and the nightly backup.

Generated from schedule.JOBS so that production and `make run` keep the same calendar; the
committed copies under deploy/systemd are checked against this by a test. Paths follow the
transfer manual: the code in /opt/metropoli, settings in /etc/metropoli/metropoli.env, backups
in /var/backups/metropoli.
"""

from django.conf import settings

from .schedule import JOBS

PREFIX = "/opt/metropoli"
ENV_FILE = "/etc/metropoli/metropoli.env"
BACKUPS = "/var/backups/metropoli"
BACKUP_KEEP_DAYS = 14

_COMMON = f"""User=metropoli
Group=metropoli
WorkingDirectory={PREFIX}
EnvironmentFile={ENV_FILE}
Environment=DJANGO_SETTINGS_MODULE=metropoli.config.settings.production
"""


def units() -> dict[str, str]:
    files = {
        # One instance per app server, named by its port: metropoli-web@8001, metropoli-web@8002.
        "metropoli-web@.service": f"""[Unit]
Description=Metrópoli app server on 127.0.0.1:%i (gunicorn)
After=network-online.target postgresql.service redis-server.service
Wants=network-online.target

[Service]
Type=simple
{_COMMON}# Prometheus' figures of this server's workers (common/observability.py).
RuntimeDirectory=metropoli-web-%i
Environment=PROMETHEUS_MULTIPROC_DIR=/run/metropoli-web-%i
ExecStart={PREFIX}/.venv/bin/gunicorn -c python:metropoli.config.gunicorn \\
    metropoli.config.wsgi:application --bind 127.0.0.1:%i \\
    --workers 3 --threads 2 --timeout 60 --graceful-timeout 20
# SIGTERM lets the workers finish their requests; nginx sends new ones to the other servers.
KillMode=mixed
TimeoutStopSec=30
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
""",
        "metropoli-worker.service": f"""[Unit]
Description=Metrópoli background task worker
After=network-online.target postgresql.service
Wants=network-online.target

[Service]
Type=simple
{_COMMON}ExecStart={PREFIX}/.venv/bin/metropoli worker
Restart=always
RestartSec=2
# Let a running task finish (the worker stops taking new ones at SIGTERM).
TimeoutStopSec=120
KillSignal=SIGTERM

[Install]
WantedBy=multi-user.target
""",
    }
    files["metropoli-backup.service"] = f"""[Unit]
Description=Metrópoli backup: database, uploaded and private files, manifest
After=network-online.target postgresql.service

[Service]
Type=oneshot
{_COMMON}ExecStart=/bin/sh -c 'exec {PREFIX}/.venv/bin/metropoli backup \\
    "{BACKUPS}/$$(date +%%Y-%%m-%%dT%%H%%M)"'
# Backups older than {BACKUP_KEEP_DAYS} days go: copy them to another host or object storage.
ExecStartPost=/usr/bin/find {BACKUPS} -mindepth 1 -maxdepth 1 -type d \\
    -mtime +{BACKUP_KEEP_DAYS} -exec rm -rf {{}} +
"""
    files["metropoli-backup.timer"] = f"""[Unit]
Description=Metrópoli backup, nightly

[Timer]
OnCalendar=*-*-* 03:30:00 {settings.TIME_ZONE}
Persistent=true
RandomizedDelaySec=300

[Install]
WantedBy=timers.target
"""
    for job in JOBS:
        files[f"metropoli-{job.name}.service"] = f"""[Unit]
Description=Metrópoli periodic job: {job.description}
After=network-online.target postgresql.service

[Service]
Type=oneshot
{_COMMON}ExecStart={PREFIX}/.venv/bin/metropoli jobs run {job.name}
"""
        files[f"metropoli-{job.name}.timer"] = f"""[Unit]
Description=Metrópoli periodic job: {job.description}

[Timer]
OnCalendar={job.on_calendar()}
Persistent=true
RandomizedDelaySec=30

[Install]
WantedBy=timers.target
"""
    return files
