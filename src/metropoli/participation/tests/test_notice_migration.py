"""Participants' notices moved to the notifications app's one model (decision 0091): a round
trip through the old table keeps every notice, its text, kind, read and e-mail marks."""

import pytest
from django.utils import timezone

from metropoli.accounts.tests.factories import UserFactory
from metropoli.notifications.models import Notification
from metropoli.notifications.testing import KEPT, migrate, migrate_to_latest, snapshot
from metropoli.participation import notices, services
from metropoli.participation.tests.conftest import INSIDE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def back_to_the_latest_schema():
    yield
    migrate_to_latest()


def test_every_notice_survives_the_move(
    proceeding, shade, guadalajara, smtp_server, back_to_the_latest_schema
):
    author, neighbour = UserFactory(email="autora@example.mx"), UserFactory()
    notices.set_preference(user=author, notify_replies=True)
    contribution, _created = services.submit_contribution(
        proceeding=proceeding, actor=author, category_id=shade.pk, text="Falta sombra",
        geometry=INSIDE,
    )  # fmt: skip
    services.add_comment(contribution=contribution, actor=neighbour, text="De acuerdo")
    Notification.objects.update(read_at=timezone.now())
    before = snapshot(*KEPT, "body")
    assert len(before) == 1 and len(smtp_server.messages) == 1

    old = migrate([("participation", "0004_spanish_admin_names")])
    (row,) = old.get_model("participation", "Notice").objects.all()
    assert row.kind == "comment" and row.contribution_id == contribution.pk
    migrate_to_latest()

    assert snapshot(*KEPT, "body") == before
    assert notices.unread_count(author) == 0
