"""systemd units for a deployment on one host: the app server, the worker, the job timers.

Generated from schedule.JOBS so that production and `make run` keep the same calendar; the
committed copies under deploy/systemd are checked against this by a test. Paths follow the
transfer manual: the code in /opt/metropoli, settings in /etc/metropoli/metropoli.env.
"""

from .schedule import JOBS

PREFIX = "/opt/metropoli"
ENV_FILE = "/etc/metropoli/metropoli.env"

_COMMON = f"""User=metropoli
Group=metropoli
WorkingDirectory={PREFIX}
EnvironmentFile={ENV_FILE}
Environment=DJANGO_SETTINGS_MODULE=metropoli.config.settings.production
"""


def units() -> dict[str, str]:
    files = {
        "metropoli-web.service": f"""[Unit]
Description=Metrópoli application server (gunicorn)
After=network-online.target postgresql.service
Wants=network-online.target

[Service]
Type=simple
{_COMMON}ExecStart={PREFIX}/.venv/bin/gunicorn metropoli.config.wsgi:application \\
    --bind 127.0.0.1:8001 --workers 3 --threads 2 --timeout 60
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
