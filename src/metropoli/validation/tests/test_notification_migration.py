"""Validation's notifications moved to the notifications app's one model (decision 0091): a
round trip through the old table keeps every row, its decision and lesson, its read and e-mail
marks, and writes the subject again in the recorder's language."""

import pytest
from django.utils import timezone

from metropoli.notifications.models import Notification
from metropoli.notifications.testing import migrate, migrate_to_latest, snapshot
from metropoli.validation import selectors, services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def back_to_the_latest_schema():
    yield
    migrate_to_latest()


def test_every_notification_survives_the_move(
    make_tree, arborist, recorder, species, smtp_server, back_to_the_latest_schema
):
    recorder.email_notifications = True
    recorder.save(update_fields=["email_notifications"])
    emailed, quiet = make_tree(), make_tree(lon=-103.3501, lat=20.6801)
    services.cast_vote(
        tree=emailed, voter=arborist, kind="needs_correction", corrected_dbh_cm="25", reason="DAP"
    )
    recorder.email_notifications = False
    recorder.save(update_fields=["email_notifications"])
    services.cast_vote(tree=quiet, voter=arborist, kind="confirm")
    Notification.objects.filter(about_id=quiet.validation_decision.pk).update(
        read_at=timezone.now()
    )
    before = snapshot()
    assert len(before) == 2 and len(smtp_server.messages) == 1

    old = migrate([("validation", "0003_spanish_admin_names")])
    rows = old.get_model("validation", "Notification").objects.order_by("pk")
    assert [r.lesson_slug for r in rows] == ["medir-dap", ""]
    migrate_to_latest()

    assert snapshot() == before
    note = selectors.notifications_for(recorder).get(about_id=emailed.validation_decision.pk)
    assert note.subject == f"Tu árbol #{emailed.pk}: Necesita corrección"
    assert selectors.lesson_of(note) == "medir-dap"
