"""`notify` stores a notification and, when it has an address, its e-mail in the outbox
(outbox.py), sent once the writer's transaction commits; the lists, unread counts and "mark as
read" of each module's pages."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from metropoli.common.outbox import queue_email

from .models import EmailStatus, Notification


def notify(
    recipient=None,
    *,
    source: str,
    kind: str,
    subject: str,
    body: str = "",
    link: str = "",
    about: models.Model | None = None,
    params: dict[str, Any] | None = None,
    email: str | None = None,
) -> Notification:
    """Tell `recipient` (a person; None for a guest) something, in the text given: the caller
    writes it in the language it is meant to be read in.

    `email` is where the copy goes: None means the person's own address if they asked for
    e-mails (their account's `email_notifications`), "" means no e-mail; a module that asked
    its own consent passes the address itself. The e-mail is queued after the transaction
    commits, so a rolled-back write sends nothing.
    """
    if email is None:
        wants = recipient is not None and getattr(recipient, "email_notifications", False)
        email = recipient.email if wants else ""
    note = Notification.objects.create(
        recipient=recipient,
        email=email or "",
        source=source,
        kind=kind,
        subject=subject[:200],
        body=body,
        link=link,
        about=about,
        params=params or {},
        email_status=EmailStatus.PENDING if email else EmailStatus.NONE,
    )
    if email:
        queue_email(to=email, subject=note.subject, body=body, about=about_note(note.pk))
    return note


def about_note(notification_id: int) -> str:
    """How the outbox names the e-mail copy of a notification."""
    return f"notification:{notification_id}"


def email_settled(sender, *, email, status, **kwargs) -> None:
    """The outbox sent or gave up on an e-mail: if it copies a notification, say so on it."""
    prefix, _, number = email.about.partition(":")
    if prefix != "notification" or not number.isascii() or not number.isdigit():
        return
    changes = {"email_status": status}
    if status == EmailStatus.SENT:
        changes["emailed_at"] = timezone.now()
    Notification.objects.filter(pk=int(number)).update(**changes)


def of(recipient, source: str) -> QuerySet[Notification]:
    """A person's notifications from one module, newest first."""
    return Notification.objects.filter(recipient=recipient, source=source)


def unread_count(recipient, source: str) -> int:
    if not getattr(recipient, "is_authenticated", False):
        return 0
    return of(recipient, source).filter(read_at__isnull=True).count()


@transaction.atomic
def mark_read(recipient, source: str) -> int:
    return of(recipient, source).filter(read_at__isnull=True).update(read_at=timezone.now())
