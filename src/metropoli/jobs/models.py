"""What the worker and the scheduler must remember between processes.

Both live in the database that holds the tasks, so several workers on several hosts agree
without anything else to run (docs/decisions/0037-supervised-worker-and-schedule.md).
"""

from django.db import models


class WorkerHeartbeat(models.Model):
    """A running worker says it is alive every few seconds; a silent one has died."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class JobRun(models.Model):
    """The last schedule slot of a periodic job that was handed to the task queue."""

    name = models.CharField(max_length=64, primary_key=True)
    last_slot = models.DateTimeField()
    enqueued_at = models.DateTimeField()
    task_result_id = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_slot:%Y-%m-%d %H:%M}"
