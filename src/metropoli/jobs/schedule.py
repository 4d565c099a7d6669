"""The periodic jobs, declared once.

`metropoli worker --scheduler` (what `make run` and `make stack-up` start) hands each job to the
task queue at its slots; in a systemd deployment the timers under deploy/systemd are generated
from the same list (`metropoli jobs systemd`), and a test keeps the two in step.

A slot is the latest time at or before now that matches the job's calendar, in the platform's
time zone. A job whose slot passed while nothing ran (the machine was off) runs once at the next
start, as systemd's `Persistent=true` does; it never runs twice for one slot.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str  # a django-tasks task, imported by path (no import of the modules here)
    description: str
    minute: int
    hour: int | None = None  # None: every hour at `minute`

    def on_calendar(self) -> str:
        """The systemd OnCalendar expression of this job."""
        hour = "*" if self.hour is None else f"{self.hour:02d}"
        return f"*-*-* {hour}:{self.minute:02d}:00 {settings.TIME_ZONE}"

    def slot(self, now: datetime) -> datetime:
        """The latest slot at or before `now` (aware), in the platform's time zone."""
        local = now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        if self.hour is None:
            slot = local.replace(minute=self.minute, second=0, microsecond=0)
            if slot > local:
                slot -= timedelta(hours=1)
        else:
            slot = local.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
            if slot > local:
                slot -= timedelta(days=1)
        return slot


JOBS: tuple[Job, ...] = (
    Job(
        name="sensors-downsample",
        task_path="metropoli.sensors.tasks.downsample_expired",
        description="Fold raw sensor readings past their retention into hourly aggregates",
        minute=17,
    ),
    Job(
        name="cooperation-reminders",
        task_path="metropoli.cooperation.tasks.send_deadline_reminders",
        description="E-mail reminders before cooperation opportunities' deadlines",
        hour=8,
        minute=0,
    ),
    Job(
        name="markets-stall-deadlines",
        task_path="metropoli.markets.tasks.cancel_unanswered_parts",
        description="Cancel the parts of market orders that their stall did not accept in time",
        minute=5,
    ),
    Job(
        name="email-retry",
        task_path="metropoli.common.outbox.deliver_due",
        description="Send e-mails whose retry was lost; forget old sent and failed ones",
        minute=25,
    ),
    Job(
        name="tasks-prune",
        task_path="metropoli.jobs.tasks.prune_finished_tasks",
        description="Delete finished background task results older than the retention",
        hour=3,
        minute=40,
    ),
    Job(
        name="idempotency-prune",
        task_path="metropoli.jobs.tasks.prune_idempotency_records",
        description="Forget idempotency keys older than their retention",
        hour=3,
        minute=50,
    ),
)


def job_named(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
