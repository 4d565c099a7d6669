"""The e-mail outbox (decision 0111): every e-mail of the platform is a row here first, and
`deliver` hands it to the SMTP server, again and again with growing pauses while the server is
down or refuses it, so an SMTP outage delays e-mails instead of losing them.

`queue_email` stores the row in the caller's transaction and asks for its delivery once that
commits (a rolled-back write sends nothing). `deliver` claims the row (PENDING → SENDING, one
committed UPDATE) so that doubled runs send one copy; a refusal puts it back to PENDING with the
next attempt's time and a delivery task deferred to then; after the last pause it is FAILED and
logged. `deliver_due` (hourly) picks up rows whose deferred task was lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django_tasks import task

from .models import OutboxStatus as EmailStatus
from .models import OutgoingEmail

log = logging.getLogger(__name__)

# Pauses after the 1st, 2nd… refused attempt: about two days in all, then the e-mail fails.
PAUSES = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60, 3 * 60, 6 * 60, 12 * 60, 24 * 60))
KEEP_DAYS = 30  # sent and failed rows are forgotten after this


# Sent once an e-mail is SENT or FAILED for good: sender=OutgoingEmail, email=the row (its
# `about` says what it copies), status=OutboxStatus. The notifications app listens.
email_settled = Signal()


def queue_email(*, to: str, subject: str, body: str, about: str = "") -> OutgoingEmail:
    email = OutgoingEmail.objects.create(to=to, subject=subject[:200], body=body, about=about)
    transaction.on_commit(lambda: deliver.enqueue(email.pk))
    return email


@task()
def deliver(email_id: int) -> str:
    """Send one queued e-mail if it is due and nobody else is sending it; what became of it."""
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status=EmailStatus.PENDING, next_attempt_at__lte=now
    ).update(status=EmailStatus.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return "not due"
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        send_mail(email.subject, email.body, None, [email.to])
    except Exception as error:  # noqa: BLE001 - any refusal: try again later
        return _refused(email, error)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), body="", last_error=""
    )
    email_settled.send(sender=OutgoingEmail, email=email, status=EmailStatus.SENT)
    return "sent"


def _refused(email: OutgoingEmail, error: Exception) -> str:
    reason = f"{error.__class__.__name__}: {error}"[:300]
    if email.attempts > len(PAUSES):
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=EmailStatus.FAILED, last_error=reason
        )
        email_settled.send(sender=OutgoingEmail, email=email, status=EmailStatus.FAILED)
        log.error("e-mail %s to %s failed for good after %s attempts: %s",
                  email.pk, email.to, email.attempts, reason)  # fmt: skip
        return "failed"
    when = timezone.now() + PAUSES[email.attempts - 1]
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.PENDING, next_attempt_at=when, last_error=reason
    )
    log.warning("e-mail %s refused (attempt %s), next attempt at %s: %s",
                email.pk, email.attempts, when.isoformat(), reason)  # fmt: skip
    if deliver.get_backend().supports_defer:
        deliver.using(run_after=when).enqueue(email.pk)
    return "retry"


@task()
def deliver_due() -> dict:
    """Hourly: deliver rows that are due but have no task waiting (a lost or failed task), and
    forget sent and failed rows older than KEEP_DAYS."""
    now = timezone.now()
    late = list(
        OutgoingEmail.objects.filter(
            status=EmailStatus.PENDING, next_attempt_at__lte=now - timedelta(minutes=5)
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in late:
        deliver.enqueue(pk)
    forgotten, _ = OutgoingEmail.objects.filter(
        status__in=[EmailStatus.SENT, EmailStatus.FAILED],
        created_at__lt=now - timedelta(days=KEEP_DAYS),
    ).delete()
    return {"queued": len(late), "forgotten": forgotten}
