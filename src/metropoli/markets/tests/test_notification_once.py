"""An e-mail notification goes out once, even when its task runs twice at the same moment
(a task requeued after its worker was presumed dead, decision 0037)."""

import pytest

from metropoli.common.testing import run_in_parallel
from metropoli.markets.models import Notification
from metropoli.markets.services.notifications import send_notification_email

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_runs_of_one_notification_send_one_message(smtp_server):
    note = Notification.objects.create(
        email="ana@example.mx", subject="Pedido listo", body="Tu pedido está listo."
    )
    outcomes = run_in_parallel([lambda: send_notification_email.call(note.pk)] * 4)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert len(smtp_server.messages) == 1
    note.refresh_from_db()
    assert note.emailed_at is not None
    send_notification_email.call(note.pk)
    assert len(smtp_server.messages) == 1
