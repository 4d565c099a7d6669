"""The worker's duties besides running tasks: staying visible, rescuing orphans, the schedule.

Every function here is one short transaction, safe to call from any number of workers at once.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import JobRun, WorkerHeartbeat
from .schedule import JOBS, Job

logger = logging.getLogger("metropoli.jobs")


def lease() -> timedelta:
    return timedelta(seconds=settings.METROPOLI_TASKS_LEASE_SECONDS)


def beat(worker_id: str, started_at: datetime) -> None:
    """Say that this worker is alive (an upsert: one row per worker)."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )


def forget(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def requeue_orphans(*, also_of: str | None = None) -> int:
    """Put back in the queue the RUNNING tasks whose worker died.

    A worker is dead when its heartbeat is older than the lease (or it never had one). `also_of`
    names a worker that is alive but knows it is running nothing (it lost the database in the
    middle of a task): its RUNNING tasks are orphans too. Returns how many were requeued.
    """
    now = timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=now - lease()).values_list(
            "worker_id", flat=True
        )
    )
    alive.discard(also_of)
    requeued = 0
    with transaction.atomic():
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        for result in running:
            owner = result.worker_ids[-1] if result.worker_ids else None
            if owner in alive:
                continue
            # A task claimed a moment ago by a worker whose first beat is still to come.
            if owner != also_of and result.started_at and result.started_at > now - lease():
                continue
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            requeued += 1
            logger.warning(
                "task %s (%s) of worker %s requeued: the worker stopped while running it",
                result.id,
                result.task_path,
                owner,
            )
    # Workers silent for a day are gone for good.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return requeued


def enqueue_due(now: datetime | None = None, jobs: tuple[Job, ...] = JOBS) -> list[str]:
    """Hand every job whose current slot has not been handed yet to the queue, once."""
    now = now or timezone.now()
    started = []
    for job in jobs:
        slot = job.slot(now)
        with transaction.atomic():
            run = JobRun.objects.select_for_update().filter(name=job.name).first()
            if run is not None and run.last_slot >= slot:
                continue
            result = import_string(job.task_path).enqueue()
            JobRun.objects.update_or_create(
                name=job.name,
                defaults={
                    "last_slot": slot,
                    "enqueued_at": now,
                    "task_result_id": str(result.id),
                },
            )
        started.append(job.name)
        logger.info("periodic job %s queued for its %s slot", job.name, f"{slot:%Y-%m-%d %H:%M}")
    return started
