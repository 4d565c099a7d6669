"""The e-mail outbox: sends a notification's subject and text through the real SMTP backend to a
local aiosmtpd server, once, even when runs are doubled, and again later while the server
refuses it (decisions 0037, 0091, 0111)."""

import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common import outbox
from metropoli.common.models import OutgoingEmail
from metropoli.common.outbox import deliver
from metropoli.common.testing import run_in_parallel
from metropoli.notifications import services
from metropoli.notifications.models import EmailStatus, Notification
from metropoli.notifications.tasks import send_email

pytestmark = pytest.mark.django_db(transaction=True)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def guest_note() -> tuple[Notification, OutgoingEmail]:
    """A guest's notification and its e-mail in the outbox, not yet handed to a task."""
    note = Notification.objects.create(
        email="ana@example.mx",
        source="markets",
        kind="order",
        subject="Pedido listo",
        body="Tu pedido está listo.",
        email_status=EmailStatus.PENDING,
    )
    email = OutgoingEmail.objects.create(
        to=note.email, subject=note.subject, body=note.body, about=f"notification:{note.pk}"
    )
    return note, email


def test_parallel_runs_of_one_e_mail_send_one_message(smtp_server):
    note, email = guest_note()
    outcomes = run_in_parallel([lambda: deliver.call(email.pk)] * 4)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert sorted(outcomes) == ["not due", "not due", "not due", "sent"]
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "ana@example.mx" and str(message["Subject"]) == "Pedido listo"
    assert message.get_content().strip() == "Tu pedido está listo."
    note.refresh_from_db()
    assert note.email_status == EmailStatus.SENT and note.emailed_at is not None
    email.refresh_from_db()
    assert (email.status, email.body) == (EmailStatus.SENT, "")  # a sent text is not kept
    deliver.call(email.pk)
    assert len(smtp_server.messages) == 1


def test_a_refused_send_waits_and_is_sent_when_the_server_is_back(settings, smtp_server, caplog):
    note, email = guest_note()
    server_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port()  # nobody listens there: the connection is refused
    before = timezone.now()
    assert deliver.call(email.pk) == "retry"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
    assert email.next_attempt_at >= before + outbox.PAUSES[0]
    assert "ConnectionRefusedError" in email.last_error
    assert "refused (attempt 1)" in caplog.text
    # Not due yet: a run before the pause is over does nothing, even with the server back.
    settings.EMAIL_PORT = server_port
    assert deliver.call(email.pk) == "not due" and smtp_server.messages == []
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert deliver.call(email.pk) == "sent"
    assert len(smtp_server.messages) == 1
    assert Notification.objects.get(pk=note.pk).email_status == EmailStatus.SENT


def test_the_retry_is_a_task_deferred_to_the_next_attempt(settings, smtp_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    _note, email = guest_note()
    settings.EMAIL_PORT = closed_port()
    assert deliver.call(email.pk) == "retry"
    email.refresh_from_db()
    waiting = DBTaskResult.objects.get(task_path="metropoli.common.outbox.deliver")
    assert waiting.args_kwargs["args"] == [email.pk]
    assert waiting.run_after == email.next_attempt_at


def test_after_the_last_pause_the_e_mail_fails_and_says_so(settings, smtp_server, caplog):
    note, email = guest_note()
    settings.EMAIL_PORT = closed_port()
    for _attempt in range(len(outbox.PAUSES) + 1):
        OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        outcome = deliver.call(email.pk)
    assert outcome == "failed"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, len(outbox.PAUSES) + 1)
    assert Notification.objects.get(pk=note.pk).email_status == EmailStatus.FAILED
    assert "failed for good" in caplog.text


def test_the_hourly_sweep_sends_what_lost_its_task_and_forgets_old_rows(smtp_server):
    _note, late = guest_note()
    OutgoingEmail.objects.filter(pk=late.pk).update(
        next_attempt_at=timezone.now() - timedelta(hours=1)
    )
    old = OutgoingEmail.objects.create(
        to="x@example.mx", subject="Viejo", status=EmailStatus.SENT,
        created_at=timezone.now() - timedelta(days=outbox.KEEP_DAYS + 1),
    )  # fmt: skip
    assert outbox.deliver_due.call() == {"queued": 1, "forgotten": 1}
    assert [m["To"] for m in smtp_server.messages] == ["ana@example.mx"]
    assert not OutgoingEmail.objects.filter(pk=old.pk).exists()


def test_a_claimed_row_is_never_sent_again(smtp_server):
    # A run whose worker died between its claim and the SMTP server's answer leaves the row
    # SENDING: the requeued run must not risk a second copy.
    _note, email = guest_note()
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING)
    assert deliver.call(email.pk) == "not due"
    assert smtp_server.messages == []


def test_a_task_queued_before_the_outbox_puts_its_e_mail_there_once(smtp_server):
    note = Notification.objects.create(
        email="ana@example.mx", source="markets", kind="order", subject="S", body="B",
        email_status=EmailStatus.PENDING,
    )  # fmt: skip
    send_email.call(note.pk)
    send_email.call(note.pk)
    assert [m["To"] for m in smtp_server.messages] == ["ana@example.mx"]
    assert OutgoingEmail.objects.filter(about=f"notification:{note.pk}").count() == 1


def test_notify_emails_only_people_who_asked_after_commit(smtp_server):
    asked = UserFactory(email="si@example.mx", email_notifications=True)
    silent = UserFactory(email="no@example.mx", email_notifications=False)
    for person in (asked, silent):
        services.notify(person, source="markets", kind="order", subject="Hola", body="Texto")
    assert [m["To"] for m in smtp_server.messages] == ["si@example.mx"]
    statuses = dict(Notification.objects.values_list("recipient__email", "email_status"))
    assert statuses == {"si@example.mx": EmailStatus.SENT, "no@example.mx": EmailStatus.NONE}
    # A module that asked its own consent passes the address itself.
    services.notify(silent, source="participation", kind="answer", subject="S", email=silent.email)
    assert [m["To"] for m in smtp_server.messages] == ["si@example.mx", "no@example.mx"]


def test_lists_and_read_marks_are_per_module(smtp_server):
    person = UserFactory(email_notifications=False)
    services.notify(person, source="markets", kind="order", subject="A")
    services.notify(person, source="validation", kind="decision", subject="B")
    assert services.unread_count(person, "markets") == 1
    assert services.mark_read(person, "markets") == 1
    assert services.unread_count(person, "markets") == 0
    assert services.unread_count(person, "validation") == 1
    assert [n.subject for n in services.of(person, "validation")] == ["B"]
