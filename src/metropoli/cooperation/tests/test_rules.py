"""One test per named permission: anonymous, citizen, staff without the right, staff with it."""

import pytest

from metropoli.cooperation import services
from metropoli.cooperation.selectors import visible_projects

from .conftest import project_input

pytestmark = pytest.mark.django_db


def allowed(people, perm, obj=None):
    return {name: user.has_perm(perm, obj) for name, user in people.items()}


ONLY_OFFICE = {
    "anonymous": False,
    "citizen": False,
    "staff_elsewhere": False,
    "staff_here": False,
    "office": True,
    "admin": True,
}


@pytest.fixture
def internal(municipalities):
    return services.save_project(
        data=project_input(code="INTERNO", is_public=False, municipality_codes=["14039"]), by=None
    )


def test_view_public_project_everyone(people, pimus):
    assert set(allowed(people, "cooperation.view_project", pimus).values()) == {True}


def test_view_internal_project_office_and_staff_of_a_beneficiary(people, internal):
    assert allowed(people, "cooperation.view_project", internal) == {
        **ONLY_OFFICE,
        "staff_here": True,
    }


def test_visible_projects_matches_the_rule(people, pimus, internal):
    seen = {
        name: sorted(visible_projects(u).values_list("code", flat=True))
        for name, u in people.items()
    }
    assert seen["anonymous"] == seen["citizen"] == seen["staff_elsewhere"] == ["PIMUS"]
    assert seen["staff_here"] == seen["office"] == seen["admin"] == ["INTERNO", "PIMUS"]


def test_edit_project_only_office(people, pimus):
    assert allowed(people, "cooperation.edit_project", pimus) == ONLY_OFFICE


def test_import_projects_only_office(people):
    assert allowed(people, "cooperation.import_projects") == ONLY_OFFICE


def test_view_pipeline_only_office(people):
    assert allowed(people, "cooperation.view_pipeline") == ONLY_OFFICE


def test_edit_pipeline_only_office(people):
    assert allowed(people, "cooperation.edit_pipeline") == ONLY_OFFICE
