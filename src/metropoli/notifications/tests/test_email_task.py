"""The one e-mail task: sends a notification's subject and text through the real SMTP backend
to a local aiosmtpd server, once, even when runs are doubled or retried (decisions 0037, 0091)."""

import socket

import pytest

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.testing import run_in_parallel
from metropoli.notifications import services
from metropoli.notifications.models import EmailStatus, Notification
from metropoli.notifications.tasks import send_email

pytestmark = pytest.mark.django_db(transaction=True)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def guest_note(**fields) -> Notification:
    return Notification.objects.create(
        email="ana@example.mx",
        source="markets",
        kind="order",
        subject="Pedido listo",
        body="Tu pedido está listo.",
        email_status=EmailStatus.PENDING,
        **fields,
    )


def test_parallel_runs_of_one_notification_send_one_message(smtp_server):
    note = guest_note()
    outcomes = run_in_parallel([lambda: send_email.call(note.pk)] * 4)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "ana@example.mx" and str(message["Subject"]) == "Pedido listo"
    assert message.get_content().strip() == "Tu pedido está listo."
    note.refresh_from_db()
    assert note.email_status == EmailStatus.SENT and note.emailed_at is not None
    send_email.call(note.pk)
    assert len(smtp_server.messages) == 1


def test_a_refused_send_is_sent_by_the_retry(settings, smtp_server):
    note = guest_note()
    server_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port()  # nobody listens there: the connection is refused
    with pytest.raises(OSError):
        send_email.call(note.pk)
    note.refresh_from_db()
    assert note.email_status == EmailStatus.PENDING and note.emailed_at is None

    settings.EMAIL_PORT = server_port
    send_email.call(note.pk)
    assert len(smtp_server.messages) == 1
    assert Notification.objects.get(pk=note.pk).email_status == EmailStatus.SENT


def test_a_claimed_row_is_never_sent_again(smtp_server):
    # A run whose worker died between its claim and the SMTP server's answer leaves the row
    # SENDING: the requeued run must not risk a second copy.
    note = guest_note()
    Notification.objects.filter(pk=note.pk).update(email_status=EmailStatus.SENDING)
    send_email.call(note.pk)
    assert smtp_server.messages == []


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
