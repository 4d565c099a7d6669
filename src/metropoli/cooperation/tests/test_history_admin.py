"""The admin shows the one change history read only: the whole list, and a project's own
changes on its page (decision 0090)."""

import pytest

from metropoli.accounts.tests.factories import UserFactory
from metropoli.cooperation import services

from .conftest import project_input

pytestmark = pytest.mark.django_db


def test_the_admin_lists_changes_and_shows_them_on_the_project(client, pimus, office):
    services.save_project(
        data=project_input(stage="agreement", themes={"mobility": "100"}), by=office, project=pimus
    )
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    listing = client.get("/admin/common/changerecord/", headers={"Accept-Language": "es-MX"})
    assert listing.status_code == 200
    assert "stage: implementation → agreement" in listing.content.decode()
    page = client.get(f"/admin/cooperation/project/{pimus.pk}/change/")
    assert page.status_code == 200
    assert "themes: mobility:70, gender:30 → mobility:100" in page.content.decode()
    assert client.post("/admin/common/changerecord/add/", {}).status_code == 403
