"""The one e-mail task of every notification (docs/decisions/0091-one-notification-model.md)."""

from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from .models import EmailStatus, Notification


@task()
def send_email(notification_id: int) -> None:
    """E-mail the notification's subject and text to its address, at most once.

    The run first claims the row (PENDING → SENDING, one conditional UPDATE, committed on its
    own when the task runs in the worker): a doubled or requeued run finds it claimed and sends
    nothing. A refused send puts the row back to PENDING and raises, so a retry sends it; a
    worker that dies between the claim and the answer of the SMTP server leaves it SENDING, for
    a person to check, rather than risk a second copy.
    """
    claimed = (
        Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING)
        .exclude(email="")
        .update(email_status=EmailStatus.SENDING)
    )
    if not claimed:
        return
    note = Notification.objects.only("subject", "body", "email").get(pk=notification_id)
    try:
        send_mail(note.subject, note.body, None, [note.email])
    except BaseException:
        Notification.objects.filter(pk=note.pk, email_status=EmailStatus.SENDING).update(
            email_status=EmailStatus.PENDING
        )
        raise
    Notification.objects.filter(pk=note.pk).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now()
    )
