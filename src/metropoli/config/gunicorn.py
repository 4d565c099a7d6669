"""gunicorn's settings for an app server: `gunicorn -c python:metropoli.config.gunicorn
metropoli.config.wsgi:application --bind 127.0.0.1:8001` (deploy/systemd, scripts/stack.py).

- No access log of gunicorn's own: the app writes one JSON line per request with its request
  ID (common/observability.py), and nginx writes its own.
- gunicorn's own lines (start, workers booted or killed) are JSON too.
- A request line up to 8190 bytes, as long as nginx's buffers let through: a longer one is
  refused by nginx with our 414 page (decision 0104); gunicorn's own limit (4094) answered the
  ones in between with its English "Request Line is too large". Likewise any number of header
  lines (gunicorn's limit: 100, answered "Too many headers"): nginx's buffers (4 × 8 KB) bound
  them, and past those it answers our 431 page.
- Prometheus' multi-process mode: every worker writes its figures into PROMETHEUS_MULTIPROC_DIR,
  which must be emptied when the server starts and told when a worker dies.
"""

import os
import shutil
from pathlib import Path

accesslog = None
limit_request_line = 8190
limit_request_fields = 32768
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - heartbeat files
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "metropoli.common.observability.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
