"""Participants hear about answers and comments on their contributions: only if they asked,
in the app and by e-mail through the task worker (real SMTP server), in their language."""

import pytest

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.models import OutgoingEmail
from metropoli.common.outbox import deliver
from metropoli.notifications.models import Notification
from metropoli.notifications.tasks import send_email
from metropoli.participation import notices, services
from metropoli.participation.tests.conftest import INSIDE
from metropoli.territory.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return UserFactory(email="autora@example.mx")


@pytest.fixture
def contribution(proceeding, shade, author):
    item, _created = services.submit_contribution(
        proceeding=proceeding, actor=author, category_id=shade.pk, text="Falta sombra",
        geometry=INSIDE,
    )  # fmt: skip
    return item


def answer(contribution, guadalajara, text="Lo revisamos."):
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    services.give_feedback(
        contribution=contribution, moderator=staff, status="under_review", answer=text
    )


def test_no_notice_without_opting_in(
    contribution, guadalajara, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer(contribution, guadalajara)
    assert Notification.objects.count() == 0
    assert smtp_server.messages == []


def test_answer_reaches_an_opted_in_author_by_mail_and_in_the_app(
    contribution, author, guadalajara, smtp_server, django_capture_on_commit_callbacks
):
    notices.set_preference(user=author, notify_replies=True)
    with django_capture_on_commit_callbacks(execute=True):
        answer(contribution, guadalajara)
    notice = Notification.objects.get()
    assert notice.recipient == author and notice.kind == "answer"
    assert notice.emailed_at is not None
    assert [m["To"] for m in smtp_server.messages] == ["autora@example.mx"]
    assert smtp_server.messages[0]["Subject"].strip() == (
        "Respondieron tu aportación a “Consulta de prueba”"
    )
    assert "Lo revisamos." in smtp_server.messages[0].get_content()
    assert notices.unread_count(author) == 1
    notices.mark_read(author)
    assert notices.unread_count(author) == 0
    # Saving the same answer again is no news.
    with django_capture_on_commit_callbacks(execute=True):
        answer(contribution, guadalajara)
    assert Notification.objects.count() == 1


def test_comments_by_others_notify_but_ones_own_do_not(
    contribution, author, anonymous, smtp_server, django_capture_on_commit_callbacks
):
    notices.set_preference(user=author, notify_replies=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(contribution=contribution, actor=author, text="Y bancas también")
        services.add_comment(
            contribution=contribution, actor=anonymous, text="De acuerdo", device_token="d" * 32
        )
    assert list(Notification.objects.values_list("kind", flat=True)) == ["comment"]
    assert len(smtp_server.messages) == 1
    assert "De acuerdo" in smtp_server.messages[0].get_content()


def test_a_doubled_task_run_sends_once(contribution, author, guadalajara, smtp_server):
    notices.set_preference(user=author, notify_replies=True)
    answer(contribution, guadalajara)  # no commit callbacks: the e-mail waits
    notice = Notification.objects.get()
    send_email.call(notice.pk)  # a task queued before the outbox: nothing more is queued
    email = OutgoingEmail.objects.get(about=f"notification:{notice.pk}")
    deliver.call(email.pk)
    deliver.call(email.pk)
    assert len(smtp_server.messages) == 1


def test_turning_the_preference_off_stops_notices(
    contribution, author, guadalajara, django_capture_on_commit_callbacks, smtp_server
):
    notices.set_preference(user=author, notify_replies=True)
    notices.set_preference(user=author, notify_replies=False)
    with django_capture_on_commit_callbacks(execute=True):
        answer(contribution, guadalajara)
    assert Notification.objects.count() == 0
