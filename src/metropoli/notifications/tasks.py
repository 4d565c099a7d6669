"""Kept for tasks queued before the outbox (decision 0111): a notification still PENDING with no
outgoing e-mail of its own gets one; the outbox sends it."""

from django.db import transaction
from django_tasks import task

from metropoli.common.models import OutgoingEmail
from metropoli.common.outbox import queue_email

from .models import EmailStatus, Notification
from .services import about_note


@task()
def send_email(notification_id: int) -> None:
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, email_status=EmailStatus.PENDING)
            .exclude(email="")
            .first()
        )
        about = about_note(notification_id)
        if note is not None and not OutgoingEmail.objects.filter(about=about).exists():
            queue_email(to=note.email, subject=note.subject, body=note.body, about=about)
