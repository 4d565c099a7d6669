"""Kept for tasks queued before the outbox (decision 0111): a notification still PENDING with no
outgoing e-mail of its own gets one; the outbox sends it."""

from django.db import transaction
from django_tasks import task

from .models import EmailStatus, Notification, OutgoingEmail
from .outbox import queue_email


@task()
def send_email(notification_id: int) -> None:
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, email_status=EmailStatus.PENDING)
            .exclude(email="")
            .first()
        )
        if note is not None and not OutgoingEmail.objects.filter(notification_id=note.pk).exists():
            queue_email(to=note.email, subject=note.subject, body=note.body, notification=note)
