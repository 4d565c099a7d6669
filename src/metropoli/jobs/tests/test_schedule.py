"""The schedule of periodic jobs: slots, once per slot, and the systemd timers kept in step."""

import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from metropoli.jobs import runtime, systemd
from metropoli.jobs.models import JobRun, WorkerHeartbeat
from metropoli.jobs.schedule import JOBS, Job

MX = zoneinfo.ZoneInfo("America/Mexico_City")
DEPLOY = Path(__file__).resolve().parents[4] / "deploy" / "systemd"
RUNS = []


@task()
def remember_run() -> int:
    RUNS.append(1)
    return len(RUNS)


def test_hourly_slot_is_the_last_matching_minute():
    job = Job("x", "p", "d", minute=17)
    assert job.slot(datetime(2026, 12, 5, 11, 20, tzinfo=MX)) == datetime(
        2026, 12, 5, 11, 17, tzinfo=MX
    )
    assert job.slot(datetime(2026, 12, 5, 11, 16, 59, tzinfo=MX)) == datetime(
        2026, 12, 5, 10, 17, tzinfo=MX
    )


def test_daily_slot_before_its_hour_is_yesterdays():
    job = Job("x", "p", "d", hour=8, minute=0)
    assert job.slot(datetime(2026, 12, 5, 7, 59, tzinfo=MX)) == datetime(
        2026, 12, 4, 8, 0, tzinfo=MX
    )
    assert job.slot(datetime(2026, 12, 5, 8, 0, tzinfo=MX)) == datetime(
        2026, 12, 5, 8, 0, tzinfo=MX
    )


@pytest.mark.django_db
def test_a_job_is_queued_once_per_slot():
    RUNS.clear()
    job = Job("remember", f"{__name__}.remember_run", "test", minute=0)
    now = datetime(2026, 12, 5, 11, 30, tzinfo=MX)
    assert runtime.enqueue_due(now, (job,)) == ["remember"]
    assert runtime.enqueue_due(now + timedelta(minutes=20), (job,)) == []
    assert runtime.enqueue_due(now + timedelta(minutes=31), (job,)) == ["remember"]
    assert len(RUNS) == 2  # the test settings run tasks at once
    assert JobRun.objects.get(name="remember").last_slot == datetime(2026, 12, 5, 12, 0, tzinfo=MX)


def test_every_job_names_a_task_that_exists():
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    for job in JOBS:
        assert isinstance(import_string(job.task_path), Task), job.name


def test_committed_systemd_units_match_the_schedule():
    expected = systemd.units()
    committed = {path.name: path.read_text() for path in DEPLOY.iterdir()}
    assert committed == expected, "run: metropoli jobs systemd deploy/systemd"


def _running(worker: str, started_minutes_ago: float) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago),
        worker_ids=[worker],
        task_path="metropoli.jobs.tasks.prune_finished_tasks",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
    )


@pytest.mark.django_db
def test_tasks_of_a_silent_worker_are_queued_again(settings):
    settings.METROPOLI_TASKS_LEASE_SECONDS = 60
    alive = "alive-worker"
    runtime.beat(alive, timezone.now())
    WorkerHeartbeat.objects.create(
        worker_id="dead-worker",
        hostname="h",
        pid=1,
        started_at=timezone.now() - timedelta(hours=1),
        seen_at=timezone.now() - timedelta(minutes=5),
    )
    of_alive = _running(alive, 30)
    of_dead = _running("dead-worker", 30)
    of_unknown_just_claimed = _running("new-worker", 0.1)
    of_unknown_long_ago = _running("vanished-worker", 30)

    assert runtime.requeue_orphans() == 2

    status = dict(DBTaskResult.objects.values_list("id", "status"))
    assert status[of_alive.id] == TaskResultStatus.RUNNING
    assert status[of_dead.id] == TaskResultStatus.READY
    assert status[of_unknown_just_claimed.id] == TaskResultStatus.RUNNING
    assert status[of_unknown_long_ago.id] == TaskResultStatus.READY


@pytest.mark.django_db
def test_a_worker_that_lost_the_database_gives_back_its_own_task():
    runtime.beat("me", timezone.now())
    mine = _running("me", 0.01)
    assert runtime.requeue_orphans() == 0
    assert runtime.requeue_orphans(also_of="me") == 1
    mine.refresh_from_db()
    assert mine.status == TaskResultStatus.READY


@pytest.mark.django_db
def test_old_idempotency_keys_are_forgotten(settings):
    from metropoli.common.models import IdempotencyRecord
    from metropoli.jobs.tasks import prune_idempotency_records

    settings.METROPOLI_IDEMPOTENCY_KEEP_DAYS = 30
    old = IdempotencyRecord.objects.create(
        action="a", scope="user:1", key="k" * 8, request_hash="h"
    )
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    recent = IdempotencyRecord.objects.create(
        action="a", scope="user:1", key="r" * 8, request_hash="h"
    )
    assert prune_idempotency_records.call() == {"deleted": 1}
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [recent.pk]
