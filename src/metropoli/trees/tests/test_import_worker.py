"""The import page's tasks in the real task worker (`metropoli worker`, django-tasks' database
backend, another process): the uploaded file is checked, then imported, and the job says so."""

import os
import subprocess
import sys
import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from metropoli.trees.models import ImportState, InventoryImport, Tree

from .factories import GDL, fresno, jacaranda

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = f"lon,lat,species,dbh_cm\n{GDL[0]},{GDL[1]},JAMI,30\n{GDL[0] + 0.001},{GDL[1]},FRUH,45\n"


def queue(task: str, job_id: int) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=f"metropoli.trees.imports.{task}",
        args_kwargs={"args": [job_id], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
    )


def wait(result: DBTaskResult, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result.refresh_from_db()
        if result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
            return result.status
        time.sleep(0.2)
    return result.status


def test_the_worker_checks_then_imports_an_uploaded_inventory(
    tmp_path, municipalities, guadalajara
):
    root = InventoryImport._meta.get_field("file").storage.location  # the worker reads it there
    jacaranda()
    fresno()
    job = InventoryImport(
        municipality=guadalajara, original_name="gdl.csv", partial=False, metric=False
    )
    job.file.save("gdl.csv", ContentFile(GOOD.encode()), save=False)
    job.total = job.file.size
    job.save()
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        **os.environ,
        "METROPOLI_DATABASE_URL": f"postgis://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "metropoli.config.settings.local",
        "METROPOLI_TREES_IMPORT_ROOT": str(root),
        "METROPOLI_DEBUG": "false",
    }
    log = (tmp_path / "worker.log").open("w+")
    worker = subprocess.Popen(
        [sys.executable, "-m", "metropoli.manage", "worker", "--interval", "0.2"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert wait(queue("check_import", job.pk)) == TaskResultStatus.SUCCESSFUL
        job.refresh_from_db()
        assert (job.state, job.rows, job.error_count, job.problem) == ("checked", 2, 0, "")
        assert Tree.objects.count() == 0
        InventoryImport.objects.filter(pk=job.pk).update(state=ImportState.IMPORTING, done=0)
        assert wait(queue("run_import", job.pk)) == TaskResultStatus.SUCCESSFUL
        job.refresh_from_db()
        assert (job.state, job.imported, job.done) == (ImportState.DONE, 2, job.total)
        assert Tree.objects.count() == 2
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        log.seek(0)
        output = log.read()
    assert "Traceback" not in output, output
