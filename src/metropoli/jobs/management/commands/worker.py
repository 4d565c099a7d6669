"""`metropoli worker`: the task worker that survives database outages and dead siblings.

It runs django-tasks-db's database worker loop and adds what a deployment needs around it:
- a heartbeat row every few seconds, so that other workers can tell it is alive;
- orphan rescue: RUNNING tasks whose worker stopped beating for METROPOLI_TASKS_LEASE_SECONDS
  go back to the queue (tasks are written to be safe to run again; e-mails lock their row);
- reconnection: when the database goes away the worker waits, retries with a growing pause
  (at most 10 s) and carries on, instead of exiting;
- with --scheduler, the periodic jobs of metropoli/jobs/schedule.py are queued at their slots.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from metropoli.jobs import runtime

logger = logging.getLogger("metropoli.jobs")
DATABASE_GONE = (OperationalError, InterfaceError)


class _Duties(threading.Thread):
    """Heartbeat, orphan rescue and the schedule, on their own connection."""

    def __init__(self, worker_id: str, *, scheduler: bool, every: float):
        super().__init__(name="metropoli-worker-duties", daemon=True)
        self.worker_id = worker_id
        self.scheduler = scheduler
        self.every = every
        self.started_at = timezone.now()
        self.stopping = threading.Event()
        self.database_ok = True

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                runtime.beat(self.worker_id, self.started_at)
                runtime.requeue_orphans()
                if self.scheduler:
                    runtime.enqueue_due()
                if not self.database_ok:
                    logger.warning("database reachable again")
                self.database_ok = True
            except DATABASE_GONE as error:
                if self.database_ok:
                    logger.warning("database unreachable (%s); retrying", str(error).strip())
                self.database_ok = False
            except DatabaseError:
                logger.exception("worker duties failed; retrying")
            self.stopping.wait(self.every)
        with contextlib.suppress(DatabaseError):
            runtime.forget(self.worker_id)


class Command(BaseCommand):
    help = "Run the background task worker (survives database outages; --scheduler for jobs)."

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default", help="Queues, comma-separated.")
        parser.add_argument("--interval", type=float, default=1.0, help="Idle poll, seconds.")
        parser.add_argument(
            "--scheduler", action="store_true", help="Also queue the periodic jobs at their slots."
        )
        parser.add_argument("--worker-id", default="", help="Unique id (default: random).")
        parser.add_argument(
            "--beat-seconds", type=float, default=5.0, help="Heartbeat period, seconds."
        )

    def handle(self, *args, **options):
        logging.getLogger("django_tasks").setLevel(logging.INFO)
        logging.getLogger("django_tasks_db").setLevel(logging.INFO)
        worker_id = options["worker_id"] or get_random_string(32)
        duties = _Duties(worker_id, scheduler=options["scheduler"], every=options["beat_seconds"])
        worker = Worker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        duties.start()
        self.stdout.write(
            f"worker {worker_id} started"
            + (" with the schedule of periodic jobs" if options["scheduler"] else "")
        )
        pause = 1.0
        try:
            while worker.running:
                try:
                    worker.run()
                    return
                except DATABASE_GONE as error:
                    logger.warning(
                        "database unreachable (%s); retrying in %.0f s", str(error).strip(), pause
                    )
                    time.sleep(pause)
                    pause = min(pause * 2, 10.0)
                    self._recover(worker_id)
                    pause = 1.0 if duties.database_ok else pause
        finally:
            duties.stopping.set()
            duties.join(timeout=5)

    def _recover(self, worker_id: str) -> None:
        """After an outage, a task this worker was running when it lost the database is queued
        again (the worker runs one task at a time and is running none now)."""
        try:
            close_old_connections()
            if runtime.requeue_orphans(also_of=worker_id):
                logger.warning("requeued the task interrupted by the outage")
        except DATABASE_GONE:
            pass
