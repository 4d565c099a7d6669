"""The projects' old change history arrives whole in the one history (decision 0090), and the
project page tells it in words as before."""

import pytest

from metropoli.common.history import history_of, lines
from metropoli.common.testing import migrate
from metropoli.cooperation import history, services
from metropoli.cooperation.models import Project

from .conftest import project_input

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cooperation", "0003_cooperation_office_group")]


def shown(changes):
    return [(c.field, c.old_value, c.new_value, c.changed_by_id, c.changed_at) for c in changes]


def test_every_old_row_arrives_and_the_page_tells_it(client, pimus, office):
    services.save_project(
        data=project_input(stage="agreement", themes={"mobility": "100"}), by=office, project=pimus
    )
    before = shown(history.recent_changes(pimus))
    old = migrate(BEFORE)
    try:
        rows = old.get_model("cooperation", "ChangeRecord").objects
        assert shown(rows.filter(project_id=pimus.pk).order_by("-changed_at", "-pk")) == before
        rows.create(
            project_id=pimus.pk,
            field="partners",
            new_value="GIZ (implementer)",
            changed_by_id=office.pk,
        )
        count = rows.count()
    finally:
        migrate()

    records = history_of(Project, pimus.pk)
    assert len(lines(records)) == records.count() == count
    assert shown(history.recent_changes(pimus))[1:] == before
    assert records.get(changes__contains=[{"field": "created"}]).action == "create"
    client.force_login(office)
    page = client.get("/cooperacion/proyecto/PIMUS/").content.decode()
    assert "Agregó a GIZ como implementador." in page
    assert "Cambió áreas temáticas de “Movilidad 70 %, Género 30 %” a “Movilidad 100 %”." in page
