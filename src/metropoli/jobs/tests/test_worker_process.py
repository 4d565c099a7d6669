"""`metropoli worker` as a real process: it survives a database outage and rescues orphans.

The worker talks to PostgreSQL through a TCP relay that the test cuts for a few seconds (a real
network fault: connections dropped, new ones refused).
"""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from metropoli.common.tcpproxy import TcpProxy

pytestmark = pytest.mark.django_db(transaction=True)


def _queue(**fields) -> DBTaskResult:
    values = {
        "task_path": "metropoli.jobs.tasks.prune_finished_tasks",
        "args_kwargs": {"args": [], "kwargs": {}},
        "backend_name": "default",
        "run_after": timezone.now(),
    }
    values.update(fields)
    return DBTaskResult.objects.create(**values)


def _wait_done(result: DBTaskResult, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result.refresh_from_db()
        if result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
            return result.status
        time.sleep(0.2)
    return result.status


def test_worker_survives_an_outage_and_rescues_orphans(tmp_path):
    db = connection.settings_dict
    with TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)) as proxy:
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        url = f"postgis://{db['USER']}{password}@127.0.0.1:{proxy.port}/{db['NAME']}"
        env = {
            **os.environ,
            "METROPOLI_DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "metropoli.config.settings.local",
            "METROPOLI_TASKS_LEASE_SECONDS": "3",
            "METROPOLI_DEBUG": "false",
        }
        log = (tmp_path / "worker.log").open("w+")
        worker = subprocess.Popen(
            [sys.executable, "-m", "metropoli.manage", "worker", "--interval", "0.2",
             "--beat-seconds", "0.5"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            assert _wait_done(_queue()) == TaskResultStatus.SUCCESSFUL

            proxy.cut()
            time.sleep(4)
            queued_during_outage = _queue()
            proxy.restore()

            assert _wait_done(queued_during_outage) == TaskResultStatus.SUCCESSFUL
            assert worker.poll() is None, "the worker exited during the outage"

            # A task left RUNNING by a worker that was killed an hour ago runs again.
            orphan = _queue(
                status=TaskResultStatus.RUNNING,
                started_at=timezone.now() - timedelta(hours=1),
                worker_ids=["killed-worker"],
            )
            assert _wait_done(orphan) == TaskResultStatus.SUCCESSFUL
            orphan.refresh_from_db()
            assert orphan.worker_ids[0] == "killed-worker" and len(orphan.worker_ids) == 2
        finally:
            worker.terminate()
            worker.wait(timeout=20)
            log.seek(0)
            output = log.read()
    assert "database unreachable" in output, output
