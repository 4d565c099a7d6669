"""Housekeeping tasks of the queue itself."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from metropoli.common.models import IdempotencyRecord


@task()
def prune_finished_tasks() -> dict:
    """Finished task results older than METROPOLI_TASKS_KEEP_DAYS go; the queue stays small."""
    cutoff = timezone.now() - timedelta(days=settings.METROPOLI_TASKS_KEEP_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return {"deleted": deleted}


@task()
def prune_idempotency_records() -> dict:
    """Idempotency keys older than METROPOLI_IDEMPOTENCY_KEEP_DAYS go: a phone that was offline
    longer than that retries as a new write (decision 0046)."""
    cutoff = timezone.now() - timedelta(days=settings.METROPOLI_IDEMPOTENCY_KEEP_DAYS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return {"deleted": deleted}
