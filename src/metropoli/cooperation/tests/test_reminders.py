"""Deadline reminders through a real SMTP server, never sent twice, and kept in the outbox while
the server refuses them (decision 0111). Transactional: the outbox sends after commit."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from metropoli.accounts.tests.factories import UserFactory
from metropoli.cooperation.models import Opportunity, ReminderSent
from metropoli.cooperation.reminders import send_deadline_reminders
from metropoli.cooperation.tasks import send_deadline_reminders as reminder_task

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def owner(db):
    return UserFactory(email="enlace@example.mx")


def opportunity(owner, days, **fields):
    return Opportunity.objects.create(
        kind="call",
        title=f"Convocatoria a {days} días",
        organiser="Unión Europea",
        deadline=timezone.localdate() + timedelta(days=days),
        owner=owner,
        agenda_fit="Movilidad",
        **fields,
    )


def test_reminders_go_out_once_per_threshold(smtp_server, settings, owner, today):
    settings.COOPERATION_REMINDER_DAYS = [14, 7, 1]
    due_in_5 = opportunity(owner, 5)
    opportunity(owner, 30)  # too far away
    opportunity(owner, 3, status="discarded")  # not open any more
    opportunity(owner, -1)  # deadline passed

    assert send_deadline_reminders(today=today).sent == 1
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "enlace@example.mx"
    assert "Convocatoria a 5 días" in message["Subject"]
    assert "5" in message["Subject"]

    # Running again the same day (or the next) sends nothing new: the 7-day reminder is done.
    assert send_deadline_reminders(today=today).sent == 0
    assert send_deadline_reminders(today=today + timedelta(days=1)).sent == 0
    assert len(smtp_server.messages) == 1

    # The 1-day threshold is a new reminder.
    assert send_deadline_reminders(today=due_in_5.deadline - timedelta(days=1)).sent == 1
    assert list(
        ReminderSent.objects.values_list("days_before", flat=True).order_by("days_before")
    ) == [1, 7]
    assert len(smtp_server.messages) == 2


def test_without_owner_the_office_address_is_used(smtp_server, settings, today):
    settings.COOPERATION_OFFICE_EMAIL = "cooperacion@example.mx"
    opportunity(None, 10)
    assert send_deadline_reminders(today=today).sent == 1
    assert smtp_server.messages[0]["To"] == "cooperacion@example.mx"
    settings.COOPERATION_OFFICE_EMAIL = ""
    opportunity(None, 2)
    outcome = send_deadline_reminders(today=today)
    assert (outcome.sent, outcome.skipped_no_recipient) == (0, 2)


def test_a_refused_reminder_waits_in_the_outbox_until_the_server_answers(
    smtp_server, settings, owner, today
):
    from metropoli.common.models import OutboxStatus as EmailStatus
    from metropoli.common.models import OutgoingEmail
    from metropoli.common.outbox import deliver

    server_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    opportunity(owner, 5)
    assert send_deadline_reminders(today=today).sent == 1
    waiting = OutgoingEmail.objects.get()
    assert (waiting.status, waiting.attempts) == (EmailStatus.PENDING, 1)
    assert send_deadline_reminders(today=today).sent == 0  # recorded: not queued twice
    settings.EMAIL_PORT = server_port
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # the pause is over
    assert deliver.call(waiting.pk) == "sent"
    assert [m["To"] for m in smtp_server.messages] == ["enlace@example.mx"]


def test_command_and_task_send_reminders(smtp_server, owner):
    opportunity(owner, 1)
    call_command("cooperation", "send-reminders")
    assert len(smtp_server.messages) == 1
    result = reminder_task.enqueue()
    assert result.return_value == 0
    assert len(smtp_server.messages) == 1
